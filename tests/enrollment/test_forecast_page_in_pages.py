"""The forecast page shows every regency's sums and one page of units: its sums are those of
all pages, and its query count does not grow with the units."""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from enrollment.billing import selectors
from enrollment.billing.services import bills_generate
from tests import factories
from tests.enrollment.billing_helpers import verified_roster

OCT = date(2025, 10, 1)
URL = reverse("admin:enrollment_bill_forecast")
FIGURES = ("workers", "monthly", "apbd", "apbdes", "worker_deduction", "annual")


def rosters(world, units=0):
    verified_roster(world.kdi_dlhk, OCT, [2_750_000, 3_100_000, 2_708_125])
    verified_roster(world.kdi_satpol, OCT, [2_500_000])
    verified_roster(world.konut_village, OCT, [2_000_000, 2_100_000], segment="village_official")
    verified_roster(world.konut_opd, OCT, [1_000_000], segment="vulnerable")
    verified_roster(world.buton_opd, OCT, [2_750_000])
    more_units(units)


def more_units(n, start=0):
    for i in range(start, start + n):
        unit = factories.OpdFactory(code=f"74.71-X{i:03d}", name=f"Dinas X{i:03d}")
        verified_roster(unit, OCT, [2_600_000 + 10_000 * i] * (1 + i % 3))
    bills_generate(period=OCT)


@pytest.mark.parametrize("order", ["annual", "code"])
def test_the_totals_equal_the_sum_over_all_pages(world, client, monkeypatch, order):
    rosters(world, units=6)
    monkeypatch.setattr(selectors, "FORECAST_PER_PAGE", 4)
    client.force_login(world.user("province_admin"))
    seen, page_number = [], 1
    while True:
        response = client.get(URL, {"year": "2026", "order": order, "p": page_number})
        page = response.context["page"]
        assert len(page.object_list) <= 4
        seen += page.object_list
        if not page.has_next():
            break
        page_number += 1
    assert page_number == 3  # 11 units, 4 a page
    forecast = response.context["forecast"]
    assert [u.unit.code for u in seen] == [
        u.unit.code
        for u in sorted(
            (u for r in forecast.regencies for u in r.units),
            key=(lambda u: u.unit.code) if order == "code" else (lambda u: (-u.annual, u.unit.code)),
        )
    ]
    assert len(seen) == forecast.totals.units == 11
    for name in FIGURES:
        assert getattr(forecast.totals, name) == sum(getattr(u, name) for u in seen)
        assert getattr(forecast.totals, name) == sum(getattr(r, name) for r in forecast.regencies)
    assert forecast.annual == sum(u.annual for u in seen) > 0
    if order == "annual":
        assert [u.annual for u in seen] == sorted((u.annual for u in seen), reverse=True)


def test_the_page_shows_every_regencys_sums_and_the_total(world, client, monkeypatch):
    rosters(world, units=3)
    monkeypatch.setattr(selectors, "FORECAST_PER_PAGE", 2)
    client.force_login(world.user("province_admin"))
    response = client.get(URL, {"year": "2026", "p": "2"})
    html = response.content.decode()
    regencies = html.split('id="forecast-regencies"')[1].split("</table>")[0]
    for name in ("Kota Kendari", "Konawe Utara", "Buton"):
        assert name in regencies
    units = html.split('id="forecast-table"')[1].split("</table>")[0]
    assert units.count('class="forecast-unit"') == 2
    assert "Unit 3–4 dari 8" in units
    assert "halaman 2 dari 4" in html


def test_the_forecast_page_takes_as_many_queries_for_many_units_as_for_few(world, client):
    rosters(world)
    client.force_login(world.user("province_admin"))
    counts = []
    for more in (2, 30):
        more_units(more, start=len(counts) * 100)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"year": "2026"})
        assert response.status_code == 200
        counts.append((len(queries), response.context["forecast"].totals.units))
    assert counts[1][1] == counts[0][1] + 30
    assert counts[0][0] == counts[1][0]


def test_the_year_s_rate_rules_are_read_once(world, client):
    """Twelve months of rates, reliefs, payment rules and holidays: one read each."""
    rosters(world, units=2)
    client.force_login(world.user("province_admin"))
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, {"year": "2026"})
    rate_reads = [q["sql"] for q in queries if 'FROM "enrollment_contributionrate"' in q["sql"]]
    assert len(rate_reads) == 1


def test_the_xlsx_has_every_unit_whatever_the_page(world, client, monkeypatch):
    rosters(world, units=6)
    monkeypatch.setattr(selectors, "FORECAST_PER_PAGE", 4)
    client.force_login(world.user("province_admin"))
    download = client.get(URL, {"year": "2026", "p": "2", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(download.content))["Per unit"]
    codes = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[1]]
    assert len(codes) == 11
    assert "74.71-X005" in codes and "74.04-SETDA" in codes
