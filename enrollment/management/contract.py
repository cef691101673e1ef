"""Shared pieces of the contract commands (DESIGN.md, "Interfaces"): exit codes and arguments.

Exit codes: 0 done, 1 refused (nothing saved), 2 bad arguments with a one-line
message. From the shell the code is the process's exit status; through
``call_command`` a ``CommandExit`` is raised, which is both a ``SystemExit``
(``.code``) and a ``CommandError`` (``.returncode``), so callers can catch either.
"""

import re
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bpjs_tracker.models import User
from regencies.models import WorkUnit

EXIT_REFUSED = 1
EXIT_BAD_ARGUMENTS = 2
PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class CommandExit(SystemExit, CommandError):
    def __init__(self, code: int, message: str = ""):
        SystemExit.__init__(self, code)
        self.returncode = code
        self.message = message

    def __str__(self) -> str:
        return self.message


class ContractCommand(BaseCommand):
    """A command whose argument errors exit 2 also under call_command, with a one-line message."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def error(message):
            if parser.called_from_command_line:  # one line, not argparse's usage block
                sys.stderr.write(f"{parser.prog}: {message}\n")
                sys.exit(EXIT_BAD_ARGUMENTS)
            raise CommandExit(EXIT_BAD_ARGUMENTS, message)

        parser.error = error
        return parser

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandExit as exc:
            if not getattr(self, "_called_from_command_line", False):
                raise
            if exc.message:
                self.stderr.write(exc.message)
            sys.exit(exc.returncode)

    # -- arguments --------------------------------------------------------------------------

    def bad(self, message: str):
        raise CommandExit(EXIT_BAD_ARGUMENTS, message)

    def acting_user(self, username: str | None):
        """--user USERNAME, or None: the system actor with the province's scope."""
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            self.bad(_("Pengguna '%(user)s' tidak dikenal atau tidak aktif.") % {"user": username})
        return user

    def work_unit(self, code: str, user) -> WorkUnit:
        """A unit the acting user may see; one outside the scope is as unknown as a missing one."""
        units = WorkUnit.objects.visible_to(user) if user is not None else WorkUnit.objects.all()
        unit = units.filter(code__iexact=(code or "").strip()).select_related("regency").first()
        if unit is None:
            self.bad(
                _("Unit kerja '%(code)s' tidak dikenal (atau di luar cakupan pengguna).")
                % {"code": code}
            )
        return unit

    def period(self, text: str) -> date:
        match = PERIOD_RE.match((text or "").strip())
        if not match:
            self.bad(
                _("Periode '%(period)s' tidak sah: tulis YYYY-MM, misalnya 2025-01.")
                % {"period": text}
            )
        return date(int(match.group(1)), int(match.group(2)), 1)
