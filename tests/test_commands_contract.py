"""The import_roster / verify_roster commands exactly as DESIGN.md "Interfaces" says.

Exit 0 / 1 / 2, one line per problem "<sheet>!<row>:<column>: <message>",
warnings as "warning: ...", --format json with the contract's keys. Run through
call_command (CommandExit is a SystemExit and a CommandError) and through
run_from_argv, the shell's path, for the exit status.
"""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError, OutputWrapper

from enrollment.models import Membership, Roster, RosterEntry, Worker
from tests.enrollment.conftest import SAMPLES, roster_csv, worker_row
from tests.factories import make_nik

LINE = re.compile(r"^(warning: )?[^!\n]+!\d+:[^:\n]*: .+$")


def run(*args, **options):
    """(exit code, stdout lines, stderr) of call_command."""
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err, **options)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue().splitlines(), err.getvalue()


def shell(monkeypatch, *argv):
    """Exit status and stderr of the command as run from the shell (manage.py ...)."""
    # run_from_argv closes every connection afterwards; keep the test's transaction open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    command = load_command_class("enrollment", argv[0])
    err = StringIO()
    command.stdout, command.stderr = OutputWrapper(StringIO()), OutputWrapper(err)
    try:
        command.run_from_argv(["manage.py", *argv])
        return 0, err.getvalue()
    except SystemExit as exc:
        return exc.code, err.getvalue()


@pytest.fixture
def good(tmp_path):
    return str(SAMPLES / "good_roster.xlsx")


def test_import_prints_counts_and_exits_0(world, good):
    code, out, _err = run("import_roster", good, unit="74.71-DLHK", period="2025-01")

    assert code == 0
    assert out[-1] == "created: 3, updated: 0, unchanged: 0, left: 0"
    assert Roster.objects.get().entry_count == 3


def test_reimport_compares_with_the_same_month(world, good):
    run("import_roster", good, unit="74.71-DLHK", period="2025-01")
    code, out, _err = run("import_roster", good, unit="74.71-DLHK", period="2025-01")

    assert code == 0
    assert out[-1] == "created: 0, updated: 0, unchanged: 3, left: 0"
    assert Roster.objects.count() == 1


def test_next_month_compares_with_the_latest_earlier_roster(world, good):
    run("import_roster", good, unit="74.71-DLHK", period="2025-01")
    code, out, _err = run(
        "import_roster",
        str(SAMPLES / "good_roster_next_month.xlsx"),
        unit="74.71-DLHK",
        period="2025-03",
    )

    assert code == 0
    assert out[-1] == "created: 1, updated: 1, unchanged: 1, left: 1"


def test_dry_run_exits_0_and_saves_nothing(world, good):
    code, out, _err = run("import_roster", good, "--dry-run", unit="74.71-DLHK", period="2025-01")

    assert code == 0
    assert out[-1] == "created: 3, updated: 0, unchanged: 0, left: 0"
    assert (Roster.objects.count(), Worker.objects.count()) == (0, 0)


def test_rejected_file_exits_1_with_one_line_per_problem(world):
    path = str(SAMPLES / "rounded_nik_number.xlsx")
    code, out, err = run("import_roster", path, unit="74.71-DLHK", period="2025-01")

    assert code == 1
    assert len(out) == 1
    assert out[0].startswith("Sheet1!3:NIK: NIK 7471011203850000 telah dibulatkan oleh Excel")
    assert all(LINE.match(line) for line in out)
    assert (Roster.objects.count(), Worker.objects.count(), RosterEntry.objects.count()) == (0,) * 3


def test_rejection_is_also_a_command_error_with_returncode_1(world):
    with pytest.raises(CommandError) as raised:
        call_command(
            "import_roster",
            str(SAMPLES / "wage_text.csv"),
            unit="74.71-DLHK",
            period="2025-01",
            stdout=StringIO(),
        )
    assert raised.value.returncode == 1


def test_warnings_are_marked_and_do_not_block(world, tmp_path):
    # Birth date disagrees with the NIK: a warning, the import goes ahead.
    upload = roster_csv([worker_row(make_nik(1), "Budi", birth="18-08-1990")])
    path = tmp_path / "roster.csv"
    path.write_bytes(upload.read())

    code, out, _err = run("import_roster", str(path), unit="74.71-DLHK", period="2025-01")

    assert code == 0
    assert out[0].startswith("warning: roster!2:NIK: Tanggal lahir menurut NIK (17-08-1990)")
    assert LINE.match(out[0])
    assert out[-1] == "created: 1, updated: 0, unchanged: 0, left: 0"


def test_json_format_has_exactly_the_contract_keys(world):
    code, out, _err = run(
        "import_roster",
        str(SAMPLES / "duplicate_nik.xlsx"),
        unit="74.71-DLHK",
        period="2025-01",
        format="json",
    )

    assert code == 1
    payload = json.loads("\n".join(out))
    assert set(payload) == {"ok", "created", "updated", "unchanged", "left", "problems"}
    assert payload["ok"] is False
    assert payload["problems"] == [
        {
            "sheet": "Sheet1",
            "row": 5,
            "column": "NIK",
            "message": (
                "NIK 7471015708900001 sudah ada di baris 2. Satu pekerja cukup satu baris; "
                "hapus baris ganda."
            ),
            "severity": "error",
        }
    ]


