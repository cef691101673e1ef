"""Scheduled work (Celery beat, `CELERY_BEAT_SCHEDULE` in settings.py)."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from enrollment.services.uploads import uploads_abandon, uploads_purge

logger = logging.getLogger(__name__)


@shared_task(name="enrollment.purge_abandoned_uploads", acks_late=True)
def purge_abandoned_uploads(days: int | None = None) -> None:
    """Nightly: the files of imports never confirmed, older than UPLOAD_RETENTION_DAYS.

    Safe to run twice (a redelivered message): what was purged is marked so.
    """
    days = settings.UPLOAD_RETENTION_DAYS if days is None else days
    result = uploads_purge(before=timezone.now() - timedelta(days=days))
    logger.info(
        "purged the files of %s roster uploads and %s payment/KPJ checks older than %s days "
        "(%s files, %s bytes)",
        len(result.roster_uploads), len(result.import_checks), days, result.files, result.bytes,
    )  # fmt: skip


@shared_task(name="enrollment.abandon_uploads", acks_late=True)
def abandon_uploads() -> None:
    """Nightly: roster uploads pending for over a day become abandoned (`abandon_uploads`)."""
    count = uploads_abandon(before=timezone.now() - timedelta(days=1))
    logger.info("%s roster uploads pending for over a day marked abandoned", count)
