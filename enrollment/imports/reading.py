"""Read a roster file (.xlsx or .csv) into a header map and a stream of data rows.

The file format is a contract (DESIGN.md, "Interfaces"): first sheet, first row
headers matched case-insensitively, Indonesian names with English aliases.

- ``.xlsx`` values come from python-calamine (about ten times faster than
  openpyxl); merged cells come from calamine too, and formulas from a streamed
  scan of the first sheet's XML inside the zip, so the file is never loaded
  into openpyxl on the read path.
- ``.csv`` is decoded as UTF-8 (with or without BOM), else Windows-1252, and
  the separator (``,`` or ``;``) is sniffed from the header line; an Excel
  ``sep=;`` first line is honoured.

Locations: the sheet is the real sheet name for ``.xlsx``; for ``.csv`` it is
the file name without extension, which is what Excel shows on the tab when it
opens the file. Rows are numbered as the spreadsheet shows them (header = 1).

Structural problems (too large, unreadable, empty, header not on row 1,
missing required columns, merged cells, formulas) each produce one message and
stop the rows from being read (`RosterSheet.readable` is False); unknown
headers and extra sheets are reported but the rows are still checked, so the
user sees everything at once.
"""

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import column_index_from_string, get_column_letter
from python_calamine import CalamineWorkbook

from enrollment.imports import bounds
from enrollment.imports.bounds import FileRefused
from enrollment.imports.problems import Problem

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ColumnSpec:
    field: str
    header: str  # Indonesian, as in the template
    alias: str  # English
    required: bool = True
    more: tuple[str, ...] = ()  # other spellings seen in the wild


COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("nik", "NIK", "nik", more=("no ktp", "nomor induk kependudukan")),
    ColumnSpec("name", "Nama", "name", more=("nama lengkap",)),
    ColumnSpec("birth_date", "Tanggal Lahir", "birth_date", more=("tgl lahir",)),
    ColumnSpec("sex", "Jenis Kelamin", "sex", more=("l/p", "jk")),
    ColumnSpec("position", "Jabatan", "position"),
    ColumnSpec("segment", "Kategori", "segment"),
    ColumnSpec("wage", "Upah", "wage", more=("upah (rp)", "gaji")),
    ColumnSpec("start_date", "TMT", "start_date", more=("tanggal mulai tugas",)),
    ColumnSpec("kpj", "KPJ", "kpj", required=False, more=("no kpj", "nomor kpj")),
)
# Columns the reader skips on purpose: a running number, and the error column of
# the workbook this product hands back (so a corrected error workbook re-uploads).
IGNORED_HEADERS = {"no", "no.", "nomor", "nomor urut", "kesalahan"}
# Sheets the reader skips: the template's instructions and the error summary.
IGNORED_SHEETS = {"petunjuk", "kesalahan"}