def test_json_format_on_success(world, good):
    code, out, _err = run("import_roster", good, unit="74.71-DLHK", period="2025-01", format="json")

    assert code == 0
    assert json.loads("\n".join(out)) == {
        "ok": True,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "left": 0,
        "problems": [],
    }


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"unit": "74.71-NOPE", "period": "2025-01"}, "Unit kerja '74.71-NOPE' tidak dikenal"),
        ({"unit": "74.71-DLHK", "period": "2025-13"}, "Periode '2025-13' tidak sah"),
        ({"unit": "74.71-DLHK", "period": "01-2025"}, "Periode '01-2025' tidak sah"),
        ({"unit": "74.71-DLHK", "period": "2025-01", "user": "nobody"}, "Pengguna 'nobody'"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(world, good, options, fragment):
    with pytest.raises(SystemExit) as raised:
        call_command("import_roster", good, stdout=StringIO(), **options)
    assert raised.value.code == 2
    assert fragment in str(raised.value)
    assert "\n" not in str(raised.value)


def test_missing_file_exits_2(world):
    code, _out, _err = run(
        "import_roster", "/nonexistent.xlsx", unit="74.71-DLHK", period="2025-01"
    )
    assert code == 2


def test_missing_required_argument_exits_2(world, good):
    code, _out, _err = run("import_roster", good, period="2025-01")
    assert code == 2


def test_treasurer_cannot_import_for_another_unit(world, good):
    code, _out, _err = run(
        "import_roster", good, unit="74.71-SATPOLPP", period="2025-01", user="opd_treasurer"
    )
    assert code == 2
    assert Roster.objects.count() == 0


def test_sekda_may_not_upload(world, good):
    code, _out, _err = run("import_roster", good, unit="74.71-DLHK", period="2025-01", user="sekda")
    assert code == 2
    assert Roster.objects.count() == 0


def test_treasurer_imports_for_own_unit(world, good):
    code, _out, _err = run(
        "import_roster", good, unit="74.71-DLHK", period="2025-01", user="opd_treasurer"
    )
    assert code == 0
    assert Roster.objects.get().uploaded_by.username == "opd_treasurer"


def test_shell_exit_status_follows_the_contract(world, good, monkeypatch):
    assert (
        shell(monkeypatch, "import_roster", good, "--unit", "74.71-DLHK", "--period", "2025-01")[0]
        == 0
    )
    broken = str(SAMPLES / "formula.xlsx")
    code, err = shell(
        monkeypatch, "import_roster", broken, "--unit", "74.71-DLHK", "--period", "2025-02"
    )
    assert code == 1
    assert "ditolak" in err
    code, err = shell(
        monkeypatch, "import_roster", good, "--unit", "74.71-DLHK", "--period", "2025"
    )
    assert code == 2
    assert err.strip().count("\n") == 0


def test_verify_roster_opens_memberships(world, good):
    run("import_roster", good, unit="74.71-DLHK", period="2025-01")

    code, out, _err = run("verify_roster", unit="74.71-DLHK", period="2025-01", user="branch_staff")

    assert code == 0
    assert out[0] == "verified: 74.71-DLHK 2025-01; memberships opened: 6, closed: 0, removed: 0"
    assert out[1:] == ["bill: 74.71-DLHK 2025-01 created: 1, recomputed: 0, adjusted: 0"]
    assert Roster.objects.get().status == Roster.Status.VERIFIED
    assert Membership.objects.filter(end__isnull=True).count() == 6


def test_verify_roster_twice_is_harmless(world, good):
    run("import_roster", good, unit="74.71-DLHK", period="2025-01")
    run("verify_roster", unit="74.71-DLHK", period="2025-01")
    code, _out, _err = run("verify_roster", unit="74.71-DLHK", period="2025-01")
    assert code == 0
    assert Membership.objects.count() == 6


def test_verify_roster_without_a_roster_exits_1(world):
    code, _out, _err = run("verify_roster", unit="74.71-DLHK", period="2025-01")
    assert code == 1


@pytest.mark.parametrize(
    "options",
    [
        {"unit": "74.71-NOPE", "period": "2025-01"},
        {"unit": "74.71-DLHK", "period": "2025/01"},
        {"unit": "74.71-DLHK", "period": "2025-01", "user": "opd_treasurer"},
    ],
)
def test_verify_roster_bad_arguments_exit_2(world, good, options):
    run("import_roster", good, unit="74.71-DLHK", period="2025-01")
    code, _out, _err = run("verify_roster", **options)
    assert code == 2
    assert Roster.objects.get().status == Roster.Status.SUBMITTED
