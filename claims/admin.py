"""Claims in the admin: list with lateness, the claim page (checks, benefit, heirs, documents,
history), workflow actions, scoped document downloads and a printable summary.

Every page resolves the claim through `visible_to(request.user)` (out of scope:
404) and calls one service or selector; the admin only reads forms.
"""

from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from django.http import FileResponse, Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from bpjs_tracker.admin import ScopedModelAdmin, ScopedTabularInline, regency_filter
from bpjs_tracker.roles import may_act_on_claim, may_file_claims
from claims.assessment import claim_assess
from claims.documents import content_type_of
from claims.forms import ClaimPayForm, ClaimRejectForm
from claims.heirs import heir_tier
from claims.models import (
    BenefitSchedule,
    Claim,
    ClaimDocument,
    ClaimStatusChange,
    Heir,
    ScholarshipRule,
)
from claims.selectors import claim_deadlines, late_claim_ids
from claims.services import (
    claim_approve,
    claim_checklist_refresh,
    claim_pay,
    claim_reject,
    claim_save,
    claim_submit,
    claim_verify,
)
from enrollment.admin import person_name

# action -> (service, button label, needs a form page)
ACTIONS = {
    "submit": (claim_submit, _("Ajukan ke kantor cabang"), False),
    "verify": (claim_verify, _("Verifikasi"), False),
    "approve": (claim_approve, _("Setujui"), False),
    "pay": (claim_pay, _("Catat pembayaran"), True),
    "reject": (claim_reject, _("Tolak dengan alasan"), True),
}
ACTION_TARGET = {
    "submit": Claim.Status.SUBMITTED,
    "verify": Claim.Status.VERIFIED,
    "approve": Claim.Status.APPROVED,
    "pay": Claim.Status.PAID,
    "reject": Claim.Status.REJECTED,
}


INLINE_TEMPLATE = "admin/claims/claim/edit_inline/tabular.html"
HEIR_ONE_RECIPIENT = _("Tandai satu penerima saja: satu klaim dibayar kepada satu ahli waris.")


def _first_message(exc) -> str:
    return exc.messages[0] if isinstance(exc, ValidationError) else str(exc)


# Dates are written dd-mm-yyyy by the global formats (bpjs_tracker/formats), so the claim's
# read-only dates that are never empty are Django's own fields. The stand-ins left: a date that
# may be empty ("—"; the admin writes "-"; documents_complete_on's help text stays off the
# read-only page) and the dates of read-only inline rows (a date field left in their form
# would load the calendar scripts on a page with nothing to edit).


def _day(value) -> str:
    return date_format(value) if value else "—"


def shown_day(model, name: str):
    """A read-only stand-in for the date field `name`: the date, "—" when empty
    (`<name>_day`)."""
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name, ordering=name)
    def shown(self, obj):
        return _day(getattr(obj, name, None) if obj else None)

    shown.__name__ = f"{name}_day"
    return shown


def shown_person(name: str, description):
    """A user as plain text (full name): the user pages are the administrator's, and a link
    there leads branch staff and treasurers to a bare 403."""

    @admin.display(description=description)
    def shown(self, obj):
        return person_name(getattr(obj, name, None) if obj else None) or "—"

    shown.__name__ = f"{name}_name"
    return shown


class ReadableDatesMixin:
    """Read-only date fields are swapped for their `<name>_day` stand-ins (see `shown_day`)."""

    date_fields: tuple[str, ...] = ()

    def _dated(self, names, readonly) -> list:
        return [f"{n}_day" if n in self.date_fields and n in readonly else n for n in names]


class LatenessFilter(admin.SimpleListFilter):
    """Open claims; of them: past their deadline today, still in time, clock not started."""

    title = _("ketepatan waktu")
    parameter_name = "terlambat"

    def lookups(self, request, model_admin):
        return [
            ("open", _("Terbuka (semua)")),
            ("late", _("Terlambat")),
            ("on_time", _("Terbuka, belum lewat batas")),
            ("no_clock", _("Terbuka, berkas belum lengkap")),
        ]

    def queryset(self, request, queryset):
        if self.value() not in {"open", "late", "on_time", "no_clock"}:
            return queryset
        open_claims = queryset.open()
        if self.value() == "open":
            return open_claims
        if self.value() == "no_clock":
            return open_claims.filter(documents_complete_on__isnull=True)
        started = open_claims.filter(documents_complete_on__isnull=False)
        late = late_claim_ids(started.only("pk", "programme", "date_of_death",
                                           "documents_complete_on"), timezone.localdate())  # fmt: skip
        if self.value() == "late":
            return started.filter(pk__in=late)
        return started.exclude(pk__in=late)


