"""Thin admin for agreements, regulations, meetings and follow-ups.

Documents are served by `<pk>/document/` after a scope check (never from a
media URL); the per-regency page lives at `agreement/regency/<code>/`.
"""

from operator import attrgetter

from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bpjs_tracker.admin import ScopedModelAdmin, ScopedTabularInline, regency_filter
from mou.models import (
    Agreement,
    AgreementSegment,
    AgreementSignatory,
    FollowUp,
    MeetingAttendee,
    MeetingFinding,
    MonitoringMeeting,
    RegionalRegulation,
)
from mou.selectors import EXPIRING_WITHIN_DAYS, regency_agreement_overview
from mou.services import agreement_renew, follow_up_close
from mou.status import AgreementStatus
from regencies.models import Regency


def regency_overview_column(path: str = "regency"):
    """A changelist column naming the row's regency, linked to its per-regency page."""

    @admin.display(description=_("kabupaten/kota"), ordering=f"{path}__code")
    def column(self, obj):
        regency = attrgetter(path.replace("__", "."))(obj)
        url = reverse("admin:mou_regency_overview", args=[regency.code])
        return format_html('<a href="{}">{}</a>', url, regency)

    return column


class _DocumentLink:
    """What the file widget shows for a stored document: a link to the scoped view."""

    def __init__(self, url: str):
        self.url = url

    def __str__(self):
        return str(_("Buka dokumen (PDF)"))


class ScopedDocumentWidget(AdminFileWidget):
    document_url: str | None = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"] and self.document_url:
            context["widget"]["value"] = _DocumentLink(self.document_url)
        return context


