import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from bpjs_tracker.integrity import dangling_keys


class Command(BaseCommand):
    help = (
        "Check the foreign keys the database does not enforce (roster entries, bill lines): "
        "rows whose roster, worker, bill or rate is missing. Exit 0: none; exit 1: some "
        "(one line per key with the count and the first ids)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        keys = dangling_keys()
        broken = [k for k in keys if k.count]
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "ok": not broken,
                        "keys": [
                            {"model": k.model, "field": k.field, "target": k.target,
                             "missing": k.count, "example_ids": list(k.example_ids)}
                            for k in keys
                        ],
                    }
                )
            )  # fmt: skip
        else:
            for key in keys:
                self.stdout.write(
                    _("%(model)s.%(field)s → %(target)s: %(count)s baris tanpa pasangan%(ids)s")
                    % {
                        "model": key.model,
                        "field": key.field,
                        "target": key.target,
                        "count": key.count,
                        "ids": f" (id {', '.join(map(str, key.example_ids))} …)"
                        if key.count
                        else "",
                    }
                )
        if broken:
            raise SystemExit(1)
