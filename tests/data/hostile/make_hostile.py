"""The hostile-file corpus: files that must be refused with one message, within bounds (issue #11).

    python tests/data/hostile/make_hostile.py [FOLDER]   # writes every file (default: here, out/)

The files are built by code, not committed: several expand to hundreds of
megabytes and are a few megabytes themselves. Tests import `CORPUS` (name →
builder) and `build(name)`; each builder returns the bytes of one file. Needs
only the standard library and openpyxl (no Django).
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = ["NIK", "Nama", "Tanggal Lahir", "Jenis Kelamin", "Jabatan", "Kategori", "Upah", "TMT"]
GOOD_ROW = ["7471015708900001", "Wa Ode Sitti", "17-08-1990", "P", "Staf", "non_asn", "2500000",
            "01-01-2020"]  # fmt: skip
MB = 1024 * 1024

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{extra}</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Roster" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "{extra}</Relationships>"
)
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header_row() -> bytes:
    cells = "".join(_inline(f"{_letter(i)}1", h) for i, h in enumerate(HEADER))
    return f'<row r="1">{cells}</row>'.encode()


def _xlsx(
    sheet: Iterable[bytes],
    *,
    shared: Iterable[bytes] = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',),
    extra_parts: dict[str, bytes] | None = None,
    extra_types: str = "",
    extra_rels: str = "",
    level: int = 6,
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(extra=extra_types))
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(extra=extra_rels))
        for name, parts in (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", shared)):
            with archive.open(name, "w", force_zip64=True) as handle:
                for part in parts:
                    handle.write(part)
        for name, content in (extra_parts or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _good_xlsx_sheet(rows: int = 3) -> Iterable[bytes]:
    yield SHEET_HEAD
    yield _header_row()
    for number in range(2, rows + 2):
        cells = "".join(_inline(f"{_letter(i)}{number}", v) for i, v in enumerate(GOOD_ROW))
        yield f'<row r="{number}">{cells}</row>'.encode()
    yield SHEET_TAIL


# --- the corpus -----------------------------------------------------------------------------------


def inline_string_bomb() -> bytes:
    """One cell holding a 200 MB inline string, in a file of a few hundred KB."""

    def sheet():
        yield SHEET_HEAD + _header_row() + b'<row r="2"><c r="B2" t="inlineStr"><is><t>'
        block = b"x" * MB
        for _ in range(200):
            yield block
        yield b"</t></is></c></row>" + SHEET_TAIL

    return _xlsx(sheet())


def sheet_xml_bomb() -> bytes:
    """A sheet whose XML expands to 200 MB (the same 25-cell row, over and over): 2 MB of file."""

    def sheet():
        yield SHEET_HEAD + _header_row()
        cells = "".join(f'<c r="{_letter(i)}2"><v>1</v></c>' for i in range(25))
        block = (f'<row r="2">{cells}</row>' * 2_000).encode()
        for _ in range(200 * MB // len(block)):
            yield block
        yield SHEET_TAIL

    return _xlsx(sheet(), level=1)


def too_many_rows() -> bytes:
    """210.000 numbered rows of one cell: small once unpacked (10 MB), but over 200.000 rows."""

    def sheet():
        yield SHEET_HEAD + _header_row()
        for start in range(2, 210_002, 10_000):
            yield "".join(
                f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(start, start + 10_000)
            ).encode()
        yield SHEET_TAIL

    return _xlsx(sheet(), level=1)


def sparse_corner() -> bytes:
    """Two cells, A1 and CV200000: a few hundred bytes that calamine would grow into 20 million."""
    return _xlsx(
        [SHEET_HEAD, _header_row(), b'<row r="200000"><c r="CV200000"><v>1</v></c></row>', SHEET_TAIL]
    )


def far_column() -> bytes:
    """One value in column XFD (16.384), the last column Excel has."""
    return _xlsx([SHEET_HEAD, _header_row(), b'<row r="2"><c r="XFD2"><v>1</v></c></row>', SHEET_TAIL])


def huge_shared_strings() -> bytes:
    """A shared-strings table of 3 million distinct entries (about 100 MB unpacked)."""

    def shared():
        yield b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        for start in range(0, 3_000_000, 100_000):
            yield "".join(f"<si><t>s{n}</t></si>" for n in range(start, start + 100_000)).encode()
        yield b"</sst>"

    return _xlsx(_good_xlsx_sheet(), shared=shared(), level=1)


def rows_without_refs() -> bytes:
    """Cells without `r` references, all in one row: calamine places them one after another."""

    def sheet():
        yield SHEET_HEAD + _header_row() + b"<row>"
        yield b"<c><v>1</v></c>" * 50_000
        yield b"</row>" + SHEET_TAIL

    return _xlsx(sheet())


def many_entries() -> bytes:
    parts = {f"xl/media/image{n}.png": b"" for n in range(1_200)}
    return _xlsx(_good_xlsx_sheet(), extra_parts=parts)


def xlsm_renamed() -> bytes:
    """A macro workbook (.xlsm) saved under a .xlsx name."""
    return _xlsx(
        _good_xlsx_sheet(),
        extra_parts={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 512},
        extra_types='<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
    )


def external_link() -> bytes:
    """A workbook that links to another file (Excel fetches it when opened)."""
    link = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/>'
        b"</externalLink>"
    )
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" Target="file:///C:/gaji.xlsx" TargetMode="External"/>'
        b"</Relationships>"
    )
    return _xlsx(
        _good_xlsx_sheet(),
        extra_parts={
            "xl/externalLinks/externalLink1.xml": link,
            "xl/externalLinks/_rels/externalLink1.xml.rels": rels,
        },
    )


def truncated_zip() -> bytes:
    whole = _xlsx(_good_xlsx_sheet(2_000))
    return whole[: len(whole) // 2]


def html_named_xlsx() -> bytes:
    return b"<!DOCTYPE html><html><body><table><tr><td>NIK</td></tr></table></body></html>"


def csv_named_xlsx() -> bytes:
    return (",".join(HEADER) + "\n" + ",".join(GOOD_ROW) + "\n").encode()


def csv_million_rows() -> bytes:
    """1.000.000 rows of `x,,,,,,,` (9 MB): each row has seven problems."""
    return (",".join(HEADER) + "\n").encode() + b"x,,,,,,,\n" * 1_000_000


def csv_wide() -> bytes:
    """20.000 columns in the header row."""
    return (",".join(HEADER + [f"k{n}" for n in range(20_000)]) + "\n").encode()


def csv_long_cell() -> bytes:
    """A 131.072-character cell: the csv module's own field limit."""
    return (",".join(HEADER) + "\n").encode() + b"7471015708900001," + b"A" * 131_072 + b"\n"


