"""Next year's budget: current verified rosters × the rates in force, split by who pays."""

import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from enrollment.billing.exports import forecast_workbook
from enrollment.billing.selectors import budget_forecast
from enrollment.billing.services import bills_generate
from enrollment.models import Bill, ContributionRate
from tests.enrollment.billing_helpers import verified_roster

OCT = date(2025, 10, 1)


def _rosters(world):
    verified_roster(world.kdi_dlhk, date(2025, 9, 1), [1_000_000])  # older: not used
    verified_roster(world.kdi_dlhk, OCT, [2_750_000, 3_100_000, 2_708_125])
    verified_roster(world.kdi_satpol, OCT, [2_500_000])
    verified_roster(world.kdi_satpol, OCT.replace(month=11), [2_600_000], status="submitted")
    verified_roster(world.konut_village, OCT, [2_000_000, 2_100_000], segment="village_official")
    verified_roster(world.konut_opd, OCT, [1_000_000], segment="vulnerable")
    verified_roster(world.buton_opd, OCT, [2_750_000])
    bills_generate(period=OCT)


def test_with_no_growth_the_forecast_is_12_times_the_current_monthly_bills(world):
    _rosters(world)
    forecast = budget_forecast(
        user=world.user("province_admin"), year=2026, as_of=date(2025, 11, 20)
    )
    for regency in forecast.regencies:
        monthly = sum(
            Bill.objects.filter(unit__regency=regency.regency, period=OCT).values_list(
                "total", flat=True
            )
        )
        assert regency.annual == 12 * monthly
        assert regency.monthly == monthly
    kendari = next(r for r in forecast.regencies if r.regency == world.kendari)
    assert [u.roster_period for u in kendari.units] == [OCT, OCT]  # the latest verified
    assert kendari.workers == 4


def test_the_forecast_is_split_between_apbd_and_apbdes(world):
    _rosters(world)
    forecast = budget_forecast(
        user=world.user("branch_staff"), year=2026, regency=world.konut, as_of=date(2025, 11, 1)
    )
    (konut,) = forecast.regencies
    village = (4_800 + 6_000) + (5_040 + 6_300)  # 2.000.000 and 2.100.000 at 0,54%
    vulnerable = 16_800
    assert (konut.apbdes, konut.apbd, konut.worker_deduction) == (
        12 * village,
        12 * vulnerable,
        0,
    )


def test_a_rate_row_can_deduct_part_from_workers(world):
    _rosters(world)
    ContributionRate.objects.filter(programme="JKM", basis="pu").update(worker_share_percent=50)
    forecast = budget_forecast(user=world.user("sekda"), year=2026, as_of=date(2025, 11, 1))
    (kendari,) = forecast.regencies
    # JKM 0,30% of each wage: 8.250, 9.300, 8.124 (8.124,375), 7.500; half of each
    assert kendari.worker_deduction == 12 * (4_125 + 4_650 + 4_062 + 3_750)


def test_growth_and_wage_change(world):
    _rosters(world)
    forecast = budget_forecast(
        user=world.user("opd_treasurer"),
        year=2026,
        growth_percent=Decimal(10),
        wage_change_percent=Decimal(5),
        as_of=date(2025, 11, 1),
    )
    (kendari,) = forecast.regencies
    (dlhk,) = kendari.units
    # wages +5%: 2.887.500, 3.255.000, 2.843.531 (2.843.531,25)
    # JKK 0,24%: 6.930, 7.812, 6.824; JKM 0,30%: 8.663 (8.662,5), 9.765, 8.531
    monthly = 6_930 + 7_812 + 6_824 + 8_663 + 9_765 + 8_531
    assert monthly == 48_525
    assert dlhk.annual == 640_530  # 12 × 48.525 × 110%


def test_each_role_forecasts_only_its_scope(world):
    _rosters(world)
    regencies = {
        role: sorted(
            r.regency.code
            for r in budget_forecast(
                user=world.user(role), year=2026, as_of=date(2025, 11, 1)
            ).regencies
        )
        for role in (
            "opd_treasurer",
            "village_treasurer",
            "branch_staff",
            "sekda",
            "province_admin",
        )
    }
    assert regencies == {
        "opd_treasurer": ["74.71"],
        "village_treasurer": ["74.09"],
        "branch_staff": ["74.09", "74.71"],
        "sekda": ["74.71"],
        "province_admin": ["74.04", "74.09", "74.71"],
    }


def test_the_forecast_exports_to_xlsx(world):
    _rosters(world)
    forecast = budget_forecast(user=world.user("sekda"), year=2026, as_of=date(2025, 11, 1))
    book = load_workbook(io.BytesIO(forecast_workbook(forecast)))
    assert book.sheetnames == ["Ringkasan", "Per unit", "Tarif"]
    summary = [row for row in book["Ringkasan"].iter_rows(values_only=True) if any(row)]
    assert summary[0][0] == "Proyeksi iuran JKK/JKM tahun anggaran 2026"
    total = next(row for row in summary if row[0] == "Jumlah")
    assert total[-1] == forecast.annual
    units = list(book["Per unit"].iter_rows(values_only=True))
    assert [u[1] for u in units[1:]] == ["74.71-DLHK", "74.71-SATPOLPP"]
    certainty = {row[7] for row in book["Tarif"].iter_rows(min_row=2, values_only=True)}
    assert "Belum terkonfirmasi" in certainty


def test_a_sponsor_paid_unit_is_in_neither_budget_and_gets_pp_50_2025(world):
    world.konut_opd.funding_source = "sponsor"
    world.konut_opd.save()
    _rosters(world)
    forecast = budget_forecast(
        user=world.user("branch_staff"), year=2026, regency=world.konut, as_of=date(2025, 11, 1)
    )
    (konut,) = forecast.regencies
    sponsored = next(u for u in konut.units if u.unit == world.konut_opd)
    # BPU Rp 16.800 a month; PP 50/2025 (sponsor row, unconfirmed) halves Apr–Dec 2026:
    # 3 × 16.800 + 9 × 8.400 = 50.400 + 75.600 = 126.000.
    assert (sponsored.payer, sponsored.annual, sponsored.apbd, sponsored.apbdes) == (
        "sponsor",
        126_000,
        0,
        0,
    )
    assert konut.apbd == 0
