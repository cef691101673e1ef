"""The dashboard table's rows, written in Python: their links and their cells.

A Sekda's table has 176 unit rows × 21 cells; as a template included once per row (tags,
filters, `{% translate %}`, `{% url %}` and number localisation per cell) it cost ~15 ms of
CPU a page, and building each row's 13 links with `reverse` and `urlencode` another 6 ms.
Here every address is resolved once (addresses.py) (a template with the row's code or id left
as a placeholder, then substituted per row), every label is translated once per page, and
each row becomes one string (escaped with the standard library's `html.escape`, which is what
Django's `escape` calls). The output is the same HTML the template wrote (the test
`test_dashboard_table_html` compares the cells with the old template's).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from html import escape
from urllib.parse import quote_plus, urlencode

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.formats import get_format, localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from bpjs_tracker.dashboard.addresses import address
from bpjs_tracker.dashboard.selectors import AgreementState, CoverageRow, CoverageTable
from bpjs_tracker.money import format_rupiah

CODE = "\x00code\x00"  # placeholders, quoted by urlencode as below, never in a real address
ID = "\x00id\x00"
_CODE_QUOTED = quote_plus(CODE)
_ID_QUOTED = quote_plus(ID)


def _changelist(name: str) -> str:
    return address(f"admin:{name}_changelist")


class RowLinks:
    """Where each figure of a row leads (the filtered admin list behind it), for one table:
    the addresses with placeholders built once a process for each level and month (they
    follow from the URLconf alone), each row's code or id put in per row."""

    def __init__(self, table: CoverageTable):
        self.period = table.period
        self._templates: dict[bool, dict[str, str]] = {}

    def _for_level(self, regency_level: bool) -> dict[str, str]:
        if regency_level not in self._templates:
            self._templates[regency_level] = _link_templates(
                regency_level, self.period, get_urlconf() or settings.ROOT_URLCONF,
                get_script_prefix(),
            )  # fmt: skip
        return self._templates[regency_level]

    def __call__(self, row: CoverageRow) -> dict[str, str]:
        templates = self._for_level(row.level == "regency")
        code, pk = quote_plus(row.code), str(row.id)
        return {
            key: url.replace(_CODE_QUOTED, code).replace(_ID_QUOTED, pk)
            for key, url in templates.items()
        }


@lru_cache(maxsize=128)
def _link_templates(regency_level: bool, period: date, urlconf: str, prefix: str) -> dict:
    """A row's links with CODE and ID for its code and id (urlconf and prefix: the key)."""

    def admin_list(name: str, **params) -> str:
        return _changelist(name) + "?" + urlencode(params)

    month = {"period__year": period.year, "period__month": period.month}
    if regency_level:
        where = {"regency": CODE}
        drill = (
            address("admin:index") + "?" + urlencode({"regency": CODE, "period": f"{period:%Y-%m}"})
        )
        units = admin_list("regencies_workunit", regency=CODE, is_active__exact=1)
    else:  # a unit: its rosters month by month (newest first), exactly this unit's
        where = {"q": CODE}
        drill = admin_list("enrollment_roster", unit__id__exact=ID)
        units = admin_list("regencies_workunit", q=CODE)
    return {
        "name": drill,
        "units": units,
        "covered": admin_list("enrollment_membership", **where),
        "units_verified": admin_list("enrollment_roster", status="verified", **where, **month),
        "units_submitted": admin_list("enrollment_roster", status="submitted", **where, **month),
        "units_returned": admin_list("enrollment_roster", status="returned", **where, **month),
        "arrears": admin_list("enrollment_bill", **where),
        "units_in_arrears": address("admin:enrollment_bill_arrears"),
        "paid_on_time_pct": admin_list("enrollment_bill", **where, **month),
        "units_paid_full_year": admin_list("enrollment_bill", **where, period__year=period.year),
        "claims_open": admin_list("claims_claim", terlambat="open", **where),
        "claims_paid": admin_list("claims_claim", status="paid", **where),
        "claims_late": admin_list("claims_claim", terlambat="late", **where),
    }


