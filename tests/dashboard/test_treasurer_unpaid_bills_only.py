"""A treasurer's start page reads and states only the bills not fully paid by today: the list
equals the one from stating every bill (paid in full before today, in part, by a payment
dated after today, not at all, paid in two payments), and with every bill paid the list is
empty without reading the payment rules or the allocations."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bpjs_tracker.roles import Role
from enrollment.billing.selectors import bill_statements
from enrollment.models import Bill, Payment, PaymentAllocation

pytestmark = pytest.mark.django_db


def _bill(unit, period, total):
    return Bill.objects.create(
        unit=unit, period=period, due_date=period + timedelta(days=14), total=total,
        contribution_total=total, rounding_rule="uji", computed_at=timezone.now(),
    )  # fmt: skip


def _pay(bill, amount, day):
    payment = Payment.objects.create(
        unit=bill.unit, amount=amount, paid_on=day, reference=f"R{bill.pk}-{amount}-{day}"
    )
    PaymentAllocation.objects.create(payment=payment, bill=bill, amount=amount)


def _old_unpaid(user, today):
    """As the start page listed them before: every bill stated, the unpaid kept."""
    bills = Bill.objects.visible_to(user).filter(total__gt=0).select_related("unit")
    return [s.bill for s in bill_statements(bills.order_by("period"), as_of=today) if s.unpaid > 0]


def test_treasurer_unpaid_bills_equal_the_statements_of_every_bill(client, world):
    today = timezone.localdate()
    user, unit = world.user(Role.OPD_TREASURER), world.kdi_dlhk
    paid = _bill(unit, date(2025, 1, 1), 10_000)
    _pay(paid, 10_000, today - timedelta(days=3))
    part = _bill(unit, date(2025, 2, 1), 10_000)
    _pay(part, 4_000, today - timedelta(days=3))
    later = _bill(unit, date(2025, 3, 1), 10_000)
    _pay(later, 10_000, today + timedelta(days=2))  # not paid yet today
    _bill(unit, date(2025, 4, 1), 10_000)  # nothing paid
    twice = _bill(unit, date(2025, 5, 1), 10_000)
    _pay(twice, 6_000, today - timedelta(days=9))
    _pay(twice, 4_000, today)
    _bill(world.kdi_satpol, date(2025, 4, 1), 10_000)  # another treasurer's unit
    client.force_login(user)
    start = client.get(reverse("admin:index")).context["treasurer"]
    shown = [s.bill for s in start.unpaid]
    assert shown == _old_unpaid(user, today)
    assert [b.period.month for b in shown] == [2, 3, 4]
    assert [s.unpaid for s in start.unpaid] == [6_000, 10_000, 10_000]


def test_treasurer_with_every_bill_paid_reads_no_rules_nor_allocations(client, world):
    today = timezone.localdate()
    user = world.user(Role.OPD_TREASURER)
    for month in (1, 2, 3):
        _pay(_bill(world.kdi_dlhk, date(2025, month, 1), 10_000), 10_000, today)
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        start = client.get(reverse("admin:index")).context["treasurer"]
    assert start.unpaid == [] == _old_unpaid(user, today)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"enrollment_paymentrule"' not in sql
    assert not any(
        q["sql"].startswith('SELECT "enrollment_paymentallocation"')
        for q in queries.captured_queries
    )
