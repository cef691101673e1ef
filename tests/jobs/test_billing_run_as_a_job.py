"""A month's bills for a regency as a job: the province administrator only; idempotent."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from bpjs_tracker.roles import Role
from enrollment.jobs import BILLING, bills_generate_start
from enrollment.models import Bill
from jobs.models import Job
from jobs.services import job_run
from tests.enrollment.billing_helpers import bill_of, verified_roster

JAN = date(2025, 1, 1)


def test_the_province_admin_bills_a_regency_in_a_job(world, province_admin):
    verified_roster(world.kdi_dlhk, JAN, [2_750_000, 3_000_000])
    verified_roster(world.kdi_satpol, JAN, [2_750_000])
    job = bills_generate_start(period=JAN, regency=world.kendari, by=province_admin)
    assert job.state == Job.State.DONE, job.error
    assert (job.result["created"], job.result["period"]) == (2, "2025-01")
    assert job.rows_written == 2
    # 2,750,000 × (0.24% JKK + 0.30% JKM) = 6,600 + 8,250; 3,000,000 → 7,200 + 9,000
    assert bill_of(world.kdi_dlhk, JAN).total == 6_600 + 8_250 + 7_200 + 9_000
    assert job.result_url == f"/admin/jobs/{job.pk}/result/"


def test_a_redelivered_billing_job_changes_nothing(world, province_admin):
    verified_roster(world.kdi_dlhk, JAN, [2_750_000])
    job = bills_generate_start(period=JAN, regency=world.kendari, by=province_admin)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)  # its worker died after commit
    job_run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (Job.State.DONE, 2)
    assert (job.result["created"], job.result["unchanged"]) == (0, 1)
    assert Bill.objects.count() == 1


@pytest.mark.parametrize(
    "role", [Role.OPD_TREASURER, Role.VILLAGE_TREASURER, Role.BRANCH_STAFF, Role.SEKDA]
)
def test_other_roles_cannot_start_a_billing_run(world, role):
    with pytest.raises(PermissionDenied):
        bills_generate_start(period=JAN, regency=world.kendari, by=world.user(role))
    assert not Job.objects.filter(kind=BILLING).exists()
