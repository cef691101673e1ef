from django.core.management.base import BaseCommand, CommandError

from bpjs_tracker.demo import DEMO_PASSWORD, seed_demo
from bpjs_tracker.settings import env_bool

REFUSED = (
    "seed_demo membuat akun demo dengan kata sandi yang dicetak, termasuk administrator "
    "provinsi: tidak dijalankan bila DJANGO_DEBUG mati (produksi). Jalankan dengan "
    "DJANGO_DEBUG=1 di mesin percobaan, atau tambahkan --force bila memang disengaja."
)


class Command(BaseCommand):
    help = (
        "Create or refresh demo users (one per role), work units and coverage targets. Idempotent. "
        "Refused when DJANGO_DEBUG is off (production) unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="seed even with DJANGO_DEBUG off (production)"
        )

    def handle(self, *args, force=False, **options):
        # The environment variable, not settings.DEBUG: test runners switch DEBUG off.
        if not force and not env_bool("DJANGO_DEBUG", False):
            raise CommandError(REFUSED)
        result = seed_demo()
        self.stdout.write(
            f"Unit kerja: {result.units_created} baru, {result.units_total} seluruhnya; "
            f"target cakupan: {result.targets_total}; roster terverifikasi: "
            f"{result.rosters_created} baru, {result.rosters_total} seluruhnya; "
            f"klaim kematian contoh: {result.claims_total}"
        )
        self.stdout.write(
            self.style.WARNING("AKUN DEMO — hanya untuk percobaan, jangan dipakai di produksi:")
        )
        for account in result.accounts:
            self.stdout.write(
                f"  {account.username:<24} sandi: {DEMO_PASSWORD}  peran: {account.role}  cakupan: {account.scope}"
            )
