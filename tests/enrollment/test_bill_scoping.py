"""Treasurers see their units' bills, branch staff their regencies, the Sekda the regency."""

from datetime import date

import pytest
from django.urls import reverse

from bpjs_tracker.roles import Role
from enrollment.billing.payments import payment_record
from enrollment.billing.services import bills_generate
from enrollment.models import Bill, Payment
from tests.enrollment.billing_helpers import bill_of, verified_roster

JAN = date(2025, 1, 1)
UNITS = ("kdi_dlhk", "kdi_satpol", "konut_village", "konut_opd", "buton_opd")
SEES = {
    Role.OPD_TREASURER: {"kdi_dlhk"},
    Role.VILLAGE_TREASURER: {"konut_village"},
    Role.BRANCH_STAFF: {"kdi_dlhk", "kdi_satpol", "konut_village", "konut_opd"},
    Role.SEKDA: {"kdi_dlhk", "kdi_satpol"},
    Role.PROVINCE_ADMIN: set(UNITS),
}


@pytest.fixture
def billed(world):
    for name in UNITS:
        unit = getattr(world, name)
        verified_roster(unit, JAN)
        bills_generate(period=JAN, units=[unit])
        payment_record(unit=unit, amount=1_000, paid_on=date(2025, 2, 1), reference=f"R-{name}")
    return world


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_role_sees_exactly_the_bills_and_payments_of_its_scope(billed, role):
    user = billed.user(role)
    units = {getattr(billed, name).pk: name for name in UNITS}
    bills = {units[pk] for pk in Bill.objects.visible_to(user).values_list("unit", flat=True)}
    payments = {units[pk] for pk in Payment.objects.visible_to(user).values_list("unit", flat=True)}
    assert bills == SEES[role]
    assert payments == SEES[role]


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_the_bill_admin_lists_only_the_scope_and_hides_other_bills(billed, client, role):
    client.force_login(billed.user(role))
    response = client.get(reverse("admin:enrollment_bill_changelist"))
    assert response.status_code == 200
    shown = {b.unit.code for b in response.context["cl"].result_list}
    assert shown == {getattr(billed, name).code for name in SEES[role]}
    outside = bill_of(billed.buton_opd, JAN)
    expected = 200 if role == Role.PROVINCE_ADMIN else 404
    url = reverse("admin:enrollment_bill_change", args=[outside.pk])
    assert client.get(url).status_code == expected


def test_a_treasurer_cannot_record_a_payment_for_another_unit_in_the_admin(billed, client):
    client.force_login(billed.user(Role.OPD_TREASURER))
    response = client.post(
        reverse("admin:enrollment_payment_add"),
        {
            "unit": billed.kdi_satpol.pk,
            "amount": 5_000,
            "paid_on": "2025-02-10",
            "reference": "X",
            "allocations-TOTAL_FORMS": 0,
            "allocations-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert not Payment.objects.filter(reference="X").exists()
