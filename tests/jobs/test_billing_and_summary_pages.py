"""The province's runs page: a month's billing and the coverage summary rebuild as jobs.

The province administrator starts them and sees progress, then the counts;
every other role gets 403; running either twice duplicates nothing.
"""

from datetime import date

import pytest
from django.urls import reverse

from bpjs_tracker.roles import Role
from enrollment.jobs import BILLING, SUMMARY
from enrollment.models import Bill, UnitMonthSummary
from jobs.models import Job
from jobs.services import job_run
from regencies.models import WorkUnit
from tests.enrollment.billing_helpers import verified_roster

JAN = date(2025, 1, 1)
RUNS = "admin:enrollment_bill_runs"


def _run(client, button: str, **data) -> Job:
    response = client.post(reverse(RUNS), {"period": "2025-01", button: "1", **data})
    job = Job.objects.latest("pk")
    assert response["Location"] == reverse("jobs:progress", args=[job.pk])
    return job


def test_the_province_admin_runs_a_regencys_billing_and_sees_its_counts(
    client, world, province_admin
):
    verified_roster(world.kdi_dlhk, JAN, [2_750_000])
    verified_roster(world.kdi_satpol, JAN, [2_750_000])
    client.force_login(province_admin)
    assert client.get(reverse(RUNS)).status_code == 200

    job = _run(client, "billing", regency=world.kendari.pk)

    assert (job.kind, job.state) == (BILLING, Job.State.DONE)
    assert Bill.objects.filter(period=JAN).count() == 2
    page = client.get(reverse("jobs:progress", args=[job.pk]), follow=True)
    assert page.redirect_chain[-1][0] == reverse("jobs:result", args=[job.pk])
    assert page.context["result"]["created"] == 2
    assert "Tagihan baru" in page.content.decode()


def test_billing_the_same_month_twice_creates_no_second_bill(client, world, province_admin):
    verified_roster(world.kdi_dlhk, JAN, [2_750_000])
    client.force_login(province_admin)
    first = _run(client, "billing")
    second = _run(client, "billing")
    assert (first.result["created"], second.result["created"], second.result["unchanged"]) == (
        1,
        0,
        1,
    )
    assert Bill.objects.count() == 1


def test_the_summary_rebuild_runs_as_a_job_and_is_the_same_when_rerun(
    client, world, province_admin
):
    verified_roster(world.kdi_dlhk, JAN, [2_750_000])
    client.force_login(province_admin)
    job = _run(client, "summary", regency=world.kendari.pk)
    assert (job.kind, job.state) == (SUMMARY, Job.State.DONE)
    rows = set(UnitMonthSummary.objects.filter(period=JAN).values_list("unit_id", "roster_status"))
    assert (world.kdi_dlhk.pk, "verified") in rows
    units = WorkUnit.objects.filter(regency=world.kendari).count()  # unit-months rebuilt
    assert job.result["written"] == units and job.rows_written == units
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)  # redelivered
    job_run(job.pk)
    assert (
        set(UnitMonthSummary.objects.filter(period=JAN).values_list("unit_id", "roster_status")) == rows
    )
    page = client.get(reverse("jobs:result", args=[job.pk]))
    assert "Unit-bulan ditulis" in page.content.decode()


def test_a_month_that_is_not_a_month_starts_nothing(client, world, province_admin):
    client.force_login(province_admin)
    page = client.post(reverse(RUNS), {"period": "Januari", "billing": "1"})
    assert page.status_code == 200 and page.context["form"].errors
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.OPD_TREASURER, Role.VILLAGE_TREASURER, Role.BRANCH_STAFF, Role.SEKDA]
)
def test_other_roles_get_403_from_the_runs_page(client, world, role):
    client.force_login(world.user(role))
    assert client.get(reverse(RUNS)).status_code == 403
    assert client.post(reverse(RUNS), {"period": "2025-01", "billing": "1"}).status_code == 403
    assert not Job.objects.exists()


def test_only_the_province_admin_sees_the_runs_link_on_the_bills(client, world, province_admin):
    client.force_login(province_admin)
    assert reverse(RUNS) in client.get(reverse("admin:enrollment_bill_changelist")).content.decode()
    client.force_login(world.user(Role.SEKDA))
    assert (
        reverse(RUNS)
        not in client.get(reverse("admin:enrollment_bill_changelist")).content.decode()
    )


def test_someone_elses_run_is_not_found(client, world, province_admin):
    client.force_login(province_admin)
    job = _run(client, "billing")
    client.force_login(world.user(Role.SEKDA))
    for name in ("jobs:progress", "jobs:result"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
