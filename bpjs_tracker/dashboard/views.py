"""The dashboard pages (the admin index), its exports and the printable regency summary.

Thin: read the month and the regency from the request, call the selectors, format.
Registered by `BpjsAdminSite` (index, get_urls), so every page is behind `admin_view`.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from functools import lru_cache
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bpjs_tracker.dashboard import charts, queues
from bpjs_tracker.dashboard.addresses import address
from bpjs_tracker.dashboard.all_tables import all_tables
from bpjs_tracker.dashboard.report import plain_rows, table_columns
from bpjs_tracker.dashboard.rows import RowLinks, table_body, table_head
from bpjs_tracker.dashboard.selectors import CoverageTable, coverage_table, trend
from bpjs_tracker.db_router import reading_from_replica
from bpjs_tracker.files import neutralise
from bpjs_tracker.roles import Role, scope_for
from enrollment.management.contract import PERIOD_RE
from regencies.models import Regency, WorkUnit

SORTABLE = {attr for attr, _h in table_columns()} | {"coverage_pct", "paid_on_time_pct"}


def chosen_period(request) -> date:
    """?period=YYYY-MM, else this month (WITA); a malformed value is ignored (this month)."""
    match = PERIOD_RE.match(request.GET.get("period", "").strip())
    if match:
        return date(int(match.group(1)), int(match.group(2)), 1)
    return timezone.localdate().replace(day=1)


def chosen_regency(request) -> Regency | None:
    code = request.GET.get("regency", "").strip()
    if not code:
        return None
    return get_object_or_404(Regency.objects.visible_to(request.user), code=code)


def table_for(request, *, unit_objects=None) -> CoverageTable:
    """The coverage table the request asks for, read from the replica when there is one
    (the summary it reads is written by verifications and payments, never by this page).
    `unit_objects`: the user's units, when the page has read them already."""
    period, regency = chosen_period(request), chosen_regency(request)  # scope from the primary
    with reading_from_replica():
        return coverage_table(
            user=request.user, period=period, regency=regency, unit_objects=unit_objects
        )


def _sorted(rows, key: str):
    desc = key.startswith("-")
    attr = key.lstrip("-")
    if attr not in SORTABLE:
        return rows
    return sorted(
        rows,
        key=lambda r: (
            (getattr(r, attr) is None, getattr(r, attr) or 0)
            if attr not in ("code", "name", "agreement")
            else (False, getattr(r, attr))
        ),
        reverse=desc,
    )


@lru_cache(maxsize=8)
def _columns(language: str) -> list[tuple[str, str]]:
    """The table's columns and their titles, translated once a process for each language."""
    return table_columns()


def dashboard_context(request) -> dict:
    scope = scope_for(request.user)
    role = scope.role if scope else ""
    today = timezone.localdate()
    units = None
    if role in (Role.OPD_TREASURER, Role.VILLAGE_TREASURER):
        # a treasurer's few units, read once for the table and the month's list
        units = list(WorkUnit.objects.visible_to(request.user).order_by("code"))
    table = table_for(request, unit_objects=units)
    sort = request.GET.get("sort", "")
    rows = _sorted(table.rows, sort) if sort else table.rows
    links = RowLinks(table)
    context = {
        "table": table,
        "rows": [(row, links(row)) for row in rows],
        "columns": _columns(get_language()),
        "sort": sort,
        "period_value": f"{table.period:%Y-%m}",
        "query": urlencode({k: v for k, v in request.GET.items() if k in ("period", "regency")}),
        "bars_svg": charts.coverage_bars(table.rows),
        "role": role,
        "is_treasurer": role in (Role.OPD_TREASURER, Role.VILLAGE_TREASURER),
        "is_branch": role == Role.BRANCH_STAFF,
    }
    context["table_head"] = table_head(context["columns"], sort, context["query"])
    context["table_body"] = table_body(context["rows"], table.total)
    context["dash_urls"] = {
        "csv": address("admin:dashboard_csv"),
        "xlsx": address("admin:dashboard_xlsx"),
        "index": address("admin:index"),
    }
    context["all_tables"] = all_tables(request)
    if not context["is_treasurer"]:
        with reading_from_replica():
            points = trend(user=request.user, period=table.period, regency=table.regency)
        context["trend_svg"] = charts.trend_lines(points)
    # The work queues stay on the primary: a roster just sent or verified must show at once.
    if context["is_branch"]:
        context["queues"] = queues.branch_queues(user=request.user, today=today)
    if context["is_treasurer"]:
        context["treasurer"] = queues.treasurer_start(user=request.user, today=today, units=units)
    return context


