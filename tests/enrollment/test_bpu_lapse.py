"""BPU inactivity through arrears: one rule (enrollment/billing/lapse.py), table-tested, and cover."""

from datetime import date

import pytest

from enrollment.billing.lapse import (
    BpuMonth,
    bpu_inactive_spans,
    bpu_inactive_worker_ids,
    cover_on,
    inactive_spans,
)
from enrollment.billing.payments import payment_record
from enrollment.billing.services import bill_generate
from enrollment.models import Programme, RosterEntry
from tests import factories
from tests.enrollment.billing_helpers import bill_of, verified_roster

TODAY = date(2026, 11, 26)


def month(m, cleared=None, *, year=2025, due_day=15):
    """A BPU month of `year`: due the 15th of the month, cleared on `cleared` (None: unpaid)."""
    return BpuMonth(date(year, m, 1), date(year, m, due_day), cleared)


# (case, months, spans) — every date worked out by hand from the rule in lapse.py.
CASES = [
    ("all paid on the due date", [month(m, date(2025, m, 15)) for m in (1, 2, 3, 4)], []),
    (
        "two unpaid months do not lapse",
        [month(1, None), month(2, None), month(3, date(2025, 3, 10))],
        [],
    ),
    (
        "three unpaid months, never paid: inactive from the 1st of the 4th month, still",
        [month(1), month(2), month(3)],
        [(date(2025, 4, 1), None)],
    ),
    (
        "Jan–Apr paid together on 20 May: inactive 1 Apr – 19 May, active again on 20 May",
        [month(m, date(2025, 5, 20)) for m in (1, 2, 3, 4)],
        [(date(2025, 4, 1), date(2025, 5, 20))],
    ),
    (
        "the three months paid in full late but before the 1st of the next month: no lapse",
        [month(m, date(2025, 3, 20)) for m in (1, 2, 3)],
        [],
    ),
    (
        "a month paid on time breaks the run",
        [month(1), month(2), month(3, date(2025, 3, 14)), month(4), month(5)],
        [],
    ),
    (
        "paying only the oldest months does not restore cover while arrears remain",
        [
            month(1, date(2025, 5, 2)),
            month(2, date(2025, 5, 2)),
            month(3, date(2025, 6, 30)),
            month(4, date(2025, 6, 30)),
        ],
        [(date(2025, 4, 1), date(2025, 6, 30))],
    ),
    (
        "a month not yet due on `today` is not unpaid",
        [month(9, year=2026), month(10, year=2026), month(11, year=2026, due_day=30)],
        [],
    ),
    (
        "lapses twice: restored on 10 Apr, Apr–May on time, Jun–Aug unpaid",
        [month(m, date(2025, 4, 10)) for m in (1, 2, 3)]
        + [month(m, date(2025, m, 15)) for m in (4, 5)]
        + [month(m) for m in (6, 7, 8)],
        [(date(2025, 4, 1), date(2025, 4, 10)), (date(2025, 9, 1), None)],
    ),
    (
        "months paid late still count: Apr and May settled on 10 Jun, June unpaid → 1 Jul",
        [month(m, date(2025, 6, 10)) for m in (1, 2, 3, 4, 5)] + [month(6)],
        [(date(2025, 4, 1), date(2025, 6, 10)), (date(2025, 7, 1), None)],
    ),
]


@pytest.mark.parametrize(("case", "months", "spans"), CASES, ids=[c[0] for c in CASES])
def test_the_lapse_rule(case, months, spans):
    assert inactive_spans(months, today=TODAY) == spans


# --- from bills and payments ------------------------------------------------------------

# One vulnerable worker declaring Rp 1.000.000: JKK 1% = Rp 10.000 + JKM Rp 6.800 = Rp 16.800.
# BPU is due on the 15th of the month itself: 15 Jan 2025 (Wed), 15 Feb (Sat) → Mon 17 Feb,
# 15 Mar (Sat) → Mon 17 Mar, 15 Apr (Tue).
BPU_MONTH = 16_800


@pytest.fixture
def bpu_unit(world):
    unit = world.konut_village
    worker = factories.WorkerFactory()
    for m in (1, 2, 3, 4):
        roster = verified_roster(unit, date(2025, m, 1), [], segment="vulnerable")
        factories.RosterEntryFactory(
            roster=roster, worker=worker, wage=1_000_000, segment="vulnerable"
        )
        bill_generate(unit=unit, period=date(2025, m, 1))
    for programme in (Programme.JKK, Programme.JKM):
        factories.MembershipFactory(worker=worker, unit=unit, programme=programme)
    return unit, worker


def test_a_bpu_bill_has_its_bpu_part_due_on_the_15th(bpu_unit):
    unit, _worker = bpu_unit
    parts = bill_of(unit, date(2025, 2, 1)).parts()
    assert [(p.basis, p.due_date, p.total) for p in parts] == [
        ("bpu", date(2025, 2, 17), BPU_MONTH)
    ]


def test_four_months_paid_late_lapse_from_april_until_the_payment(bpu_unit):
    unit, worker = bpu_unit
    payment_record(unit=unit, amount=4 * BPU_MONTH, paid_on=date(2025, 5, 20), reference="A")
    assert bpu_inactive_spans([unit.pk]) == {unit.pk: [(date(2025, 4, 1), date(2025, 5, 20))]}
    assert bpu_inactive_worker_ids(date(2025, 3, 31)) == set()
    assert bpu_inactive_worker_ids(date(2025, 4, 1)) == {worker.pk}
    assert bpu_inactive_worker_ids(date(2025, 5, 19), unit_ids=[unit.pk]) == {worker.pk}
    assert bpu_inactive_worker_ids(date(2025, 5, 20)) == set()


