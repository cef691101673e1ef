"""Who may do what with agreements: editors add and change but do not delete; treasurers read."""

import pytest
from django.urls import reverse

from bpjs_tracker.roles import Role
from tests import factories

RECORDS = ["agreement", "regionalregulation", "monitoringmeeting", "followup"]
DETAILS = ["agreementsignatory", "agreementsegment", "meetingattendee", "meetingfinding"]

EXPECTED = {
    Role.OPD_TREASURER: ({"view"}, {"view"}),
    Role.VILLAGE_TREASURER: ({"view"}, {"view"}),
    Role.BRANCH_STAFF: ({"view", "add", "change"}, {"view", "add", "change", "delete"}),
    Role.SEKDA: ({"view", "add", "change"}, {"view", "add", "change", "delete"}),
    Role.PROVINCE_ADMIN: ({"view", "add", "change", "delete"},) * 2,
}


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_role_permissions_on_mou_models(world, role):
    user = world.user(role)
    records, details = EXPECTED[role]
    for models, actions in ((RECORDS, records), (DETAILS, details)):
        for model in models:
            granted = {
                a for a in ("view", "add", "change", "delete") if user.has_perm(f"mou.{a}_{model}")
            }
            assert granted == actions, model


def test_a_treasurer_cannot_change_an_agreement(client, world, opd_treasurer):
    agreement = factories.AgreementFactory(number="1/MOU")
    client.force_login(opd_treasurer)
    url = reverse("admin:mou_agreement_change", args=[agreement.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"number": "2/MOU"}).status_code == 403
    agreement.refresh_from_db()
    assert agreement.number == "1/MOU"


def test_sekda_cannot_delete_an_agreement(client, world, sekda):
    agreement = factories.AgreementFactory()
    client.force_login(sekda)
    response = client.post(
        reverse("admin:mou_agreement_delete", args=[agreement.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
