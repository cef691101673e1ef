from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bpjs_tracker.backup import backup_restore
from regencies.models import Regency


class Command(BaseCommand):
    help = "Load a backup_data .zip into an empty, migrated database and restore its files."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)

    def handle(self, *args, source, **options):
        if Regency.objects.exists():
            raise CommandError(
                "Basis data tidak kosong: pulihkan ke basis data baru (migrate saja, tanpa "
                "load_reference atau seed_demo)."
            )
        figures = backup_restore(source)
        self.stdout.write(f"Dipulihkan dari {source}: {figures['files']} berkas unggahan")
