from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from enrollment.management.contract import EXIT_REFUSED, CommandExit, ContractCommand
from enrollment.models import Roster
from enrollment.services.rosters import roster_verify


class Command(ContractCommand):
    help = (
        "Verify a work unit's roster for one month and derive its JKK/JKM memberships. "
        "Exit 0: verified (or already was); exit 1: refused (no roster for the month, or a "
        "roster that was returned); exit 2: bad arguments (unknown user or unit, malformed "
        "period, a user who may not verify). Without --user: the system, province scope."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="work unit code, e.g. 74.71-DLHK")
        parser.add_argument("--period", required=True, help="month, YYYY-MM")
        parser.add_argument("--user", help="act as this user (their scope and permissions)")

    def handle(self, *args, **options):
        user = self.acting_user(options["user"])
        unit = self.work_unit(options["unit"], user)
        period = self.period(options["period"])
        roster = Roster.objects.filter(unit=unit, period=period).select_related("unit").first()
        if roster is None:
            raise CommandExit(
                EXIT_REFUSED,
                _("Tidak ada roster %(unit)s untuk %(period)s; unggah dulu rosternya.")
                % {"unit": unit.code, "period": f"{period:%Y-%m}"},
            )
        try:
            result = roster_verify(roster=roster, by=user)
        except PermissionDenied as exc:
            self.bad(str(exc))
        except ValidationError as exc:
            raise CommandExit(EXIT_REFUSED, exc.messages[0]) from exc
        if result.already:
            self.stdout.write(
                _("%(roster)s sudah terverifikasi; tidak ada perubahan.") % {"roster": roster}
            )
            return
        self.stdout.write(
            f"verified: {unit.code} {period:%Y-%m}; memberships opened: {result.opened}, "
            f"closed: {result.closed}, removed: {result.removed}"
        )
        billing = result.billing
        if billing.changed:
            self.stdout.write(
                f"bill: {unit.code} {period:%Y-%m} created: {billing.created}, "
                f"recomputed: {billing.recomputed}, adjusted: {billing.adjusted}"
            )
        for problem in billing.problems:
            self.stdout.write(f"warning: {problem}")
