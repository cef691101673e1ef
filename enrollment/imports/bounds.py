"""Limits on what an uploaded file may become, checked before and while it is parsed (issue #11).

A 20 MB byte limit does not bound a file: a 1 MB ``.xlsx`` can hold a 1 GB
string, a 3 MB one a sheet of 25 million cells, a 9 MB CSV a million rows. Every
upload (roster, KPJ, payments) goes through these checks, each of which ends
in one Indonesian message and a final state, never in a server that runs out of
memory:

- before anything is parsed: the byte size (also before the file is stored),
  the zip's entry count and declared uncompressed size (absolute and against
  the file's size), and a streamed pass over the sheet XML that counts rows,
  columns and cells without building them (python-calamine builds a dense
  grid of the whole used range, so a sheet with cells at A1 and CV200000 would
  cost 20 million cells);
- while the rows stream: the column count and the length of every cell;
- the number of problems reported: checking stops after ``MAX_PROBLEMS``.

The numbers are settings-free constants on purpose: a real roster or payment
file has at most ``MAX_ROWS`` rows of ``MAX_COLUMNS`` columns.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

MAX_ROWS = 200_000  # data rows, header excluded
MAX_COLUMNS = 100
MAX_CELL_CHARS = 1_000
MAX_PROBLEMS = 300  # problems reported before the check stops
MAX_ZIP_ENTRIES = 1_000
MAX_UNCOMPRESSED_BYTES = 160 * 1024 * 1024  # a 100,000-row roster is about 25 MB unpacked
MAX_RATIO = 100  # declared unpacked size / file size; real workbooks are 5-20
MAX_SHARED_STRINGS = 1_500_000  # a 200,000-row roster has at most 3 distinct texts per row
MAX_CELLS = 4_000_000  # rows x columns of the used range (calamine allocates all of it)

TOO_MANY_ROWS = _(
    "Berkas berisi lebih dari %(limit)s baris data. Satu roster atau berkas pembayaran paling "
    "banyak %(limit)s baris; bagi berkasnya atau hapus baris kosong di bawah data."
)
TOO_MANY_COLUMNS = _(
    "Berkas berisi %(count)s kolom, padahal paling banyak %(limit)s. Hapus kolom yang tidak "
    "dipakai (juga kolom kosong yang berformat) lalu simpan ulang."
)
USED_RANGE_TOO_LARGE = _(
    "Area sel yang terpakai terlalu besar (%(rows)s baris × %(columns)s kolom). Hapus baris dan "
    "kolom kosong yang berformat di bawah dan di kanan data lalu simpan ulang."
)
CELL_TOO_LONG = _(
    "Sel ini berisi lebih dari %(limit)s karakter. Isi sel roster tidak sepanjang itu; periksa "
    "apakah isi berkas tertempel ke satu sel."
)
ZIP_SUSPICIOUS = _(
    "Berkas .xlsx ini membesar menjadi %(size)s saat dibuka (%(ratio)s kali ukurannya), jauh di "
    "atas roster biasa. Buka di Excel, simpan ulang sebagai Excel Workbook (.xlsx) lalu unggah "
    "lagi."
)
ZIP_TOO_MANY_ENTRIES = _(
    "Berkas .xlsx ini berisi %(count)s bagian (batas %(limit)s). Simpan ulang tanpa gambar atau "
    "lampiran lalu unggah lagi."
)
ZIP_MACROS = _(
    "Berkas ini berisi makro (buku kerja .xlsm). Simpan ulang sebagai Excel Workbook (.xlsx) "
    "tanpa makro lalu unggah lagi."
)
ZIP_EXTERNAL_LINKS = _(
    "Berkas ini bertaut ke berkas lain (tautan eksternal). Salin lalu tempel sebagai nilai, "
    "hapus tautannya (Data → Edit Links → Break Link) lalu unggah lagi."
)
TOO_MANY_TEXTS = _(
    "Berkas .xlsx ini berisi lebih dari %(limit)s teks berbeda, jauh di atas roster biasa. "
    "Salin data roster saja ke buku kerja baru lalu unggah lagi."
)
TOO_MANY_PROBLEMS = _(
    "Lebih dari %(limit)s masalah; pemeriksaan berhenti di baris %(row)s. Perbaiki masalah di "
    "atas lalu unggah ulang untuk melihat sisanya."
)
ENCODING_UTF16 = _(
    "Berkas CSV ini disimpan sebagai Unicode (UTF-16). Buka di Excel lalu simpan sebagai "
    "'CSV UTF-8 (Comma delimited)'."
)
ENCODING_MIXED = _(
    "Baris %(row)s berkas CSV ini tidak tertulis dalam UTF-8 seperti baris lainnya (berkas "
    "bercampur pengodean). Simpan ulang seluruh berkas sebagai 'CSV UTF-8'."
)
BINARY_CSV = _(
    "Berkas ini bukan teks CSV (berisi karakter biner). Simpan ulang sebagai Excel Workbook "
    "(.xlsx) atau 'CSV UTF-8'."
)
CSV_BROKEN = _(
    "Baris %(row)s tidak dapat dibaca sebagai CSV (tanda kutip tidak tertutup atau karakter "
    "tak sah). Perbaiki baris itu atau simpan ulang dari Excel."
)


class FileRefused(Exception):
    """The file breaks a limit: one message at one place; nothing of it is used."""

    def __init__(self, message, *, row: int = 1, column: str = "A"):
        super().__init__(str(message))
        self.message = str(message)
        self.row = row
        self.column = column


def fmt(number: int) -> str:
    """200.000 (Indonesian thousands separator)."""
    return f"{number:,}".replace(",", ".")


# --- zip (xlsx) ---------------------------------------------------------------------------------


def check_zip(archive: zipfile.ZipFile, size: int) -> None:
    """The archive's table of contents alone: entries and declared unpacked size."""
    from enrollment.imports.reading import human_size

    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise FileRefused(
            ZIP_TOO_MANY_ENTRIES % {"count": fmt(len(entries)), "limit": fmt(MAX_ZIP_ENTRIES)}
        )
    names = [entry.filename.lower() for entry in entries]
    if any(name.endswith("vbaproject.bin") for name in names):
        raise FileRefused(ZIP_MACROS)
    if any(name.startswith("xl/externallinks/") for name in names):
        raise FileRefused(ZIP_EXTERNAL_LINKS)
    unpacked = sum(max(entry.file_size, 0) for entry in entries)
    ratio = unpacked / max(size, 1)
    if unpacked > MAX_UNCOMPRESSED_BYTES or (unpacked > 10 * 1024 * 1024 and ratio > MAX_RATIO):
        raise FileRefused(
            ZIP_SUSPICIOUS % {"size": human_size(unpacked), "ratio": fmt(round(ratio))}
        )


