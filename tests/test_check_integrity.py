"""`manage.py check_integrity` finds rows whose unenforced foreign key points nowhere."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from bpjs_tracker.integrity import dangling_keys
from enrollment.models import RosterEntry
from tests import factories


def _run(*args):
    out = StringIO()
    try:
        call_command("check_integrity", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


def test_every_key_is_whole_after_an_ordinary_roster(world):
    factories.RosterEntryFactory(roster=factories.RosterFactory(unit=world.kdi_dlhk))

    code, out = _run()

    assert code == 0
    assert "enrollment.RosterEntry.roster → enrollment.Roster: 0 baris tanpa pasangan" in out
    assert {(k.model, k.field) for k in dangling_keys()} >= {
        ("enrollment.RosterEntry", "roster"),
        ("enrollment.RosterEntry", "worker"),
        ("enrollment.BillLine", "bill"),
    }


def test_an_entry_whose_worker_is_gone_is_reported_with_its_id(world):
    entry = factories.RosterEntryFactory(roster=factories.RosterFactory(unit=world.kdi_dlhk))
    keep = factories.RosterEntryFactory(roster=entry.roster)
    with connection.cursor() as cursor:  # what only a bypass of the services can do
        cursor.execute(
            f"UPDATE {RosterEntry._meta.db_table} SET worker_id = %s WHERE id = %s",  # noqa: S608
            [entry.worker_id + 10_000, entry.pk],
        )

    code, out = _run("--format", "json")

    assert code == 1
    keys = {(k["model"], k["field"]): k for k in json.loads(out)["keys"]}
    assert keys[("enrollment.RosterEntry", "worker")]["missing"] == 1
    assert keys[("enrollment.RosterEntry", "worker")]["example_ids"] == [entry.pk]
    assert keys[("enrollment.RosterEntry", "roster")]["missing"] == 0
    assert keep.pk not in keys[("enrollment.RosterEntry", "worker")]["example_ids"]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_an_empty_database_is_whole(db, fmt):
    assert _run("--format", fmt)[0] == 0