class ClaimDocumentWidget(AdminFileWidget):
    """Shows a link to the scoped download view, never the storage name."""

    document_url: str | None = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["is_initial"] = False
        return context


class ClaimInlineMixin:
    """Heirs and documents change only while the claim is editable, by those who file claims."""

    def _claim_editable(self, request, obj) -> bool:
        return obj is None or (obj.is_editable and may_file_claims(request.user))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._claim_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._claim_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._claim_editable(request, obj)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self.has_change_permission(request, obj):
            return fields
        return self._dated(fields, self.date_fields)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if self.has_change_permission(request, obj):
            return readonly
        return [*readonly, *(f"{n}_day" for n in self.date_fields)]


class ClaimInlineFormSet(BaseInlineFormSet):
    """The rows the claim page read with the claim (`ClaimAdmin.change_view` on a GET) rather
    than a query of their own: they are the inline's rows (the claim is in the user's scope,
    so are its rows; same order), unless the inline shows none. And the empty form (the row
    "add another" copies) built once: Django builds it anew each time the page asks (the
    column headers, the media, the multipart check, the row)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        read = getattr(self.instance, "_prefetched_objects_cache", {})
        rows = read.get(self.fk.remote_field.cache_name)
        if rows is not None and not self.is_bound and not self.queryset.query.is_empty():
            self._queryset = list(rows)

    @cached_property
    def empty_form(self):
        return super().empty_form


class HeirFormSet(ClaimInlineFormSet):
    def clean(self):
        super().clean()
        recipients = [
            form
            for form in self.forms
            if form.cleaned_data.get("is_recipient") and not self._should_delete_form(form)
        ]
        if len(recipients) > 1:
            raise ValidationError(HEIR_ONE_RECIPIENT, code="one_recipient")


class ClaimTabularInline(ScopedTabularInline):
    """The claim page's tables (heirs, documents, history)."""

    template = INLINE_TEMPLATE
    formset = ClaimInlineFormSet
    extra = 0


class HeirInline(ClaimInlineMixin, ReadableDatesMixin, ClaimTabularInline):
    model = Heir
    formset = HeirFormSet
    fields = (
        "name",
        "nik",
        "relationship",
        "tier",
        "birth_date",
        "is_recipient",
        "bank_name",
        "account_number",
        "school_level",
        "scholarship_eligible",
    )
    readonly_fields = ("tier",)
    date_fields = ("birth_date",)
    birth_date_day = shown_day(Heir, "birth_date")

    @admin.display(description=_("urutan"))
    def tier(self, obj):
        return heir_tier(obj.relationship) if obj and obj.relationship else "—"


