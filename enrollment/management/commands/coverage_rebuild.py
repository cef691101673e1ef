import time

from django.utils.translation import gettext as _

from enrollment.management.contract import ContractCommand
from enrollment.summary import months_between, summary_rebuild, this_month
from regencies.models import Regency


class Command(ContractCommand):
    help = (
        "Rebuild the dashboard's coverage summary from rosters, memberships, bills and payments: "
        "--period YYYY-MM (default: this month, WITA) or --year YYYY, one --regency or all."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="YYYY-MM")
        parser.add_argument("--year", type=int, help="every month of this year")
        parser.add_argument("--regency", help="kode kabupaten/kota, misalnya 74.09")

    def handle(self, *args, period=None, year=None, regency=None, **options):
        if period and year:
            self.bad(_("Pilih --period atau --year, bukan keduanya."))
        if year is not None:
            if not 2000 <= year <= 2100:
                self.bad(_("Tahun '%(year)s' tidak sah.") % {"year": year})
            from datetime import date

            periods = months_between(date(year, 1, 1), date(year, 12, 1))
        else:
            periods = [self.period(period) if period else this_month()]
        chosen = None
        if regency:
            chosen = Regency.objects.filter(code=regency.strip()).first()
            if chosen is None:
                self.bad(_("Kabupaten/kota '%(code)s' tidak dikenal.") % {"code": regency})
        started = time.perf_counter()
        written = summary_rebuild(periods=periods, regency=chosen)
        self.stdout.write(
            _("%(n)s unit-bulan ditulis dalam %(s).1f detik.")
            % {"n": written, "s": time.perf_counter() - started}
        )
