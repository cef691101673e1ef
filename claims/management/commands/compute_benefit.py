"""compute_benefit: the death benefit for a date of death, exactly as DESIGN.md "Interfaces" says.

Same code as the claim page (claims/selectors.py for the schedule, claims/benefits.py
for the arithmetic). Exit 0 with the breakdown; exit 2 with one line on a bad
programme, a malformed date, JKK without --wage, a negative number, or a date
before the first schedule.
"""

import json
import re
from datetime import date

from django.utils.translation import gettext as _

from bpjs_tracker.money import format_rupiah
from claims.benefits import benefit_compute
from claims.selectors import schedule_in_force, schedule_terms
from enrollment.management.contract import ContractCommand

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Command(ContractCommand):
    help = (
        "Santunan kematian (JKM/JKK) menurut jadwal yang berlaku pada tanggal meninggal. "
        '--format json: {"schedule", "total", "components", "scholarship"}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, choices=["JKM", "JKK"])
        parser.add_argument("--date-of-death", required=True, help="YYYY-MM-DD")
        parser.add_argument("--wage", type=int, help="upah sebulan (Rp), wajib untuk JKK")
        parser.add_argument("--months-contributed", type=int, help="bulan iuran (beasiswa JKM)")
        parser.add_argument("--children", type=int, default=0, help="anak calon penerima beasiswa")
        parser.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args, programme, date_of_death, wage, months_contributed, children,
               format="json", **options):  # fmt: skip
        day = self._date(date_of_death)
        if programme == "JKK" and wage is None:
            self.bad(_("JKK memerlukan --wage (upah sebulan dalam Rupiah)."))
        for name, value in (("--wage", wage), ("--months-contributed", months_contributed),
                            ("--children", children)):  # fmt: skip
            if value is not None and value < 0:
                self.bad(
                    _("%(name)s tidak boleh negatif: %(value)s.") % {"name": name, "value": value}
                )
        schedule = schedule_in_force(programme, day)
        if schedule is None:
            self.bad(
                _("Tidak ada jadwal manfaat %(programme)s untuk tanggal meninggal %(day)s.")
                % {"programme": programme, "day": day.isoformat()}
            )
        breakdown = benefit_compute(
            schedule=schedule_terms(schedule),
            date_of_death=day,
            wage=wage if programme == "JKK" else None,
            months_contributed=months_contributed,
            children=children,
        )
        if format == "json":
            self.stdout.write(json.dumps(breakdown.as_json()))
            return
        self._text(programme, day, breakdown)

    def _date(self, text: str) -> date:
        try:
            if not DATE_RE.match(text or ""):
                raise ValueError
            return date.fromisoformat(text)
        except ValueError:
            self.bad(
                _("Tanggal meninggal '%(value)s' tidak sah: tulis YYYY-MM-DD, misalnya 2021-10-14.")
                % {"value": text}
            )

    def _text(self, programme, day, breakdown):
        out = self.stdout.write
        out(
            _("Santunan kematian %(programme)s, meninggal %(day)s")
            % {"programme": programme, "day": day.strftime("%d-%m-%Y")}
        )
        out(_("Dasar: %(basis)s") % {"basis": breakdown.schedule.legal_basis})
        for component in breakdown.components:
            out(f"  {component.label}: {format_rupiah(component.amount)} ({component.explanation})")
        out(_("Jumlah dibayar sekaligus: %(total)s") % {"total": format_rupiah(breakdown.total)})
        scholarship = breakdown.scholarship
        out(
            _(
                "Beasiswa (dibayar per tahun ajaran, di luar jumlah): %(state)s, %(children)s anak, "
                "paling banyak %(max)s. %(reason)s"
            )
            % {
                "state": _("berhak") if scholarship.eligible else _("tidak berhak"),
                "children": scholarship.children,
                "max": format_rupiah(scholarship.max_total),
                "reason": scholarship.reason,
            }
        )
        for note in breakdown.notes:
            out(_("Catatan: %(note)s") % {"note": note})
