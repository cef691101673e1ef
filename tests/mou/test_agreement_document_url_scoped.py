"""A document is served only to users who may see its agreement; anyone else gets 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bpjs_tracker.roles import Role
from mou.services import agreement_attach_document, regional_regulation_attach_document
from tests import factories

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def buton_agreement(world, province_admin):
    agreement = factories.AgreementFactory(regency=world.buton, branch_office=world.baubau_branch)
    agreement_attach_document(
        agreement=agreement, upload=SimpleUploadedFile("buton.pdf", PDF), by=province_admin
    )
    return agreement


def _url(obj):
    return reverse(f"admin:mou_{obj._meta.model_name}_document", args=[obj.pk])


@pytest.mark.parametrize("role", [r for r in Role if r != Role.PROVINCE_ADMIN], ids=str)
def test_a_user_outside_the_regency_gets_404(client, world, buton_agreement, role):
    client.force_login(world.user(role))
    assert client.get(_url(buton_agreement)).status_code == 404


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_a_user_whose_scope_holds_the_agreement_gets_the_pdf(client, world, province_admin, role):
    agreement = factories.AgreementFactory(regency=world.home_regency(role))
    agreement_attach_document(
        agreement=agreement, upload=SimpleUploadedFile("x.pdf", PDF), by=province_admin
    )
    client.force_login(world.user(role))
    response = client.get(_url(agreement))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f'inline; filename="agreement-{agreement.regency.code}-{agreement.pk}.pdf"'
    )
    assert b"".join(response.streaming_content) == PDF


def test_the_province_admin_gets_any_document(client, province_admin, buton_agreement):
    client.force_login(province_admin)
    assert client.get(_url(buton_agreement)).status_code == 200


def test_an_agreement_without_a_document_answers_404(client, world, sekda):
    agreement = factories.AgreementFactory()
    client.force_login(sekda)
    assert client.get(_url(agreement)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, buton_agreement):
    response = client.get(_url(buton_agreement))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_there_is_no_media_url_for_the_stored_file(client, province_admin, buton_agreement):
    client.force_login(province_admin)
    assert client.get("/" + buton_agreement.document.name).status_code == 404
    assert client.get("/media/" + buton_agreement.document.name).status_code == 404


def test_regulation_documents_are_scoped_the_same_way(client, world, sekda, province_admin):
    regulation = factories.RegionalRegulationFactory(regency=world.buton)
    regional_regulation_attach_document(
        regulation=regulation, upload=SimpleUploadedFile("perda.pdf", PDF), by=province_admin
    )
    client.force_login(sekda)
    assert client.get(_url(regulation)).status_code == 404
    client.force_login(province_admin)
    assert client.get(_url(regulation)).status_code == 200


def test_a_read_only_user_sees_a_link_to_the_view_not_the_file_name(
    client, world, opd_treasurer, province_admin
):
    agreement = factories.AgreementFactory()
    agreement_attach_document(
        agreement=agreement, upload=SimpleUploadedFile("x.pdf", PDF), by=province_admin
    )
    client.force_login(opd_treasurer)
    page = client.get(reverse("admin:mou_agreement_change", args=[agreement.pk])).content.decode()
    assert _url(agreement) in page
    assert agreement.document.name not in page
