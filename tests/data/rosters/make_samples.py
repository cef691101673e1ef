"""Write the sample roster files of this folder: good ones and deliberately broken ones.

    python tests/data/rosters/make_samples.py

Every broken file differs from the good three-worker roster of Dinas
Lingkungan Hidup Kota Kendari (74.71-DLHK) in exactly one way, so that its test
(tests/enrollment/test_roster_sample_files.py) can assert one exact location and
message. Names and NIKs are synthetic. Needs only openpyxl (no Django).
"""

import csv
import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADERS = [
    "NIK",
    "Nama",
    "Tanggal Lahir",
    "Jenis Kelamin",
    "Jabatan",
    "Kategori",
    "Upah",
    "TMT",
    "KPJ",
]
ENGLISH = ["nik", "name", "birth_date", "sex", "position", "segment", "wage", "start_date", "kpj"]
# Three workers, consistent NIKs (day + 40 for women), Kota Kendari districts 74.71.01/02.
ROWS = [
    [
        "7471015708900001",
        "Wa Ode Sitti",
        dt.date(1990, 8, 17),
        "P",
        "Staf Administrasi",
        "non_asn",
        2500000,
        dt.date(2020, 1, 1),
        "",
    ],
    [
        "7471011203850002",
        "La Ode Mu'min",
        dt.date(1985, 3, 12),
        "L",
        "Sopir",
        "non_asn",
        2500000,
        dt.date(2019, 5, 1),
        "12345678901",
    ],
    [
        "7471020101950003",
        "Andi Baso",
        dt.date(1995, 1, 1),
        "L",
        "Petugas Kebersihan",
        "non_asn",
        2750000,
        dt.date(2021, 2, 15),
        "",
    ],
]


def rows(**changes):
    """A copy of ROWS with changes {(row_index, column_index): value}."""
    copied = [list(r) for r in ROWS]
    for (r, c), value in changes.get("cells", {}).items():
        copied[r][c] = value
    return copied


def write_xlsx(name, table, headers=HEADERS, *, sheet="Sheet1", after=None):
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    ws.append(headers)
    for row in table:
        ws.append(row)
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD-MM-YYYY"
            elif cell.column in (1, 9) and isinstance(cell.value, str):
                cell.number_format = "@"
    if after:
        after(workbook, ws)
    workbook.save(HERE / name)


