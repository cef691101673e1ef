"""A backup restored into an empty database gives exactly the same figures (issue #11).

backup_data writes the data (history included) and the uploaded files; the
database is then emptied (flush) and the files removed, as on a new server;
restore_data brings both back, and coverage, bills, arrears and history read
as before, to the Rupiah.
"""

import datetime as dt
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command

from bpjs_tracker.roles import sync_roles
from enrollment.billing.payments import payment_record
from enrollment.billing.services import bill_generate
from enrollment.models import Bill, Membership, Roster, RosterUpload, Worker
from enrollment.services.rosters import roster_import, roster_verify
from regencies.models import Regency
from regencies.services import reference_load
from tests import factories
from tests.enrollment.arrears_reference import units_in_arrears
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik


@pytest.fixture
def reference_data_back(django_db_blocker):
    """The test flushes the database: put the session's reference data back afterwards."""
    yield
    with django_db_blocker.unblock():
        reference_load()
        sync_roles()


def _figures(admin_user) -> dict:
    as_of = dt.date(2025, 6, 1)
    return {
        "covered": sorted(
            Membership.objects.filter(start__lte=as_of, end__isnull=True).values_list(
                "worker__nik", "programme"
            )
        ),
        "bills": sorted(Bill.objects.values_list("unit__code", "period", "total")),
        "arrears": [
            (a.unit.code, a.unpaid) for a in units_in_arrears(user=admin_user, as_of=as_of)
        ],
        "workers": Worker.objects.count(),
        "worker_history": Worker.history.count(),
        "roster_history": Roster.history.count(),
        "uploads": sorted(RosterUpload.objects.values_list("file", "status")),
    }


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_database_reproduces_every_figure(tmp_path, reference_data_back):
    kendari = Regency.objects.get(code="74.71")
    dlhk = factories.OpdFactory(regency=kendari, code="74.71-DLHK")
    satpol = factories.OpdFactory(regency=kendari, code="74.71-SATPOLPP")
    for unit, first in ((dlhk, 1), (satpol, 100)):
        rows = [worker_row(make_nik(n), f"Pekerja {n}", wage=str(2_500_000 + n * 1_000))
                for n in range(first, first + 12)]  # fmt: skip
        roster = roster_import(
            unit=unit, period=dt.date(2025, 1, 1), upload=roster_csv(rows)
        ).roster
        roster_verify(roster=roster)
        bill_generate(unit=unit, period=dt.date(2025, 1, 1))
    payment_record(unit=dlhk, amount=100_000, paid_on=dt.date(2025, 2, 10), reference="BANK-1")
    admin_user = factories.UserFactory(username="prov", role="province_admin")
    before = _figures(admin_user)
    upload_bytes = {u.file.name: u.file.read() for u in RosterUpload.objects.all()}
    assert before["arrears"] and before["covered"]

    backup = tmp_path / "backup.zip"
    call_command("backup_data", "--output", str(backup))
    call_command("flush", "--noinput")
    shutil.rmtree(settings.MEDIA_ROOT)
    assert Regency.objects.count() == Worker.objects.count() == 0

    call_command("restore_data", str(backup))

    admin_user = type(admin_user).objects.get(username="prov")
    assert _figures(admin_user) == before
    for upload in RosterUpload.objects.all():
        assert upload.file.read() == upload_bytes[upload.file.name]


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    from django.core.management.base import CommandError

    call_command("backup_data", "--output", str(tmp_path / "b.zip"))
    with pytest.raises(CommandError, match="tidak kosong"):
        call_command("restore_data", str(tmp_path / "b.zip"))
