from pathlib import Path

from django.core.management.base import BaseCommand

from bpjs_tracker.backup import backup_write


class Command(BaseCommand):
    help = "Write the data (history included) and the uploaded files to one .zip (bpjs_tracker/backup.py)."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path)

    def handle(self, *args, output, **options):
        figures = backup_write(output)
        self.stdout.write(f"{output}: {figures['files']} berkas unggahan, {figures['bytes']:,} byte")
