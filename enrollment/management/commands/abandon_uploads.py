"""List roster uploads left pending (a preview never confirmed, a worker that died) and close them.

    python manage.py abandon_uploads [--days 1] [--dry-run]

Prints one line per upload (id, unit, month, uploader, since); without
--dry-run marks them abandoned, so none stays pending forever. The file stays,
like a rejected one's. Exit 0.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from enrollment.services.uploads import uploads_abandon, uploads_stale


class Command(BaseCommand):
    help = "Roster uploads pending for more than --days days (default 1): list, then mark abandoned."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=1)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, days, dry_run, **options):
        before = timezone.now() - timedelta(days=days)
        stale = list(uploads_stale(before=before).select_related("unit", "uploaded_by"))
        for upload in stale:
            who = upload.uploaded_by.username if upload.uploaded_by else "-"
            self.stdout.write(
                f"{upload.pk}\t{upload.unit.code}\t{upload.period:%Y-%m}\t{who}\t"
                f"{timezone.localtime(upload.created_at):%Y-%m-%d %H:%M}"
            )
        if dry_run:
            self.stdout.write(f"{len(stale)} pending (dry run, nothing changed)")
            return
        count = uploads_abandon(before=before)
        self.stdout.write(f"{count} marked abandoned")
