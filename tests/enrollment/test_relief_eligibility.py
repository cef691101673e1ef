"""Who gets a relief: PP 49/2020 by membership start (TMT / BPJS registration), the paid-up
condition assumed unless branch staff deny it, and PP 50/2025 by the unit's funding source."""

from datetime import date

import pytest

from enrollment.billing.services import bill_generate
from tests import factories
from tests.enrollment.billing_helpers import bill_of, programme_amounts

NOV_2020 = date(2020, 11, 1)


def bill_worker(unit, period, *, wage, start_date, segment="non_asn", worker=None):
    """Bill `unit` for `period` with one worker (a new roster each call)."""
    roster = factories.RosterFactory(unit=unit, period=period, status="verified")
    factories.RosterEntryFactory(
        roster=roster, worker=worker or factories.WorkerFactory(), wage=wage,
        start_date=start_date, segment=segment,
    )  # fmt: skip
    bill_generate(unit=unit, period=period)
    return bill_of(unit, period)


# Wage 7.318.000 (the audit's worker): JKK 0,24% = 17.563,2 → 17.563; JKM 0,30% = 21.954;
# normal 39.517. Relief month: 1% of each, half up: 175,63 → 176 and 219,54 → 220 = Rp 396.
def test_a_2019_tmt_worker_first_seen_here_in_2020_11_gets_the_relief(world):
    bill = bill_worker(world.kdi_dlhk, NOV_2020, wage=7_318_000, start_date=date(2019, 3, 1))
    assert programme_amounts(bill) == {"JKK": 176, "JKM": 220}
    assert bill.total == 396
    assert "dengan anggapan unit ini telah membayar iuran" in bill.relief_note


# Wage 2.750.000: JKK 6.600 + JKM 8.250 = 14.850; relief month 1%: 66 + 83 (82,5 → 83) = 149.
@pytest.mark.parametrize(
    ("month", "total"),
    [(9, 14_850), (10, 14_850), (11, 149), (12, 149)],
    ids=["sep-full", "oct-full", "nov-relief", "dec-relief"],
)
def test_a_worker_who_joined_in_september_2020_pays_two_months_in_full(world, month, total):
    worker = factories.WorkerFactory()
    for m in range(9, month + 1):
        bill = bill_worker(
            world.kdi_dlhk, date(2020, m, 1), wage=2_750_000, start_date=date(2020, 9, 10),
            worker=worker,
        )  # fmt: skip
    assert bill.total == total


def test_the_bpjs_registration_date_beats_the_roster_tmt(world):
    worker = factories.WorkerFactory(bpjs_registered_on=date(2018, 5, 2))
    bill = bill_worker(
        world.kdi_dlhk, date(2020, 9, 1), wage=2_750_000, start_date=date(2020, 9, 1),
        worker=worker,
    )  # fmt: skip
    assert bill.total == 149  # member since 2018: relief from the first relief month


def test_a_unit_marked_not_eligible_pays_in_full_and_the_bill_says_nothing_assumed(world):
    unit = world.kdi_dlhk
    bill = bill_worker(unit, NOV_2020, wage=7_318_000, start_date=date(2019, 3, 1))
    assert bill.total == 396
    unit.relief_not_eligible = True
    unit.save()
    result = bill_generate(unit=unit, period=NOV_2020)
    bill.refresh_from_db()
    assert (result.recomputed, bill.total, bill.relief_note) == (1, 39_517, "")
    again = bill_generate(unit=unit, period=NOV_2020)
    assert (again.recomputed, again.unchanged) == (0, 1)


# PP 50/2025, BPU, contribution months Apr–Dec 2026, declared income Rp 1.000.000:
# normal JKK 1% = 10.000 + JKM 6.800 = 16.800; with 50% off: 5.000 + 3.400 = 8.400.
MAY_2026 = date(2026, 5, 1)


@pytest.mark.parametrize(
    ("funding_source", "village", "total"),
    [
        ("", False, 16_800),  # an OPD, blank: APBD — PP 50/2025 does not apply
        ("apbd", False, 16_800),
        ("self", False, 8_400),
        ("sponsor", False, 8_400),  # unconfirmed row
        ("", True, 8_400),  # a village, blank: APBDes (unconfirmed row)
    ],
    ids=["opd-default-apbd", "apbd", "self", "sponsor", "village-default-apbdes"],
)
def test_pp_50_2025_is_not_applied_to_apbd_paid_bpu(world, funding_source, village, total):
    unit = world.konut_village if village else world.kdi_dlhk
    unit.funding_source = funding_source
    unit.save()
    bill = bill_worker(
        unit, MAY_2026, wage=1_000_000, start_date=date(2024, 1, 1), segment="vulnerable"
    )
    assert bill.total == total
    assert bill.relief_note == ""  # PP 50/2025 assumes nothing about earlier payments


def test_pp_50_2025_does_not_touch_march_2026(world):
    world.kdi_dlhk.funding_source = "self"
    world.kdi_dlhk.save()
    bill = bill_worker(
        world.kdi_dlhk, date(2026, 3, 1), wage=1_000_000, start_date=date(2024, 1, 1),
        segment="vulnerable",
    )  # fmt: skip
    assert bill.total == 16_800


def test_show_bill_and_the_bill_page_say_the_condition_is_assumed(world, client):
    from io import StringIO

    from django.core.management import call_command
    from django.urls import reverse

    from bpjs_tracker.roles import Role

    bill = bill_worker(world.kdi_dlhk, NOV_2020, wage=7_318_000, start_date=date(2019, 3, 1))
    out = StringIO()
    call_command("show_bill", "--unit", world.kdi_dlhk.code, "--period", "2020-11",
                 "--format", "text", stdout=out)  # fmt: skip
    assert "Keringanan: Keringanan PP 49/2020 diberikan dengan anggapan" in out.getvalue()
    client.force_login(world.user(Role.OPD_TREASURER))
    page = client.get(reverse("admin:enrollment_bill_change", args=[bill.pk])).content.decode()
    assert "syarat Pasal 13" in page


def test_branch_staff_mark_a_unit_not_eligible_in_the_unit_admin(world, client):
    from django.urls import reverse

    from bpjs_tracker.roles import Role

    unit = world.kdi_dlhk
    client.force_login(world.user(Role.BRANCH_STAFF))
    url = reverse("admin:regencies_workunit_change", args=[unit.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"relief_not_eligible": "on", "regency": unit.regency_id})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    unit.refresh_from_db()
    assert unit.relief_not_eligible is True
