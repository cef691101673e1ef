"""No file the app writes carries a live formula from user data (issue #11, item 4).

Every writer goes through `bpjs_tracker.files`: exports of entries, memberships and
monthly changes (xlsx and csv), the annotated error workbook and the forecast workbook.
A live formula in an .xlsx is a `<f>` element in a sheet's XML; in a CSV, a cell
starting with = + - @ tab or carriage return.
"""

import csv
import io
import re
import zipfile
from datetime import date

import pytest
from django.urls import reverse
from import_export.formats.base_formats import CSV, XLSX
from openpyxl import load_workbook

from bpjs_tracker.files import neutralise
from enrollment.billing.exports import forecast_workbook
from enrollment.billing.selectors import budget_forecast
from enrollment.billing.services import bills_generate
from enrollment.imports.reading import read_roster_file
from enrollment.imports.resources import MembershipResource, RosterEntryResource
from enrollment.imports.template import error_workbook
from enrollment.models import Membership, RosterEntry
from enrollment.services.rosters import roster_import, roster_verify
from tests.enrollment.billing_helpers import verified_roster
from tests.enrollment.conftest import HEADERS, PERIOD, roster_csv, worker_row
from tests.factories import make_nik

HOSTILE = ['=HYPERLINK("http://x","klik")', "+1+1", "-2+3", "@SUM(A1)", "\tx"]


def live_formulas(xlsx: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        return [
            match.group(0)
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
            for match in re.finditer(rb"<(?:\w+:)?f[\s>][^<]*", archive.read(name))
        ]


def csv_formula_cells(text: str) -> list[str]:
    return [
        cell for row in csv.reader(io.StringIO(text)) for cell in row
        if cell[:1] in {"=", "+", "-", "@", "\t", "\r"}
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"), ("+62 812", "'+62 812"), ("-", "'-"), ("@x", "'@x"),
        ("\tx", "'\tx"), ("\rx", "'\rx"), ("Andi", "Andi"), ("", ""), (42, 42), (None, None),
    ],
)  # fmt: skip
def test_neutralise_puts_an_apostrophe_before_formula_leads(value, expected):
    assert neutralise(value) == expected


@pytest.fixture
def hostile_roster(world):
    rows = [
        worker_row(make_nik(n), f"Pekerja {n}", position=text)
        for n, text in enumerate(HOSTILE, start=1)
    ]
    result = roster_import(unit=world.kdi_dlhk, period=PERIOD, upload=roster_csv(rows))
    assert result.ok, result.problems
    roster_verify(roster=result.roster)
    return result.roster


def test_entry_and_membership_exports_carry_no_formulas(hostile_roster):
    Membership.objects.update(kpj="=1+2")
    for resource, queryset in (
        (RosterEntryResource(), RosterEntry.objects.all()),
        (MembershipResource(), Membership.objects.all()),
    ):
        dataset = resource.export(queryset)
        assert live_formulas(XLSX().export_data(dataset)) == []
        assert csv_formula_cells(CSV().export_data(dataset)) == []
    positions = {r[6] for r in RosterEntryResource().export(RosterEntry.objects.all())}
    assert '\'=HYPERLINK("http://x","klik")' in positions


def test_mutasi_exports_carry_no_formulas(client, hostile_roster, province_admin):
    client.force_login(province_admin)
    url = reverse("admin:enrollment_roster_changes", args=[hostile_roster.pk])
    as_xlsx = client.get(url, {"format": "xlsx"})
    as_csv = client.get(url, {"format": "csv"})
    assert as_xlsx.status_code == as_csv.status_code == 200
    assert live_formulas(as_xlsx.content) == []
    assert csv_formula_cells(as_csv.content.decode("utf-8-sig")) == []


def test_the_error_workbook_keeps_formula_text_as_text_and_its_header():
    headers = ["=cmd|' /C calc'!A0", *HEADERS]
    rows = [["x", make_nik(1), "=HYPERLINK(\"http://x\")", "17-08-1990", "L", "+1", "non_asn",
             "2500000", "01-01-2020"]]  # fmt: skip
    upload = roster_csv(rows, headers=headers)
    data = upload.read()
    sheet = read_roster_file(data, filename="roster.csv")
    content = error_workbook(data, filename="roster.csv", problems=sheet.problems)
    assert live_formulas(content) == []
    book = load_workbook(io.BytesIO(content))
    first = book.worksheets[0]
    assert first.cell(1, 10).value == "Kesalahan"  # the header problem did not overwrite it
    assert first.cell(2, 3).value == '=HYPERLINK("http://x")'  # the value itself, as text
    assert "Kesalahan" in book.sheetnames  # the header problem is listed there
    # The workbook re-uploads as it is: only the original header problem, no new one.
    again = read_roster_file(content, filename="roster-kesalahan.xlsx")
    assert [p.message for p in again.problems] == [p.message for p in sheet.problems]


def test_the_error_workbook_of_an_xlsx_with_formulas_turns_them_to_text():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADERS)
    book.active.append([make_nik(1), "=1+1", "17-08-1990", "L", "Staf", "non_asn", 1, "x"])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    assert live_formulas(data)  # the upload had one
    content = error_workbook(data, filename="r.xlsx", problems=[])
    assert live_formulas(content) == []


def test_the_forecast_workbook_keeps_an_edited_unit_name_as_text(world):
    world.kdi_dlhk.name = '=HYPERLINK("http://x","Dinas")'
    world.kdi_dlhk.save()
    verified_roster(world.kdi_dlhk, date(2025, 10, 1), [2_750_000])
    bills_generate(period=date(2025, 10, 1))
    forecast = budget_forecast(user=world.user("sekda"), year=2026, as_of=date(2025, 11, 1))
    content = forecast_workbook(forecast)
    assert live_formulas(content) == []
    units = list(load_workbook(io.BytesIO(content))["Per unit"].iter_rows(values_only=True))
    assert units[1][2] == '=HYPERLINK("http://x","Dinas")'
