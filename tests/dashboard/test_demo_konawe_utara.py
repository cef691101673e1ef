"""The demo tells DOMAIN.md §6's Konawe Utara story through coverage_report (issue #10)."""

import json

from django.core.management import call_command

from enrollment.demo import seed_konawe_utara
from regencies.models import WorkUnit


def test_konawe_utara_2019_reports_1590_covered_and_85_paying_the_year(seeded_demo, capsys):
    call_command("coverage_report", "--period", "2019-12", "--regency", "74.09", "--format", "json")
    row = json.loads(capsys.readouterr().out)["rows"][0]
    villages = WorkUnit.objects.filter(regency__code="74.09", kind="village").count()
    assert villages == 159
    assert row["covered"] == 1590
    assert row["units_paid_full_year"] == 85
    assert row["units"] >= 159 and row["units_verified"] == 159
    assert seed_konawe_utara() == 0  # idempotent: a second run adds nothing

    call_command("coverage_report", "--period", "2023-11", "--regency", "74.04", "--format", "json")
    buton = json.loads(capsys.readouterr().out)["rows"][0]
    assert (buton["covered"], buton["target"], buton["coverage_pct"]) == (3800, 46270, 8.2)