class ClaimDocumentInline(ClaimInlineMixin, ReadableDatesMixin, ClaimTabularInline):
    model = ClaimDocument
    fields = ("kind", "file", "download", "received_on", "uploaded_by_name")
    readonly_fields = ("download", "uploaded_by_name")
    date_fields = ("received_on",)
    received_on_day = shown_day(ClaimDocument, "received_on")
    uploaded_by_name = shown_person("uploaded_by", _("diunggah oleh"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description=_("berkas tersimpan"))
    def download(self, obj):
        if not obj or not obj.pk or not obj.file:
            return "—"
        url = reverse("admin:claims_claim_document", args=[obj.claim_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Buka"))

    def get_fields(self, request, obj=None):
        """Read-only viewers get the scoped link only, never the storage name."""
        fields = super().get_fields(request, obj)
        if self.has_change_permission(request, obj):
            return fields
        return [f for f in fields if f != "file"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "file":
            kwargs["widget"] = ClaimDocumentWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if "received_on" in formset.form.base_fields:
            formset.form.base_fields["received_on"].initial = timezone.localdate
        return formset


class StatusChangeInline(ClaimTabularInline):
    """Each step in one readable line: when (WITA), "Diajukan → Terverifikasi", who, why."""

    model = ClaimStatusChange
    fields = ("when", "change", "by_name", "note")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("riwayat status (siapa dan kapan)")
    by_name = shown_person("by", _("oleh"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    @admin.display(description=_("waktu (WITA)"))
    def when(self, obj):
        return date_format(timezone.localtime(obj.at), "DATETIME_FORMAT") if obj and obj.at else "—"

    @admin.display(description=_("perubahan status"))
    def change(self, obj):
        return str(obj) if obj and obj.pk else "—"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(ScopedModelAdmin):
    # The programme and the date of death are in the claim's name ("JKM <name> (<date>)").
    list_display = (
        "__str__",
        "status",
        "unit",
        "regency",
        "deadline",
        "days_left",
    )
    list_filter = (
        "status",
        regency_filter("unit__regency"),
        LatenessFilter,
        "programme",
    )
    list_select_related = ("worker", "unit__regency")
    # A unit is searched (code or name), not picked from a filter of hundreds of villages.
    search_fields = (
        "worker__nik", "worker__name", "heirs__nik", "heirs__name", "unit__code", "unit__name",
    )  # fmt: skip
    date_hierarchy = "date_of_death"
    autocomplete_fields = ("unit", "worker")
    fieldsets = (
        (None, {"fields": ("unit", "worker", "programme", "membership", "status")}),
        (
            _("Kematian"),
            {
                "fields": (
                    "date_of_death",
                    "place_of_death",
                    "cause_of_death",
                    "accident_date",
                    "wage",
                )
            },
        ),
        (
            _("Laporan"),
            {"fields": ("reported_by", "reported_on", "funeral_arranged_by", "note")},
        ),
        (
            _("Proses"),
            {
                "fields": (
                    "documents_complete_on",
                    "rejection_reason",
                    "paid_on",
                    "paid_amount",
                    "payment_reference",
                    "paid_to_account",
                    "created_by",
                )
            },
        ),
    )
    # Written by the services only.
    service_fields = (
        "membership",
        "status",
        "documents_complete_on",
        "rejection_reason",
        "paid_on",
        "paid_amount",
        "payment_reference",
        "paid_to_account",
        "created_by",
    )
    inlines = [HeirInline, ClaimDocumentInline, StatusChangeInline]
    date_fields = ("accident_date", "documents_complete_on", "paid_on")
    accident_date_day = shown_day(Claim, "accident_date")
    documents_complete_on_day = shown_day(Claim, "documents_complete_on")
    paid_on_day = shown_day(Claim, "paid_on")
    created_by_name = shown_person("created_by", _("dibuat oleh"))

    @admin.display(description=_("kabupaten/kota"), ordering="unit__regency__code")
    def regency(self, obj):
        return obj.unit.regency

    @admin.display(description=_("batas bayar"))
    def deadline(self, obj):
        return _day(getattr(obj, "deadline_day", None))

    @admin.display(description=_("sisa hari"))
    def days_left(self, obj):
        day = getattr(obj, "deadline_day", None)
        if day is None or not obj.is_open:
            return "—"
        left = (day - timezone.localdate()).days
        if left < 0:
            return format_html(
                '<strong style="color:var(--error-fg)">{}</strong>',
                _g("terlambat %(days)s hari") % {"days": -left},
            )
        return left

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        deadlines = claim_deadlines(changelist.result_list)
        for claim in changelist.result_list:
            claim.deadline_day = deadlines.get(claim.pk)
        return changelist

    def _read_only(self, request, obj) -> bool:
        return obj is not None and not self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        """A new claim starts with what happened; the process fields (written by the services,
        all empty) come once there is a claim. Read-only dates and people read as text."""
        if obj is None:
            return [
                (name, {**opts, "fields": [f for f in opts["fields"] if f not in self.service_fields]})
                for name, opts in self.fieldsets
                if any(f not in self.service_fields for f in opts["fields"])
            ]  # fmt: skip
        readonly, stand_in = set(self.get_readonly_fields(request, obj)), self._stand_ins()
        return [
            (name, {**opts, "fields": [stand_in.get(f, f) if f in readonly else f
                                       for f in opts["fields"]]})
            for name, opts in self.fieldsets
        ]  # fmt: skip

    def _stand_ins(self) -> dict[str, str]:
        """Read-only fields shown through a display method: dates that may be empty (as "—"),
        a user as a name."""
        return {**{n: f"{n}_day" for n in self.date_fields}, "created_by": "created_by_name"}

    def get_readonly_fields(self, request, obj=None):
        if self._read_only(request, obj):
            names = [f for _name, opts in self.fieldsets for f in opts["fields"]]
        else:
            names = list(self.service_fields)
        if obj is None:
            return names
        return [*names, *self._stand_ins().values()]

    def get_inline_instances(self, request, obj=None):
        """No empty history box: the status history appears once there is a step in it."""
        inlines = super().get_inline_instances(request, obj)
        if obj is None or not obj.status_changes.exists():
            inlines = [i for i in inlines if not isinstance(i, StatusChangeInline)]
        return inlines

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None:
            return allowed
        return allowed and obj.is_editable and may_file_claims(request.user)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == Claim.Status.DRAFT)

    def save_model(self, request, obj, form, change):
        claim_save(claim=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        for document in formset.save(commit=False):
            if isinstance(document, ClaimDocument):
                document.uploaded_by = document.uploaded_by or request.user
            document.save()
        for removed in formset.deleted_objects:
            removed.delete()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        claim_checklist_refresh(claim=form.instance)

    # -- pages ---------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/action/<str:action>/", view(self.action_view), name="claims_claim_action"
            ),
            path("<int:pk>/summary/", view(self.summary_view), name="claims_claim_summary"),
            path(
                "<int:pk>/document/<int:document_pk>/",
                view(self.document_view),
                name="claims_claim_document",
            ),
            *super().get_urls(),
        ]

    def _claim(self, request, pk) -> Claim:
        return get_object_or_404(
            self.get_queryset(request).select_related("worker", "unit__regency"), pk=pk
        )

    def _actions_for(self, request, claim) -> list[dict]:
        return [
            {"name": name, "label": label, "form": needs_form,
             "url": reverse("admin:claims_claim_action", args=[claim.pk, name])}
            for name, (_service, label, needs_form) in ACTIONS.items()
            if ACTION_TARGET[name] in Claim.TRANSITIONS[claim.status]
            and may_act_on_claim(request.user, name)
        ]  # fmt: skip

    # What the claim page reads of the claim besides its own row: the deceased and the unit
    # (the assessment, the title), the membership as its name reads (worker and unit), who
    # created it.
    page_related = ("worker", "unit", "membership__worker", "membership__unit", "created_by")

    def get_object(self, request, object_id, from_field=None):
        """Django's, with what the page reads of the claim; on the claim page's GET, the claim
        `change_view` read (Django's view asks again for the form)."""
        page = request.__dict__.get("_claim_page")
        if page is not None and page[0] == (object_id, from_field):
            return page[1]
        return self._fetch(self.get_queryset(request), object_id, from_field)

    def _fetch(self, queryset, object_id, from_field=None) -> Claim | None:
        queryset = queryset.select_related(*self.page_related)
        field = Claim._meta.pk if from_field is None else Claim._meta.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (Claim.DoesNotExist, ValidationError, ValueError):
            return None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The claim page. On a GET the claim is read once, with its heirs, documents and
        history (the assessment and the tables show them both: `ClaimInlineFormSet` takes
        them from the claim). A POST reads it afresh for the form (the form writes the posted
        values into it and the services re-read the rows; the assessment shown beside any
        errors is of the saved claim)."""
        if request.method in ("GET", "HEAD"):
            rows = self.get_queryset(request).prefetch_related(
                "heirs",
                Prefetch("documents", ClaimDocument.objects.select_related("uploaded_by")),
                Prefetch("status_changes", ClaimStatusChange.objects.select_related("by")),
            )
            claim = self._fetch(rows, object_id)
            request._claim_page = ((object_id, None), claim)
        else:
            claim = self.get_object(request, object_id)
        extra = {}
        if claim is not None:
            extra = {
                "assessment": claim_assess(claim),
                "workflow_actions": self._actions_for(request, claim),
            }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def action_view(self, request, pk, action):
        claim = self._claim(request, pk)
        if action not in ACTIONS:
            raise Http404
        if not may_act_on_claim(request.user, action):
            raise PermissionDenied
        service, label, needs_form = ACTIONS[action]
        change_url = reverse("admin:claims_claim_change", args=[claim.pk])
        if not needs_form:
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            try:
                service(claim=claim, by=request.user)
            except ValidationError as exc:
                self.message_user(request, _first_message(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _g("Klaim %(claim)s: %(status)s.")
                    % {"claim": claim, "status": claim.get_status_display()},
                )
            return HttpResponseRedirect(change_url)
        assessment = claim_assess(claim)
        form = self._action_form(action, request, claim, assessment)
        if request.method == "POST" and form.is_valid():
            try:
                service(claim=claim, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, _first_message(exc))
            else:
                self.message_user(
                    request,
                    _g("Klaim %(claim)s: %(status)s.")
                    % {"claim": claim, "status": claim.get_status_display()},
                )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": label,
            "opts": self.model._meta,
            "claim": claim,
            "form": form,
            "assessment": assessment,
        }
        return TemplateResponse(request, "admin/claims/claim/action.html", context)

    def _action_form(self, action, request, claim, assessment):
        data = request.POST if request.method == "POST" else None
        if action == "reject":
            initial = {"reason": " ".join(c.result for c in assessment.refusals)}
            return ClaimRejectForm(data, initial=initial)
        recipient = next((h.heir for h in assessment.heirs if h.heir.is_recipient), None)
        amount = assessment.breakdown.total if assessment.breakdown else None
        if amount is not None and assessment.lateness is not None:
            amount += assessment.lateness.amount_owed
        account = ""
        if recipient is not None and recipient.account_number:
            account = (
                f"{recipient.bank_name} {recipient.account_number} a.n. {recipient.name}".strip()
            )
        initial = {"paid_on": timezone.localdate(), "amount": amount, "account": account}
        return ClaimPayForm(data, initial=initial)

    def summary_view(self, request, pk):
        claim = self._claim(request, pk)
        if not self.has_view_permission(request, claim):
            raise PermissionDenied
        context = {
            "claim": claim,
            "assessment": claim_assess(claim),
            "history": claim.status_changes.select_related("by"),
            "printed_at": timezone.localtime(),
        }
        return TemplateResponse(request, "admin/claims/claim/summary.html", context)

    def document_view(self, request, pk, document_pk):
        claim = self._claim(request, pk)
        if not self.has_view_permission(request, claim):
            raise PermissionDenied
        document = get_object_or_404(claim.documents.all(), pk=document_pk)
        try:
            handle = document.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404(_("Berkas dokumen tidak ditemukan.")) from exc
        extension = document.file.name.rsplit(".", 1)[-1]
        return FileResponse(
            handle,
            content_type=content_type_of(document.file.name),
            filename=f"klaim-{claim.pk}-{document.kind}.{extension}",
        )


class ScholarshipRuleInline(ScopedTabularInline):
    model = ScholarshipRule
    extra = 0
    fields = ("order", "level", "amount_per_year", "max_years")


@admin.register(BenefitSchedule)
class BenefitScheduleAdmin(ScopedModelAdmin):
    list_display = (
        "programme",
        "name",
        "effective_from",
        "effective_to",
        "lump_sum",
        "wage_multiplier",
        "funeral",
        "certainty_flag",
    )
    list_filter = ("programme", "certainty")
    fieldsets = (
        (None, {"fields": ("programme", "name", "effective_from", "effective_to")}),
        (
            _("Santunan tunai"),
            {
                "fields": (
                    "lump_sum",
                    "wage_multiplier",
                    "periodic_amount",
                    "periodic_months",
                    "funeral",
                )
            },
        ),
        (_("Beasiswa"), {"fields": ("scholarship_min_months", "scholarship_max_children")}),
        (
            _("Layanan dan batas waktu"),
            {"fields": ("service_working_days", "late_percent_per_day", "claim_lapse_years")},
        ),
        (_("Dasar"), {"fields": ("legal_basis", "certainty", "note")}),
    )
    inlines = [ScholarshipRuleInline]

    @admin.display(description=_("kepastian"), ordering="certainty")
    def certainty_flag(self, obj):
        if obj.is_unconfirmed:
            return format_html("<strong>{}</strong>", _("Belum terkonfirmasi"))
        return obj.get_certainty_display()
