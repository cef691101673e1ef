"""An agreement names the office that signed it, even one that does not serve the regency today."""

from django.urls import reverse

from bpjs_tracker.roles import Role
from regencies.models import BranchOffice, Regency
from tests import factories
from tests.mou.test_mou_history import change_form_data


def test_sekda_can_record_an_agreement_signed_with_an_office_outside_the_regencys_service_area(
    client, world
):
    buton_tengah = Regency.objects.get(code="74.14")  # served by Baubau; MoU signed by Kendari
    sekda = factories.UserFactory(role=Role.SEKDA, regency=buton_tengah)
    kendari = BranchOffice.objects.get(short_name="Kendari")
    agreement = factories.AgreementFactory(
        regency=buton_tengah, branch_office=BranchOffice.objects.get(short_name="Baubau")
    )
    url = reverse("admin:mou_agreement_change", args=[agreement.pk])
    client.force_login(sekda)
    response = client.get(url)
    offered = response.context["adminform"].form.fields["branch_office"].queryset
    assert kendari in offered

    data = change_form_data(response)
    data["branch_office"] = kendari.pk
    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    agreement.refresh_from_db()
    assert agreement.branch_office == kendari


def test_the_office_list_itself_stays_scoped(client, world):
    buton_tengah = Regency.objects.get(code="74.14")
    sekda = factories.UserFactory(role=Role.SEKDA, regency=buton_tengah)
    client.force_login(sekda)
    kendari = BranchOffice.objects.get(short_name="Kendari")
    url = reverse("admin:regencies_branchoffice_change", args=[kendari.pk])
    assert client.get(url).status_code == 404