_ROW_REF = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d{1,9})"')
# Columns J (10) and beyond: a 9-column roster never matches, so the pass costs one regex scan.
_WIDE_REF = re.compile(rb'r="([J-Z]|[A-Z]{2,3})[0-9]')  # the literal lead keeps it fast
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]{0,3}\d*:?([A-Z]{1,3})(\d{1,9})"')
_PREFIX = re.compile(rb"<(\w+):worksheet\b")
_FORMULA_ENDS = (b"</f>", b":f>")  # every formula has a closing tag (shared ones point at it)
_DATA_HINTS = (b"<v>", b"<v ", b":v>", b"<is>", b":is>")
NARROWEST = 9  # the columns assumed when no cell lies beyond column I


def column_number(letters: bytes | str) -> int:
    number = 0
    for char in letters if isinstance(letters, str) else letters.decode():
        number = number * 26 + ord(char) - 64
    return number


@dataclass
class SheetScan:
    """What a worksheet's XML holds, counted in one streamed pass (nothing is built)."""

    rows: int = 0  # highest row number or number of row elements, whichever is larger
    columns: int = 0  # highest column number referenced
    cells: int = 0  # cell elements
    has_data: bool = False  # any value at all
    chunks: list[bytes] = field(default_factory=list, repr=False)  # chunks with formulas

    def check(self) -> None:
        if self.rows > MAX_ROWS + 1:
            raise FileRefused(TOO_MANY_ROWS % {"limit": fmt(MAX_ROWS)})
        if self.columns > MAX_COLUMNS:
            raise FileRefused(
                TOO_MANY_COLUMNS % {"count": fmt(self.columns), "limit": fmt(MAX_COLUMNS)}
            )
        if self.rows * max(self.columns, 1) > MAX_CELLS or self.cells > MAX_CELLS:
            raise FileRefused(
                USED_RANGE_TOO_LARGE % {"rows": fmt(self.rows), "columns": fmt(self.columns)}
            )


def scan_sheet(archive: zipfile.ZipFile, path: str, *, keep_formula_chunks=None) -> SheetScan:
    """Stream one worksheet's XML (bounded by its declared size) and count what calamine would build.

    Checked after every megabyte, so a sheet far over the limits stops early. Cells without
    an `r` reference (calamine places them one after another) are counted per row.
    `keep_formula_chunks(buffer)` receives each chunk that holds a formula element.
    About 0.6 s for a 100,000-row roster (35 MB of XML).
    """
    scan = SheetScan()
    row_elements = 0
    tail = b""
    row_tag = cell_tag = cell_ref = None
    with archive.open(path) as xml:
        while chunk := xml.read(1 << 20):
            buffer = tail + chunk
            if row_tag is None:
                prefix = _PREFIX.search(buffer)
                ns = prefix.group(1) + b":" if prefix else b""
                row_tag, cell_tag, cell_ref = b"<" + ns + b"row", b"<" + ns + b"c", b"<" + ns + b'c r="'
                dimension = _DIMENSION.search(buffer)
                if dimension:  # calamine may size its grid from the dimension
                    scan.columns = column_number(dimension.group(1))
                    scan.rows = int(dimension.group(2))
            row_elements += chunk.count(row_tag)
            cells = chunk.count(cell_tag)  # also counts the few <col> elements: harmless
            scan.cells += cells
            last = max(buffer.rfind(row_tag + b" "), 0)
            ref = _ROW_REF.search(buffer, last)
            if ref:
                scan.rows = max(scan.rows, int(ref.group(1)))
            scan.rows = max(scan.rows, row_elements)
            for letters in set(_WIDE_REF.findall(buffer)):
                scan.columns = max(scan.columns, column_number(letters))
            if cells > chunk.count(cell_ref) + 64:  # cells placed by position: the widest row counts
                widest = max(part.count(cell_tag) for part in buffer.split(row_tag))
                scan.columns = max(scan.columns, widest)
            scan.columns = max(scan.columns, min(NARROWEST, scan.cells))
            if not scan.has_data:
                scan.has_data = any(hint in buffer for hint in _DATA_HINTS)
            if keep_formula_chunks is not None and any(end in buffer for end in _FORMULA_ENDS):
                keep_formula_chunks(buffer)
            scan.check()
            tail = buffer[-4096:]
    return scan


