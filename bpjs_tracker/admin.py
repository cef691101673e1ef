"""ScopedModelAdmin: the one base every admin class uses, plus the user admin."""

from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import BadRequest
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from bpjs_tracker.models import User
from bpjs_tracker.querysets import ScopedQuerySet
from bpjs_tracker.roles import scope_for


class ScopedModelAdmin(SimpleHistoryAdmin):
    """Every queryset, choice list and object fetch goes through `visible_to(user)`.

    An object outside the user's scope answers 404, exactly like one that does
    not exist (Django's admin would redirect with "perhaps it was deleted?").
    History (django-simple-history) is shown for objects in scope only.
    """

    list_per_page = 50
    # Foreign keys to reference data anyone may pick although it lies outside their scope
    # (an agreement is signed with whichever office signs it).
    unscoped_choice_fields: tuple[str, ...] = ()

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404(_("Data tidak ditemukan."))

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _require_in_scope(self, request, object_id):
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404(_("Data tidak ditemukan."))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _scope_choices(self, db_field, request, kwargs):
        if "queryset" in kwargs or db_field.name in getattr(self, "unscoped_choice_fields", ()):
            return
        related = db_field.remote_field.model._default_manager.all()
        if isinstance(related, ScopedQuerySet):
            kwargs["queryset"] = related.visible_to(request.user)


class ScopedInlineMixin:
    """Inline rows and their choices go through visible_to(user) too."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        ScopedModelAdmin._scope_choices(self, db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedTabularInline(ScopedInlineMixin, admin.TabularInline):
    pass


class ScopedStackedInline(ScopedInlineMixin, admin.StackedInline):
    pass


class RegencyListFilter(admin.SimpleListFilter):
    """Filter by regency, offering only the regencies the user may see."""

    title = _("kabupaten/kota")
    parameter_name = "regency"
    regency_path = "regency"

    def lookups(self, request, model_admin):
        from regencies.models import Regency

        return [
            (r.code, str(r)) for r in Regency.objects.visible_to(request.user).only("code", "name")
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.regency_path}__code": self.value()})
        return queryset


def regency_filter(path: str) -> type[RegencyListFilter]:
    """A RegencyListFilter for a model whose regency sits at `path`."""
    return type("RegencyListFilter", (RegencyListFilter,), {"regency_path": path})


@admin.register(User)
class BpjsUserAdmin(ScopedModelAdmin, UserAdmin):
    list_display = ("username", "get_full_name", "role", "regency", "branch_office", "is_active")
    list_filter = ("role", "is_active")
    list_select_related = ("regency", "branch_office")
    search_fields = ("username", "first_name", "last_name", "email")
    autocomplete_fields = ("regency", "branch_office", "work_units")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Data pribadi"), {"fields": ("first_name", "last_name", "email")}),
        (_("Peran dan cakupan"), {"fields": ("role", "regency", "branch_office", "work_units")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Waktu penting"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")


class ScopedExportMixin(ExportMixin):
    """django-import-export's export, scoped by the admin's queryset; a bad filter is a 400.

    The export builds the changelist from the URL's filters; an unknown one raised
    IncorrectLookupParameters, which the library leaves unhandled (a 500).
    """

    def get_export_queryset(self, request):
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters:
            raise BadRequest(_("Filter ekspor tidak dikenal.")) from None


@admin.register(AccessAttempt)
class LoginLockAdmin(ScopedModelAdmin):
    """Failed logins counted by django-axes; deleting a row unlocks that user name or address.

    Only the provincial administrator sees them (a login belongs to no regency yet).
    """

    list_display = ("username", "ip_address", "failures_since_start", "attempt_time")
    search_fields = ("username", "ip_address")
    readonly_fields = ("username", "ip_address", "user_agent", "failures_since_start",
                       "attempt_time", "path_info", "get_data", "post_data")  # fmt: skip
    actions = ["unlock_selected"]
    object_history_template = None  # no django-simple-history here: the admin's own log

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return admin.ModelAdmin.history_view(self, request, object_id, extra_context)

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        scope = scope_for(request.user)
        return queryset if scope is not None and scope.is_province else queryset.none()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Buka kunci masuk terpilih"), permissions=["delete"])
    def unlock_selected(self, request, queryset):
        count = queryset.count()
        queryset.delete()
        self.message_user(request, _("%(count)s kunci masuk dibuka.") % {"count": count})


# Role groups are synced from roles.ROLE_PERMISSIONS (`manage.py sync_roles`), not edited by hand.
admin.site.unregister(Group)
