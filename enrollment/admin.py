"""Rosters in the admin: upload → preview → confirm, verify / return, monthly changes, KPJ.

Every page resolves its object through `visible_to(request.user)` (a roster or
upload outside the user's scope answers 404) and calls a service; the admin
only reads forms and renders results.
"""

import uuid
from datetime import date
from pathlib import Path

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import CSV, XLSX

from bpjs_tracker.admin import (
    EstimatedCountPaginator,
    NikSearchMixin,
    PlainHistoryMixin,
    ScopedExportMixin,
    ScopedModelAdmin,
    regency_filter,
)
from bpjs_tracker.money import format_rupiah
from enrollment import import_jobs
from enrollment import jobs as roster_jobs
from enrollment.billing import admin as billing_admin  # noqa: F401 - registers the contribution admins
from enrollment.billing.lapse import cover_summary
from enrollment.forms import KpjUploadForm, RosterReturnForm, RosterUploadForm
from enrollment.imports.resources import (
    MembershipResource,
    RosterChangeResource,
    RosterEntryResource,
)
from enrollment.imports.template import error_workbook, roster_template
from enrollment.models import (
    Membership,
    Roster,
    RosterEntry,
    RosterUpload,
    Worker,
    month_name,
)
from enrollment.selectors import (
    Mutation,
    describe_changes,
    roster_changes,
    roster_double_enrolments,
    roster_verify_effect,
)
from enrollment.services.memberships import membership_kpj_import
from enrollment.services.rosters import (
    roster_import,
    roster_preview,
    roster_return,
    roster_upload_changes,
    roster_upload_confirm,
    roster_verify,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHANGES_PER_PAGE = 200


def _first_message(exc) -> str:
    return exc.messages[0] if isinstance(exc, ValidationError) else str(exc)


class ActiveFilter(admin.SimpleListFilter):
    title = _("aktif")
    parameter_name = "aktif"

    def lookups(self, request, model_admin):
        return [("1", _("Aktif")), ("0", _("Berakhir"))]

    def queryset(self, request, queryset):
        if self.value() in {"0", "1"}:
            return queryset.filter(end__isnull=self.value() == "1")
        return queryset


class ReadOnlyMixin:
    """Rows that only services write: viewable, never edited or added by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Roster)
class RosterAdmin(ScopedModelAdmin):
    list_display = (
        "unit",
        "period_label",
        "status",
        "entry_count",
        "created_count",
        "updated_count",
        "left_count",
        "uploaded_by_name",
        "updated_at",
    )
    list_filter = ("status", regency_filter("unit__regency"))
    list_select_related = ("unit", "uploaded_by")
    search_fields = ("unit__code", "unit__name")
    date_hierarchy = "period"
    fields = (
        "unit",
        "period_label",
        "status",
        "return_reason",
        "original_name",
        "uploaded_by_name",
        "verified_by_name",
        "verified_at",
        ("entry_count", "created_count", "updated_count", "unchanged_count", "left_count"),
        "created_at",
        "updated_at",
    )
    readonly_fields = [
        "unit", "period_label", "status", "return_reason", "original_name", "uploaded_by_name",
        "verified_by_name", "verified_at", "entry_count", "created_count", "updated_count",
        "unchanged_count", "left_count", "created_at", "updated_at",
    ]  # fmt: skip
    actions = ["verify_selected"]
    change_list_template = "admin/enrollment/roster/change_list.html"
    change_form_template = "admin/enrollment/roster/change_form.html"

    # The month a roster covers, as people say it ("November 2026"), not its first day.
    @admin.display(description=_("periode"), ordering="period")
    def period_label(self, obj):
        return month_name(obj.period)

    # A person's name, not a link: the user pages are the administrator's, and a link there
    # led a treasurer to a bare "403 Forbidden".
    @admin.display(description=_("diunggah oleh"), ordering="uploaded_by__first_name")
    def uploaded_by_name(self, obj):
        return person_name(obj.uploaded_by)

    @admin.display(description=_("diverifikasi oleh"))
    def verified_by_name(self, obj):
        return person_name(obj.verified_by)

    def has_add_permission(self, request):
        return False  # rosters arrive through the upload page, never the bare form

    def can_upload(self, request) -> bool:
        return request.user.has_perm("enrollment.add_roster")

    # -- urls -------------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="enrollment_roster_upload"),
            path(
                "upload/<int:upload_id>/",
                view(self.upload_preview_view),
                name="enrollment_roster_upload_preview",
            ),
            path(
                "upload/<int:upload_id>/errors.xlsx",
                view(self.error_workbook_view),
                name="enrollment_roster_upload_errors",
            ),
            path(
                "upload/<int:upload_id>/changes.xlsx",
                view(self.upload_changes_view),
                name="enrollment_roster_upload_changes",
            ),
            path(
                "upload/<int:upload_id>/file/",
                view(self.upload_file_view),
                name="enrollment_roster_upload_file",
            ),
            path("template.xlsx", view(self.template_view), name="enrollment_roster_template"),
            path(
                "<int:roster_id>/verify/", view(self.verify_view), name="enrollment_roster_verify"
            ),
            path(
                "<int:roster_id>/return/", view(self.return_view), name="enrollment_roster_return"
            ),
            path(
                "<int:roster_id>/changes/",
                view(self.changes_view),
                name="enrollment_roster_changes",
            ),
            path("<int:roster_id>/file/", view(self.file_view), name="enrollment_roster_file"),
            *super().get_urls(),
        ]

    def _roster(self, request, roster_id) -> Roster:
        return get_object_or_404(self.get_queryset(request).select_related("unit"), pk=roster_id)

    def _upload(self, request, upload_id) -> RosterUpload:
        uploads = RosterUpload.objects.visible_to(request.user).select_related("unit", "roster")
        return get_object_or_404(uploads, pk=upload_id)

    def _context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.opts, **extra}

    # -- upload → preview → confirm --------------------------------------------------------------

    def upload_view(self, request):
        if not self.can_upload(request):
            raise PermissionDenied
        # ?unit=&period= (the start page's "fix and upload again") choose the unit and month
        initial = {k: request.GET[k] for k in ("unit", "period") if request.GET.get(k)}
        form = RosterUploadForm(
            request.POST or None, request.FILES or None, user=request.user, initial=initial
        )
        if request.method == "POST" and form.is_valid():
            # a large file is kept, then checked in a job (jobs/) behind a progress bar
            large = roster_jobs.is_large(form.cleaned_data["file"].size)
            start = roster_jobs.roster_preview_start if large else roster_preview
            try:
                started = start(
                    unit=form.cleaned_data["unit"],
                    period=form.cleaned_data["period"],
                    upload=form.cleaned_data["file"],
                    by=request.user,
                )
            except PermissionDenied as exc:
                form.add_error("unit", str(exc))
            else:
                if large:
                    return HttpResponseRedirect(reverse("jobs:progress", args=[started.pk]))
                url = reverse("admin:enrollment_roster_upload_preview", args=[started.upload.pk])
                return HttpResponseRedirect(url)
        context = self._context(request, title=_("Unggah roster"), form=form)
        return TemplateResponse(request, "admin/enrollment/roster/upload.html", context)

    def upload_preview_view(self, request, upload_id):
        upload = self._upload(request, upload_id)
        if request.method == "POST":
            return self._confirm(request, upload)
        summary = upload.summary or {}
        can_confirm = (
            upload.status == RosterUpload.Status.PENDING
            and summary.get("ok")
            and upload.uploaded_by_id == request.user.pk
        )
        context = self._context(
            request,
            title=_("Pratinjau roster %(unit)s, %(period)s")
            % {"unit": upload.unit.name, "period": month_name(upload.period)},
            compared_month=_month_label(summary.get("compared_with")),
            upload=upload,
            summary=summary,
            change_sections=_change_sections(summary),
            changes_url=reverse("admin:enrollment_roster_upload_changes", args=[upload.pk])
            if upload.status == RosterUpload.Status.PENDING and summary.get("ok")
            else None,
            can_confirm=can_confirm,
            suspect=summary.get("suspect") or [],
            contribution=_contribution_context(summary.get("contribution")),
            uploaded_by=person_name(upload.uploaded_by) or _("sistem"),
        )
        return TemplateResponse(request, "admin/enrollment/roster/upload_preview.html", context)

    def _confirm(self, request, upload):
        typed = request.POST.get("confirm_text", "")
        if upload.status == RosterUpload.Status.PENDING and roster_jobs.is_large(upload.file.size):
            job = roster_jobs.roster_import_start(upload=upload, by=request.user, typed=typed)
            return HttpResponseRedirect(reverse("jobs:progress", args=[job.pk]))
        try:
            result = roster_upload_confirm(upload=upload, by=request.user, typed=typed)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, _first_message(exc), messages.ERROR)
            return HttpResponseRedirect(request.path)
        if not result.ok:
            self.message_user(
                request, _g("Berkas ditolak; tidak ada yang disimpan."), messages.ERROR
            )
            return HttpResponseRedirect(request.path)
        self.message_user(
            request,
            _g("Roster %(roster)s disimpan: %(created)s baru, %(updated)s berubah, "
               "%(unchanged)s tetap, %(left)s keluar.")
            % {"roster": result.roster, **result.counts()},
            messages.SUCCESS,
        )  # fmt: skip
        return HttpResponseRedirect(
            reverse("admin:enrollment_roster_change", args=[result.roster.pk])
        )

    def error_workbook_view(self, request, upload_id):
        upload = self._upload(request, upload_id)
        summary = upload.summary or {}
        problems = summary.get("problems", [])
        with _open_or_404(upload.file) as handle:
            data = handle.read()
        if summary.get("problem_total", 0) > len(problems):  # the stored list is capped
            again = roster_import(
                unit=upload.unit,
                period=upload.period,
                upload=SimpleUploadedFile(upload.original_name or "roster", data),
                by=request.user,
                dry_run=True,
            )
            problems = again.problems
        content = error_workbook(data, filename=upload.original_name, problems=problems)
        name = f"{Path(upload.original_name or 'roster').stem}-kesalahan.xlsx"
        return _download(content, name, XLSX_TYPE)

    def upload_changes_view(self, request, upload_id):
        """Every change a pending upload would make, as a workbook (the preview lists the
        first of each kind). Once imported, the roster's Mutasi page holds them."""
        upload = self._upload(request, upload_id)
        preview = reverse("admin:enrollment_roster_upload_preview", args=[upload.pk])
        if upload.status != RosterUpload.Status.PENDING or not (upload.summary or {}).get("ok"):
            return HttpResponseRedirect(preview)
        try:
            result = roster_upload_changes(upload=upload, by=request.user)
        except (FileNotFoundError, ValueError):  # the kept file is gone (a purge, a restore)
            raise Http404(_("Berkas tidak ditemukan.")) from None
        if not result.ok:  # the file cannot have changed; the rules may have
            return HttpResponseRedirect(preview)
        dataset = RosterChangeResource().export([_mutation(c) for c in result.changes])
        name = f"pratinjau-{upload.unit.code}-{upload.period:%Y-%m}.xlsx"
        return _download(XLSX().export_data(dataset), name, XLSX_TYPE)

    def upload_file_view(self, request, upload_id):
        upload = self._upload(request, upload_id)
        return FileResponse(
            _open_or_404(upload.file), as_attachment=True, filename=upload.original_name or None
        )

    def template_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return _download(roster_template(), "templat-roster-bpjs.xlsx", XLSX_TYPE)

    # -- verify / return ------------------------------------------------------------------------

    @admin.action(description=_("Verifikasi roster terpilih"), permissions=["change"])
    def verify_selected(self, request, queryset):
        rosters = list(queryset.select_related("unit"))
        if request.POST.get("confirmed") != "1":  # first ask, saying what will happen to whom
            context = self._context(
                request,
                title=_("Verifikasi roster"),
                rosters=[(r, roster_verify_effect(roster=r)) for r in rosters],
                action_checkbox_name=ACTION_CHECKBOX_NAME,
            )
            return TemplateResponse(request, "admin/enrollment/roster/verify.html", context)
        for roster in rosters:
            try:
                result = roster_verify(roster=roster, by=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{roster}: {_first_message(exc)}", messages.ERROR)
                continue
            self.message_user(request, _verified_message(result), messages.SUCCESS)

    def verify_view(self, request, roster_id):
        """GET: what verifying will do, in people, and a button; POST: verify."""
        roster = self._roster(request, roster_id)
        if not self.has_change_permission(request, roster):
            raise PermissionDenied
        if request.method != "POST":
            context = self._context(
                request,
                title=_("Verifikasi roster %(roster)s") % {"roster": roster},
                rosters=[(roster, roster_verify_effect(roster=roster))],
                roster=roster,
            )
            return TemplateResponse(request, "admin/enrollment/roster/verify.html", context)
        if roster.status == Roster.Status.SUBMITTED and roster_jobs.is_large_roster(roster):
            job = roster_jobs.roster_verify_start(roster=roster, by=request.user)
            return HttpResponseRedirect(reverse("jobs:progress", args=[job.pk]))
        try:
            result = roster_verify(roster=roster, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, _first_message(exc), messages.ERROR)
        else:
            self.message_user(request, _verified_message(result), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:enrollment_roster_change", args=[roster.pk]))

    def return_view(self, request, roster_id):
        roster = self._roster(request, roster_id)
        if not self.has_change_permission(request, roster):
            raise PermissionDenied
        form = RosterReturnForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                roster_return(roster=roster, by=request.user, reason=form.cleaned_data["reason"])
            except (ValidationError, PermissionDenied) as exc:
                form.add_error("reason", _first_message(exc))
            else:
                self.message_user(
                    request, _g("Roster %(roster)s dikembalikan.") % {"roster": roster}
                )
                return HttpResponseRedirect(
                    reverse("admin:enrollment_roster_change", args=[roster.pk])
                )
        context = self._context(
            request, title=_("Kembalikan roster %(roster)s") % {"roster": roster}, form=form,
            roster=roster,
        )  # fmt: skip
        return TemplateResponse(request, "admin/enrollment/roster/return.html", context)

    # -- monthly changes, files -------------------------------------------------------------------

    def changes_view(self, request, roster_id):
        roster = self._roster(request, roster_id)
        changes = roster_changes(roster=roster)
        export = request.GET.get("format")
        if export in {"xlsx", "csv"}:
            dataset = RosterChangeResource().export(changes.lines)
            name = f"mutasi-{roster.unit.code}-{roster.period:%Y-%m}.{export}"
            if export == "xlsx":
                return _download(XLSX().export_data(dataset), name, XLSX_TYPE)
            return _download(CSV().export_data(dataset), name, "text/csv; charset=utf-8")
        # A first roster of 20,000 rows is 20,000 "joined" lines: the page shows them in
        # pages (the counts and the exports cover all of them).
        page = Paginator(changes.lines, CHANGES_PER_PAGE).get_page(request.GET.get("p"))
        context = self._context(
            request,
            title=_("Mutasi %(roster)s") % {"roster": roster},
            roster=roster,
            changes=changes,
            page=page,
        )
        return TemplateResponse(request, "admin/enrollment/roster/changes.html", context)

    def file_view(self, request, roster_id):
        roster = self._roster(request, roster_id)
        if not roster.file:
            raise Http404(_("Berkas tidak ditemukan."))
        return FileResponse(
            _open_or_404(roster.file), as_attachment=True, filename=roster.original_name or None
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        roster = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "can_review": roster is not None
            and roster.is_verifiable
            and self.has_change_permission(request, roster),
            "double_enrolments": (
                roster_double_enrolments(roster=roster, by=request.user) if roster else []
            ),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_upload": self.can_upload(request)}
        return super().changelist_view(request, extra_context)


def _open_or_404(field_file):
    """A kept file, or 404 when it is gone from disk (a restore without MEDIA_ROOT, a purge)."""
    try:
        return field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("Berkas tidak ditemukan.")) from None


def _verified_message(result) -> str:
    """In people, as an officer counts them, not in programme memberships."""
    if result.already:
        return _g("%(roster)s sudah terverifikasi.") % {"roster": result.roster}
    return _g(
        "%(roster)s terverifikasi: %(started)s pekerja mulai terlindungi (JKK + JKM), "
        "%(ended)s pekerja berhenti terlindungi."
    ) % {
        "roster": result.roster,
        "started": result.workers_started,
        "ended": result.workers_ended,
    }


def person_name(user) -> str:
    """`User.display_name`, "" for none."""
    return "" if user is None else user.display_name


def _month_label(iso_day: str | None) -> str:
    """"2026-10-01" → "Oktober 2026" (the active language's month name)."""
    return month_name(date.fromisoformat(iso_day)) if iso_day else ""


def _contribution_context(pair) -> dict | None:
    """The monthly contribution before and after the upload, formatted, with the change."""
    if not pair:
        return None
    before, after = pair
    change = after - before
    return {
        "before": format_rupiah(before),
        "after": format_rupiah(after),
        "change": ("+" if change > 0 else "") + format_rupiah(change),
    }


def _download(content, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _mutation(change) -> Mutation:
    """A preview's change as a line of the monthly changes (the same workbook columns)."""
    if change.kind == "created":
        return Mutation("joined", change.nik, change.name, change.position, change.wage)
    if change.kind == "left":
        return Mutation(
            "left", change.nik, change.name, change.position, None, old_wage=change.wage
        )
    fields = change.changes or {}
    old_wage = fields["wage"][0] if "wage" in fields else change.wage
    return Mutation(
        "changed", change.nik, change.name, change.position, change.wage, old_wage, fields=fields
    )


CHANGE_TITLES = {
    "created": _("Pekerja baru"),
    "updated": _("Data berubah"),
    "left": _("Keluar dari roster"),
}
# One table row per listed change, built in Python: a 1,000-row table rendered cell by cell
# through template tags cost the preview page about 65 ms of CPU.
_CHANGE_ROW = '<tr><td>{}</td><td class="money">{}</td><td>{}</td><td>{}</td></tr>'
_UPDATED_ROW = '<tr><td>{}</td><td>{}</td><td class="money">{}</td><td>{}</td><td>{}</td></tr>'


def _change_cells(kind: str, change: dict) -> tuple:
    """A listed change's cells: name, (what changed,) wage, NIK, row in the file."""
    described = [describe_changes(change.get("changes") or {})] if kind == "updated" else []
    wage = format_rupiah(change.get("wage")) or "–"
    return (change["name"], *described, wage, change["nik"], change.get("row") or "–")


def _change_sections(summary: dict) -> list[dict]:
    """The preview's tables of new, changed and leaving workers: each with the true count
    (the summary's), the rows listed (the first of each kind) and whether the list is cut."""
    listed: dict[str, list[dict]] = {kind: [] for kind in CHANGE_TITLES}
    for change in summary.get("changes", []):
        listed.setdefault(change["kind"], []).append(change)
    sections = []
    for kind, items in listed.items():
        total = max(summary.get(kind) or 0, len(items))
        if not total:
            continue
        row = _UPDATED_ROW if kind == "updated" else _CHANGE_ROW
        rows = format_html_join("", row, (_change_cells(kind, c) for c in items))
        sections.append(
            {
                "kind": kind,
                "title": CHANGE_TITLES.get(kind, kind),
                "total": total,
                "shown": len(items),
                "cut": total > len(items),
                "rows": rows,
            }
        )
    return sections


@admin.register(RosterUpload)
class RosterUploadAdmin(PlainHistoryMixin, ReadOnlyMixin, ScopedModelAdmin):
    list_display = (
        "created_at",
        "unit",
        "period_label",
        "status",
        "row_count",
        "error_count",
        "warning_count",
        "uploaded_by_name",
        "preview_link",
    )
    list_filter = ("status", regency_filter("unit__regency"))
    list_select_related = ("unit", "uploaded_by")
    search_fields = ("unit__code", "unit__name", "original_name")
    date_hierarchy = "created_at"
    fields = (
        "unit",
        "period",
        "status",
        "file_link",
        "uploaded_by_name",
        "roster",
        ("row_count", "error_count", "warning_count"),
        "preview_link",
        "created_at",
    )
    readonly_fields = ("file_link", "uploaded_by_name", "preview_link", "created_at")

    def get_queryset(self, request):
        """Without the preview's summary: it can hold a large roster's every change and
        problem, and neither the list nor this page shows it (the preview page reads it);
        100 of them cost 145 ms of JSON decoding on each list page."""
        return super().get_queryset(request).defer("summary")

    @admin.display(description=_("berkas"))
    def file_link(self, obj):
        """Through the scoped download (the kept files are never served directly)."""
        if not obj.file:
            return "—"
        url = reverse("admin:enrollment_roster_upload_file", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name or _("unduh"))

    @admin.display(description=_("diunggah oleh"), ordering="uploaded_by__first_name")
    def uploaded_by_name(self, obj):
        return person_name(obj.uploaded_by) or _("sistem")

    @admin.display(description=_("periode"), ordering="period")
    def period_label(self, obj):
        return month_name(obj.period)

    @admin.display(description=_("pratinjau"))
    def preview_link(self, obj):
        url = reverse("admin:enrollment_roster_upload_preview", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("lihat"))


class RosterPeriodFilter(admin.SimpleListFilter):
    """The month of the entry's roster: instead of a date hierarchy over a million entries."""

    title = _("periode")
    parameter_name = "periode"

    def lookups(self, request, model_admin):
        periods = (
            Roster.objects.visible_to(request.user)
            .order_by("-period")
            .values_list("period", flat=True)
            .distinct()
        )
        return [(f"{p:%Y-%m}", f"{p:%Y-%m}") for p in periods[:36]]

    def queryset(self, request, queryset):
        try:
            year, month = (int(part) for part in (self.value() or "").split("-"))
            return queryset.filter(roster__period=date(year, month, 1))
        except ValueError:
            return queryset


# Pages over a province's million rows (issue #13): ordered by indexed columns, no date
# hierarchy, NIK searches through the unique index (NikSearchMixin), and no second COUNT
# of the unfiltered table.


@admin.register(RosterEntry)
class RosterEntryAdmin(
    NikSearchMixin, PlainHistoryMixin, ReadOnlyMixin, ScopedExportMixin, ScopedModelAdmin
):
    resource_classes = [RosterEntryResource]
    list_display = (
        "nik",
        "name",
        "unit",
        "period",
        "position",
        "segment",
        "wage",
        "start_date",
        "kpj",
    )
    list_filter = (RosterPeriodFilter, "segment", regency_filter("roster__unit__regency"))
    list_select_related = ("roster__unit", "worker")
    nik_search_field = "worker__nik"
    search_fields = ("worker__name", "roster__unit__code")
    search_help_text = _("NIK (16 digit atau digit awalnya), nama, atau kode unit.")
    # Newest rosters first, through the (roster, worker) unique index; sorting by a column
    # of another table would sort the whole table.
    ordering = ("-roster_id", "-worker_id")
    paginator = EstimatedCountPaginator

    @admin.display(description=_("NIK"))
    def nik(self, obj):
        return obj.worker.nik

    @admin.display(description=_("nama"))
    def name(self, obj):
        return obj.worker.name

    @admin.display(description=_("unit kerja"))
    def unit(self, obj):
        return obj.roster.unit.code

    @admin.display(description=_("periode"))
    def period(self, obj):
        return f"{obj.roster.period:%Y-%m}"


@admin.register(Worker)
class WorkerAdmin(NikSearchMixin, ScopedModelAdmin):
    list_display = ("nik", "name", "birth_date", "sex")
    list_filter = ("sex",)
    search_fields = ("name",)
    search_help_text = _("NIK (16 digit atau digit awalnya) atau nama.")
    ordering = ("nik",)  # the unique index; names are not indexed
    paginator = EstimatedCountPaginator
    readonly_fields = ("cover_today",)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj.viewer = request.user  # cover_today names only units in the viewer's scope
        return obj

    @admin.display(description=_("perlindungan hari ini"))
    def cover_today(self, obj):
        """JKK + JKM active and, for BPU, not lapsed through arrears (enrollment/billing/lapse.py)."""
        if not obj or not obj.pk:
            return "—"
        return cover_summary(obj, timezone.localdate(), user=getattr(obj, "viewer", None))

    def has_add_permission(self, request):
        return False  # workers arrive with a roster


@admin.register(Membership)
class MembershipAdmin(NikSearchMixin, ScopedExportMixin, ScopedModelAdmin):
    resource_classes = [MembershipResource]
    list_display = ("worker", "programme", "unit", "kpj", "start", "end")
    list_filter = ("programme", ActiveFilter, regency_filter("unit__regency"))
    list_select_related = ("worker", "unit")
    nik_search_field = "worker__nik"
    kpj_search_field = "kpj"
    search_fields = ("worker__name",)
    search_help_text = _("NIK (16 digit atau digit awalnya), nomor KPJ, atau nama.")
    ordering = ("-id",)  # newest first, through the primary key
    paginator = EstimatedCountPaginator
    fields = ("worker", "programme", "unit", "kpj", "start", "end", "cover_today")
    readonly_fields = ("worker", "programme", "unit", "start", "end", "cover_today")
    # Not `change_list_template`: import-export wraps that one in a template that drops every
    # object tool when the model has no "add" (memberships have none), and the KPJ import with it.
    import_export_change_list_template = "admin/enrollment/membership/change_list.html"

    def has_add_permission(self, request):
        return False  # memberships follow verified rosters

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj.viewer = request.user  # cover_today names only units in the viewer's scope
        return obj

    @admin.display(description=_("perlindungan pekerja hari ini"))
    def cover_today(self, obj):
        """Includes the BPU lapse through the unit's arrears (enrollment/billing/lapse.py)."""
        if not obj or not obj.pk:
            return "—"
        return cover_summary(obj.worker_id, timezone.localdate(), user=getattr(obj, "viewer", None))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("kpj/", view(self.kpj_import_view), name="enrollment_membership_kpj"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import_kpj": request.user.has_perm("enrollment.change_membership"),
        }
        return super().changelist_view(request, extra_context)

    def kpj_import_view(self, request):
        """Upload a NIK → KPJ file, see what would change, then confirm (all or nothing).

        Between the two steps the file waits under MEDIA_ROOT/kpj/, its name kept in
        the session (never in process memory).
        """
        if not request.user.has_perm("enrollment.change_membership"):
            raise PermissionDenied
        pending = request.session.get("kpj_upload")
        if request.method == "POST" and "confirm" in request.POST and request.POST.get("job"):
            # confirming a large file its job checked: the import is a job too
            checked = import_jobs.checked_job(request, import_jobs.KPJ, request.POST["job"])
            if checked is None:
                raise Http404
            job = import_jobs.import_start(import_jobs.KPJ, kept=checked, by=request.user)
            return HttpResponseRedirect(reverse("jobs:progress", args=[job.pk]))
        if request.method == "POST" and "confirm" in request.POST and pending:
            with default_storage.open(pending["path"], "rb") as handle:
                upload = SimpleUploadedFile(pending["name"], handle.read())
            result = membership_kpj_import(upload=upload, by=request.user)
            default_storage.delete(pending["path"])
            del request.session["kpj_upload"]
            if result.ok:
                self.message_user(
                    request, _g("%(count)s nomor KPJ disimpan.") % {"count": result.updated}
                )
                return HttpResponseRedirect(reverse("admin:enrollment_membership_changelist"))
            self.message_user(
                request, _g("Berkas ditolak; tidak ada yang disimpan."), messages.ERROR
            )
        form = KpjUploadForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and "confirm" not in request.POST and form.is_valid():
            upload = form.cleaned_data["file"]
            if import_jobs.is_large(upload.size):  # checked in a job behind a progress bar
                job = import_jobs.import_start(import_jobs.KPJ, upload=upload, by=request.user)
                return HttpResponseRedirect(reverse("jobs:progress", args=[job.pk]))
            result = membership_kpj_import(upload=upload, by=request.user, dry_run=True)
            if result.ok and result.updated:
                upload.seek(0)
                stored = default_storage.save(
                    f"kpj/{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}",
                    ContentFile(upload.read()),
                )
                request.session["kpj_upload"] = {"path": stored, "name": upload.name}
        context = self._context(request, form=form, result=result)
        return TemplateResponse(request, "admin/enrollment/membership/kpj_import.html", context)

    def _context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Impor nomor KPJ"),
            **extra,
        }