# --- exports -----------------------------------------------------------------------------------


def coverage_filename(table: CoverageTable, ext: str) -> str:
    where = table.regency.code if table.regency else "74"
    return f"cakupan-{where}-{table.period:%Y-%m}.{ext}"


def export_csv(request) -> HttpResponse:
    table = table_for(request)
    headers, rows = plain_rows(table)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([[neutralise(v) for v in row] for row in rows])
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{coverage_filename(table, "csv")}"'
    return response


def export_xlsx(request) -> HttpResponse:
    from enrollment import export_jobs

    period, regency = chosen_period(request), chosen_regency(request)
    if export_jobs.is_large(request.user, regency):  # written by a job behind a progress bar
        job = export_jobs.dashboard_export_start(period=period, regency=regency, by=request.user)
        return redirect("jobs:progress", job.pk)
    with reading_from_replica():
        table = coverage_table(user=request.user, period=period, regency=regency)
    response = HttpResponse(
        coverage_workbook(table),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{coverage_filename(table, "xlsx")}"'
    return response


def coverage_workbook(table: CoverageTable) -> bytes:
    """The dashboard's table as an .xlsx (text cells stay text: no formulas from the data)."""
    from openpyxl import Workbook

    headers, rows = plain_rows(table)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Cakupan {table.period:%Y-%m}"
    sheet.append([_("Cakupan kepesertaan JKK/JKM, bulan %(m)s") % {"m": f"{table.period:%m-%Y}"}])
    sheet.append(headers)
    # Rows counted here: `sheet.max_row` scans every cell, which made a large export quadratic.
    for number, row in enumerate(rows, start=3):  # after the title and the headers
        for col, value in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=col, value=neutralise(value))
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def regency_summary_context(request, code: str) -> dict:
    """One page per regency for monitoring meetings: coverage, arrears, claims, agreement, follow-ups."""
    from mou.selectors import follow_ups_overdue

    regency = get_object_or_404(Regency.objects.visible_to(request.user), code=code)
    period = chosen_period(request)
    regency_row = coverage_table(user=request.user, period=period, regency=regency, by_unit=False)
    if not regency_row.rows:
        raise Http404
    units = coverage_table(user=request.user, period=period, regency=regency, by_unit=True)
    today = timezone.localdate()
    return {
        "regency": regency,
        "period": period,
        "row": regency_row.rows[0],
        "units": sorted(units.rows, key=lambda r: (-(r.arrears or 0), r.code))[:15],
        "unit_count": len(units.rows),
        "follow_ups": list(
            follow_ups_overdue(user=request.user, today=today).filter(meeting__regency=regency)[:10]
        ),
        "today": today,
    }


@require_POST
def double_resolve(request, worker_id: int):
    """Branch staff decide a double enrolment from the work queue (one unit keeps, or two jobs)."""
    from enrollment.models import Worker
    from enrollment.services.doubles import current_units, double_enrolment_resolve

    worker = get_object_or_404(Worker.objects.visible_to(request.user), pk=worker_id)
    today = timezone.localdate()
    decision = request.POST.get("decision", "")
    keep = next((u for u in current_units(worker, today) if str(u.pk) == decision), None)
    try:
        double_enrolment_resolve(
            worker=worker, day=today, keep_unit=keep, two_jobs=decision == "two_jobs",
            by=request.user,
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request, _("Kepesertaan ganda %(worker)s diputuskan.") % {"worker": worker}
        )
    return redirect("admin:index")
