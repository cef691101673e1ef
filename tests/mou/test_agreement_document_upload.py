"""Scanned documents: PDF only (by its signature), within the size limit, stored privately."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mou.models import Agreement, RegionalRegulation
from mou.services import agreement_attach_document, regional_regulation_attach_document
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
NOT_PDF_MESSAGE = (
    "Berkas bukan PDF: “surat.pdf” tidak diawali tanda %PDF-. Unggah hasil pindaian dalam "
    "format PDF."
)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def agreement(world):
    return factories.AgreementFactory()


def test_a_pdf_is_kept_under_a_name_nobody_can_guess(agreement, sekda, settings):
    agreement_attach_document(
        agreement=agreement, upload=SimpleUploadedFile("MoU Kendari.pdf", PDF), by=sekda
    )
    agreement.refresh_from_db()
    [path] = stored_files(settings)
    assert path.read_bytes() == PDF
    assert agreement.document.name == path.relative_to(settings.MEDIA_ROOT).as_posix()
    assert agreement.document.name.startswith("mou/agreement/")
    assert "Kendari" not in agreement.document.name
    assert agreement.history.latest().history_user == sekda


def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(agreement, sekda, settings):
    upload = SimpleUploadedFile("surat.pdf", b"PK\x03\x04 a zip file", "application/pdf")
    with pytest.raises(ValidationError) as exc:
        agreement_attach_document(agreement=agreement, upload=upload, by=sekda)
    assert exc.value.message_dict == {"document": [NOT_PDF_MESSAGE]}
    agreement.refresh_from_db()
    assert not agreement.document
    assert agreement.history.count() == 1
    assert stored_files(settings) == []


def test_a_file_over_the_limit_is_refused(agreement, sekda, settings):
    settings.MOU_DOCUMENT_MAX_BYTES = 1024
    upload = SimpleUploadedFile("besar.pdf", PDF + b"0" * 2048)
    with pytest.raises(ValidationError) as exc:
        agreement_attach_document(agreement=agreement, upload=upload, by=sekda)
    assert exc.value.message_dict == {
        "document": ["Berkas terlalu besar: “besar.pdf” berukuran 2,1\xa0KB; batasnya 1,0\xa0KB."]
    }
    agreement.refresh_from_db()
    assert not agreement.document
    assert stored_files(settings) == []


def test_the_default_limit_is_ten_megabytes(settings):
    from bpjs_tracker import settings as project_settings

    assert project_settings.MOU_DOCUMENT_MAX_BYTES == 10 * 1024 * 1024


def test_a_refused_document_keeps_the_one_already_stored(agreement, sekda, settings):
    agreement_attach_document(
        agreement=agreement, upload=SimpleUploadedFile("a.pdf", PDF), by=sekda
    )
    kept = agreement.document.name
    with pytest.raises(ValidationError):
        agreement_attach_document(
            agreement=agreement, upload=SimpleUploadedFile("surat.pdf", b"hello"), by=sekda
        )
    agreement.refresh_from_db()
    assert agreement.document.name == kept
    assert len(stored_files(settings)) == 1


def test_a_regulation_document_follows_the_same_rules(world, sekda, settings):
    regulation = factories.RegionalRegulationFactory()
    with pytest.raises(ValidationError) as exc:
        regional_regulation_attach_document(
            regulation=regulation, upload=SimpleUploadedFile("surat.pdf", b"<html>"), by=sekda
        )
    assert exc.value.message_dict == {"document": [NOT_PDF_MESSAGE]}
    assert stored_files(settings) == []
    regional_regulation_attach_document(
        regulation=regulation, upload=SimpleUploadedFile("perbup.pdf", PDF), by=sekda
    )
    assert RegionalRegulation.objects.get().document.name.startswith("mou/regionalregulation/")


def _add_form(world, document):
    return {
        "regency": world.kendari.pk,
        "branch_office": world.kendari_branch.pk,
        "kind": "mou",
        "state": "signed",
        "signed_on": "2024-01-15",
        "document": document,
        "signatories-TOTAL_FORMS": "0",
        "signatories-INITIAL_FORMS": "0",
        "segments-TOTAL_FORMS": "0",
        "segments-INITIAL_FORMS": "0",
    }


def test_the_admin_form_refuses_a_non_pdf_and_saves_nothing(client, world, sekda, settings):
    client.force_login(sekda)
    upload = SimpleUploadedFile("surat.pdf", b"GIF89a", "application/pdf")
    response = client.post(reverse("admin:mou_agreement_add"), _add_form(world, upload))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"document": [NOT_PDF_MESSAGE]}
    assert Agreement.objects.count() == 0
    assert stored_files(settings) == []


def test_the_admin_form_refuses_a_file_over_the_limit(client, world, sekda, settings):
    settings.MOU_DOCUMENT_MAX_BYTES = 10
    client.force_login(sekda)
    upload = SimpleUploadedFile("besar.pdf", PDF)
    response = client.post(reverse("admin:mou_agreement_add"), _add_form(world, upload))
    assert response.context["adminform"].form.errors == {
        "document": ["Berkas terlalu besar: “besar.pdf” berukuran 77\xa0bita; batasnya 10\xa0bita."]
    }
    assert Agreement.objects.count() == 0
    assert stored_files(settings) == []


def test_the_admin_form_keeps_a_pdf_and_links_to_the_scoped_view(client, world, sekda, settings):
    client.force_login(sekda)
    response = client.post(
        reverse("admin:mou_agreement_add"),
        _add_form(world, SimpleUploadedFile("MoU.pdf", PDF)),
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert len(stored_files(settings)) == 1
    page = client.get(reverse("admin:mou_agreement_change", args=[agreement.pk])).content.decode()
    assert reverse("admin:mou_agreement_document", args=[agreement.pk]) in page
    assert agreement.document.name not in page