FILE_TOO_LARGE = _(
    "Berkas berukuran %(size)s, melebihi batas %(limit)s. Hapus lembar, gambar atau format "
    "yang tidak perlu, atau bagi roster per bagian unit lalu hubungi kantor cabang."
)
FILE_UNREADABLE = _(
    "Berkas tidak dapat dibaca sebagai .xlsx atau .csv. Buka di Excel lalu simpan ulang "
    "sebagai Excel Workbook (.xlsx) atau CSV."
)
FILE_OLD_EXCEL = _(
    "Berkas berformat Excel lama (.xls). Buka di Excel lalu simpan sebagai Excel Workbook (.xlsx)."
)
FILE_ENCODING = _(
    "Teks berkas CSV tidak dapat dibaca (bukan UTF-8 atau Windows-1252). "
    "Simpan ulang sebagai 'CSV UTF-8'."
)
FILE_EMPTY = _("Berkas kosong. Isi judul kolom di baris 1 dan satu baris per pekerja di bawahnya.")
FILE_HEADER_ONLY = _(
    "Tidak ada baris data: berkas hanya berisi judul kolom. Isi satu baris per pekerja mulai "
    "baris 2."
)
HEADER_NOT_FIRST_ROW = _(
    "Judul kolom ada di baris %(row)s, seharusnya di baris 1. Hapus baris di atas judul kolom "
    "(judul laporan, logo, baris kosong)."
)
HEADER_UNKNOWN = _(
    "Judul kolom '%(header)s' tidak dikenal. Ganti dengan salah satu judul templat "
    "(%(expected)s) atau hapus kolom ini."
)
HEADER_DUPLICATE = _(
    "Kolom %(header)s muncul dua kali (juga di kolom %(other)s). Hapus salah satunya."
)
HEADER_MISSING = _(
    "Kolom wajib '%(header)s' tidak ada. Tambahkan kolom berjudul %(header)s di baris 1 "
    "(lihat templat)."
)
COLUMN_WITHOUT_HEADER = _(
    "Kolom %(letter)s berisi data tetapi tidak berjudul. Beri judul sesuai templat atau hapus "
    "isinya."
)
EXTRA_SHEETS = _(
    "Berkas berisi lembar lain yang berisi data (%(sheets)s), padahal hanya lembar pertama "
    "'%(first)s' yang dibaca. Pindahkan semua pekerja ke lembar pertama lalu hapus lembar lain."
)
MERGED_CELLS = _(
    "Berkas berisi sel gabungan (%(ranges)s). Pisahkan sel gabungan (Merge & Center → "
    "Unmerge Cells) dan isi setiap sel."
)
FORMULAS = _(
    "Sel %(cell)s berisi rumus (%(formula)s)%(more)s. Salin kolom lalu tempel sebagai nilai "
    "(Paste Special → Values) sebelum mengunggah."
)
FORMULAS_MORE = _(" dan %(count)s sel rumus lainnya")


def normal_header(text) -> str:
    return " ".join(re.split(r"[\s_]+", str(text).strip().lower().rstrip("*:").strip()))


class Layout:
    """The columns a kind of file has: header lookup, required fields, the list for messages."""

    def __init__(self, columns: tuple[ColumnSpec, ...]):
        self.columns = columns
        self.by_field = {spec.field: spec for spec in columns}
        self.required = {spec.field for spec in columns if spec.required}
        self.lookup = {
            normal_header(name): spec.field
            for spec in columns
            for name in (spec.header, spec.alias, *spec.more)
        }
        self.expected = ", ".join(spec.header for spec in columns)

    def fields_in(self, row) -> set[str]:
        return {self.lookup[h] for h in map(normal_header, row) if h in self.lookup}


ROSTER_LAYOUT = Layout(COLUMNS)
# A NIK -> KPJ file from BPJS (the name column is optional, for the reader's eyes).
KPJ_LAYOUT = Layout(
    (
        ColumnSpec("nik", "NIK", "nik"),
        ColumnSpec("kpj", "KPJ", "kpj", more=("no kpj", "nomor kpj")),
        ColumnSpec("name", "Nama", "name", required=False, more=("nama lengkap",)),
    )
)


