from django.core.management.base import BaseCommand

from bpjs_tracker.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = (
        "Create or refresh demo users (one per role), work units and coverage targets. Idempotent."
    )

    def handle(self, *args, **options):
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
