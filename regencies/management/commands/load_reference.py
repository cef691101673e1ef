from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bpjs_tracker.roles import sync_roles
from regencies.services import ReferenceDataError, reference_load


class Command(BaseCommand):
    help = "Load or refresh reference data (regions of province 74, BPJS offices, contribution rates and rules, role permissions). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", type=Path, default=None, help="fixtures directory (default: fixtures/)"
        )

    def handle(self, *args, dir=None, **options):
        try:
            result = reference_load(directory=dir)
        except ReferenceDataError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(exc.problems)} masalah pada data referensi; tidak ada yang disimpan."
            ) from exc
        except FileNotFoundError as exc:
            raise CommandError(f"Berkas data referensi tidak ditemukan: {exc.filename}") from exc
        for name, c in result.counts.items():
            self.stdout.write(f"{name}: {c.created} baru, {c.updated} diubah, {c.unchanged} tetap")
        roles = sync_roles()
        self.stdout.write(
            f"peran: {roles.groups_created} grup baru, {roles.permissions_added} izin ditambah, "
            f"{roles.permissions_removed} izin dicabut"
        )
