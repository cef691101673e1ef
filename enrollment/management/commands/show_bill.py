import json

from bpjs_tracker.money import format_rupiah
from enrollment.billing.selectors import bill_statement
from enrollment.management.commands._billing import ContractCommand, bad_arguments, parse_period
from enrollment.models import Bill, BillLine
from regencies.models import WorkUnit


class Command(ContractCommand):
    help = (
        "Print one unit's bill for one month. --format json prints "
        '{"unit", "period", "due_date", "total", "lines": [{"nik", "programme", "amount"}], '
        '"parts": [{"basis", "due_date", "total"}]} (one part per basis: PU, BPU).'
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="kode unit kerja, misalnya 74.71-DLHK")
        parser.add_argument("--period", required=True, type=parse_period, help="YYYY-MM")
        parser.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args, unit, period, format="json", **options):
        work_unit = WorkUnit.objects.filter(code=unit).first()
        if work_unit is None:
            raise bad_arguments(f"unit kerja tidak dikenal: {unit}")
        bill = Bill.objects.filter(unit=work_unit, period=period).first()
        if bill is None:
            raise bad_arguments(f"tidak ada tagihan untuk {unit} bulan {period:%Y-%m}")
        lines = list(bill.lines.order_by("kind", "nik", "pk"))
        if format == "json":
            payload = {
                "unit": work_unit.code,
                "period": f"{bill.period:%Y-%m}",
                "due_date": bill.due_date.isoformat(),
                "total": int(bill.total),
                "lines": [
                    {"nik": line.nik, "programme": part.programme, "amount": int(part.amount)}
                    for line in lines
                    for part in line.parts()
                ],
                "parts": [
                    {
                        "basis": part.label,
                        "due_date": part.due_date.isoformat(),
                        "total": int(part.total),
                    }
                    for part in bill.parts()
                ],
            }
            self.stdout.write(json.dumps(payload))
            return
        self._text(bill, lines)

    def _text(self, bill, lines):
        out = self.stdout.write
        statement = bill_statement(bill)
        out(f"Tagihan iuran {bill.unit} bulan {bill.period:%Y-%m}")
        out(f"Jatuh tempo: {bill.due_date:%d-%m-%Y}")
        for line in lines:
            kind = "" if line.kind == BillLine.Kind.CONTRIBUTION else " (penyesuaian)"
            for part in line.parts():
                out(f"  {line.nik} {part.programme}{kind}: {format_rupiah(part.amount)}")
        out(f"Jumlah: {format_rupiah(bill.total)}")
        for part in statement.parts:
            out(
                f"  Bagian {part.label}: {format_rupiah(part.total)}, jatuh tempo "
                f"{part.due_date:%d-%m-%Y}, dibayar {format_rupiah(part.paid)}, "
                f"{part.status_label}"
            )
            if part.fine:
                out(
                    f"  Denda bagian {part.label} ({len(part.fine_months)} bulan × "
                    f"{part.fine_percent}%): {format_rupiah(part.fine)}"
                )
        out(f"Dibayar: {format_rupiah(statement.paid)}; sisa: {format_rupiah(statement.unpaid)}")
        if statement.fine:
            out(f"Denda ({len(statement.fine_months)} bulan): {format_rupiah(statement.fine)}")
        out(f"Pembulatan: {bill.rounding_rule}")
        if bill.relief_note:
            out(f"Keringanan: {bill.relief_note}")
