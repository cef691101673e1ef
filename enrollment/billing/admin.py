"""Admin for contributions: rates and rules, bills (read-only), payments, arrears and forecast views."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery, Sum
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bpjs_tracker.admin import (
    EstimatedCountPaginator,
    NikSearchMixin,
    PlainHistoryMixin,
    ScopedModelAdmin,
    ScopedTabularInline,
    regency_filter,
)
from bpjs_tracker.db_router import reading_from_replica
from bpjs_tracker.money import format_percent, format_rupiah
from bpjs_tracker.roles import scope_for
from bpjs_tracker.uploads import validate_upload_size
from enrollment import export_jobs, import_jobs
from enrollment import jobs as roster_jobs
from enrollment.billing.arithmetic import FINED_BASES, rounding_rule_text
from enrollment.billing.arrears import arrears_page
from enrollment.billing.exports import bill_workbook, forecast_workbook
from enrollment.billing.payments import STATUS_LABELS, payment_record, payments_import
from enrollment.billing.selectors import (
    PaymentRuleBook,
    allocations_prefetch,
    bill_statement,
    budget_forecast,
    programme_totals,
    unpaid_bills,
    villages_paid_full_year,
)
from enrollment.models import (
    Bill,
    BillLine,
    ContributionRate,
    ContributionRelief,
    FactCertainty,
    Payment,
    PaymentAllocation,
    PaymentRule,
    PublicHoliday,
    month_name,
    short_file_name,
)
from regencies.models import Regency, WorkUnit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PRINT_LINES = 1_000  # lines on one printable page (a province's bill has 20,000)

# --- contribution rules: read by all, edited by the provincial administrator -----------


def certainty_badge(obj) -> str:
    label = FactCertainty(obj.certainty).label
    if obj.certainty == FactCertainty.UNCONFIRMED:
        return format_html('<strong style="color:#ba2121">⚠ {}</strong>', label)
    return label


class RuleAdmin(ScopedModelAdmin):
    list_filter = ("certainty",)
    search_fields = ("legal_basis", "note")
    date_hierarchy = "effective_from"

    @admin.display(description=gettext_lazy("kepastian"), ordering="certainty")
    def certainty_display(self, obj):
        return certainty_badge(obj)


@admin.register(ContributionRate)
class ContributionRateAdmin(RuleAdmin):
    list_display = (
        "programme",
        "basis",
        "risk_class_display",
        "rate_display",
        "limits",
        "effective_from",
        "effective_to",
        "legal_basis",
        "certainty_display",
    )
    list_filter = ("certainty", "programme", "basis", "risk_class")

    @admin.display(description=gettext_lazy("kelas risiko"), ordering="risk_class")
    def risk_class_display(self, obj):
        return obj.get_risk_class_display() or _("semua")

    @admin.display(description=gettext_lazy("tarif"))
    def rate_display(self, obj):
        return obj.describe()

    @admin.display(description=gettext_lazy("min – maks"))
    def limits(self, obj):
        if not obj.minimum and obj.maximum is None:
            return "—"
        return f"{format_rupiah(obj.minimum)} – {format_rupiah(obj.maximum) or '…'}"


@admin.register(ContributionRelief)
class ContributionReliefAdmin(RuleAdmin):
    list_display = (
        "discount_percent",
        "programme",
        "basis",
        "effective_from",
        "effective_to",
        "new_participants_from",
        "full_months_for_new",
        "legal_basis",
        "certainty_display",
    )


@admin.register(PaymentRule)
class PaymentRuleAdmin(RuleAdmin):
    list_display = (
        "basis",
        "due_day",
        "due_month_offset",
        "holiday_shift",
        "fine_percent",
        "effective_from",
        "effective_to",
        "legal_basis",
        "certainty_display",
    )


@admin.register(PublicHoliday)
class PublicHolidayAdmin(ScopedModelAdmin):
    """Corrections to the holiday library: add a date, or cancel one (a row wins)."""

    list_display = ("date", "name", "is_holiday", "certainty_display")
    list_filter = ("is_holiday", "certainty")
    date_hierarchy = "date"
    search_fields = ("name",)

    @admin.display(description=gettext_lazy("kepastian"), ordering="certainty")
    def certainty_display(self, obj):
        return certainty_badge(obj)


# --- bills ----------------------------------------------------------------------------


class ReadOnlyInline(ScopedTabularInline):
    extra = 0
    can_delete = False
    show_change_link = False
    # The row's own text (e.g. "74.71-DLHK 2026-11 7471…: 14580") repeats its columns,
    # unformatted; base_site.html hides it for these computed rows.
    classes = ["computed-rows"]

    def has_view_permission(self, request, obj=None):
        """Computed rows of a bill or payment: whoever may see it sees them. No role holds a
        permission on the row models, so the treasurer's bill page had no lines at all."""
        opts = self.parent_model._meta
        return request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BillLine)