def csv_long_cell_within_csv_limit() -> bytes:
    """A 5.000-character name: under the csv module's limit, over ours."""
    row = list(GOOD_ROW)
    row[1] = "A" * 5_000
    return (",".join(HEADER) + "\n" + ",".join(row) + "\n").encode()


def csv_utf16() -> bytes:
    return (",".join(HEADER) + "\n" + ",".join(GOOD_ROW) + "\n").encode("utf-16")


def csv_bom_with_windows_line() -> bytes:
    """UTF-8 with BOM, one line typed on a Windows-1252 machine."""
    good = ",".join(GOOD_ROW).replace("Wa Ode Sitti", "Wa Ode Sitti Ré").encode("utf-8")
    bad = ",".join(GOOD_ROW).replace("Wa Ode Sitti", "Andi Baso Ré").encode("cp1252")
    return b"\xef\xbb\xbf" + (",".join(HEADER) + "\n").encode() + good + b"\n" + bad + b"\n"


def csv_nul_bytes() -> bytes:
    return (",".join(HEADER) + "\n").encode() + b"74710157\x0008900001,Nama\x00\n"


def oversized() -> bytes:
    """Over the byte limit (the tests lower the limit; this is 25 MB, over the default 20 MB)."""
    return (",".join(HEADER) + "\n").encode() + (",".join(GOOD_ROW) + "\n").encode() * 400_000


def payments_oversized() -> bytes:
    row = "74.71-DLHK,2025-01,100000,15-01-2025,REF{n}\n"
    return b"Kode Unit,Periode,Jumlah,Tanggal Bayar,Referensi\n" + "".join(
        row.format(n=n) for n in range(600_000)
    ).encode()


# name -> (builder, the file name it is uploaded under)
CORPUS: dict[str, tuple[Callable[[], bytes], str]] = {
    "inline_string_bomb": (inline_string_bomb, "roster.xlsx"),
    "sheet_xml_bomb": (sheet_xml_bomb, "roster.xlsx"),
    "too_many_rows": (too_many_rows, "roster.xlsx"),
    "sparse_corner": (sparse_corner, "roster.xlsx"),
    "far_column": (far_column, "roster.xlsx"),
    "huge_shared_strings": (huge_shared_strings, "roster.xlsx"),
    "rows_without_refs": (rows_without_refs, "roster.xlsx"),
    "many_entries": (many_entries, "roster.xlsx"),
    "xlsm_renamed": (xlsm_renamed, "roster.xlsx"),
    "external_link": (external_link, "roster.xlsx"),
    "truncated_zip": (truncated_zip, "roster.xlsx"),
    "html_named_xlsx": (html_named_xlsx, "roster.xlsx"),
    "csv_named_xlsx": (csv_named_xlsx, "roster.xlsx"),
    "csv_million_rows": (csv_million_rows, "roster.csv"),
    "csv_wide": (csv_wide, "roster.csv"),
    "csv_long_cell": (csv_long_cell, "roster.csv"),
    "csv_long_cell_within_csv_limit": (csv_long_cell_within_csv_limit, "roster.csv"),
    "csv_utf16": (csv_utf16, "roster.csv"),
    "csv_bom_with_windows_line": (csv_bom_with_windows_line, "roster.csv"),
    "csv_nul_bytes": (csv_nul_bytes, "roster.csv"),
    "oversized": (oversized, "roster.csv"),
    "payments_oversized": (payments_oversized, "payments.csv"),
}


def build(name: str) -> tuple[bytes, str]:
    builder, filename = CORPUS[name]
    return builder(), filename


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "out"
    folder.mkdir(parents=True, exist_ok=True)
    for name, (builder, filename) in CORPUS.items():
        path = folder / f"{name}{Path(filename).suffix}"
        path.write_bytes(builder())
        print(f"{path}  {path.stat().st_size:,} bytes")
