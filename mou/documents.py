"""Scanned documents (agreements, regulations): PDF only, size-limited, stored privately.

Files go under MEDIA_ROOT, which is outside the web root and has no URL
route; the admin serves them after a scope check (mou/admin.py).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bpjs_tracker.uploads import validate_document_size

PDF_MAGIC = b"%PDF-"

DOCUMENT_NOT_PDF = _(
    "Berkas bukan PDF: “%(name)s” tidak diawali tanda %%PDF-. Unggah hasil pindaian dalam "
    "format PDF."
)


def document_upload_path(instance, filename: str) -> str:
    """A name nobody can guess, whatever the uploader called the file."""
    return f"mou/{instance._meta.model_name}/{uuid.uuid4().hex}.pdf"


def validate_pdf_document(value) -> None:
    """Refuse a new upload that is too large or does not start with the PDF signature.

    A file already stored (committed) was checked when it was uploaded; it is
    not re-read on every later save of its row.
    """
    if not value or getattr(value, "_committed", False):
        return
    name = getattr(value, "name", "") or ""
    validate_document_size(value, limit=settings.MOU_DOCUMENT_MAX_BYTES)
    handle = getattr(value, "file", value)
    position = handle.tell()
    handle.seek(0)
    head = handle.read(len(PDF_MAGIC))
    handle.seek(position)
    if head != PDF_MAGIC:
        raise ValidationError(DOCUMENT_NOT_PDF, code="document_not_pdf", params={"name": name})
