"""Benefit schedules are dated data from fixtures/, loaded idempotently, overlaps refused."""

import shutil
from datetime import date

import pytest

from claims.models import BenefitSchedule, ScholarshipRule
from claims.reference import benefit_schedules_load
from regencies.services import ReferenceDataError, default_fixtures_dir

pytestmark = pytest.mark.django_db


def test_the_fixtures_hold_both_programmes_under_both_regulations():
    rows = {(s.programme, s.name): s for s in BenefitSchedule.objects.all()}
    assert set(rows) == {
        ("JKM", "PP 44/2015"),
        ("JKM", "PP 82/2019"),
        ("JKK", "PP 44/2015"),
        ("JKK", "PP 82/2019"),
    }
    new = rows[("JKM", "PP 82/2019")]
    assert (new.effective_from, new.certainty) == (date(2019, 12, 2), "unconfirmed")
    assert rows[("JKM", "PP 44/2015")].effective_to == date(2019, 12, 1)
    assert (
        rows[("JKK", "PP 44/2015")].claim_lapse_years,
        rows[("JKK", "PP 82/2019")].claim_lapse_years,
    ) == (2, 5)
    assert all(s.legal_basis for s in rows.values())
    assert ScholarshipRule.objects.filter(schedule=new).count() == 4


def test_a_second_load_changes_nothing():
    counts = benefit_schedules_load(default_fixtures_dir())
    assert (counts["benefitschedule"].created, counts["benefitschedule"].updated) == (0, 0)
    assert (counts["scholarshiprule"].created, counts["scholarshiprule"].updated) == (0, 0)


def test_overlapping_schedules_are_refused_and_nothing_is_saved(tmp_path):
    for name in ("benefit_schedules.csv", "scholarship_rules.csv"):
        shutil.copy(default_fixtures_dir() / name, tmp_path / name)
    path = tmp_path / "benefit_schedules.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("2019-12-01", "2019-12-31"), encoding="utf-8"
    )
    with pytest.raises(ReferenceDataError) as raised:
        benefit_schedules_load(tmp_path)
    assert any("tumpang tindih" in p for p in raised.value.problems)
    assert BenefitSchedule.objects.get(programme="JKM", name="PP 44/2015").effective_to == date(
        2019, 12, 1
    )
