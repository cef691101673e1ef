"""Claim documents: PDF or JPEG by signature, size-limited, random names, served only in scope."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bpjs_tracker.roles import Role
from claims.models import Claim, ClaimDocument
from claims.services import claim_document_add
from tests import factories
from tests.factories import JPEG_BYTES, PDF_BYTES

pytestmark = pytest.mark.django_db


def upload(name, data):
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    ("name", "data", "extension"),
    [("akta.pdf", PDF_BYTES, "pdf"), ("ktp.JPG", JPEG_BYTES, "jpg"), ("scan", JPEG_BYTES, "jpg")],
)
def test_pdf_and_jpeg_are_kept_under_a_random_name(world, branch_staff, name, data, extension):
    claim = factories.ClaimFactory(unit=world.kdi_dlhk)
    document = claim_document_add(
        claim=claim, kind="death_certificate", file=upload(name, data), by=branch_staff
    )
    stored = document.file.name
    assert stored.startswith("claims/") and stored.endswith(f".{extension}")
    assert name.split(".")[0] not in stored
    assert len(stored.split("/")[-1].split(".")[0]) == 32  # uuid4 hex


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("akta.pdf", b"PK\x03\x04 not a pdf", "Berkas bukan PDF atau JPEG: “akta.pdf”."),
        ("foto.png", b"\x89PNG\r\n\x1a\n", "Berkas bukan PDF atau JPEG: “foto.png”."),
    ],
)
def test_a_file_that_is_neither_pdf_nor_jpeg_is_refused(world, branch_staff, name, data, message):
    claim = factories.ClaimFactory(unit=world.kdi_dlhk)
    with pytest.raises(ValidationError) as raised:
        claim_document_add(
            claim=claim, kind="death_certificate", file=upload(name, data), by=branch_staff
        )
    assert raised.value.messages[0].startswith(message)
    assert not ClaimDocument.objects.exists()


def test_a_file_over_the_limit_is_refused(world, branch_staff, settings):
    settings.CLAIM_DOCUMENT_MAX_BYTES = 100
    claim = factories.ClaimFactory(unit=world.kdi_dlhk)
    with pytest.raises(ValidationError) as raised:
        claim_document_add(
            claim=claim,
            kind="death_certificate",
            file=upload("a.pdf", PDF_BYTES + b"x" * 200),
            by=branch_staff,
        )
    assert "terlalu besar" in raised.value.messages[0]
    assert not ClaimDocument.objects.exists()


def test_the_last_required_document_starts_the_clock(world, branch_staff):
    claim = factories.ClaimFactory(unit=world.kdi_dlhk, funeral_arranged_by="Kepala Desa")
    kinds = ["claim_form", "death_certificate", "membership_card", "ktp_deceased", "family_card"]
    for day, kind in enumerate(kinds, start=11):
        claim_document_add(
            claim=claim,
            kind=kind,
            file=upload("a.pdf", PDF_BYTES),
            received_on=date(2021, 10, day),
            by=branch_staff,
        )
        claim.refresh_from_db()
        complete = kind == kinds[-1]
        assert claim.documents_complete_on == (date(2021, 10, 15) if complete else None)


def test_documents_cannot_be_added_once_verified(world, branch_staff):
    claim = factories.ClaimFactory(unit=world.kdi_dlhk, status=Claim.Status.VERIFIED)
    with pytest.raises(ValidationError) as raised:
        claim_document_add(
            claim=claim, kind="will", file=upload("a.pdf", PDF_BYTES), by=branch_staff
        )
    assert raised.value.code == "not_editable"


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_a_document_is_served_only_in_scope(client, world, role):
    inside = factories.ClaimDocumentFactory(
        claim=factories.ClaimFactory(unit=world.home_unit(role))
    )
    outside = factories.ClaimDocumentFactory(claim=factories.ClaimFactory(unit=world.buton_opd))
    client.force_login(world.user(role))

    mine = client.get(reverse("admin:claims_claim_document", args=[inside.claim_id, inside.pk]))
    theirs = client.get(reverse("admin:claims_claim_document", args=[outside.claim_id, outside.pk]))
    crossed = client.get(reverse("admin:claims_claim_document", args=[inside.claim_id, outside.pk]))

    assert mine.status_code == 200
    assert mine["Content-Type"] == "application/pdf"
    assert b"".join(mine.streaming_content) == PDF_BYTES
    assert theirs.status_code == (200 if role == Role.PROVINCE_ADMIN else 404)
    assert crossed.status_code == 404  # a document is reached only through its own claim
