"""Roster uploads that never reached a final state (issue #11): found and closed."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from enrollment.models import RosterUpload


def uploads_stale(*, before: datetime):
    """Uploads still pending that were made before `before` (previews never confirmed too)."""
    return RosterUpload.objects.filter(
        status=RosterUpload.Status.PENDING, created_at__lt=before
    ).order_by("created_at")


def uploads_abandon(*, before: datetime) -> int:
    """Mark stale pending uploads abandoned; their files stay, like a rejected upload's."""
    with transaction.atomic():
        return uploads_stale(before=before).update(
            status=RosterUpload.Status.ABANDONED, updated_at=timezone.now()
        )
