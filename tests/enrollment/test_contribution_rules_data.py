"""Rates, reliefs and payment rules are dated data from fixtures/; overlaps are refused."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from enrollment.billing.reference import contribution_rules_load
from enrollment.models import (
    ContributionRate,
    ContributionRelief,
    FactCertainty,
    PaymentRule,
    PublicHoliday,
)
from regencies.services import ReferenceDataError, default_fixtures_dir, reference_load


def test_the_fixtures_hold_the_pp_44_2015_rates(db):
    rates = {
        (r.programme, r.basis, r.risk_class): r
        for r in ContributionRate.objects.in_force(date(2025, 1, 1))
    }
    assert {k: v.percent for k, v in rates.items() if k[0] == "JKK" and k[1] == "pu"} == {
        ("JKK", "pu", "very_low"): Decimal("0.24"),
        ("JKK", "pu", "low"): Decimal("0.54"),
        ("JKK", "pu", "medium"): Decimal("0.89"),
        ("JKK", "pu", "high"): Decimal("1.27"),
        ("JKK", "pu", "very_high"): Decimal("1.74"),
    }
    assert rates[("JKM", "pu", "")].percent == Decimal("0.30")
    bpu_jkk = rates[("JKK", "bpu", "")]
    assert (bpu_jkk.percent, bpu_jkk.minimum, bpu_jkk.maximum) == (Decimal("1"), 10_000, 207_000)
    assert bpu_jkk.certainty == FactCertainty.UNCONFIRMED
    assert rates[("JKM", "bpu", "")].amount == 6_800
    assert all(r.legal_basis.startswith("PP 44/2015") for r in rates.values())


def test_the_fixtures_hold_the_pp_49_2020_relief_and_its_rules(db):
    reliefs = ContributionRelief.objects.in_force(date(2020, 10, 1)).order_by("programme")
    assert [(r.programme, r.legal_basis.split(" (")[0]) for r in reliefs] == [
        ("JKK", "PP 49/2020 Pasal 8"),
        ("JKM", "PP 49/2020 Pasal 9"),
    ]
    for relief in reliefs:
        assert (relief.effective_from, relief.effective_to) == (
            date(2020, 8, 1),
            date(2021, 1, 31),
        )
        assert (relief.discount_percent, relief.requires_paid_up) == (99, True)
        assert (relief.new_participants_from, relief.full_months_for_new) == (date(2020, 8, 1), 2)


def test_the_rate_rows_cite_pp_49_2023_beside_pp_44_2015_and_pp_82_2019(db):
    for rate in ContributionRate.objects.all():
        assert "PP 44/2015 jo PP 82/2019 jo PP 49/2023" in rate.legal_basis, rate


def test_pp_50_2025_is_a_dated_bpu_relief_that_names_no_apbd_row(db):
    rows = ContributionRelief.objects.in_force(date(2026, 6, 1)).order_by("funding_source")
    assert [(r.basis, r.funding_source, r.discount_percent, r.certainty) for r in rows] == [
        ("bpu", "apbdes", 50, "unconfirmed"),
        ("bpu", "self", 50, "reported"),
        ("bpu", "sponsor", 50, "unconfirmed"),
    ]
    assert {(r.effective_from, r.effective_to) for r in rows} == {
        (date(2026, 4, 1), date(2026, 12, 31))
    }
    assert not ContributionRelief.objects.filter(funding_source="apbd").exists()
    rule = PaymentRule.objects.in_force(date(2020, 10, 1)).get()
    assert (rule.due_day, rule.holiday_shift, rule.fine_percent) == (30, "previous", Decimal("0.5"))
    normal = PaymentRule.objects.in_force(date(2025, 1, 1)).get(basis="pu")
    assert (normal.due_day, normal.due_month_offset, normal.fine_percent) == (15, 1, 2)


def test_loading_twice_changes_nothing(db):
    counts = contribution_rules_load(default_fixtures_dir())
    assert all(c.created == 0 and c.updated == 0 for c in counts.values())
    assert counts["contributionrate"].unchanged == 8


def test_reference_load_runs_the_contribution_rules_loader(db):
    result = reference_load()
    assert {"contributionrate", "contributionrelief", "paymentrule", "publicholiday"} <= set(
        result.counts
    )


def _rate(**changes):
    values = dict(
        programme="JKM",
        basis="pu",
        risk_class="",
        kind="percent",
        percent=Decimal("0.5"),
        effective_from=date(2030, 1, 1),
        legal_basis="uji",
        certainty="unconfirmed",
    )
    values.update(changes)
    return ContributionRate(**values)


def test_an_overlapping_rate_for_the_same_key_is_refused(db):
    rate = _rate(effective_from=date(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        rate.full_clean()
    assert error.value.error_dict["__all__"][0].code == "overlap"
    assert "tumpang tindih" in error.value.messages[0]


def test_a_rate_for_one_risk_class_overlaps_a_rate_for_every_class(db):
    rate = _rate(programme="JKK", risk_class="high", effective_from=date(2024, 1, 1))
    with pytest.raises(ValidationError):
        rate.full_clean()


def test_a_rate_after_the_current_one_ends_is_accepted(db):
    current = ContributionRate.objects.get(programme="JKM", basis="pu")
    current.effective_to = date(2029, 12, 31)
    current.full_clean()
    current.save()
    _rate(effective_from=date(2030, 1, 1)).full_clean()


def test_a_rate_for_another_key_does_not_overlap(db):
    _rate(programme="JHT", effective_from=date(2024, 1, 1)).full_clean()


def test_an_overlapping_relief_is_refused(db):
    relief = ContributionRelief(
        programme="JKK",
        discount_percent=50,
        effective_from=date(2021, 1, 1),
        legal_basis="uji",
        certainty="unconfirmed",
    )
    with pytest.raises(ValidationError):
        relief.full_clean()


def test_a_file_with_overlapping_rows_is_refused_and_nothing_is_saved(db, tmp_path):
    for path in default_fixtures_dir().glob("*.csv"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    rates = tmp_path / "contribution_rates.csv"
    rates.write_text(
        rates.read_text(encoding="utf-8")
        + "JKM,pu,,percent,0.50,,0,,0,2024-01-01,,uji,unconfirmed,\n",
        encoding="utf-8",
    )
    before = ContributionRate.objects.count()
    with pytest.raises(ReferenceDataError) as error:
        contribution_rules_load(tmp_path)
    assert error.value.problems == [
        "contribution_rates.csv:10: periode tumpang tindih dengan baris 7"
    ]
    assert ContributionRate.objects.count() == before


def test_a_directory_without_billing_files_loads_nothing(db, tmp_path):
    assert contribution_rules_load(tmp_path) == {}


def test_holidays_come_from_the_library_and_the_table_only_corrects_it(db):
    from enrollment.billing.calendar import holidays_between, library_holidays

    assert not PublicHoliday.objects.exists()  # the fixture holds corrections only: none yet
    assert library_holidays(date(2025, 8, 17), date(2025, 8, 18)) == {
        date(2025, 8, 17): "Hari Kemerdekaan Republik Indonesia",
        date(2025, 8, 18): "Cuti Bersama Hari Kemerdekaan Republik Indonesia",
    }
    PublicHoliday.objects.create(date=date(2025, 8, 18), name="batal", is_holiday=False,
                                 certainty="unconfirmed")  # fmt: skip
    PublicHoliday.objects.create(date=date(2025, 8, 19), name="tambah", certainty="unconfirmed")
    assert holidays_between(date(2025, 8, 16), date(2025, 8, 20)) == {
        date(2025, 8, 17),
        date(2025, 8, 19),
    }
