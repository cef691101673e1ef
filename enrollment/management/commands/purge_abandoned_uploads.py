"""Delete the files of imports never confirmed (or refused) after the retention period.

    python manage.py purge_abandoned_uploads [--days N] [--dry-run]

--days defaults to the UPLOAD_RETENTION_DAYS setting (90). Roster uploads left pending,
abandoned or rejected, and payment/KPJ files kept for a check never imported, uploaded more
than N days ago: the file is deleted and the upload (or the check) marked, its preview kept.
Files of imported rosters and payments are never touched, nor those of a failed import
younger than N days. Nightly through Celery beat (`enrollment.purge_abandoned_uploads`).
Prints one line per upload and check, then the totals. Exit 0.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from enrollment.services.uploads import uploads_purge


class Command(BaseCommand):
    help = "Delete the files of imports never confirmed, older than --days (UPLOAD_RETENTION_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, days, dry_run, **options):
        days = settings.UPLOAD_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be at least 1")
        result = uploads_purge(before=timezone.now() - timedelta(days=days), dry_run=dry_run)
        for pk in result.roster_uploads:
            self.stdout.write(f"roster upload {pk}")
        for pk in result.import_checks:
            self.stdout.write(f"payment/KPJ check job {pk}")
        verb = "would be deleted (dry run, nothing changed)" if dry_run else "deleted"
        self.stdout.write(
            f"{len(result.roster_uploads)} roster uploads, {len(result.import_checks)} checks "
            f"older than {days} days: {result.files} files, {result.bytes} bytes {verb}"
        )
