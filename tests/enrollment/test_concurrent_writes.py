"""Concurrent writes on PostgreSQL, with real threads (issue #11, item 7).

- verify_roster and import_roster on the same unit at the same moment deadlocked
  in 2 of 15 runs (`locking tuple in regencies_workunit`): every roster writer now
  locks the unit first;
- two imports of one payment file at once ended, for the loser, in a raw
  IntegrityError: the second now waits for the first and skips its payments.
SQLite serialises every write, so these run on PostgreSQL only (CI runs both).
"""

import datetime as dt
import threading

import pytest
from django.db import connection

from bpjs_tracker.roles import sync_roles
from enrollment.billing.payments import payments_import
from enrollment.billing.services import bill_generate
from enrollment.models import Payment, Roster
from enrollment.services.rosters import roster_import, roster_verify
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
    """A transactional test flushes the database: reference data before each test and after all."""
    yield lambda: _reload(django_db_blocker)
    _reload(django_db_blocker)


def _reload(django_db_blocker):
    with django_db_blocker.unblock():
        if not Regency.objects.filter(code="74.71").exists():
            reference_load()
            sync_roles()


@pytest.fixture
def reference_data(reference_data_restored):
    reference_data_restored()


def _together(*jobs, timeout=60):
    """Run the jobs in threads released at the same moment; (results, errors)."""
    start = threading.Barrier(len(jobs))
    results, errors = [None] * len(jobs), []

    def run(index, job):
        try:
            start.wait()
            results[index] = job()
        except Exception as exc:  # reported by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_verify_and_import_of_one_unit_at_once_never_deadlock(reference_data):
    unit = factories.OpdFactory(regency=Regency.objects.get(code="74.71"), code="74.71-DLHK")
    rows = [worker_row(make_nik(n), f"Pekerja {n}") for n in range(1, 201)]
    for attempt in range(8):
        period = dt.date(2025, 1 + attempt, 1)
        roster = roster_import(unit=unit, period=period, upload=roster_csv(rows)).roster
        again = [worker_row(make_nik(n), f"Pekerja {n}") for n in range(1 + attempt, 230)]
        results, errors = _together(
            lambda roster=roster: roster_verify(roster=roster),
            lambda period=period, again=again: roster_import(
                unit=unit, period=period, upload=roster_csv(again)
            ),
        )
        assert errors == [], errors
        assert Roster.objects.filter(unit=unit, period=period).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_payment_file_keep_one_set_and_no_error(reference_data):
    unit = factories.OpdFactory(regency=Regency.objects.get(code="74.71"), code="74.71-DLHK")
    roster = roster_import(
        unit=unit, period=JAN, upload=roster_csv([worker_row(make_nik(1), "Andi")])
    ).roster
    roster_verify(roster=roster)
    bill_generate(unit=unit, period=JAN)
    content = (
        "Kode Unit,Periode,Jumlah,Tanggal Bayar,Referensi\n"
        + "".join(f"74.71-DLHK,2025-01,{100 + n},10-02-2025,REF{n}\n" for n in range(40))
    ).encode()
    results, errors = _together(
        *[lambda: payments_import(name="bank.csv", content=content) for _ in range(3)]
    )
    assert errors == [], errors
    assert all(result.ok for result in results)
    assert sorted(result.saved for result in results) == [0, 0, 40]
    assert Payment.objects.count() == 40