def max_upload_bytes() -> int:
    return int(getattr(settings, "ROSTER_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


@dataclass(frozen=True)
class Column:
    field: str | None  # None: a column without header
    index: int  # position in the row lists the reader yields
    header: str  # as written in the file
    letter: str  # spreadsheet column letter


@dataclass
class RosterSheet:
    name: str
    kind: str  # "xlsx" or "csv"
    layout: Layout = ROSTER_LAYOUT
    columns: dict[str, Column] = field(default_factory=dict)
    unnamed: list[Column] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: Iterable[tuple[int, list]] = ()
    readable: bool = True
    refusal: Problem | None = None  # a limit broken while the rows streamed (bounds.py)

    def column_label(self, field_name: str) -> str:
        column = self.columns.get(field_name)
        return column.header if column else self.layout.by_field[field_name].header

    def fail(self, row: int, column: str, message) -> "RosterSheet":
        self.problems.append(Problem(self.name, row, column, str(message)))
        self.readable = False
        self.rows = ()
        return self

    def guarded(self, rows: Iterable[tuple[int, list]]) -> Iterator[tuple[int, list]]:
        """The data rows; a limit broken midway ends them and leaves `refusal` to report alone."""
        try:
            yield from rows
        except FileRefused as exc:
            self.refusal = Problem(self.name, exc.row, exc.column, exc.message)
            self.readable = False


def read_roster_file(
    data: bytes, *, filename: str, layout: Layout = ROSTER_LAYOUT, before_parse=None
) -> RosterSheet:
    """Open `data` (the uploaded bytes) as a roster: headers checked, rows ready to stream.

    `before_parse()`, if given, is called once the file has passed its bounds, just before
    the cells are parsed (python-calamine releases the GIL meanwhile: the caller's
    read-ahead of the stored roster runs beside it).
    """
    stem = Path(filename).stem or "berkas"
    limit = max_upload_bytes()
    unknown = RosterSheet(stem, "unknown", layout)
    if len(data) > limit:
        return unknown.fail(
            1,
            "A",
            FILE_TOO_LARGE % {"size": human_size(len(data)), "limit": human_size(limit)},
        )
    if not data.strip():
        return unknown.fail(1, "A", FILE_EMPTY)
    if data[:4] == b"\xd0\xcf\x11\xe0":
        return unknown.fail(1, "A", FILE_OLD_EXCEL)
    is_zip = data[:4] == b"PK\x03\x04"
    if not is_zip and Path(filename).suffix.lower() not in {".csv", ".txt"}:
        return unknown.fail(1, "A", FILE_UNREADABLE)
    result = RosterSheet(stem, "xlsx" if is_zip else "csv", layout)
    try:
        if is_zip:
            result = _read_xlsx(data, result, before_parse=before_parse)
        else:
            if before_parse is not None:
                before_parse()
            result = _read_csv(data, result)
    except FileRefused as exc:
        result.problems.clear()
        return result.fail(exc.row, exc.column, exc.message)
    if result.refusal is not None:  # broken while the header was read: that message alone
        result.problems[:] = [result.refusal]
        result.readable, result.rows = False, ()
    return result


def read_table(data: bytes, *, filename: str) -> tuple[str, list[list]]:
    """(sheet name, rows with the header first) of a file with its own header rules (payments).

    The same limits as a roster (size, zip, rows, columns, cell length, encoding);
    a broken limit or an unreadable file raises `FileRefused` with one message.
    """
    stem = Path(filename).stem or "berkas"
    limit = max_upload_bytes()
    if len(data) > limit:
        raise FileRefused(
            FILE_TOO_LARGE % {"size": human_size(len(data)), "limit": human_size(limit)}
        )
    if not data.strip():
        raise FileRefused(FILE_EMPTY)
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise FileRefused(FILE_OLD_EXCEL)
    if data[:4] == b"PK\x03\x04":
        probe = _read_xlsx(data, RosterSheet(stem, "xlsx"), raw=True)
    elif Path(filename).suffix.lower() in {".csv", ".txt"}:
        probe = _read_csv(data, RosterSheet(stem, "csv"), raw=True)
    else:
        raise FileRefused(FILE_UNREADABLE)
    if probe.problems:
        problem = probe.problems[0]
        raise FileRefused(problem.message, row=problem.row, column=problem.column)
    rows = [cells for _number, cells in probe.rows]
    if probe.refusal is not None:
        raise FileRefused(probe.refusal.message, row=probe.refusal.row, column=probe.refusal.column)
    return probe.name, rows


ESTIMATE_READ_BYTES = 64 * 1024  # of the sheet's XML: the dimension and the first rows
ESTIMATE_SMALL_PART = 1024 * 1024  # the workbook's parts read whole to find the first sheet
MIN_ROW_XML_BYTES = 11  # "<row></row>": a sheet cannot hold more rows than its size allows


def declared_rows(data: bytes, *, filename: str) -> int | None:
    """The data rows a file says it holds, before it is parsed (a job's first progress figure).

    ``.xlsx``: the first sheet's ``<dimension ref="A1:H100001"/>``, read from the start of its
    XML (at most ``ESTIMATE_READ_BYTES`` unpacked); when it is missing or cannot be true (more
    rows than the XML's size can hold, or a single cell), the XML's size over the bytes of its
    first rows. ``.csv``: its line count. An estimate only: the parse that follows applies the
    limits (bounds.py) and counts the rows; None when there is nothing sensible to say.
    """
    try:
        if data[:4] == b"PK\x03\x04":
            rows = _declared_xlsx_rows(data)
        elif Path(filename).suffix.lower() in {".csv", ".txt"}:
            rows = data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1
        else:
            return None
    except Exception:  # a broken file: the parse reports it; the estimate says nothing
        return None
    if rows is None or rows <= 0:
        return None
    return min(rows, bounds.MAX_ROWS + 1)


def _declared_xlsx_rows(data: bytes) -> int | None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        bounds.check_zip(archive, len(data))
        small = all(
            info.file_size <= ESTIMATE_SMALL_PART
            for info in archive.infolist()
            if info.filename in {"xl/workbook.xml", "xl/_rels/workbook.xml.rels"}
        )
        sheets = sheet_paths(archive) if small else []
        path = sheets[0][1] if sheets else "xl/worksheets/sheet1.xml"
        size = archive.getinfo(path).file_size
        with archive.open(path) as xml:
            head = xml.read(ESTIMATE_READ_BYTES)
    dimension = bounds.dimension_rows(head)
    if dimension is not None and 1 < dimension <= size // MIN_ROW_XML_BYTES:
        return dimension - 1  # the header row
    return _rows_by_size(head, size)


def _rows_by_size(head: bytes, size: int) -> int | None:
    """The XML's unpacked size over the bytes its first complete rows take (header excluded)."""
    prefix = re.search(rb"<(\w+:)?row[\s>]", head)
    if prefix is None:
        return None
    tag = b"<" + (prefix.group(1) or b"") + b"row"
    starts = [m.start() for m in re.finditer(re.escape(tag) + rb"[\s>]", head)]
    if len(head) < ESTIMATE_READ_BYTES:  # the whole sheet was read: its rows are counted
        return len(starts) - 1
    if len(starts) < 3:  # rows too long to measure from the head
        return None
    per_row = (starts[-1] - starts[1]) / (len(starts) - 2)
    if per_row <= 0:
        return None
    rows = (size - starts[1]) / per_row
    digits = max(len(str(int(rows))) - 2, 0)  # two significant figures: it is a guess
    return int(round(rows, -digits))


def human_size(size: int) -> str:
    """12,3 MB or 850 KB (Indonesian decimal comma)."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f}".replace(".", ",").removesuffix(",0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


# --- xlsx ---------------------------------------------------------------------------------------


def _read_xlsx(
    data: bytes, result: RosterSheet, *, raw: bool = False, before_parse=None
) -> RosterSheet:
    """Bounds first (zip table, a streamed pass over the sheet XML), then calamine's parse."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            bounds.check_zip(archive, len(data))
            bounds.scan_shared_strings(archive)
            sheets = sheet_paths(archive)
            first_path = sheets[0][1] if sheets else "xl/worksheets/sheet1.xml"
            formulas: list[tuple[str, str, str]] = []
            bounds.scan_sheet(archive, first_path, keep_formula_chunks=_formula_collector(formulas))
            filled = [
                name
                for name, path in sheets[1:]
                if name.strip().lower() not in IGNORED_SHEETS and _has_data(archive, path)
            ]
    except FileRefused:
        raise
    except Exception:  # a truncated or corrupt zip: zipfile, zlib, KeyError, EOFError
        return result.fail(1, "A", FILE_UNREADABLE)
    if before_parse is not None:
        before_parse()
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = workbook.sheet_names
        sheet = workbook.get_sheet_by_index(0)
    except Exception:  # calamine raises its own errors, zip errors, XML errors
        return result.fail(1, "A", FILE_UNREADABLE)
    result.name = names[0]
    if sheet.height == 0 or sheet.start is None:
        return result.fail(1, "A", FILE_EMPTY)
    bounds.SheetScan(rows=sheet.height, columns=sheet.width).check()  # the same limits, once more
    col_offset = sheet.start[1]
    rows = result.guarded(
        bounds.bounded_rows(
            enumerate(sheet.iter_rows(), start=1),
            letter=lambda i: get_column_letter(col_offset + i + 1),
        )
    )
    if raw:  # every row as it is, the caller reads the header (read_table)
        result.rows = rows
        return result
    if not _take_header(result, rows, col_offset):
        return result
    if sheet.merged_cell_ranges:
        return _merged(result, sheet.merged_cell_ranges)
    if not _report_formulas(result, formulas):
        return result
    if filled:
        result.problems.append(
            Problem(
                filled[0],
                1,
                "A",
                str(
                    EXTRA_SHEETS
                    % {"sheets": ", ".join(f"'{n}'" for n in filled), "first": result.name}
                ),
            )
        )
    return result


def _formula_collector(chunks: list[tuple[str, str, str]]):
    def keep(buffer: bytes) -> None:
        if len(chunks) < 50_000:  # enough to name the first and count them; memory stays flat
            chunks.extend(_formula_cells(buffer))

    return keep


def _has_data(archive: zipfile.ZipFile, path: str) -> bool:
    """A sheet other than the first holds values: read from its XML, never built in memory."""
    try:
        return bounds.scan_sheet(archive, path).has_data
    except KeyError:
        return False
    except FileRefused:
        return True  # far too large to be empty


def _merged(result: RosterSheet, ranges) -> RosterSheet:
    refs = [
        f"{get_column_letter(c0 + 1)}{r0 + 1}:{get_column_letter(c1 + 1)}{r1 + 1}"
        for (r0, c0), (r1, c1) in sorted(ranges)
    ]
    (row, col), _end = sorted(ranges)[0]
    shown = ", ".join(refs[:5]) + (" …" if len(refs) > 5 else "")
    return result.fail(row + 1, _label_at(result, col), MERGED_CELLS % {"ranges": shown})


def _label_at(result: RosterSheet, absolute_col: int) -> str:
    letter = get_column_letter(absolute_col + 1)
    for column in result.columns.values():
        if column.letter == letter:
            return column.header
    return letter


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
# Substrings any formula element contains; searched first because `in` is much faster
# than the regex over tens of megabytes of sheet XML (a false hit only costs the regex).
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_FORMULA_TEXT = re.compile(rb"<(?:\w+:)?f(?:\s[^>]*)?>([^<]*)</(?:\w+:)?f>")


def _report_formulas(result: RosterSheet, found: list[tuple[str, str, str]]) -> bool:
    """Formulas in the columns we read are refused (one message); elsewhere they do no harm."""
    read_letters = {c.letter for c in result.columns.values()}
    found = [cell for cell in found if cell[0] in read_letters]
    if not found:
        return True
    unique = sorted(set(found), key=lambda f: (int(f[1]), len(f[0]), f[0]))
    letter, row, formula = unique[0]
    more = FORMULAS_MORE % {"count": len(unique) - 1} if len(unique) > 1 else ""
    column = next((c.header for c in result.columns.values() if c.letter == letter), letter)
    result.fail(
        int(row),
        column,
        FORMULAS % {"cell": f"{letter}{row}", "formula": formula, "more": more},
    )
    return False


def _formula_cells(buffer: bytes) -> list[tuple[str, str, str]]:
    cells = []
    for match in _FORMULA_TAG.finditer(buffer):
        start = max(buffer.rfind(b"<c ", 0, match.start()), buffer.rfind(b":c ", 0, match.start()))
        if start < 0:
            continue
        ref = _CELL_REF.search(buffer, start, match.start())
        if not ref:
            continue
        letter, row = ref.group(1).decode(), ref.group(2).decode()
        text = _FORMULA_TEXT.match(buffer, match.start())
        formula = "=" + text.group(1).decode("utf-8", "replace") if text and text.group(1) else "="
        cells.append((letter, row, formula))
    return cells


def sheet_paths(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(name, path inside the zip) of every worksheet, in the workbook's order."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return []
    targets = {}
    for rel in re.finditer(rb"<(?:\w+:)?Relationship\s[^>]*>", rels):
        rel_id = re.search(rb'\sId="([^"]+)"', rel.group(0))
        target = re.search(rb'\sTarget="([^"]+)"', rel.group(0))
        if rel_id and target:
            path = target.group(1).decode("utf-8", "replace")
            targets[rel_id.group(1)] = path.lstrip("/") if path.startswith("/") else f"xl/{path}"
    found = []
    for sheet in re.finditer(rb"<(?:\w+:)?sheet\s[^>]*>", workbook):
        name = re.search(rb'\sname="([^"]*)"', sheet.group(0))
        rel_id = re.search(rb'\s\w+:id="([^"]+)"', sheet.group(0))
        if name and rel_id and rel_id.group(1) in targets:
            found.append((_xml_text(name.group(1)), targets[rel_id.group(1)]))
    return found


def _xml_text(raw: bytes) -> str:
    from html import unescape

    return unescape(raw.decode("utf-8", "replace"))


# --- csv ----------------------------------------------------------------------------------------


def _read_csv(data: bytes, result: RosterSheet, *, raw: bool = False) -> RosterSheet:
    text = bounds.decode_csv(data)
    bounds.check_csv_size(text)
    first_line, _newline, rest = text.partition("\n")
    sep = re.match(r"^\s*sep=(.)\s*$", first_line)
    if sep:
        delimiter, text = sep.group(1), rest
        first_line = rest.partition("\n")[0]
    else:
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = result.guarded(
        bounds.bounded_rows(enumerate(reader, start=1), letter=lambda i: get_column_letter(i + 1))
    )
    if raw:
        result.rows = rows
        return result
    _take_header(result, rows, 0)
    return result


# --- headers ------------------------------------------------------------------------------------


def _non_blank(row) -> bool:
    """A row with a value in it (a plain loop: it runs for every row and stops at the first)."""
    for value in row:
        if value is not None and (not isinstance(value, str) or value.strip()):
            return True
    return False


def _take_header(result: RosterSheet, rows: Iterator, col_offset: int) -> bool:
    """Consume the header row, map the columns, and leave `result.rows` streaming data rows."""
    first = next(rows, None)
    while first is not None and not _non_blank(first[1]) and first[0] < 20:
        first = next(rows, None)
    if first is None:
        result.fail(1, "A", FILE_EMPTY)
        return False
    number, header = first
    layout = result.layout
    if number != 1 or not layout.fields_in(header):
        peek = list(itertools.islice(rows, 10))
        for later_number, later in [first, *peek]:
            found = layout.fields_in(later) & layout.required
            if later_number != 1 and len(found) >= min(3, len(layout.required)):
                result.fail(1, "A", HEADER_NOT_FIRST_ROW % {"row": later_number})
                return False
        if number != 1:  # row 1 is blank: whatever comes first stands where the header should
            result.fail(1, "A", HEADER_NOT_FIRST_ROW % {"row": number})
            return False
        rows = itertools.chain(peek, rows)

    seen: dict[str, Column] = {}
    expected = layout.expected
    for index, raw in enumerate(header):
        letter = get_column_letter(col_offset + index + 1)
        text = "" if raw is None else str(raw).strip()
        key = normal_header(text)
        if not key:
            result.unnamed.append(Column(None, index, "", letter))
            continue
        if key in IGNORED_HEADERS:
            continue
        field_name = layout.lookup.get(key)
        if field_name is None:
            result.problems.append(
                Problem(
                    result.name,
                    1,
                    text,
                    str(HEADER_UNKNOWN % {"header": text, "expected": expected}),
                )
            )
            continue
        if field_name in seen:
            result.problems.append(
                Problem(
                    result.name,
                    1,
                    text,
                    str(HEADER_DUPLICATE % {"header": text, "other": seen[field_name].letter}),
                )
            )
            continue
        seen[field_name] = Column(field_name, index, text, letter)
    result.columns = seen
    missing = [spec for spec in layout.columns if spec.required and spec.field not in seen]
    for spec in missing:
        result.problems.append(
            Problem(result.name, 1, spec.header, str(HEADER_MISSING % {"header": spec.header}))
        )
    if missing:
        result.readable = False
        result.rows = ()
        return False
    result.rows = ((n, row) for n, row in rows if _non_blank(row))
    return True


def column_letter_index(letter: str) -> int:
    return column_index_from_string(letter) - 1
