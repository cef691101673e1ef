import csv
import json

from django.utils.translation import gettext as _

from bpjs_tracker.dashboard.report import contract_payload, plain_rows
from bpjs_tracker.dashboard.selectors import coverage_table
from bpjs_tracker.files import neutralise
from enrollment.management.contract import ContractCommand
from enrollment.summary import this_month
from regencies.models import Regency


class Command(ContractCommand):
    help = (
        "Coverage per regency for one month (DESIGN.md, Interfaces). --format json prints "
        '{"period", "rows": [{"regency", "name", "target", "covered", "coverage_pct", "units", '
        '"units_verified", "units_paid_full_year", "arrears", "claims_open", "claims_paid"}], '
        '"total": {...}}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="YYYY-MM (bawaan: bulan ini, WITA)")
        parser.add_argument("--regency", help="kode kabupaten/kota, misalnya 74.09")
        parser.add_argument("--format", choices=["table", "json", "csv"], default="table")
        parser.add_argument("--user", help="baca sebagai pengguna ini (cakupannya)")

    def handle(self, *args, period=None, regency=None, format="table", user=None, **options):
        period = self.period(period) if period is not None else this_month()
        acting = self.acting_user(user)
        chosen = None
        if regency is not None:
            regencies = (
                Regency.objects.all() if acting is None else Regency.objects.visible_to(acting)
            )
            chosen = regencies.filter(code=regency.strip()).first()
            if chosen is None:
                self.bad(
                    _("Kabupaten/kota '%(code)s' tidak dikenal (atau di luar cakupan pengguna).")
                    % {"code": regency}
                )
        table = coverage_table(user=acting, period=period, regency=chosen, by_unit=False)
        if format == "json":
            self.stdout.write(json.dumps(contract_payload(table)))
            return
        headers, rows = plain_rows(table)
        if format == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(headers)
            writer.writerows([[neutralise(v) for v in row] for row in rows])
            return
        widths = [
            max(len(str(h)), *(len(_cell(r[i])) for r in rows)) for i, h in enumerate(headers)
        ]
        self.stdout.write("  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)))
        for row in rows:
            self.stdout.write(
                "  ".join(_cell(v).ljust(w) for v, w in zip(row, widths, strict=True))
            )


def _cell(value) -> str:
    return "" if value is None else str(value)
