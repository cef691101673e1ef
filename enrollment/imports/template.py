"""The roster template (.xlsx) treasurers download, and the error workbook they get back.

Both are written with openpyxl: the template has the contract's headers, NIK
and KPJ columns formatted as text (so Excel cannot round a NIK), drop-down
lists for Kategori and Jenis Kelamin, and an instructions sheet ("Petunjuk",
which the reader skips). The error workbook is the uploaded workbook itself
with a "Kesalahan" column and the cells at fault highlighted (a CSV upload is
turned into a workbook first); the reader ignores that column, so the corrected
workbook can be uploaded as it is.
"""

import csv
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from bpjs_tracker.files import neutralise_sheet, write_text_cell
from enrollment.imports import bounds
from enrollment.imports.parsing import SEGMENT_CHOICES_IN_FILE, SEX_CHOICES_IN_FILE
from enrollment.imports.problems import ERROR, Problem
from enrollment.imports.reading import COLUMNS, ROSTER_LAYOUT, normal_header, sheet_paths

TEMPLATE_ROWS = 1000  # rows pre-formatted and with drop-downs
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
ERROR_FILL = PatternFill("solid", fgColor="F8CBAD")
WARNING_FILL = PatternFill("solid", fgColor="FFF2CC")
WIDTHS = {
    "nik": 20,
    "name": 30,
    "birth_date": 14,
    "sex": 14,
    "position": 25,
    "segment": 16,
    "wage": 14,
    "start_date": 12,
    "kpj": 16,
}
INSTRUCTIONS = [
    ("Petunjuk pengisian roster pekerja (JKK/JKM BPJS Ketenagakerjaan)", True),
    ("", False),
    (
        "1. Isi lembar 'Roster': satu baris per pekerja, mulai baris 2. Jangan ubah judul kolom.",
        False,
    ),
    (
        "2. NIK: 16 digit sesuai KTP/KK. Kolom ini berformat Teks; jangan ubah ke Angka, karena "
        "Excel membulatkan angka lebih dari 15 digit dan NIK menjadi salah.",
        False,
    ),
    (
        "3. Tanggal Lahir dan TMT (tanggal mulai tugas): sel tanggal, atau tulis DD-MM-YYYY "
        "(misalnya 17-08-1990).",
        False,
    ),
    ("4. Jenis Kelamin: L (laki-laki) atau P (perempuan), pilih dari daftar.", False),
    (
        "5. Kategori: non_asn (tenaga non-ASN/honorer), perangkat_desa (kepala dan perangkat "
        "desa), pekerja_rentan (pekerja informal yang iurannya dibayar pemerintah daerah).",
        False,
    ),
    (
        "6. Upah: upah sebulan dalam Rupiah, tanpa desimal (2500000, 2.500.000 atau Rp 2.500.000).",
        False,
    ),
    ("7. KPJ: nomor kepesertaan BPJS Ketenagakerjaan bila sudah ada (boleh kosong).", False),
    (
        "8. Jangan menggabungkan sel (merge), jangan memakai rumus, dan jangan menambah lembar "
        "lain berisi data. Kolom 'No' untuk nomor urut boleh ditambahkan.",
        False,
    ),
    (
        "9. Unggah roster setiap bulan, lengkap: pekerja yang tidak tercantum dianggap keluar "
        "sejak bulan itu.",
        False,
    ),
    (
        "10. Bila ada kesalahan, unduh 'berkas dengan kolom Kesalahan', perbaiki sel yang "
        "ditandai, lalu unggah ulang berkas yang sama.",
        False,
    ),
    ("", False),
    ("Contoh baris:", True),
]
EXAMPLE = ["7471015708900001", "Wa Ode Sitti", "17-08-1990", "P", "Staf Administrasi",
           "non_asn", "2.500.000", "01-01-2020", ""]  # fmt: skip


