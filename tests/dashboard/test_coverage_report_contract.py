"""`manage.py coverage_report` (contract, DESIGN.md "Interfaces")."""

import json
from datetime import date

import pytest
from django.core.management import call_command

from enrollment.summary import summary_rebuild
from regencies.models import Regency
from tests import factories

pytestmark = pytest.mark.django_db

ROW_KEYS = {
    "regency", "name", "target", "covered", "coverage_pct", "units", "units_verified",
    "units_paid_full_year", "arrears", "claims_open", "claims_paid",
}  # fmt: skip


def report(capsys, *args):
    call_command("coverage_report", *args)
    return capsys.readouterr().out


@pytest.fixture
def kendari_march(world):
    roster = factories.RosterFactory(
        unit=world.kdi_dlhk, period=date(2025, 3, 1), status="verified"
    )
    for _ in range(3):
        entry = factories.RosterEntryFactory(roster=roster)
        for programme in ("JKK", "JKM"):
            factories.MembershipFactory(
                worker=entry.worker, unit=world.kdi_dlhk, programme=programme
            )
    factories.CoverageTargetFactory(regency=world.kendari, year=2025, target=12)
    summary_rebuild(periods=[date(2025, 3, 1)])


def test_json_has_exactly_the_contract_keys_and_every_regency(kendari_march, capsys):
    payload = json.loads(report(capsys, "--period", "2025-03", "--format", "json"))
    assert set(payload) == {"period", "rows", "total"}
    assert payload["period"] == "2025-03"
    assert len(payload["rows"]) == Regency.objects.count()
    assert all(set(row) == ROW_KEYS for row in payload["rows"])
    assert set(payload["total"]) == ROW_KEYS - {"regency", "name"}
    kendari = next(r for r in payload["rows"] if r["regency"] == "74.71")
    assert kendari == {
        "regency": "74.71", "name": kendari["name"], "target": 12, "covered": 3,
        "coverage_pct": 25.0, "units": 2, "units_verified": 1, "units_paid_full_year": 0,
        "arrears": 0, "claims_open": 0, "claims_paid": 0,
    }  # fmt: skip


def test_regency_limits_the_rows(kendari_march, capsys):
    payload = json.loads(
        report(capsys, "--period", "2025-03", "--regency", "74.71", "--format", "json")
    )
    assert [r["regency"] for r in payload["rows"]] == ["74.71"]
    assert payload["total"]["covered"] == 3


def test_table_and_csv_formats(kendari_march, capsys):
    assert "74.71" in report(capsys, "--period", "2025-03", "--regency", "74.71")
    out = report(capsys, "--period", "2025-03", "--regency", "74.71", "--format", "csv")
    assert out.splitlines()[0].startswith("Kode,Nama,Target,Terlindungi")


@pytest.mark.parametrize(
    "args", [["--period", "2025-13"], ["--regency", "99.99"], ["--format", "xml"]]
)
def test_bad_arguments_exit_2(world, args):
    with pytest.raises(SystemExit) as raised:
        call_command("coverage_report", *args)
    assert raised.value.code == 2
