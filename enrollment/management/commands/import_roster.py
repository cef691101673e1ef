import json
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.utils.translation import gettext as _

from enrollment.management.contract import EXIT_REFUSED, CommandExit, ContractCommand
from enrollment.services.rosters import roster_import


class Command(ContractCommand):
    help = (
        "Import a work unit's roster for one month from an .xlsx or .csv file, all or nothing. "
        "Exit 0: imported (or would be, with --dry-run), prints created/updated/unchanged/left "
        "compared with the unit's roster of the same month (a re-upload) or else its latest "
        "earlier roster. Exit 1: rejected, nothing saved; one line per problem "
        "'<sheet>!<row>:<column>: <message>' (row as the spreadsheet shows it, header = 1; "
        "sheet = the real sheet name of an .xlsx, or the file name without extension for a "
        ".csv, as Excel names its tab). Warnings are printed as 'warning: ...' and do not "
        "block. Exit 2: bad arguments (unknown user or unit, malformed period, missing file). "
        "Without --user the command acts as the system with the province's scope."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the roster file (.xlsx or .csv)")
        parser.add_argument("--unit", required=True, help="work unit code, e.g. 74.71-DLHK")
        parser.add_argument("--period", required=True, help="month, YYYY-MM")
        parser.add_argument("--dry-run", action="store_true", help="check only; save nothing")
        parser.add_argument("--user", help="act as this user (their scope and permissions)")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        user = self.acting_user(options["user"])
        unit = self.work_unit(options["unit"], user)
        period = self.period(options["period"])
        path = Path(options["file"])
        if not path.is_file():
            self.bad(_("Berkas '%(path)s' tidak ditemukan.") % {"path": path})
        with path.open("rb") as handle:
            try:
                result = roster_import(
                    unit=unit,
                    period=period,
                    upload=File(handle, name=path.name),
                    by=user,
                    dry_run=options["dry_run"],
                )
            except PermissionDenied as exc:
                self.bad(str(exc))
        problems = result.sorted_problems()
        if options["format"] == "json":
            payload = {"ok": result.ok, **result.counts()}
            payload["problems"] = [p.as_dict() for p in problems]
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            for problem in problems:
                self.stdout.write(str(problem))
            if result.ok:
                counts = result.counts()
                self.stdout.write(", ".join(f"{name}: {n}" for name, n in counts.items()))
        if not result.ok:
            raise CommandExit(
                EXIT_REFUSED,
                _(
                    "Roster %(unit)s %(period)s ditolak: %(count)s kesalahan; tidak ada yang disimpan."
                )
                % {"unit": unit.code, "period": f"{period:%Y-%m}", "count": len(result.errors)},
            )
