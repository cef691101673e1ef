"""Shared argument handling for the billing commands (DESIGN.md "Interfaces", contract).

Bad arguments (a malformed period, an unknown unit or regency, a missing bill or
file) exit with status 2 and a one-line message, from the shell and from
`call_command` alike (as CommandError with returncode 2).
"""

import argparse
import re
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


def bad_arguments(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def parse_period(value: str) -> date:
    """'2025-01' → date(2025, 1, 1); anything else is a bad argument."""
    match = PERIOD_RE.match(value or "")
    if not match or not 1 <= int(match[2]) <= 12:
        raise argparse.ArgumentTypeError(
            f"periode '{value}' tidak sah: gunakan YYYY-MM, misalnya 2025-01"
        )
    return date(int(match[1]), int(match[2]), 1)


class ContractCommand(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def error(message):
            raise bad_arguments(message)

        parser.error = error
        return parser

    def run_from_argv(self, argv):
        try:
            super().run_from_argv(argv)
        except CommandError as exc:  # raised while parsing, before BaseCommand handles errors
            sys.stderr.write(f"CommandError: {exc}\n")
            sys.exit(exc.returncode)
