"""compute_benefit exactly as DESIGN.md "Interfaces" says: JSON keys, exit 0 / 2, one line."""

import json
from io import StringIO

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import OutputWrapper

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("compute_benefit", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def shell(monkeypatch, *argv):
    """Exit status and stderr as from `manage.py compute_benefit ...`."""
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    command = load_command_class("claims", "compute_benefit")
    err = StringIO()
    command.stdout, command.stderr = OutputWrapper(StringIO()), OutputWrapper(err)
    try:
        command.run_from_argv(["manage.py", "compute_benefit", *argv])
        return 0, err.getvalue()
    except SystemExit as exc:
        return exc.code, err.getvalue()


def test_json_has_exactly_the_contract_keys():
    code, out, _err = run(
        "--programme", "JKM", "--date-of-death", "2021-10-14", "--months-contributed", "36",
        "--children", "2", "--format", "json",
    )  # fmt: skip
    payload = json.loads(out)
    assert code == 0
    assert set(payload) == {"schedule", "total", "components", "scholarship"}
    assert payload["schedule"].startswith("PP 82/2019")
    assert payload["total"] == 42_000_000 == sum(payload["components"].values())
    assert payload["scholarship"]["eligible"] is True
    assert payload["scholarship"]["children"] == 2
    assert payload["scholarship"]["max_total"] == 174_000_000
    assert isinstance(payload["scholarship"]["reason"], str)


def test_children_default_to_zero_and_max_total_is_zero():
    _code, out, _err = run(
        "--programme", "JKM", "--date-of-death", "2019-10-07", "--format", "json"
    )
    payload = json.loads(out)
    assert payload["total"] == 24_000_000
    assert payload["scholarship"]["max_total"] == 0
    assert payload["scholarship"]["children"] == 0


def test_jkk_json_total_is_the_cash_without_scholarship():
    _code, out, _err = run(
        "--programme", "JKK", "--date-of-death", "2021-10-14", "--wage", "3000000",
        "--children", "1", "--format", "json",
    )  # fmt: skip
    payload = json.loads(out)
    assert payload["components"] == {
        "lump_sum": 144_000_000,
        "periodic": 12_000_000,
        "funeral": 10_000_000,
    }
    assert payload["total"] == 166_000_000
    assert payload["scholarship"]["max_total"] == 87_000_000


def test_text_reads_out_each_component_and_the_total():
    code, out, _err = run("--programme", "JKM", "--date-of-death", "2021-10-14", "--format", "text")
    assert code == 0
    assert "Santunan sekaligus: Rp 20.000.000" in out
    assert "Santunan berkala: Rp 12.000.000" in out
    assert "Biaya pemakaman: Rp 10.000.000" in out
    assert "Jumlah dibayar sekaligus: Rp 42.000.000" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["--programme", "JHT", "--date-of-death", "2021-10-14", "--format", "json"],
        ["--programme", "JKM", "--date-of-death", "14-10-2021", "--format", "json"],
        ["--programme", "JKM", "--date-of-death", "2021-02-30", "--format", "json"],
        ["--programme", "JKK", "--date-of-death", "2021-10-14", "--format", "json"],
        ["--programme", "JKK", "--date-of-death", "2021-10-14", "--wage", "-5", "--format", "json"],
        ["--programme", "JKM", "--date-of-death", "2015-06-30", "--format", "json"],
    ],
    ids=["bad programme", "date not ISO", "impossible date", "JKK without wage", "negative wage",
         "before any schedule"],
)  # fmt: skip
def test_bad_arguments_exit_2_with_one_line(monkeypatch, capsys, argv):
    code, err = shell(monkeypatch, *argv)
    err += capsys.readouterr().err  # argparse's own errors go to the process's stderr
    assert code == 2
    assert len(err.strip().splitlines()) == 1


def test_bad_arguments_exit_2_under_call_command():
    code, out, _err = run("--programme", "JKK", "--date-of-death", "2021-10-14", "--format", "json")
    assert code == 2
    assert out == ""
