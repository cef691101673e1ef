from datetime import date

import pytest

from enrollment.services.rosters import roster_import, roster_verify
from tests.enrollment.billing_helpers import (
    two_units_billed_jan_feb,  # noqa: F401 (the `bills` fixture, shared with the in-process tests)
)
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik

JAN, FEB = date(2025, 1, 1), date(2025, 2, 1)
A, B = make_nik(1), make_nik(2)  # the workers of `members`


@pytest.fixture(autouse=True)
def jobs_in_process(request, settings):
    """Jobs run in-process here even when CELERY_BROKER_URL is set, except in broker tests."""
    if request.node.get_closest_marker("broker") is None:
        settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def as_jobs(settings):
    """Every payment and KPJ file goes through a job."""
    settings.IMPORT_JOB_MIN_BYTES = 1


@pytest.fixture
def members(world):
    """Workers A and B on a verified roster of DLHK (January), without KPJ numbers."""
    rows = [worker_row(nik, f"Pekerja {nik[-1]}") for nik in (A, B)]
    roster_verify(
        roster=roster_import(unit=world.kdi_dlhk, period=JAN, upload=roster_csv(rows)).roster
    )
    return world
