"""Claim documents: PDF or JPEG scans, size-limited, stored under random names, never served directly.

Checked like the agreement documents (mou/documents.py): the file's first bytes
decide what it is, not its name; `CLAIM_DOCUMENT_MAX_BYTES` (default 10 MB)
limits the size. Files live under MEDIA_ROOT/claims/ with names nobody can
guess; the admin serves them after a scope check (claims/admin.py).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bpjs_tracker.uploads import validate_document_size

SIGNATURES = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpg"}
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg"}

CLAIM_DOCUMENT_WRONG_TYPE = _(
    "Berkas bukan PDF atau JPEG: “%(name)s”. Unggah hasil pindaian dalam format PDF atau JPEG."
)


def sniff(handle) -> str | None:
    """'pdf' or 'jpg' from the first bytes of `handle` (position kept), else None."""
    position = handle.tell()
    handle.seek(0)
    head = handle.read(8)
    handle.seek(position)
    for magic, kind in SIGNATURES.items():
        if head.startswith(magic):
            return kind
    return None


def claim_document_upload_path(instance, filename: str) -> str:
    """A random name with the extension the content shows, whatever the uploader called it."""
    kind = sniff(getattr(instance.file, "file", instance.file)) or "bin"
    return f"claims/{uuid.uuid4().hex}.{kind}"


def validate_claim_document(value) -> None:
    """Refuse a new upload that is too large or neither a PDF nor a JPEG (by its signature)."""
    if not value or getattr(value, "_committed", False):
        return
    name = getattr(value, "name", "") or ""
    validate_document_size(value, limit=settings.CLAIM_DOCUMENT_MAX_BYTES)
    if sniff(getattr(value, "file", value)) is None:
        raise ValidationError(
            CLAIM_DOCUMENT_WRONG_TYPE, code="document_wrong_type", params={"name": name}
        )


def content_type_of(stored_name: str) -> str:
    return CONTENT_TYPES.get(stored_name.rsplit(".", 1)[-1], "application/octet-stream")
