"""The billing commands as DESIGN.md "Interfaces" states them (contract)."""

import json
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from enrollment.models import Bill, Payment
from tests.enrollment.billing_helpers import verified_roster


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def bad(*args) -> CommandError:
    with pytest.raises(CommandError) as error:
        run(*args)
    return error.value


def test_generate_bills_then_show_bill_json(world):
    roster = verified_roster(world.kdi_dlhk, date(2025, 1, 1), [2_750_000])
    nik = roster.entries.get().worker.nik
    output = run("generate_bills", "--period", "2025-01")
    assert "dibuat: 1" in output
    shown = json.loads(
        run("show_bill", "--unit", "74.71-DLHK", "--period", "2025-01", "--format", "json")
    )
    assert shown == {
        "unit": "74.71-DLHK",
        "period": "2025-01",
        "due_date": "2025-02-17",
        "total": 14_850,
        "lines": [
            {"nik": nik, "programme": "JKK", "amount": 6_600},
            {"nik": nik, "programme": "JKM", "amount": 8_250},
        ],
        "parts": [{"basis": "PU", "due_date": "2025-02-17", "total": 14_850}],
    }
    assert all(type(line["amount"]) is int for line in shown["lines"])


def test_generate_bills_is_idempotent_and_can_be_limited_to_a_regency(world):
    verified_roster(world.kdi_dlhk, date(2025, 1, 1))
    verified_roster(world.konut_village, date(2025, 1, 1))
    first = json.loads(
        run("generate_bills", "--period", "2025-01", "--regency", "74.71", "--format", "json")
    )
    assert (first["created"], first["unchanged"]) == (1, 0)
    again = json.loads(run("generate_bills", "--period", "2025-01", "--format", "json"))
    assert (again["created"], again["unchanged"]) == (1, 1)
    assert Bill.objects.count() == 2


@pytest.mark.parametrize(
    "args",
    [
        ("generate_bills", "--period", "2025-13"),
        ("generate_bills", "--period", "januari"),
        ("generate_bills", "--period", "2025-01", "--regency", "99.99"),
        ("generate_bills",),
        ("show_bill", "--unit", "74.71-TIDAKADA", "--period", "2025-01", "--format", "json"),
        ("show_bill", "--unit", "74.71-DLHK", "--period", "2025-1", "--format", "json"),
        ("show_bill", "--unit", "74.71-DLHK", "--period", "2025-01", "--format", "json"),
        ("import_payments", "/tidak/ada.csv"),
    ],
    ids=[
        "bad-month",
        "not-a-period",
        "unknown-regency",
        "no-period",
        "unknown-unit",
        "short-period",
        "missing-bill",
        "missing-file",
    ],
)
def test_bad_arguments_exit_2_with_one_line(world, args):
    error = bad(*args)
    assert error.returncode == 2
    assert "\n" not in str(error)


def test_malformed_period_exits_2_from_the_shell():
    done = subprocess.run(
        [sys.executable, "manage.py", "show_bill", "--unit", "X", "--period", "2025-13"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "2025-13" in done.stderr


def test_show_bill_text_prints_the_rounding_rule(world):
    verified_roster(world.kdi_dlhk, date(2025, 1, 1))
    run("generate_bills", "--period", "2025-01")
    text = run("show_bill", "--unit", "74.71-DLHK", "--period", "2025-01", "--format", "text")
    assert "Jumlah: Rp 14.850" in text
    assert "dibulatkan setengah ke atas" in text


def _csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bank.csv"
    path.write_text("Kode Unit;Periode;Jumlah;Tanggal Bayar;Referensi\n" + body, encoding="utf-8")
    return path


def test_import_payments_dry_run_then_for_real(world, tmp_path):
    verified_roster(world.kdi_dlhk, date(2025, 1, 1))
    run("generate_bills", "--period", "2025-01")
    path = _csv(tmp_path, "74.71-DLHK;2025-01;Rp 14.850;10-02-2025;TRX-1\n")
    preview = run("import_payments", str(path), "--dry-run")
    assert "cocok 74.71-DLHK 2025-01 Rp 14.850" in preview
    assert not Payment.objects.exists()
    run("import_payments", str(path))
    assert Payment.objects.get().amount == 14_850
    again = json.loads(run("import_payments", str(path), "--format", "json"))
    assert again["counts"] == {"duplicate": 1}
    assert Payment.objects.count() == 1


def test_import_payments_with_an_unmatched_row_saves_nothing_and_exits_1(world, tmp_path):
    verified_roster(world.kdi_dlhk, date(2025, 1, 1))
    run("generate_bills", "--period", "2025-01")
    path = _csv(
        tmp_path,
        "74.71-DLHK;2025-01;14850;10-02-2025;TRX-1\n74.71-TIDAKADA;2025-01;1000;10-02-2025;TRX-2\n",
    )
    error = bad("import_payments", str(path))
    assert error.returncode == 1
    assert not Payment.objects.exists()