def dimension_rows(head: bytes) -> int | None:
    """The last row of a worksheet's declared ``<dimension ref="A1:H100001"/>``, if any."""
    found = _DIMENSION.search(head)
    return int(found.group(2)) if found else None


def scan_shared_strings(archive: zipfile.ZipFile) -> int:
    """The number of entries in the shared-strings table (calamine loads all of them), streamed."""
    try:
        handle = archive.open("xl/sharedStrings.xml")
    except KeyError:
        return 0
    count = 0
    with handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"<si>") + chunk.count(b"<si ") + chunk.count(b":si>")
            if count > MAX_SHARED_STRINGS:
                raise FileRefused(TOO_MANY_TEXTS % {"limit": fmt(MAX_SHARED_STRINGS)})
    return count


# --- csv ----------------------------------------------------------------------------------------

_UTF8_BOM = b"\xef\xbb\xbf"


def decode_csv(data: bytes) -> str:
    """UTF-8 (BOM or not), else Windows-1252; UTF-16, binary and mixed files get one message."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (
        len(data) > 3 and data[1:2] == b"\x00" and data[3:4] == b"\x00"
    ):
        raise FileRefused(ENCODING_UTF16)
    if b"\x00" in data:
        raise FileRefused(BINARY_CSV)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        failure = exc
    line = data.count(b"\n", 0, failure.start) + 1
    if data.startswith(_UTF8_BOM) or _mostly_utf8(data):
        raise FileRefused(ENCODING_MIXED % {"row": line}, row=line)
    return data.decode("cp1252", "replace")


def _mostly_utf8(data: bytes) -> bool:
    """Several valid multi-byte UTF-8 sequences: the file was UTF-8 until one bad line."""
    return len(re.findall(rb"[\xc2-\xf4][\x80-\xbf]+", data[:1 << 20])) >= 3


def count_lines(text: str) -> int:
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def check_csv_size(text: str) -> None:
    """Over-counts multi-line cells, which a roster of this size does not have."""
    if count_lines(text) > MAX_ROWS + 1 + 1000:
        raise FileRefused(TOO_MANY_ROWS % {"limit": fmt(MAX_ROWS)})


# --- rows, as they stream -----------------------------------------------------------------------


def bounded_rows(rows: Iterable[tuple[int, list]], *, letter=None) -> Iterator[tuple[int, list]]:
    """Pass rows on, refusing the file at the first row past the limits.

    Also turns the csv module's own errors (a cell over its 131,072-character limit,
    a NUL byte, a broken quote) into one message at the row they happened.
    About 0.15 s per 100,000 rows.
    """
    iterator = iter(rows)
    number = 0
    last_row, max_columns, max_chars = MAX_ROWS + 1, MAX_COLUMNS, MAX_CELL_CHARS
    while True:
        try:
            number, cells = next(iterator)
        except StopIteration:
            return
        except csv.Error as exc:
            row = number + 1
            if "field larger" in str(exc):
                raise FileRefused(CELL_TOO_LONG % {"limit": fmt(max_chars)}, row=row) from None
            raise FileRefused(CSV_BROKEN % {"row": row}, row=row) from None
        if number > last_row:
            raise FileRefused(TOO_MANY_ROWS % {"limit": fmt(MAX_ROWS)}, row=number)
        if len(cells) > max_columns and any(v not in (None, "") for v in cells[max_columns:]):
            raise FileRefused(
                TOO_MANY_COLUMNS % {"count": fmt(len(cells)), "limit": fmt(max_columns)},
                row=number,
            )
        for value in cells:
            if value.__class__ is str and len(value) > max_chars:
                index = cells.index(value)
                raise FileRefused(
                    CELL_TOO_LONG % {"limit": fmt(max_chars)},
                    row=number,
                    column=letter(index) if letter else "A",
                )
        yield number, cells


class ProblemBudget:
    """Counts problems; past `MAX_PROBLEMS` the caller stops checking and says where."""

    def __init__(self, limit: int = MAX_PROBLEMS):
        self.limit = limit

    def exhausted(self, problems: list) -> bool:
        return len(problems) >= self.limit

    def message(self, row: int) -> str:
        return str(TOO_MANY_PROBLEMS % {"limit": fmt(self.limit), "row": fmt(row)})