def roster_template() -> bytes:
    """The empty roster workbook with formats, drop-downs and instructions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Roster"
    sheet.freeze_panes = "A2"
    for index, spec in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=spec.header)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = WIDTHS[spec.field]
        number_format = {
            "nik": "@",
            "kpj": "@",
            "birth_date": "DD-MM-YYYY",
            "start_date": "DD-MM-YYYY",
            "wage": "#,##0",
        }.get(spec.field)
        if number_format:
            sheet.column_dimensions[letter].number_format = number_format
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = number_format
    letters = {spec.field: get_column_letter(i) for i, spec in enumerate(COLUMNS, start=1)}
    for field, choices, title in (
        ("sex", SEX_CHOICES_IN_FILE, "Jenis Kelamin"),
        ("segment", SEGMENT_CHOICES_IN_FILE, "Kategori"),
    ):
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(choices) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=title,
            error="Pilih dari daftar: " + ", ".join(choices),
        )
        validation.add(f"{letters[field]}2:{letters[field]}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(validation)
    notes = workbook.create_sheet("Petunjuk")
    notes.column_dimensions["A"].width = 110
    for number, (text, bold) in enumerate(INSTRUCTIONS, start=1):
        cell = notes.cell(row=number, column=1, value=text)
        cell.font = Font(bold=bold)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    header_row = len(INSTRUCTIONS) + 1
    for index, (spec, value) in enumerate(zip(COLUMNS, EXAMPLE, strict=True), start=1):
        notes.cell(row=header_row, column=index + 1, value=spec.header).font = Font(bold=True)
        notes.cell(row=header_row + 1, column=index + 1, value=value).number_format = "@"
    return _save(workbook)


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ANNOTATE_MAX_ROWS = 50_000  # beyond this the error workbook lists the problems only


def error_workbook(data: bytes, *, filename: str, problems: Iterable[Problem | dict]) -> bytes:
    """The uploaded roster with a "Kesalahan" column and the cells at fault highlighted.

    Every value is written as text (bpjs_tracker.files), so nothing from the file
    becomes a formula. Problems of the header row are marked on the header cells and
    listed on a "Kesalahan" sheet (which the reader skips), never over the column's
    title, so the corrected workbook re-uploads as it is. A file the limits refuse,
    or one too long to annotate, gets a workbook listing the problems only.
    """
    problems = [p if isinstance(p, Problem) else Problem(**p) for p in problems]
    opened = _open_for_annotation(data, filename)
    if opened is None:
        return _problems_workbook(problems)
    workbook, sheet = opened
    neutralise_sheet(sheet)
    header_cells = {
        normal_header(cell.value): cell.column
        for cell in sheet[1]
        if cell.value is not None and str(cell.value).strip()
    }
    existing = header_cells.get("kesalahan")
    error_column = existing or sheet.max_column + 1
    title = sheet.cell(row=1, column=error_column)
    write_text_cell(title, ERROR_HEADER)
    title.fill, title.font = HEADER_FILL, HEADER_FONT
    sheet.column_dimensions[get_column_letter(error_column)].width = 80
    by_row: dict[int, list[Problem]] = defaultdict(list)
    for problem in problems:
        if problem.sheet == sheet.title or problem.sheet not in workbook.sheetnames:
            by_row[problem.row].append(problem)
    if existing:  # clear an earlier round's messages
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row=row, column=error_column).value = None
    for row, found in sorted(by_row.items()):
        messages = [
            ("" if p.severity == ERROR else "Peringatan: ") + f"{p.column}: {p.message}"
            for p in found
        ]
        if row > 1:
            target = sheet.cell(row=row, column=error_column)
            write_text_cell(target, "\n".join(messages))
            target.alignment = Alignment(wrap_text=True, vertical="top")
        for problem in found:
            column = header_cells.get(normal_header(problem.column)) or _letter_column(
                problem.column
            )
            if column is None or column == error_column:
                continue
            cell = sheet.cell(row=row, column=column)
            cell.fill = ERROR_FILL if problem.severity == ERROR else WARNING_FILL
            cell.comment = Comment(problem.message, "BPJS Tracker")
    if by_row.get(1):
        _problem_sheet(workbook.create_sheet(ERROR_HEADER), by_row[1])
    return _save(workbook)


ERROR_HEADER = "Kesalahan"


def _problem_sheet(sheet, problems: list[Problem]) -> None:
    """Location and message of each problem, as text (the reader skips a "Kesalahan" sheet)."""
    for column, label in enumerate(("Lokasi", "Pesan"), start=1):
        cell = sheet.cell(row=1, column=column, value=label)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 110
    for row, problem in enumerate(problems, start=2):
        write_text_cell(sheet.cell(row=row, column=1), problem.location)
        write_text_cell(sheet.cell(row=row, column=2), str(problem))


def _problems_workbook(problems: list[Problem]) -> bytes:
    workbook = Workbook()
    _problem_sheet(workbook.active, problems)
    workbook.active.title = ERROR_HEADER
    return _save(workbook)


def _open_for_annotation(data: bytes, filename: str):
    """(workbook, first sheet) to annotate, or None for a file the upload limits refuse."""
    try:
        if data[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                bounds.check_zip(archive, len(data))
                bounds.scan_shared_strings(archive)
                paths = sheet_paths(archive)
                scan = bounds.scan_sheet(
                    archive, paths[0][1] if paths else "xl/worksheets/sheet1.xml"
                )
            if scan.rows > ANNOTATE_MAX_ROWS + 1:
                return None
            workbook = load_workbook(io.BytesIO(data))
            return workbook, workbook.worksheets[0]
        text = bounds.decode_csv(data)
        if bounds.count_lines(text) > ANNOTATE_MAX_ROWS + 1:
            return None
        return _workbook_from_csv(text, filename)
    except Exception:  # noqa: BLE001 - refused or unreadable: the problems alone are listed
        return None


def _letter_column(text: str) -> int | None:
    from openpyxl.utils import column_index_from_string

    try:
        return column_index_from_string(text) if text.isalpha() and text.isupper() else None
    except ValueError:
        return None


_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def _workbook_from_csv(text: str, filename: str):
    first = text.partition("\n")[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _BAD_TITLE.sub("_", filename.rsplit(".", 1)[0] or "Roster")[:31] or "Roster"
    text_columns = set()
    rows = bounds.bounded_rows(
        enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
    )
    for row_number, row in rows:
        if row_number == 1:
            text_columns = {
                i + 1
                for i, header in enumerate(row)
                if ROSTER_LAYOUT.lookup.get(normal_header(header)) in {"nik", "kpj"}
            }
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            write_text_cell(cell, value)
            if column in text_columns:
                cell.number_format = "@"
    return workbook, sheet
