"""Uploaded files larger than the limit are refused before they are written anywhere (issue #11).

Django writes an upload above 2.5 MB to a temporary file as it arrives.
`BoundedUploadHandler` sits first in ``FILE_UPLOAD_HANDLERS``: it passes the
bytes on while they are within ``ROSTER_MAX_UPLOAD_BYTES`` (roster, KPJ and
payment files share it), and past it stops passing them and hands the form an
empty `OversizedUpload` that knows the real size, so the form says "too
large" in one message and nothing beyond the limit reaches the disk.
`validate_upload_size` is the form side (also for files that arrive another way).
`validate_document_size` is the one size check of scanned documents (agreements,
regulations, claim documents), each with its own limit.
"""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

DOCUMENT_TOO_LARGE = _("Berkas terlalu besar: “%(name)s” berukuran %(size)s; batasnya %(limit)s.")


def upload_limit() -> int:
    from enrollment.imports.reading import max_upload_bytes

    return max_upload_bytes()


class OversizedUpload(InMemoryUploadedFile):
    """What is left of a file refused for its size: its name and size, no content."""

    oversized = True

    def __init__(self, *, field_name, name, content_type, size, charset):
        import io

        super().__init__(io.BytesIO(b""), field_name, name, content_type, size, charset)


class BoundedUploadHandler(FileUploadHandler):
    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):  # noqa: E501
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)  # noqa: E501
        self.received = 0
        self.limit = upload_limit()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            return None  # the next handlers (memory, temporary file) get nothing more
        return raw_data

    def file_complete(self, file_size):
        if self.received <= self.limit:
            return None  # the next handler builds the file as usual
        return OversizedUpload(
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,
            charset=self.charset,
        )


def validate_upload_size(file) -> None:
    """Form validator: one message naming the size and the limit."""
    from enrollment.imports.reading import FILE_TOO_LARGE, human_size

    limit = upload_limit()
    if getattr(file, "size", 0) > limit:
        raise ValidationError(
            FILE_TOO_LARGE % {"size": human_size(file.size), "limit": human_size(limit)},
            code="too_large",
        )


def validate_document_size(value, *, limit: int) -> None:
    """Refuse a scanned document larger than `limit` bytes, naming the file, its size and the limit."""
    if value.size > limit:
        raise ValidationError(
            DOCUMENT_TOO_LARGE,
            code="document_too_large",
            params={
                "name": getattr(value, "name", "") or "",
                "size": filesizeformat(value.size),
                "limit": filesizeformat(limit),
            },
        )
