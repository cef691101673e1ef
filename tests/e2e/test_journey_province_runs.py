"""Journey: the provincial administrator starts a month's billing run for Kota Kendari from
the bills page, watches its progress while a worker runs it, then reads the counts.

A worker is played by the test: the job is queued (not run in the request), the browser
shows the progress page, the test runs the job as a worker would, and the page moves on to
the result by itself (it polls).
"""

from datetime import date

import pytest
from playwright.sync_api import expect

from bpjs_tracker.roles import Role
from enrollment.models import Bill
from jobs.models import Job
from jobs.services import job_run
from regencies.models import Regency
from tests import factories
from tests.e2e.conftest import (
    DESKTOP,
    JOURNEY,
    PHONE,
    expect_no_sideways_scroll,
    log_in,
    person,
    screenshot,
    verified_roster,
)
from tests.enrollment.conftest import worker_row
from tests.factories import make_nik

pytestmark = JOURNEY
LAST_MONTH = (date.today().replace(day=1) - date.resolution).replace(day=1)


@pytest.fixture
def kendari(reference_data):
    regency = Regency.objects.get(code="74.71")
    for n, code in ((501, "74.71-DLHK"), (502, "74.71-DINKES")):
        unit = factories.OpdFactory(regency=regency, code=code, name=f"Dinas {code[-5:]}")
        verified_roster(unit, LAST_MONTH, [worker_row(make_nik(n), f"Pekerja {n}")])
    person("ayu", "Ayu", "Mokodompit", role=Role.PROVINCE_ADMIN)
    return regency


@pytest.fixture
def queued_jobs(settings, monkeypatch):
    """Jobs wait for a worker (there is none): the test runs them with `job_run`."""
    from jobs import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(tasks.run_job, "delay", lambda job_id: None)


def test_province_admin_starts_a_billing_run_and_sees_progress_then_counts(
    kendari, queued_jobs, open_page, artifacts, axe_pages
):
    Bill.objects.all().delete()  # verifying made last month's bills: the run makes them again
    page = open_page(viewport=DESKTOP)
    log_in(page, "ayu")
    page.goto("/admin/enrollment/bill/")
    page.get_by_role("link", name="Penagihan dan ringkasan").click()
    axe_pages(page)
    page.set_viewport_size(PHONE)
    expect_no_sideways_scroll(page)
    screenshot(page, artifacts, "province-runs-form-phone")
    page.set_viewport_size(DESKTOP)
    page.locator("#id_period").fill(f"{LAST_MONTH:%Y-%m}")
    page.locator("#id_regency").select_option(label=str(kendari))
    page.get_by_role("button", name="Jalankan penagihan").click()

    expect(page.locator("#job-state")).to_have_text("menunggu")
    job = Job.objects.get()
    assert page.url.endswith(f"/admin/jobs/{job.pk}/")
    screenshot(page, artifacts, "province-runs-progress")
    axe_pages(page)

    job_run(job.pk)  # the worker

    page.wait_for_url(f"**/admin/jobs/{job.pk}/result/")
    expect(page.locator("#content-main")).to_contain_text("Tagihan baru")
    expect(page.locator("#content-main table")).to_contain_text("2")
    assert Bill.objects.filter(period=LAST_MONTH).count() == 2
    axe_pages(page)
    screenshot(page, artifacts, "province-runs-result")
    page.set_viewport_size(PHONE)
    expect_no_sideways_scroll(page)
    assert page.js_errors == []