class RowWriter:
    """One `<tr>` per row, as templates/admin/dashboard/index.html's table showed them: the
    labels translated and the number format read once per page."""

    def __init__(self):
        self.total_label = escape(_("Jumlah"))
        self.agreement = {
            AgreementState.IN_FORCE: escape(_("berlaku")),
            AgreementState.EXPIRING: escape(_("berakhir ≤ 90 hari")),
        }
        self.no_agreement = escape(_("tidak ada"))
        self.perda = (escape(_("tidak")), escape(_("ada")))
        self.decimal_separator = get_format("DECIMAL_SEPARATOR")
        self.grouped = settings.USE_THOUSAND_SEPARATOR

    def number(self, value) -> str:
        """A number as `{{ value }}` shows it (localised: "85,3" in Indonesian)."""
        if self.grouped:
            return escape(localize(value))
        text = str(value)
        if isinstance(value, float):
            if "e" in text or "n" in text:  # 1e-05, inf, nan: as Django writes them
                return escape(localize(value))
            return text.replace(".", self.decimal_separator)
        return text

    def row(self, row: CoverageRow, links: dict[str, str] | None) -> str:
        number = self.number
        total = links is None
        cells = [f"<td>{escape(row.code)}</td>"]
        if total:
            cells.append(f"<td>{self.total_label}</td>")
        elif links.get("name"):
            cells.append(f'<td><a href="{escape(links["name"])}">{escape(row.name)}</a></td>')
        else:
            cells.append(f"<td>{escape(row.name)}</td>")

        def figure(attr: str, text: str | None = None) -> str:
            text = number(getattr(row, attr)) if text is None else text
            if total:
                return f'<td class="n">{text}</td>'
            return f'<td class="n"><a href="{escape(links[attr])}">{text}</a></td>'

        target = row.target
        coverage = row.coverage_pct
        on_time = row.paid_on_time_pct
        cells += [
            f'<td class="n">{"–" if target is None else number(target)}</td>',
            figure("covered"),
            f'<td class="n">{"–" if coverage is None else number(coverage) + "%"}</td>',
            figure("units"),
            figure("units_verified"),
            figure("units_submitted"),
            figure("units_returned"),
            f'<td class="n">{number(row.units_missing)}</td>',
            '<td class="n">–</td>'
            if on_time is None
            else figure("paid_on_time_pct", number(on_time) + "%"),
            figure("units_paid_full_year"),
            figure("arrears", escape(format_rupiah(int(row.arrears)))),
            figure("units_in_arrears"),
            f'<td class="n">{number(row.bpu_inactive)}</td>',
            f'<td class="n">{number(row.double_enrolments)}</td>',
            figure("claims_open"),
            figure("claims_paid"),
            figure("claims_late"),
        ]
        if total:
            cells += ["<td></td>", "<td></td>"]
        else:
            cells.append(f"<td>{self.agreement.get(row.agreement, self.no_agreement)}</td>")
            cells.append(f"<td>{self.perda[bool(row.has_perda)]}</td>")
        opening = '<tr class="total">' if total else "<tr>"
        return opening + "".join(cells) + "</tr>"


def table_body(rows: list[tuple[CoverageRow, dict[str, str]]], total: CoverageRow) -> SafeString:
    """The table's rows and its total line, as HTML (every text escaped above)."""
    writer = RowWriter()
    lines = [writer.row(row, links) for row, links in rows]
    lines.append(writer.row(total, None))
    return mark_safe("\n".join(lines))  # noqa: S308 - every value is escaped in RowWriter.row


TEXT_COLUMNS = ("code", "name", "agreement", "has_perda")  # the others are figures: right-aligned


def table_head(columns: list[tuple[str, str]], sort: str, query: str) -> SafeString:
    """The header cells: each column's title links to the table sorted by it (again: the other
    way), the current order marked with an arrow."""
    query = escape(query)
    cells = []
    for attr, header in columns:
        css = "" if attr in TEXT_COLUMNS else "n"
        order = "-" if sort == attr else ""
        arrow = " ▲" if sort == attr else (" ▼" if sort == "-" + attr else "")
        cells.append(
            f'<th scope="col" class="{css}">'
            f'<a href="?{query}&amp;sort={order}{attr}">{escape(header)}{arrow}</a></th>'
        )
    return mark_safe("\n".join(cells))  # noqa: S308 - every value is escaped above
