from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bpjs_tracker.admin import (
    ScopedModelAdmin,
    ScopedTabularInline,
    autocomplete_source,
    regency_filter,
)
from regencies.models import (
    BranchAssignment,
    BranchOffice,
    CoverageTarget,
    District,
    Province,
    Regency,
    Village,
    WorkUnit,
)


@admin.register(Province)
class ProvinceAdmin(ScopedModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Regency)
class RegencyAdmin(ScopedModelAdmin):
    list_display = ("code", "name", "kind", "district_count")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    autocomplete_fields = ("province",)
    ordering = ("code",)  # the user form's autocomplete pages through it

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(district_count=Count("districts"))

    @admin.display(description=_("kecamatan"), ordering="district_count")
    def district_count(self, obj):
        return obj.district_count


@admin.register(District)
class DistrictAdmin(ScopedModelAdmin):
    list_display = ("code", "name", "regency")
    list_filter = (regency_filter("regency"),)
    list_select_related = ("regency",)
    search_fields = ("code", "name")
    autocomplete_fields = ("regency",)


@admin.register(Village)
class VillageAdmin(ScopedModelAdmin):
    list_display = ("code", "name", "kind", "district", "regency")
    list_filter = (regency_filter("district__regency"), "kind")
    list_select_related = ("district__regency",)
    search_fields = ("code", "name")
    autocomplete_fields = ("district",)

    @admin.display(description=_("kabupaten/kota"), ordering="district__regency__code")
    def regency(self, obj):
        return obj.district.regency


class BranchAssignmentInline(ScopedTabularInline):
    model = BranchAssignment
    extra = 0
    fields = ("regency", "valid_from", "valid_to", "certainty", "source")
    autocomplete_fields = ("regency",)


@admin.register(BranchOffice)
class BranchOfficeAdmin(ScopedModelAdmin):
    list_display = ("short_name", "name", "level", "parent", "certainty")
    list_filter = ("level", "certainty")
    list_select_related = ("parent",)
    search_fields = ("name", "short_name", "code")
    autocomplete_fields = ("parent", "village")
    inlines = [BranchAssignmentInline]


@admin.register(BranchAssignment)
class BranchAssignmentAdmin(ScopedModelAdmin):
    list_display = ("regency", "branch_office", "valid_from", "valid_to", "certainty")
    list_filter = (regency_filter("regency"), "branch_office", "certainty")
    list_select_related = ("regency", "branch_office")
    search_fields = ("regency__code", "regency__name", "branch_office__name")
    autocomplete_fields = ("regency", "branch_office")


@admin.register(WorkUnit)
class WorkUnitAdmin(ScopedModelAdmin):
    list_display = (
        "code",
        "name",
        "kind",
        "regency",
        "npp",
        "jkk_risk_class",
        "expected_workers",
        "is_active",
    )
    list_filter = (regency_filter("regency"), "kind", "jkk_risk_class", "is_active")
    list_select_related = ("regency",)
    search_fields = ("code", "name", "npp")
    autocomplete_fields = ("regency", "village")
    readonly_fields = ("bpu_state",)
    # Choosers whose unit is for new work list active units only (an upload form refuses others).
    active_only_for = {("enrollment", "roster", "unit")}

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if autocomplete_source(request) in self.active_only_for:
            queryset = queryset.filter(is_active=True)
        return queryset, may_have_duplicates

    @admin.display(description=_("status peserta BPU hari ini"))
    def bpu_state(self, obj):
        """BPU lapse through arrears, derived by enrollment's billing (never stored on the unit)."""
        if not obj or not obj.pk:
            return "—"
        from enrollment.billing.lapse import unit_bpu_state  # enrollment builds on regencies

        return unit_bpu_state(obj.pk, timezone.localdate())


@admin.register(CoverageTarget)
class CoverageTargetAdmin(ScopedModelAdmin):
    list_display = ("regency", "year", "segment", "target", "source")
    list_filter = (regency_filter("regency"), "year", "segment")
    list_select_related = ("regency",)
    search_fields = ("regency__code", "regency__name", "source")
    autocomplete_fields = ("regency",)