def csv_text(table, headers=HEADERS, delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for row in table:
        writer.writerow([v.strftime("%d-%m-%Y") if isinstance(v, dt.date) else v for v in row])
    return buffer.getvalue()


def write_csv(name, table, headers=HEADERS, *, delimiter=",", encoding="utf-8"):
    (HERE / name).write_bytes(csv_text(table, headers, delimiter).encode(encoding))


def main():
    # --- good files ---------------------------------------------------------------------------
    write_xlsx("good_roster.xlsx", ROWS)
    (HERE / "good_roster_english_headers.csv").write_bytes(
        csv_text(ROWS, ENGLISH).encode("utf-8-sig")
    )
    cp1252 = rows(cells={(0, 6): "Rp 2.500.000", (1, 6): "2.500.000", (1, 1): "La Ode Mu’min"})
    write_csv("good_roster_semicolon_windows1252.csv", cp1252, delimiter=";", encoding="cp1252")
    # Next month: Andi Baso left, a new worker joined, Wa Ode Sitti got a raise.
    next_month = rows(cells={(0, 6): 2750000})[:2] + [
        [
            "7471026506000004",
            "Wa Ode Nurhayati",
            dt.date(2000, 6, 25),
            "P",
            "Staf Keuangan",
            "non_asn",
            2500000,
            dt.date(2025, 2, 1),
            "",
        ]
    ]
    write_xlsx("good_roster_next_month.xlsx", next_month)

    # --- broken files: one problem each ---------------------------------------------------------
    write_xlsx("rounded_nik_number.xlsx", rows(cells={(1, 0): 7471011203850000}))
    write_csv("rounded_nik_scientific.csv", rows(cells={(0, 0): "7,47102E+15"}), delimiter=";")
    write_csv("rounded_nik_trailing_zeros.csv", rows(cells={(2, 0): "7471020101950000"}))
    write_csv("rounded_nik_float_text.csv", rows(cells={(2, 0): "7471020101950003.0"}))
    write_xlsx("nik_too_short.xlsx", rows(cells={(0, 0): "747101570890001"}))
    write_csv("nik_with_letters.csv", rows(cells={(1, 0): "74710112O3850002"}))
    write_xlsx("nik_unknown_province.xlsx", rows(cells={(2, 0): "9971020101950003"}))
    write_xlsx("nik_impossible_date.xlsx", rows(cells={(2, 0): "7471023201950003"}))
    write_xlsx("duplicate_nik.xlsx", [*ROWS, list(ROWS[0])])
    write_xlsx("wage_negative.xlsx", rows(cells={(1, 6): -2500000}))
    write_csv("wage_text.csv", rows(cells={(0, 6): "dua juta lima ratus"}))
    write_xlsx("wage_fraction.xlsx", rows(cells={(2, 6): 2750000.5}))
    write_xlsx(
        "birth_date_future.xlsx",
        rows(cells={(2, 2): dt.date(2095, 1, 1), (2, 0): "7471020101950003"}),
    )
    write_csv("birth_date_impossible.csv", rows(cells={(0, 2): "31-02-1990"}))
    write_csv("date_unknown_format.csv", rows(cells={(1, 7): "1 Mei 2019"}))
    write_xlsx("start_before_age_15.xlsx", rows(cells={(2, 7): dt.date(2005, 7, 1)}))
    write_csv("sex_invalid.csv", rows(cells={(1, 3): "X"}))
    write_xlsx("segment_invalid.xlsx", rows(cells={(0, 5): "PNS"}))
    write_csv("kpj_invalid.csv", rows(cells={(1, 8): "12-34"}))
    write_csv("name_missing.csv", rows(cells={(2, 1): ""}))
    write_xlsx(
        "missing_required_column.xlsx", [r[:6] + r[7:] for r in ROWS], HEADERS[:6] + HEADERS[7:]
    )
    write_xlsx("unknown_header.xlsx", [[*r, "Jl. Ahmad Yani"] for r in ROWS], [*HEADERS, "Alamat"])
    write_csv("duplicate_header.csv", [[*r, r[1]] for r in ROWS], [*HEADERS, "name"], delimiter=";")
    write_xlsx("column_without_header.xlsx", [[*r, "catatan"] for r in ROWS], [*HEADERS, None])
    (HERE / "empty.csv").write_bytes(b"")
    Workbook().save(HERE / "empty_sheet.xlsx")
    write_xlsx("header_only.xlsx", [])
    write_csv("header_only.csv", [])

    def title_row(workbook, ws):
        ws.insert_rows(1, 2)
        ws["A1"] = "DAFTAR TENAGA NON-ASN DLHK KOTA KENDARI JANUARI 2025"

    write_xlsx("header_not_first_row.xlsx", ROWS, after=title_row)

    def extra_sheet(workbook, ws):
        other = workbook.create_sheet("Sheet2")
        other.append(HEADERS)
        other.append(["7471026506000004", "Wa Ode Nurhayati"])

    write_xlsx("extra_sheet.xlsx", ROWS, after=extra_sheet)

    def merged(workbook, ws):
        ws.merge_cells("E3:F3")

    write_xlsx("merged_cells.xlsx", ROWS, after=merged)

    def formula(workbook, ws):
        ws["G4"] = "=G3+250000"

    write_xlsx("formula.xlsx", ROWS, after=formula)
    (HERE / "old_excel.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    (HERE / "not_a_spreadsheet.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    write_csv("too_large.csv", [list(ROWS[i % 3]) for i in range(60)])


if __name__ == "__main__":
    main()
