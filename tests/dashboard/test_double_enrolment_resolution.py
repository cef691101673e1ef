"""Branch staff resolve a double enrolment; the other unit is asked to drop the worker (issue #10)."""

from datetime import date

import pytest
from django.urls import reverse

from bpjs_tracker.roles import Role
from enrollment.models import DoubleEnrolmentResolution
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def double(world):
    worker = factories.WorkerFactory(name="Wa Ode Ganda")
    for unit in (world.kdi_dlhk, world.kdi_satpol):
        roster = factories.RosterFactory(unit=unit, period=date(2025, 1, 1), status="verified")
        factories.RosterEntryFactory(roster=roster, worker=worker)
        for programme in ("JKK", "JKM"):
            factories.MembershipFactory(worker=worker, unit=unit, programme=programme)
    return worker


def queue_names(client):
    page = client.get(reverse("admin:index"))
    return [d["worker__name"] for d in page.context["queues"]["doubles"]]


def test_branch_staff_name_the_unit_that_keeps_the_worker(client, world, double):
    staff = world.user(Role.BRANCH_STAFF)
    client.force_login(staff)
    assert queue_names(client) == ["Wa Ode Ganda"]
    url = reverse("admin:dashboard_double_resolve", args=[double.pk])
    assert client.post(url, {"decision": str(world.kdi_dlhk.pk)}).status_code == 302
    resolution = DoubleEnrolmentResolution.objects.get(worker=double)
    assert (resolution.decision, resolution.keep_unit, resolution.resolved_by) == (
        "keep",
        world.kdi_dlhk,
        staff,
    )
    assert resolution.history.first().history_user == staff
    assert queue_names(client) == []  # resolved: no longer open

    satpol_treasurer = factories.UserFactory(
        username="satpol_treasurer", role=Role.OPD_TREASURER, work_units=[world.kdi_satpol]
    )
    client.force_login(satpol_treasurer)
    start = client.get(reverse("admin:index")).context["treasurer"]
    assert [r.worker for r in start.drop] == [double]
    client.force_login(world.user(Role.OPD_TREASURER))  # DLHK keeps the worker: nothing to drop
    assert client.get(reverse("admin:index")).context["treasurer"].drop == []


def test_two_real_jobs_are_recorded_too(client, world, double):
    client.force_login(world.user(Role.BRANCH_STAFF))
    client.post(
        reverse("admin:dashboard_double_resolve", args=[double.pk]), {"decision": "two_jobs"}
    )
    assert DoubleEnrolmentResolution.objects.get(worker=double).decision == "two_jobs"


def test_a_unit_the_worker_is_not_in_is_refused_and_nothing_saved(client, world, double):
    client.force_login(world.user(Role.BRANCH_STAFF))
    url = reverse("admin:dashboard_double_resolve", args=[double.pk])
    response = client.post(url, {"decision": str(world.konut_opd.pk)}, follow=True)
    assert "Pilih unit yang mempertahankan pekerja" in response.content.decode()
    assert not DoubleEnrolmentResolution.objects.exists()


def test_a_sekda_may_not_decide(client, world, double):
    client.force_login(world.user(Role.SEKDA))
    url = reverse("admin:dashboard_double_resolve", args=[double.pk])
    assert client.post(url, {"decision": "two_jobs"}).status_code == 403
    assert not DoubleEnrolmentResolution.objects.exists()


def test_a_worker_outside_the_scope_is_not_found(client, world):
    outside = factories.WorkerFactory()
    roster = factories.RosterFactory(unit=world.buton_opd, period=date(2025, 1, 1))
    factories.RosterEntryFactory(roster=roster, worker=outside)
    client.force_login(world.user(Role.BRANCH_STAFF))
    url = reverse("admin:dashboard_double_resolve", args=[outside.pk])
    assert client.post(url, {"decision": "two_jobs"}).status_code == 404