class DocumentAdminMixin:
    """Serves `obj.document` at `<pk>/document/` to users whose scope holds `obj`.

    Out of scope, or no document: 404. Forms and lists link to that view, never
    to the storage name.
    """

    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(self.document_view)
        name = f"{opts.app_label}_{opts.model_name}_document"
        return [path("<int:pk>/document/", view, name=name), *super().get_urls()]

    def document_view(self, request, pk):
        obj = get_object_or_404(self.model.objects.visible_to(request.user), pk=pk)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        if not obj.document:
            raise Http404(_("Dokumen belum diunggah."))
        try:
            handle = obj.document.open("rb")
        except FileNotFoundError as exc:
            raise Http404(_("Berkas dokumen tidak ditemukan.")) from exc
        filename = f"{obj._meta.model_name}-{obj.regency.code}-{obj.pk}.pdf"
        return FileResponse(handle, content_type="application/pdf", filename=filename)

    def document_url(self, obj) -> str:
        opts = obj._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_document", args=[obj.pk])

    @admin.display(description=_("dokumen"))
    def document_link(self, obj):
        if not obj or not obj.document:
            return "—"
        return format_html('<a href="{}">PDF</a>', self.document_url(obj))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "document":
            kwargs["widget"] = ScopedDocumentWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and obj.pk and "document" in form.base_fields:
            form.base_fields["document"].widget.document_url = self.document_url(obj)
        return form

    def get_fieldsets(self, request, obj=None):
        """Read-only users see the link, not Django's file display (which names the file)."""
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        return [
            (name, {**options, "fields": [_swap_document(f) for f in options["fields"]]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "document_link")


def _swap_document(field_name):
    return "document_link" if field_name == "document" else field_name


class AgreementStatusFilter(admin.SimpleListFilter):
    """Status derived from the dates, computed in SQL (mou/status.py)."""

    title = _("status")
    parameter_name = "status"
    EXPIRING = "expiring"

    def lookups(self, request, model_admin):
        return [
            *AgreementStatus.choices,
            (
                self.EXPIRING,
                _("Berlaku, berakhir dalam %(days)s hari") % {"days": EXPIRING_WITHIN_DAYS},
            ),
        ]

    def queryset(self, request, queryset):
        day = timezone.localdate()
        if self.value() == self.EXPIRING:
            return queryset.expiring_within(EXPIRING_WITHIN_DAYS, day)
        if self.value() in AgreementStatus.values:
            return queryset.with_status(self.value(), day)
        return queryset


class AgreementSignatoryInline(ScopedTabularInline):
    model = AgreementSignatory
    extra = 0
    fields = ("side", "capacity", "name", "office")


class AgreementSegmentInline(ScopedTabularInline):
    model = AgreementSegment
    extra = 0
    fields = ("segment", "funding_source", "expected_participants")


@admin.register(Agreement)
class AgreementAdmin(DocumentAdminMixin, ScopedModelAdmin):
    # key columns first: beside the sidebar and the filters (1366 px), or on a phone, the
    # agreement, its status, its end and its regency's page show before the table scrolls
    list_display = (
        "__str__",
        "status_label",
        "valid_until",
        "regency_overview",
        "kind",
        "signed_on",
        "valid_from",
        "document_link",
    )
    list_filter = (
        regency_filter("regency"),
        AgreementStatusFilter,
        "kind",
        ("branch_office", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("regency", "branch_office")
    search_fields = ("number", "title", "other_party", "regency__code", "regency__name")
    autocomplete_fields = ("regency", "renews")
    unscoped_choice_fields = ("branch_office",)
    readonly_fields = ("status_label", "renewed_by_link")
    fieldsets = (
        (None, {"fields": ("regency", "other_party", "branch_office", "kind", "number", "title")}),
        (_("Penandatanganan"), {"fields": ("state", "signed_on", "signed_at", "terminated_on")}),
        (_("Program"), {"fields": ("programmes",)}),
        (
            _("Masa berlaku"),
            {"fields": ("valid_from", "valid_until", "status_label", "renews", "renewed_by_link")},
        ),
        (_("Dokumen dan catatan"), {"fields": ("document", "note")}),
    )
    inlines = [AgreementSignatoryInline, AgreementSegmentInline]
    actions = ["renew_selected"]

    def get_queryset(self, request):
        # __str__ names the regency; autocomplete and history list agreements too.
        return super().get_queryset(request).select_related("regency")

    def get_urls(self):
        view = self.admin_site.admin_view(self.regency_overview_view)
        return [
            path("regency/<str:code>/", view, name="mou_regency_overview"),
            *super().get_urls(),
        ]

    def regency_overview_view(self, request, code):
        """Agreements, regulations, last meeting and follow-ups of one regency in scope."""
        regency = get_object_or_404(Regency.objects.visible_to(request.user), code=code)
        if not self.has_view_permission(request):
            raise PermissionDenied
        overview = regency_agreement_overview(
            user=request.user, regency=regency, today=timezone.localdate()
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Perjanjian dan pemantauan: %(regency)s") % {"regency": regency},
            "opts": self.model._meta,
            "overview": overview,
            "expiring_days": EXPIRING_WITHIN_DAYS,
        }
        return TemplateResponse(request, "admin/mou/regency_overview.html", context)

    regency_overview = regency_overview_column()

    @admin.display(description=_("status"))
    def status_label(self, obj):
        return obj.status.label

    @admin.display(description=_("diperbarui oleh"))
    def renewed_by_link(self, obj):
        renewal = getattr(obj, "renewed_by", None) if obj and obj.pk else None
        if renewal is None:
            return "—"
        url = reverse("admin:mou_agreement_change", args=[renewal.pk])
        return format_html('<a href="{}">{}</a>', url, renewal)

    @admin.action(
        description=_("Buat draf pembaruan dari perjanjian terpilih"), permissions=["add"]
    )
    def renew_selected(self, request, queryset):
        for agreement in queryset:
            try:
                renewal = agreement_renew(agreement=agreement, by=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{agreement}: {exc.messages[0]}", messages.ERROR)
                continue
            self.message_user(
                request,
                _("Draf pembaruan untuk %(agreement)s dibuat; lengkapi nomor dan tanggalnya.")
                % {"agreement": renewal.renews},
                messages.SUCCESS,
            )


@admin.register(RegionalRegulation)
class RegionalRegulationAdmin(DocumentAdminMixin, ScopedModelAdmin):
    list_display = (
        "__str__",
        "regency_overview",
        "kind",
        "year",
        "enacted_on",
        "mandates",
        "document_link",
    )
    list_filter = (regency_filter("regency"), "kind", "year")
    list_select_related = ("regency",)
    search_fields = ("number", "title", "regency__code", "regency__name")
    autocomplete_fields = ("regency",)
    fields = (
        "regency",
        "kind",
        "number",
        "year",
        "title",
        "enacted_on",
        "segments",
        "programmes",
        "document",
        "note",
    )

    regency_overview = regency_overview_column()

    @admin.display(description=_("mewajibkan"))
    def mandates(self, obj):
        parts = [
            RegionalRegulation._meta.get_field("segments").labels(obj.segments),
            RegionalRegulation._meta.get_field("programmes").labels(obj.programmes),
        ]
        return "; ".join(p for p in parts if p) or "—"


class MeetingAttendeeInline(ScopedTabularInline):
    model = MeetingAttendee
    extra = 0
    fields = ("party", "name", "office", "count")


class MeetingFindingInline(ScopedTabularInline):
    model = MeetingFinding
    extra = 0
    fields = ("text", "figure", "segment")


class FollowUpInline(ScopedTabularInline):
    model = FollowUp
    extra = 0
    fields = ("description", "owner", "due_on", "status", "closed_on")
    readonly_fields = ("status", "closed_on")


@admin.register(MonitoringMeeting)
class MonitoringMeetingAdmin(ScopedModelAdmin):
    list_display = (
        "held_on",
        "regency_overview",
        "kind",
        "place",
        "chair",
        "open_follow_ups",
        "overdue_follow_ups",
    )
    list_filter = (regency_filter("regency"), "kind")
    list_select_related = ("regency",)
    search_fields = ("place", "chair", "regency__code", "regency__name")
    date_hierarchy = "held_on"
    autocomplete_fields = ("regency",)
    unscoped_choice_fields = ("branch_office",)
    fields = ("regency", "kind", "held_on", "place", "chair", "branch_office", "note")
    inlines = [MeetingAttendeeInline, MeetingFindingInline, FollowUpInline]

    def get_queryset(self, request):
        open_ = Q(follow_ups__status=FollowUp.Status.OPEN)
        overdue = open_ & Q(follow_ups__due_on__lt=timezone.localdate())
        return (
            super()
            .get_queryset(request)
            .select_related("regency")
            .annotate(
                open_count=Count("follow_ups", filter=open_),
                overdue_count=Count("follow_ups", filter=overdue),
            )
        )

    regency_overview = regency_overview_column()

    @admin.display(description=_("tindak lanjut terbuka"), ordering="open_count")
    def open_follow_ups(self, obj):
        return obj.open_count

    @admin.display(description=_("terlambat"), ordering="overdue_count")
    def overdue_follow_ups(self, obj):
        return obj.overdue_count


class FollowUpOverdueFilter(admin.SimpleListFilter):
    title = _("tenggat")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Terlambat"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue(timezone.localdate())
        return queryset


@admin.register(FollowUp)
class FollowUpAdmin(ScopedModelAdmin):
    list_display = (
        "description",
        "meeting",
        "regency_overview",
        "owner",
        "due_on",
        "status",
        "overdue",
    )
    list_filter = (regency_filter("meeting__regency"), FollowUpOverdueFilter, "status")
    list_select_related = ("meeting__regency",)
    search_fields = ("description", "owner", "meeting__regency__code", "meeting__regency__name")
    autocomplete_fields = ("meeting",)
    fields = ("meeting", "description", "owner", "due_on", "status", "closed_on", "note")
    readonly_fields = ("status", "closed_on")
    actions = ["close_selected", "cancel_selected"]

    regency_overview = regency_overview_column("meeting__regency")

    @admin.display(description=_("terlambat"), boolean=True)
    def overdue(self, obj):
        return obj.is_overdue

    def _close(self, request, queryset, outcome):
        for follow_up in queryset:
            try:
                follow_up_close(follow_up=follow_up, outcome=outcome, by=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{follow_up}: {exc.messages[0]}", messages.ERROR)

    @admin.action(description=_("Tandai selesai"), permissions=["change"])
    def close_selected(self, request, queryset):
        self._close(request, queryset, FollowUp.Status.DONE)

    @admin.action(description=_("Tandai dibatalkan"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        self._close(request, queryset, FollowUp.Status.CANCELLED)
