"""Every change to agreements, meetings and follow-ups is in the history, with who and when."""

from datetime import date

from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone

from mou.models import Agreement, AgreementSignatory, FollowUp, MonitoringMeeting
from tests import factories


def change_form_data(response) -> dict:
    """The POST body the admin change form would send back unchanged (main form + inlines)."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False or isinstance(value, FieldFile):
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def test_a_change_through_the_admin_records_who_and_when(client, world, sekda):
    agreement = factories.AgreementFactory(number="1/MOU/2024")
    factories.AgreementSignatoryFactory(agreement=agreement)
    url = reverse("admin:mou_agreement_change", args=[agreement.pk])
    client.force_login(sekda)
    data = change_form_data(client.get(url))
    data["valid_until"] = "2027-01-14"
    data["signatories-0-name"] = "Muhyiddin DJ"
    before = timezone.now()

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = Agreement.history.filter(id=agreement.pk).latest()
    assert latest.valid_until == date(2027, 1, 14)
    assert latest.history_user == sekda
    assert latest.history_date >= before
    assert latest.history_type == "~"
    signatory = AgreementSignatory.history.filter(agreement_id=agreement.pk).latest()
    assert (signatory.name, signatory.history_user) == ("Muhyiddin DJ", sekda)


def test_a_meeting_added_with_a_follow_up_records_both(client, world, branch_staff):
    client.force_login(branch_staff)
    response = client.post(
        reverse("admin:mou_monitoringmeeting_add"),
        {
            "regency": world.konut.pk,
            "kind": "monev",
            "held_on": "2026-02-10",
            "place": "Wanggudu",
            "attendees-TOTAL_FORMS": "0",
            "attendees-INITIAL_FORMS": "0",
            "findings-TOTAL_FORMS": "1",
            "findings-INITIAL_FORMS": "0",
            "findings-0-text": "Desa membayar iuran setahun penuh",
            "findings-0-figure": "85",
            "follow_ups-TOTAL_FORMS": "1",
            "follow_ups-INITIAL_FORMS": "0",
            "follow_ups-0-description": "Tagih desa yang belum membayar",
            "follow_ups-0-due_on": "2026-03-31",
        },
    )
    assert response.status_code == 302
    meeting = MonitoringMeeting.objects.get()
    assert meeting.history.get().history_user == branch_staff
    follow_up = FollowUp.objects.get()
    assert (follow_up.meeting, follow_up.status) == (meeting, FollowUp.Status.OPEN)
    assert follow_up.history.get().history_user == branch_staff


def test_the_history_page_lists_the_change(client, world, sekda):
    agreement = factories.AgreementFactory()
    url = reverse("admin:mou_agreement_change", args=[agreement.pk])
    client.force_login(sekda)
    data = change_form_data(client.get(url))
    data["title"] = "Perlindungan non-ASN"
    client.post(url, data)
    page = client.get(reverse("admin:mou_agreement_history", args=[agreement.pk]))
    assert page.status_code == 200
    assert "sekda" in page.content.decode()