class BillLineAdmin(NikSearchMixin, PlainHistoryMixin, ScopedModelAdmin):
    """A bill's lines, paginated on a page of their own (`?bill__id__exact=<bill>`).

    A province-wide month has bills of 20,000 lines; as an inline of the bill page they
    made 39.5 MB of HTML and two queries a line (issue #13). Read-only, like bills.
    """

    list_display = (
        "bill_display",
        "kind",
        "nik",
        "segment",
        "wage_rp",
        "jkk",
        "jkm",
        "relief_rp",
        "amount_rp",
        "adjusts_display",
    )
    list_filter = ("kind", "segment")
    list_select_related = ("bill__unit", "jkk_rate", "jkm_rate", "adjusts__unit")
    search_fields = ("nik",)
    search_help_text = gettext_lazy("NIK (16 digit atau digit awalnya).")
    # The bill index serves the order (incremental sort within a bill).
    ordering = ("bill_id", "kind", "nik")
    paginator = EstimatedCountPaginator

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("tagihan"))
    def bill_display(self, obj):
        return str(obj.bill)

    @admin.display(description=gettext_lazy("dasar upah"))
    def wage_rp(self, obj):
        return format_rupiah(obj.wage)

    def _part(self, obj, programme):
        prefix = programme.lower()
        rate = getattr(obj, f"{prefix}_rate")
        amount = getattr(obj, f"{prefix}_amount")
        if rate is None and not amount:
            return "—"
        if obj.kind == BillLine.Kind.ADJUSTMENT:
            return format_rupiah(amount)
        return f"{format_rupiah(amount)} ({rate.describe() if rate else '?'})"

    @admin.display(description="JKK")
    def jkk(self, obj):
        return self._part(obj, "JKK")

    @admin.display(description="JKM")
    def jkm(self, obj):
        return self._part(obj, "JKM")

    @admin.display(description=gettext_lazy("keringanan"))
    def relief_rp(self, obj):
        return format_rupiah(sum(part.relief for part in obj.parts()))

    @admin.display(description=gettext_lazy("ditagih"))
    def amount_rp(self, obj):
        return format_rupiah(obj.amount)

    @admin.display(description=gettext_lazy("menyesuaikan tagihan"))
    def adjusts_display(self, obj):
        return str(obj.adjusts) if obj.adjusts_id else "—"


class BillAllocationInline(ReadOnlyInline):
    model = PaymentAllocation
    fields = ("payment", "paid_on", "amount_rp")
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("pembayaran")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("payment__unit")

    @admin.display(description=gettext_lazy("tanggal bayar"))
    def paid_on(self, obj):
        return f"{obj.payment.paid_on:%d-%m-%Y}"

    @admin.display(description=gettext_lazy("jumlah"))
    def amount_rp(self, obj):
        return format_rupiah(obj.amount)