def test_cover_on_a_day_in_the_lapse_says_why_in_indonesian(bpu_unit):
    unit, worker = bpu_unit
    payment_record(unit=unit, amount=4 * BPU_MONTH, paid_on=date(2025, 5, 20), reference="A")
    cover = cover_on(worker, date(2025, 4, 30))
    assert (cover.covered, cover.bpu_inactive, cover.inactive_since) == (
        False,
        True,
        date(2025, 4, 1),
    )
    assert cover.jkk.programme == "JKK" and cover.jkm.programme == "JKM"
    assert cover.reasons == [
        f"Kepesertaan BPU tidak aktif sejak 01-04-2025: iuran BPU unit {unit.code} tidak dibayar "
        "penuh sampai jatuh tempo selama 3 bulan berturut-turut, dan tunggakannya belum dilunasi "
        "pada 30-04-2025."
    ]
    after = cover_on(worker, date(2025, 5, 20))
    assert (after.covered, after.bpu_inactive, after.reasons) == (True, False, [])


def test_a_partial_payment_of_the_oldest_months_leaves_the_member_inactive(bpu_unit):
    unit, worker = bpu_unit
    payment_record(unit=unit, amount=2 * BPU_MONTH, paid_on=date(2025, 4, 10), reference="A")
    assert bpu_inactive_spans([unit.pk]) == {unit.pk: [(date(2025, 4, 1), None)]}
    assert cover_on(worker, date(2025, 4, 10)).covered is False


def test_a_pu_worker_of_the_same_unit_does_not_lapse(bpu_unit):
    unit, bpu_worker = bpu_unit
    pu_worker = factories.WorkerFactory()
    for m in (1, 2, 3, 4):
        roster = unit.rosters.get(period=date(2025, m, 1))
        RosterEntry.objects.create(
            roster=roster, worker=pu_worker, row_number=9, segment="village_official",
            wage=2_000_000, start_date=date(2015, 7, 1),
        )  # fmt: skip
        roster.verified_at = roster.verified_at.replace(microsecond=1)
        roster.save()
        bill_generate(unit=unit, period=date(2025, m, 1))
    for programme in (Programme.JKK, Programme.JKM):
        factories.MembershipFactory(worker=pu_worker, unit=unit, programme=programme)
    assert bpu_inactive_worker_ids(date(2025, 4, 15)) == {bpu_worker.pk}
    assert cover_on(pu_worker, date(2025, 4, 15)).covered is True


def test_without_memberships_the_reasons_name_both_programmes(world):
    worker = factories.WorkerFactory()
    cover = cover_on(worker, date(2025, 4, 15))
    assert (cover.covered, cover.jkk, cover.jkm, cover.bpu_inactive) == (False, None, None, False)
    assert cover.reasons == [
        "Tidak ada kepesertaan JKK yang aktif pada 15-04-2025.",
        "Tidak ada kepesertaan JKM yang aktif pada 15-04-2025.",
    ]


def test_the_lapse_shows_on_the_worker_membership_and_unit_pages(bpu_unit, client, world):
    from django.urls import reverse

    from bpjs_tracker.roles import Role

    unit, worker = bpu_unit  # nothing paid: lapsed since 1 Apr 2025, still today
    client.force_login(world.user(Role.VILLAGE_TREASURER))
    membership = worker.memberships.first()
    pages = [
        reverse("admin:enrollment_worker_change", args=[worker.pk]),
        reverse("admin:enrollment_membership_change", args=[membership.pk]),
    ]
    for url in pages:
        content = client.get(url).content.decode()
        assert "Kepesertaan BPU tidak aktif sejak 01-04-2025" in content, url
    client.force_login(world.user(Role.BRANCH_STAFF))
    content = client.get(reverse("admin:regencies_workunit_change", args=[unit.pk])).content
    assert "Peserta BPU unit ini tidak aktif sejak 01-04-2025" in content.decode()


def test_the_set_and_cover_on_agree_day_by_day(bpu_unit):
    unit, worker = bpu_unit
    other = factories.WorkerFactory()  # a member of the unit on no bill: never a BPU member here
    factories.MembershipFactory(worker=other, unit=unit, programme=Programme.JKK)
    payment_record(unit=unit, amount=4 * BPU_MONTH, paid_on=date(2025, 5, 20), reference="A")
    for day in (date(2025, 3, 31), date(2025, 4, 1), date(2025, 5, 19), date(2025, 5, 20)):
        from_set = bpu_inactive_worker_ids(day)
        one_by_one = {w.pk for w in (worker, other) if cover_on(w, day).bpu_inactive}
        assert from_set == one_by_one, day


def test_a_lapse_through_a_unit_out_of_scope_is_told_without_its_code(bpu_unit, client, world):
    from django.urls import reverse

    from bpjs_tracker.roles import Role

    unit, worker = bpu_unit  # a Konawe Utara village; the worker also works for a Kendari OPD
    roster = verified_roster(world.kdi_dlhk, date(2025, 4, 1), [])
    factories.RosterEntryFactory(roster=roster, worker=worker)
    client.force_login(world.user(Role.OPD_TREASURER))
    content = client.get(reverse("admin:enrollment_worker_change", args=[worker.pk])).content
    content = content.decode()
    assert (
        "Kepesertaan BPU tidak aktif sejak 01-04-2025 karena tunggakan iuran BPU unit kerja lain"
        in content
    )
    assert unit.code not in content
