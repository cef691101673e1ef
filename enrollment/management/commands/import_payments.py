import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from bpjs_tracker.models import User
from bpjs_tracker.money import format_rupiah
from enrollment.billing.payments import STATUS_LABELS, payments_import
from enrollment.management.commands._billing import ContractCommand, bad_arguments


class Command(ContractCommand):
    help = (
        "Import a payment file (.csv or .xlsx from the bank or BPJS): reconcile every row "
        "(matched, underpaid, overpaid, unmatched) and save all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="pratinjau; tidak menyimpan")
        parser.add_argument("--user", help="nama pengguna; membatasi ke unit dalam cakupannya")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, file, dry_run=False, user=None, format="text", **options):
        if not file.is_file():
            raise bad_arguments(f"berkas tidak ditemukan: {file}")
        if file.suffix.lower() not in (".csv", ".xlsx"):
            raise bad_arguments(f"berkas harus .csv atau .xlsx: {file}")
        by = None
        if user:
            by = User.objects.filter(username=user).first()
            if by is None:
                raise bad_arguments(f"pengguna tidak dikenal: {user}")
        try:
            result = payments_import(
                name=file.name, content=file.read_bytes(), by=by, dry_run=dry_run
            )
        except ValidationError as exc:
            raise bad_arguments(" ".join(exc.messages)) from exc
        if format == "json":
            self._json(result)
        else:
            self._text(result)
        if not result.ok:
            raise CommandError("impor ditolak; tidak ada pembayaran yang disimpan")

    def _text(self, result):
        for problem in result.problems:
            self.stdout.write(str(problem))
        for row in result.rows:
            period = f" {row.period:%Y-%m}" if row.period else ""
            owed = "" if row.owed is None else f" (tagihan {format_rupiah(row.owed)})"
            note = f": {row.message}" if row.message else ""
            self.stdout.write(
                f"{row.row}: {STATUS_LABELS[row.status]} {row.unit_code}{period} "
                f"{format_rupiah(row.amount)}{owed} ref {row.reference}{note}"
            )
        counts = ", ".join(f"{STATUS_LABELS[k]} {v}" for k, v in sorted(result.counts.items()))
        action = "pratinjau" if result.dry_run else f"disimpan {result.saved}"
        self.stdout.write(f"{result.file_name}: {counts or 'tidak ada baris'}; {action}")

    def _json(self, result):
        self.stdout.write(
            json.dumps(
                {
                    "ok": result.ok,
                    "dry_run": result.dry_run,
                    "saved": result.saved,
                    "counts": dict(result.counts),
                    "rows": [
                        {
                            "row": r.row,
                            "unit": r.unit_code,
                            "period": f"{r.period:%Y-%m}" if r.period else None,
                            "amount": r.amount,
                            "owed": r.owed,
                            "reference": r.reference,
                            "status": r.status,
                            "message": str(r.message),
                        }
                        for r in result.rows
                    ],
                    "problems": [
                        {"sheet": p.sheet, "row": p.row, "column": p.column, "message": p.message}
                        for p in result.problems
                    ],
                }
            )
        )