class BillChangeList(ChangeList):
    """The list joins the units it shows only. The bill's page names its roster (and the
    roster's unit) too; joined for every bill of the newest month before the sort by unit
    code, those two joins were half of a province's bill list in PostgreSQL (22 → 10 ms)."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.select_related(None).select_related(*self.list_select_related)


@admin.register(Bill)
class BillAdmin(ScopedModelAdmin):
    """Bills are computed (generate_bills, roster verification): read-only for every role."""

    # The key columns first: at 1,400 px beside the filters the last ones scroll out of view.
    list_display = (
        "unit_display",
        "period_display",
        "total_rp",
        "paid_rp",
        "unpaid_rp",
        "status_display",
        "due_date",
        "fine_rp",
    )
    list_filter = (regency_filter("unit__regency"), "unit__kind")
    list_select_related = ("unit__regency",)
    search_fields = ("unit__code", "unit__name")
    date_hierarchy = "period"
    inlines = [BillAllocationInline]  # the lines have their own page (BillLineAdmin)
    change_list_template = "admin/enrollment/bill/change_list.html"
    change_form_template = "admin/enrollment/bill/change_form.html"
    fields = (
        "unit",
        "period_display",
        "due_date",
        "parts_display",
        "programmes_display",
        "contribution_total_rp",
        "adjustment_total_rp",
        "total_rp",
        "relief_total_rp",
        "worker_count",
        "lines_link",
        # paid, unpaid and status: in the summary at the top (bill/change_form.html)
        "fine_rp",
        "fine_schedule",
        "roster",
        "roster_verified_at",
        "computed_at",
        "rounding_rule_display",
        "relief_note",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Titles name the unit (the bill's, and its read-only roster link's).
        return (
            super()
            .get_queryset(request)
            .select_related("unit", "roster__unit")
            .prefetch_related(allocations_prefetch())
        )

    def get_changelist(self, request, **kwargs):
        return BillChangeList

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        rules = PaymentRuleBook()
        for bill in changelist.result_list:
            bill.statement = bill_statement(bill, rules=rules)
        return changelist

    def _statement(self, obj):
        if not hasattr(obj, "statement"):
            obj.statement = bill_statement(obj)
        return obj.statement

    @admin.display(description=gettext_lazy("rincian per pekerja"))
    def lines_link(self, obj):
        url = reverse("admin:enrollment_billline_changelist")
        return format_html(
            '<a href="{}?bill__id__exact={}">{}</a>', url, obj.pk, _("lihat baris tagihan")
        )

    @admin.display(description=gettext_lazy("unit kerja"), ordering="unit__code")
    def unit_display(self, obj):
        """The code, and the name below it (narrow: the columns after it stay in view)."""
        return format_html("{}<br><small>{}</small>", obj.unit.code, obj.unit.name)

    @admin.display(description=gettext_lazy("aturan pembulatan"))
    def rounding_rule_display(self, obj):
        return rounding_rule_text(obj.rounding_rule)

    @admin.display(description=gettext_lazy("bulan iuran"), ordering="period")
    def period_display(self, obj):
        return month_name(obj.period)

    @admin.display(description=gettext_lazy("jumlah tagihan"), ordering="total")
    def total_rp(self, obj):
        return format_rupiah(obj.total)

    @admin.display(description=gettext_lazy("iuran"))
    def contribution_total_rp(self, obj):
        return format_rupiah(obj.contribution_total)

    @admin.display(description=gettext_lazy("penyesuaian"))
    def adjustment_total_rp(self, obj):
        return format_rupiah(obj.adjustment_total)

    @admin.display(description=gettext_lazy("keringanan diberikan"))
    def relief_total_rp(self, obj):
        return format_rupiah(obj.relief_total)

    @admin.display(description=gettext_lazy("dibayar"))
    def paid_rp(self, obj):
        return format_rupiah(self._statement(obj).paid)

    @admin.display(description=gettext_lazy("belum dibayar"))
    def unpaid_rp(self, obj):
        return format_rupiah(self._statement(obj).unpaid)

    @admin.display(description=gettext_lazy("denda (terpisah)"))
    def fine_rp(self, obj):
        statement = self._statement(obj)
        if not statement.fine:
            return "—"
        return _("%(fine)s (%(months)s bln × %(pct)s%%)") % {
            "fine": format_rupiah(statement.fine),
            "months": len(statement.fine_months),
            "pct": format_percent(statement.fine_percent).rstrip("%"),
        }

    @admin.display(description=gettext_lazy("status"))
    def status_display(self, obj):
        return self._statement(obj).status_label

    @admin.display(description=gettext_lazy("bagian tagihan"))
    def parts_display(self, obj):
        """Each basis's part with its own due date, paid amount, status and fine."""
        rows = self._statement(obj).parts
        if not rows:
            return "—"
        return format_html_join(
            mark_safe("<br>"),  # noqa: S308 - a constant
            "<strong>{}</strong>: {}, {} {}; {} {}; {}; {} {}",
            (
                (
                    _("Bagian %(basis)s") % {"basis": p.label},
                    format_rupiah(p.total),
                    _("jatuh tempo"),
                    f"{p.due_date:%d-%m-%Y}",
                    _("dibayar"),
                    format_rupiah(p.paid),
                    p.status_label,
                    _("denda"),
                    format_rupiah(p.fine)
                    if p.fine
                    else _("tidak ada")
                    if p.basis in FINED_BASES
                    else _("tidak ada (BPU tidak didenda; menunggak 3 bulan: tidak aktif)"),
                )
                for p in rows
            ),
        )

    @admin.display(description=gettext_lazy("per program"))
    def programmes_display(self, obj):
        """The JKK/JKM split of the bill (lines summed), with the relief each programme got."""
        if not hasattr(obj, "programmes"):
            obj.programmes = programme_totals(obj)
        return format_html_join(
            mark_safe("<br>"),  # noqa: S308 - a constant
            "<strong>{}</strong>: {}{}",
            (
                (
                    programme,
                    format_rupiah(amount),
                    _(" (keringanan %(relief)s)") % {"relief": format_rupiah(relief)}
                    if relief
                    else "",
                )
                for programme, amount, relief in obj.programmes
            ),
        )

    @admin.display(description=gettext_lazy("denda per bulan keterlambatan"))
    def fine_schedule(self, obj):
        rows = self._statement(obj).fine_months
        if not rows:
            return "—"
        return format_html_join(
            mark_safe("<br>"),  # noqa: S308 - a constant
            "{}. {} – {}: {} ({} {})",
            (
                (
                    m.number,
                    f"{m.start:%d-%m-%Y}",
                    f"{m.end:%d-%m-%Y}",
                    format_rupiah(m.fine),
                    _("dari"),
                    format_rupiah(m.base),
                )
                for m in rows
            ),
        )

    # --- arrears and forecast pages ---------------------------------------------------

    # --- one bill: its page, .xlsx and printable A4 ------------------------------------

    def _bill_or_404(self, request, object_id) -> Bill:
        """The bill, if in the user's scope (404 otherwise, like the change page)."""
        self._require_view(request)
        bill = self.get_object(request, object_id)
        if bill is None:
            raise Http404(_("Data tidak ditemukan."))
        return bill

    def _bill_context(self, request, bill) -> dict:
        statement = self._statement(bill)
        payments = self.admin_site.get_model_admin(Payment)
        pay_url = None
        if statement.unpaid and payments.has_add_permission(request):
            query = urlencode({"unit": bill.unit_id, "bill": bill.pk, "amount": statement.unpaid})
            pay_url = f"{reverse('admin:enrollment_payment_add')}?{query}"
        return {
            "bill": bill,
            "statement": statement,
            "pay_url": pay_url,
            "lines_url": f"{reverse('admin:enrollment_billline_changelist')}"
            f"?bill__id__exact={bill.pk}",
            "xlsx_url": reverse("admin:enrollment_bill_xlsx", args=[bill.pk]),
            "print_url": reverse("admin:enrollment_bill_print", args=[bill.pk]),
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        bill = self.get_object(request, unquote(object_id))
        if bill is not None:
            extra_context = {**(extra_context or {}), **self._bill_context(request, bill)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_object(self, request, object_id, from_field=None):
        """Fetched once per request: the change page asks for it again when it renders."""
        cache = request.__dict__.setdefault("_bills", {})
        key = (object_id, from_field)
        if key not in cache:
            cache[key] = super().get_object(request, object_id, from_field)
        return cache[key]

    def xlsx_view(self, request, object_id):
        """The bill and its lines as an .xlsx (write-only: a province's bill has 20,000 lines)."""
        bill = self._bill_or_404(request, object_id)
        content = bill_workbook(self._statement(bill), programme_totals(bill))
        response = HttpResponse(content, content_type=XLSX)
        name = f"tagihan-{bill.unit.code}-{bill.period:%Y-%m}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def print_view(self, request, object_id):
        """The bill on A4 paper (landscape) with its lines, a page of lines at a time."""
        bill = self._bill_or_404(request, object_id)
        lines = (
            bill.lines.select_related("jkk_rate", "jkm_rate", "adjusts__unit")
            .order_by("kind", "nik", "pk")
        )
        page = Paginator(lines, PRINT_LINES).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            **self._bill_context(request, bill),
            "opts": self.model._meta,
            "title": _("Tagihan iuran %(unit)s, %(period)s")
            % {"unit": bill.unit, "period": month_name(bill.period)},
            "programmes": programme_totals(bill),
            "page": page,
            "is_nav_sidebar_enabled": False,  # a document to print, full width
        }
        return TemplateResponse(request, "admin/enrollment/bill/print.html", context)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/xlsx/",
                self.admin_site.admin_view(self.xlsx_view),
                name="enrollment_bill_xlsx",
            ),
            path(
                "<path:object_id>/print/",
                self.admin_site.admin_view(self.print_view),
                name="enrollment_bill_print",
            ),
            path(
                "arrears/",
                self.admin_site.admin_view(self.arrears_view),
                name="enrollment_bill_arrears",
            ),
            path(
                "forecast/",
                self.admin_site.admin_view(self.forecast_view),
                name="enrollment_bill_forecast",
            ),
            path(
                "runs/",
                self.admin_site.admin_view(self.runs_view),
                name="enrollment_bill_runs",
            ),
            *super().get_urls(),
        ]

    def _require_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied

    def _regency(self, request, regencies):
        code = request.GET.get("regency") or ""
        return next((r for r in regencies if r.code == code), None)

    def arrears_view(self, request):
        """Units in arrears (computed by the database, 100 a page) with totals per regency,
        and villages that paid all 12 months of a year. Reads from the replica if any."""
        self._require_view(request)
        regencies = list(Regency.objects.visible_to(request.user))
        regency = self._regency(request, regencies)
        as_of = _parse_date(request.GET.get("as_of")) or timezone.localdate()
        year = _parse_int(request.GET.get("year")) or as_of.year - 1
        with reading_from_replica():
            page = arrears_page(
                user=request.user,
                regency=regency,
                as_of=as_of,
                page=_parse_int(request.GET.get("p")) or 1,
            )
            full_year = (
                villages_paid_full_year(user=request.user, regency=regency, year=year, as_of=as_of)
                if regency
                else None
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Tunggakan iuran"),
            "regencies": regencies,
            "regency": regency,
            "as_of": as_of,
            "year": year,
            "page": page,
            "arrears": page.object_list,
            "previous_query": _with_param(request, "p", page.number - 1),
            "next_query": _with_param(request, "p", page.number + 1),
            "full_year": full_year,
        }
        return TemplateResponse(request, "admin/enrollment/bill/arrears.html", context)

    def forecast_view(self, request):
        """Next year's budget per regency and unit, with an .xlsx download."""
        self._require_view(request)
        regencies = list(Regency.objects.visible_to(request.user))
        regency = self._regency(request, regencies)
        year = _parse_int(request.GET.get("year")) or timezone.localdate().year + 1
        growth = _parse_decimal(request.GET.get("growth"))
        wage_change = _parse_decimal(request.GET.get("wage_change"))
        if request.GET.get("format") == "xlsx" and export_jobs.is_large(request.user, regency):
            # many units: the workbook is written by a job, downloaded from its result page
            job = export_jobs.forecast_export_start(
                year=year, regency=regency, growth=growth, wage_change=wage_change, by=request.user
            )
            return HttpResponseRedirect(reverse("jobs:progress", args=[job.pk]))
        try:
            with reading_from_replica():
                forecast = budget_forecast(
                    user=request.user,
                    year=year,
                    regency=regency,
                    growth_percent=growth,
                    wage_change_percent=wage_change,
                )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            forecast = None
        if forecast is not None and request.GET.get("format") == "xlsx":
            response = HttpResponse(forecast_workbook(forecast), content_type=XLSX)
            name = f"proyeksi-iuran-{year}-{regency.code if regency else 'semua'}.xlsx"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Proyeksi anggaran iuran tahun %(year)s") % {"year": year},
            "regencies": regencies,
            "regency": regency,
            "year": year,
            "growth": growth,
            "wage_change": wage_change,
            "forecast": forecast,
            "xlsx_query": _with_param(request, "format", "xlsx"),
        }
        if forecast is not None:
            # every regency's sums, one page of units (the .xlsx has them all)
            order = "code" if request.GET.get("order") == "code" else "annual"
            page = forecast.units_page(page=request.GET.get("p") or 1, order=order)
            context.update(
                order=order,
                page=page,
                annual_query=_with_param(request, "order", "annual", drop_page=True),
                code_query=_with_param(request, "order", "code", drop_page=True),
                previous_query=_with_param(request, "p", page.number - 1),
                next_query=_with_param(request, "p", page.number + 1),
            )
        return TemplateResponse(request, "admin/enrollment/bill/forecast.html", context)


    def changelist_view(self, request, extra_context=None):
        scope = scope_for(request.user)
        extra_context = {**(extra_context or {}), "is_province": bool(scope and scope.is_province)}
        return super().changelist_view(request, extra_context)

    def runs_view(self, request):
        """The province's long runs as jobs: a month's billing, the coverage summary rebuild."""
        scope = scope_for(request.user)
        if scope is None or not scope.is_province:
            raise PermissionDenied
        form = ProvinceRunForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            period, regency = form.cleaned_data["period"], form.cleaned_data["regency"]
            if "summary" in request.POST:
                job = roster_jobs.summary_rebuild_start(
                    periods=[period], regency=regency, by=request.user
                )
            else:
                job = roster_jobs.bills_generate_start(
                    period=period, regency=regency, by=request.user
                )
            return HttpResponseRedirect(reverse("jobs:progress", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Penagihan dan ringkasan cakupan"),
            "form": form,
        }
        return TemplateResponse(request, "admin/enrollment/bill/runs.html", context)


class ProvinceRunForm(forms.Form):
    period = forms.DateField(
        label=gettext_lazy("bulan"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=gettext_lazy("Bulan iuran, YYYY-MM."),
    )
    regency = forms.ModelChoiceField(
        label=gettext_lazy("kabupaten/kota"),
        queryset=Regency.objects.order_by("code"),
        required=False,
        empty_label=gettext_lazy("seluruh provinsi"),
    )

    def clean_period(self):
        return self.cleaned_data["period"].replace(day=1)


def _parse_date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _parse_int(value) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _parse_decimal(value) -> Decimal:
    try:
        number = Decimal((value or "0").replace(",", "."))
    except InvalidOperation:
        return Decimal(0)
    return number if number.is_finite() and Decimal(-100) < number <= Decimal(1000) else Decimal(0)


def _with_param(request, name, value, *, drop_page: bool = False) -> str:
    """The request's query with `name` set (and without the page number: `drop_page`)."""
    query = request.GET.copy()
    query[name] = value
    if drop_page:
        query.pop("p", None)
    return query.urlencode()


# --- payments ---------------------------------------------------------------------------


class PaymentAllocationInline(ReadOnlyInline):
    model = PaymentAllocation
    fields = ("bill", "amount_rp")
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("dialokasikan ke tagihan")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("bill__unit")

    @admin.display(description=gettext_lazy("jumlah"))
    def amount_rp(self, obj):
        return format_rupiah(obj.amount)


def bill_choice_label(bill) -> str:
    """A bill in the payment form's choice: its month and what is left to pay."""
    return _("%(period)s — belum dibayar %(unpaid)s dari %(total)s") % {
        "period": month_name(bill.period),
        "unpaid": format_rupiah(bill.total - bill.paid),
        "total": format_rupiah(bill.total),
    }


class PaymentForm(forms.ModelForm):
    """A payment of one unit; the bill choice lists only that unit's unpaid bills.

    `bill.queryset` is every bill in the user's scope (set by the admin), so the
    checks below answer in words; the choices shown are the chosen unit's unpaid
    bills, and the page's script asks `unpaid-bills/<unit>/` again when the unit changes.
    """

    bill = forms.ModelChoiceField(
        queryset=Bill.objects.none(),
        required=False,
        label=gettext_lazy("Untuk tagihan"),
        help_text=gettext_lazy(
            "Hanya tagihan unit terpilih yang belum lunas. "
            "Kosong: dialokasikan ke tagihan belum lunas yang paling lama."
        ),
    )

    class Meta:
        model = Payment
        fields = ("unit", "amount", "paid_on", "reference", "note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("bill")
        if field is None:
            return
        unit_id = self.data.get("unit") if self.is_bound else self.initial.get("unit")
        choices = [("", "---------")]
        if unit_id and str(unit_id).isdigit():
            choices += [(b.pk, bill_choice_label(b)) for b in unpaid_bills(field.queryset, unit_id)]
        field.widget.choices = choices

    def clean(self):
        data = super().clean()
        paid_on, bill, unit = data.get("paid_on"), data.get("bill"), data.get("unit")
        if paid_on and paid_on > timezone.localdate():
            self.add_error("paid_on", _("Tanggal bayar belum terjadi."))
        if bill and unit and bill.unit_id != unit.pk:
            self.add_error("bill", _("Tagihan ini bukan milik unit yang dipilih."))
        elif bill and not unpaid_bills(Bill.objects.all(), bill.unit_id).filter(pk=bill.pk):
            self.add_error("bill", _("Tagihan ini sudah lunas; pilih tagihan yang belum lunas."))
        return data


class PaymentImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("berkas pembayaran (.csv atau .xlsx)"),
        help_text=gettext_lazy(
            "Kolom: Kode Unit (atau NPP), Periode (YYYY-MM, boleh kosong), Jumlah, "
            "Tanggal Bayar, Referensi."
        ),
        validators=[validate_upload_size],
        max_length=255,
    )


@admin.register(Payment)
class PaymentAdmin(ScopedModelAdmin):
    list_display = ("unit", "paid_on", "amount_rp", "allocated_rp", "reference", "source")
    list_filter = (regency_filter("unit__regency"), "source")
    list_select_related = ("unit__regency",)
    search_fields = ("reference", "unit__code", "unit__name")
    date_hierarchy = "paid_on"
    inlines = [PaymentAllocationInline]
    form = PaymentForm
    change_list_template = "admin/enrollment/payment/change_list.html"
    change_form_template = "admin/enrollment/payment/change_form.html"
    # A regency has hundreds of villages: search the units (WorkUnitAdmin, scoped).
    autocomplete_fields = ("unit",)

    def get_queryset(self, request):
        # per row shown, not a GROUP BY over every payment (the count and the date
        # hierarchy then read the payment table alone)
        allocated = (
            PaymentAllocation.objects.filter(payment=OuterRef("pk"))
            .values("payment")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return super().get_queryset(request).annotate(allocated=Subquery(allocated))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("unit", "bill", "amount", "paid_on", "reference", "note")
        return (
            "unit",
            "amount",
            "paid_on",
            "reference",
            "source",
            "source_file",
            "note",
            "recorded_by",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("unit", "amount", "paid_on", "source", "source_file", "recorded_by")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "bill" in form.base_fields:
            form.base_fields["bill"].queryset = (
                Bill.objects.visible_to(request.user).select_related("unit").order_by("-period")
            )
        return form

    def save_model(self, request, obj, form, change):
        if change:  # only the reference and the note can be corrected
            return super().save_model(request, obj, form, change)
        result = payment_record(
            unit=obj.unit,
            amount=obj.amount,
            paid_on=obj.paid_on,
            reference=obj.reference,
            note=obj.note,
            bill=form.cleaned_data.get("bill"),
            by=request.user,
        )
        obj.pk, obj._state.adding = result.payment.pk, False
        if result.unallocated:
            self.message_user(
                request,
                _("%(amount)s melebihi tagihan yang belum lunas dan dicatat sebagai lebih bayar.")
                % {"amount": format_rupiah(result.unallocated)},
                messages.WARNING,
            )

    def response_add(self, request, obj, post_url_continue=None):
        """Recorded from a bill (the bill chosen): back to that bill, which now shows it."""
        response = super().response_add(request, obj, post_url_continue)
        bill = request.POST.get("bill", "")
        if bill.isdigit() and not {"_continue", "_addanother", "_popup"} & set(request.POST):
            return HttpResponseRedirect(reverse("admin:enrollment_bill_change", args=[bill]))
        return response

    def unpaid_bills_view(self, request, unit_id):
        """The unit's unpaid bills for the payment form's choice (JSON); units in scope only."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        unit = WorkUnit.objects.visible_to(request.user).filter(pk=unit_id).first()
        if unit is None:
            raise Http404(_("Data tidak ditemukan."))
        bills = unpaid_bills(Bill.objects.visible_to(request.user), unit.pk)
        return JsonResponse(
            {
                "results": [
                    {"id": b.pk, "text": bill_choice_label(b), "unpaid": b.total - b.paid}
                    for b in bills
                ]
            }
        )

    @admin.display(description=gettext_lazy("jumlah"), ordering="amount")
    def amount_rp(self, obj):
        return format_rupiah(obj.amount)

    @admin.display(description=gettext_lazy("dialokasikan"), ordering="allocated")
    def allocated_rp(self, obj):
        return format_rupiah(obj.allocated or 0)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="enrollment_payment_import",
            ),
            path(
                "unpaid-bills/<int:unit_id>/",
                self.admin_site.admin_view(self.unpaid_bills_view),
                name="enrollment_payment_unpaid_bills",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a bank/BPJS file, preview the reconciliation, then confirm (all or nothing)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        result, token, form = None, "", PaymentImportForm()
        if request.method == "POST" and request.POST.get("job"):
            # confirming a large file its job checked: the import is a job too
            checked = import_jobs.checked_job(request, import_jobs.PAYMENTS, request.POST["job"])
            if checked is None:
                self.message_user(request, _("Berkas pratinjau tidak ditemukan."), messages.ERROR)
                return HttpResponseRedirect(request.path)
            job = import_jobs.import_start(import_jobs.PAYMENTS, kept=checked, by=request.user)
            return HttpResponseRedirect(reverse("jobs:progress", args=[job.pk]))
        if request.method == "POST" and request.POST.get("token"):
            stored = _stored_upload(request, request.POST["token"])
            if stored is None:
                self.message_user(request, _("Berkas pratinjau tidak ditemukan."), messages.ERROR)
                return HttpResponseRedirect(request.path)
            name, content = stored
            result = payments_import(name=name, content=content, by=request.user)
            if result.ok:
                self.message_user(
                    request,
                    _("%(n)s pembayaran dari %(file)s disimpan.")
                    % {"n": result.saved, "file": result.file_name},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:enrollment_payment_changelist"))
        elif request.method == "POST":
            form = PaymentImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                if import_jobs.is_large(upload.size):  # checked in a job behind a progress bar
                    job = import_jobs.import_start(import_jobs.PAYMENTS, upload=upload, by=request.user)
                    return HttpResponseRedirect(reverse("jobs:progress", args=[job.pk]))
                content = upload.read()
                try:
                    result = payments_import(
                        name=upload.name, content=content, by=request.user, dry_run=True
                    )
                except ValidationError as exc:
                    form.add_error("file", exc)
                else:
                    if result.ok:
                        token = _store_upload(request, upload.name, content)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Impor berkas pembayaran"),
            "form": form,
            "result": result,
            "token": token,
            "labels": STATUS_LABELS,
        }
        return TemplateResponse(request, "admin/enrollment/payment/import.html", context)


def _upload_dir(request) -> str:
    return f"payment_imports/{request.user.pk}"


def _store_upload(request, name: str, content: bytes) -> str:
    """Keep the previewed file (private, per user, on the shared storage: the confirmation
    may reach another web machine) until it is confirmed; return its token."""
    token = uuid.uuid4().hex
    default_storage.save(
        f"{_upload_dir(request)}/{token}-{short_file_name(name)}", ContentFile(content)
    )
    return token


def _stored_upload(request, token: str) -> tuple[str, bytes] | None:
    """The file name and content kept under `token` for this user, or None."""
    if not token.isalnum():
        return None
    try:
        _folders, files = default_storage.listdir(_upload_dir(request))
    except FileNotFoundError:
        return None
    kept = next((name for name in files if name.startswith(f"{token}-")), None)
    if kept is None:
        return None
    with default_storage.open(f"{_upload_dir(request)}/{kept}", "rb") as handle:
        return kept.split("-", 1)[1], handle.read()
