import json

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from enrollment.billing.services import bills_generate
from enrollment.management.commands._billing import ContractCommand, bad_arguments, parse_period
from regencies.models import Regency

COUNTS = [
    ("created", "dibuat"),
    ("recomputed", "dihitung ulang"),
    ("unchanged", "tetap"),
    ("locked_changed", "sudah dibayar dan berubah (selisih menjadi penyesuaian)"),
    ("adjusted", "tagihan menerima penyesuaian"),
    ("pending_adjustments", "selisih menunggu tagihan berikutnya"),
    ("without_roster", "unit tanpa roster terverifikasi"),
]


class Command(ContractCommand):
    help = (
        "Create or refresh the contribution bills of one month from verified rosters "
        "(idempotent): the whole province, or one regency."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, type=parse_period, help="YYYY-MM")
        parser.add_argument("--regency", help="kode kabupaten/kota, misalnya 74.71")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, period, regency=None, format="text", **options):
        scope = None
        if regency:
            scope = Regency.objects.filter(code=regency).first()
            if scope is None:
                raise bad_arguments(f"kabupaten/kota tidak dikenal: {regency}")
        try:
            result = bills_generate(period=period, regency=scope)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if format == "json":
            payload = {"period": f"{period:%Y-%m}", "regency": regency}
            payload.update({key: getattr(result, key) for key, _label in COUNTS})
            payload["pending_amount"] = result.pending_amount
            self.stdout.write(json.dumps(payload))
            return
        where = scope or "seluruh provinsi"
        self.stdout.write(f"Tagihan {period:%Y-%m}, {where}:")
        for key, label in COUNTS:
            self.stdout.write(f"  {label}: {getattr(result, key)}")
