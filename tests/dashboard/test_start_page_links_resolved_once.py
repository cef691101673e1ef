"""The start page's lists (a treasurer's month, branch staff's work queues) link each line to
the same admin page `{% url %}` resolved for it, now that each kind of address is resolved
once a page; and the page's queries stay fixed however many lines the lists have."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bpjs_tracker.roles import Role
from enrollment.models import Bill
from tests import factories

pytestmark = pytest.mark.django_db


def hrefs(html: str) -> set[str]:
    return {m.replace("&amp;", "&") for m in re.findall(r'(?:href|action)="([^"]+)"', html)}


def _bill(unit, period):
    return Bill.objects.create(
        unit=unit, period=period, due_date=period + timedelta(days=14), total=10_000,
        contribution_total=10_000, rounding_rule="uji", computed_at=timezone.now(),
    )  # fmt: skip


@pytest.fixture
def treasurer_month(world):
    """DLHK: this month's roster submitted, an older one returned, two bills unpaid."""
    month = timezone.localdate().replace(day=1)
    current = factories.RosterFactory(unit=world.kdi_dlhk, period=month, status="submitted")
    returned = factories.RosterFactory(
        unit=world.kdi_dlhk, period=date(2025, 3, 1), status="returned", return_reason="NIK"
    )
    bills = [_bill(world.kdi_dlhk, date(2025, m, 1)) for m in (1, 2)]
    return current, returned, bills


def test_treasurer_start_page_links_each_roster_and_bill_to_its_admin_page(
    client, world, treasurer_month
):
    current, returned, bills = treasurer_month
    client.force_login(world.user(Role.OPD_TREASURER))
    page = client.get(reverse("admin:index"))
    start = page.context["treasurer"]
    assert [m.roster for m in start.units] == [current]
    assert [r.roster for r in start.returned] == [returned]
    assert [s.bill for s in start.unpaid] == bills
    links = hrefs(page.content.decode())
    for roster in (current, returned):
        assert reverse("admin:enrollment_roster_change", args=[roster.pk]) in links
    for bill in bills:
        assert reverse("admin:enrollment_bill_change", args=[bill.pk]) in links


def test_treasurer_start_page_lists_this_months_roster_beside_a_returned_one_of_the_month(
    client, world
):
    month = timezone.localdate().replace(day=1)
    back = factories.RosterFactory(unit=world.kdi_dlhk, period=month, status="returned")
    client.force_login(world.user(Role.OPD_TREASURER))
    start = client.get(reverse("admin:index")).context["treasurer"]
    assert [m.roster for m in start.units] == [back]
    assert [r.roster for r in start.returned] == [back]
    assert start.next_url == start.returned[0].fix_url


@pytest.fixture
def branch_queue_world(world):
    """Kendari's branch: a roster waiting, a double enrolment, an overdue follow-up, an
    agreement expiring."""
    today = timezone.localdate()
    waiting = factories.RosterFactory(unit=world.kdi_satpol, period=date(2025, 3, 1),
                                      status="submitted")  # fmt: skip
    worker = factories.WorkerFactory(name="Wa Ode Ganda")
    for unit in (world.kdi_dlhk, world.kdi_satpol):
        for programme in ("JKK", "JKM"):
            factories.MembershipFactory(worker=worker, unit=unit, programme=programme)
    follow_up = factories.FollowUpFactory(due_on=today - timedelta(days=3))
    agreement = factories.AgreementFactory(valid_until=today + timedelta(days=20))
    return waiting, worker, follow_up, agreement


def test_branch_queues_link_each_line_to_its_admin_page(client, world, branch_queue_world):
    waiting, worker, follow_up, agreement = branch_queue_world
    client.force_login(world.user(Role.BRANCH_STAFF))
    page = client.get(reverse("admin:index"))
    queues = page.context["queues"]
    assert [w.roster for w in queues["waiting"]] == [waiting]
    assert [d["worker_id"] for d in queues["doubles"]] == [worker.pk]
    assert queues["follow_ups"] == [follow_up] and queues["expiring"] == [agreement]
    links = hrefs(page.content.decode())
    assert {
        reverse("admin:enrollment_roster_change", args=[waiting.pk]),
        reverse("admin:dashboard_double_resolve", args=[worker.pk]),
        reverse("admin:enrollment_membership_changelist") + f"?q={worker.nik}",
        reverse("admin:mou_followup_change", args=[follow_up.pk]),
        reverse("admin:mou_agreement_change", args=[agreement.pk]),
        reverse("admin:claims_claim_changelist") + "?terlambat=late",
    } <= links


@pytest.mark.parametrize("role", [Role.OPD_TREASURER, Role.BRANCH_STAFF])
def test_start_page_queries_do_not_grow_with_the_lines_of_its_lists(
    client, world, role, django_assert_num_queries
):
    client.force_login(world.user(role))
    unit = world.kdi_dlhk
    factories.RosterFactory(unit=unit, period=date(2025, 1, 1), status="returned")
    factories.RosterFactory(unit=world.kdi_satpol, period=date(2025, 1, 1), status="submitted")
    _bill(unit, date(2025, 1, 1))
    client.get(reverse("admin:index"))  # the session, the caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("admin:index"))
    for month in range(2, 8):
        factories.RosterFactory(unit=unit, period=date(2025, month, 1), status="returned")
        factories.RosterFactory(
            unit=world.kdi_satpol, period=date(2025, month, 1), status="submitted"
        )
        _bill(unit, date(2025, month, 1))
    with django_assert_num_queries(len(few)):
        client.get(reverse("admin:index"))
