"""Two uploads of the same unit and month at the same time leave exactly one roster (PostgreSQL).

SQLite serialises every write and ignores SELECT ... FOR UPDATE, so the race is
only real on PostgreSQL; the CI runs this module there.
"""

import datetime as dt
import threading

import pytest
from django.db import connection

from bpjs_tracker.roles import sync_roles
from enrollment.models import Roster, RosterEntry, RosterUpload
from enrollment.services.rosters import roster_import
from regencies.models import Regency
from regencies.services import reference_load
from tests import factories
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and real concurrency need PostgreSQL"
)
JAN = dt.date(2025, 1, 1)


@pytest.fixture(scope="module")
def reference_data_restored(django_db_blocker):
    """A transactional test flushes the database; put the session's reference data back."""
    yield
    with django_db_blocker.unblock():
        reference_load()
        sync_roles()


@pytest.mark.django_db(transaction=True)
def test_concurrent_uploads_of_the_same_unit_and_month_leave_one_roster(reference_data_restored):
    unit = factories.OpdFactory(regency=Regency.objects.get(code="74.71"), code="74.71-DLHK")
    files = {
        "a": [worker_row(make_nik(n), f"Pekerja A{n}") for n in range(1, 301)],
        "b": [worker_row(make_nik(n), f"Pekerja B{n}") for n in range(201, 451)],
    }
    start = threading.Barrier(len(files))
    results, errors = {}, []

    def upload(key):
        try:
            start.wait()
            results[key] = roster_import(
                unit=unit, period=JAN, upload=roster_csv(files[key], name=f"{key}.csv"), by=None
            )
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload, args=(key,)) for key in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert all(result.ok for result in results.values())
    assert Roster.objects.count() == 1
    assert RosterUpload.objects.filter(status=RosterUpload.Status.IMPORTED).count() == 2
    roster = Roster.objects.get()
    last = roster.original_name.removesuffix(".csv")
    assert roster.entries.count() == len(files[last]) == roster.entry_count
    names = set(RosterEntry.objects.values_list("worker__name", flat=True))
    assert names == {row[1] for row in files[last]}
    # The later import saw the earlier one's roster and replaced it.
    assert sum(result.replaces for result in results.values()) == 1
