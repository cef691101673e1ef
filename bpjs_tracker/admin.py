"""ScopedModelAdmin: the one base every admin class uses, plus the user admin."""

import json

from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from rest_framework.authtoken.models import TokenProxy
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
    # A filtered list says "12 hasil (Tampilkan semua)", not "12 hasil (36.000 total)": the
    # total is a second COUNT over the user's whole scope on every page (10-80 ms of database
    # time at a province's scale), shown only beside a filter or search.
    show_full_result_count = False
    # Foreign keys to reference data anyone may pick although it lies outside their scope
    # (an agreement is signed with whichever office signs it).
    unscoped_choice_fields: tuple[str, ...] = ()

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def action_checkbox(self, obj):
        """Django's row checkbox, the same HTML written directly: Django renders a
        CheckboxInput through the template engine for every row, about a fifth of a
        changelist's CPU (`tests/test_action_checkbox.py` compares the two)."""
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.admin_request = request  # a class of its own per call (modelform_factory)
        return form

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _scope_choices(self, db_field, request, kwargs):
        if "queryset" in kwargs or db_field.name in getattr(self, "unscoped_choice_fields", ()):
            return
        related = db_field.remote_field.model._default_manager.all()
        if isinstance(related, ScopedQuerySet):
            kwargs["queryset"] = related.visible_to(request.user)


def autocomplete_source(request) -> tuple[str, str, str] | None:
    """(app label, model, field) of the form field an admin autocomplete request fills.

    None for any other request. Lets a target admin narrow what one chooser offers
    (its queryset is already scoped to the user).
    """
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name != "autocomplete":
        return None
    return tuple(request.GET.get(key, "") for key in ("app_label", "model_name", "field_name"))


_linked_readonly_field = helpers.AdminReadonlyField.get_admin_url


def _link_only_when_viewable(self, remote_field, remote_obj):
    """A read-only foreign key links to its page only when the viewer may open that page.

    Django's admin links every read-only foreign key to the target's change page; a
    treasurer following "diunggah oleh" to the users' page met a bare 403. The target
    must be registered, viewable by the user's role and within their scope; otherwise
    the object is shown as plain text. The request comes with the form
    (`ScopedModelAdmin.get_form`, `ScopedInlineMixin.get_formset`); without it, text.
    """
    request = getattr(self.form, "admin_request", None)
    site = self.model_admin.admin_site
    model = remote_field.model
    if request is None or not site.is_registered(model):
        return str(remote_obj)
    if not _viewable(request, site.get_model_admin(model), remote_obj):
        return str(remote_obj)
    return _linked_readonly_field(self, remote_field, remote_obj)


def _viewable(request, target, obj) -> bool:
    """May the user open `obj`'s page? Answered once per object and request (inline rows
    often point at the same bill or payment)."""
    answers = request.__dict__.setdefault("_viewable_links", {})
    key = (type(obj), obj.pk)
    if key not in answers:
        answers[key] = (
            target.has_view_permission(request, obj)
            and target.get_queryset(request).filter(pk=obj.pk).exists()
        )
    return answers[key]


helpers.AdminReadonlyField.get_admin_url = _link_only_when_viewable


class PlainHistoryMixin:
    """For models without django-simple-history: the admin's own (LogEntry) history page."""

    object_history_template = None

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return admin.ModelAdmin.history_view(self, request, object_id, extra_context)


class EstimatedCountPaginator(Paginator):
    """The planner's row estimate instead of COUNT(*) for a list of twenty thousand rows or more.

    Counting a province's roster entries or memberships reads the whole table (0.1-0.3 s at
    1-2 million rows), and a Sekda's or a branch office's memberships 100,000-500,000 rows
    through their units (80-250 ms), on every page of an admin list; counting costs about
    0.8 ms per thousand rows, so from 20,000 rows on the count outweighs the page. On PostgreSQL, an
    unfiltered list takes the table's own estimate (`pg_class.reltuples`, kept by ANALYZE and
    autovacuum) and a filtered or scoped one the planner's estimate of the rows it will
    return (`EXPLAIN`, no rows read); when that is at least ESTIMATE_FROM the page count
    comes from it and the list says "sekitar" (`estimated`). Smaller lists and SQLite count
    exactly."""

    ESTIMATE_FROM = 20_000
    estimated = False

    @cached_property
    def count(self):
        queryset = self.object_list
        if isinstance(queryset, QuerySet) and connections[queryset.db].vendor == "postgresql":
            estimate = _planner_rows(queryset)
            if estimate is not None and estimate >= self.ESTIMATE_FROM:
                self.estimated = True
                return estimate
        return super().count


def _planner_rows(queryset) -> int | None:
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        if not queryset.query.where:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [connection.ops.quote_name(queryset.model._meta.db_table)],
            )
            row = cursor.fetchone()
            return row[0] if row else None
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def digit_prefix_range(prefix: str) -> tuple[str, str | None]:
    """[lower, upper) bounds of the digit strings that start with `prefix` (upper None: no bound).

    "7471" → ("7471", "7472"); "7479" → ("7479", "748"); "999" → ("999", None).
    """
    stem = prefix.rstrip("9")
    if not stem:
        return prefix, None
    return prefix, stem[:-1] + str(int(stem[-1]) + 1)


class NikSearchMixin:
    """A search term of digits is a NIK or its first digits, looked up through the NIK's unique index.

    Django's admin search builds ``UPPER(field) LIKE UPPER('%term%')`` over every
    search field, which no index serves (5.4 s over a province's roster entries).
    NIKs are digits, so a digit term becomes ``nik = term`` (16 digits) or the range
    ``term <= nik < next prefix`` (fewer), which the unique btree index answers in any
    collation, case-sensitive and without a pattern index. Where the admin names a
    `kpj_search_field`, a term of 10–15 digits that is a KPJ finds that KPJ (exact, indexed)
    and is otherwise a NIK's first digits. Other terms search `search_fields` as usual
    (the NIK field is not among them).
    """

    nik_search_field = "nik"
    kpj_search_field: str | None = None

    @staticmethod
    def _digit_term(request) -> str | None:
        term = "".join(request.GET.get("q", "").split())
        return term if term.isascii() and term.isdigit() else None

    def get_ordering(self, request):
        """By NIK while a NIK is searched: the database then walks the NIK index to the
        few matches, instead of the whole table in its usual order looking for them."""
        ordering = super().get_ordering(request)
        if self._digit_term(request) and self.nik_search_field != "nik":
            return (self.nik_search_field, *ordering)
        return ordering

    def get_search_results(self, request, queryset, search_term):
        term = "".join(search_term.split())
        if not (term.isascii() and term.isdigit()):
            return self._related_search(request, queryset, search_term)
        if len(term) >= 16:
            return queryset.filter(**{self.nik_search_field: term}), False
        if self.kpj_search_field and 10 <= len(term) <= 15:
            by_kpj = queryset.filter(**{self.kpj_search_field: term})
            if by_kpj.exists():
                return by_kpj, False
        lower, upper = digit_prefix_range(term)
        found = Q(**{f"{self.nik_search_field}__gte": lower})
        if upper is not None:
            found &= Q(**{f"{self.nik_search_field}__lt": upper})
        return queryset.filter(found), False

    def _related_search(self, request, queryset, search_term):
        """Django's search (every word in some search field, `icontains`), each related table
        searched on its own so that its index serves it.

        Django joins the related tables and tests ``UPPER(worker.name) LIKE '%…%' OR
        UPPER(unit.code) LIKE '%…%'`` on every joined row: no index serves an OR across
        tables (7.8 s over a province's roster entries). Here each first hop of the search
        fields becomes ``worker_id IN (SELECT id FROM worker WHERE UPPER(name) LIKE …)``,
        which the trigram index on ``UPPER(name)`` serves on PostgreSQL (migration
        enrollment 0015). With fields over several relations, the rows found are exactly
        Django's: those where one relation matches every word, plus, for rows where the
        words match in different relations, the rows where a relation other than the first
        matches a word and the whole condition holds (a union of index-served parts).
        """
        fields = list(self.get_search_fields(request) or ())
        words = [
            unescape_string_literal(bit) if bit[:1] in "\"'" and bit[-1:] == bit[:1] else bit
            for bit in smart_split(search_term)
        ]
        words = [w for w in words if w]
        if not fields or not words or any(f.startswith(("^", "=", "@")) for f in fields):
            return super().get_search_results(request, queryset, search_term)
        groups: dict[str, list[str]] = {}
        for field in fields:
            hop, _sep, rest = field.partition("__")
            model_field = self.model._meta.get_field(hop)
            if rest and model_field.many_to_one:
                groups.setdefault(hop, []).append(rest)
            else:
                groups.setdefault("", []).append(field)  # a column of this table

        def matches(hop: str, paths: list[str], *, every: bool) -> Q:
            """Rows whose `hop` relation (or own columns) match every word (or some word)."""
            found = Q() if every else Q(pk__in=[])
            for word in words:
                either = Q(pk__in=[])
                for path in paths:
                    either |= Q(**{f"{path}__icontains": word})
                found = (found & either) if every else (found | either)
            if not hop:
                return found
            related = self.model._meta.get_field(hop).related_model
            return Q(**{f"{hop}__in": related._base_manager.filter(found).values("pk")})

        if len(groups) == 1:
            ((hop, paths),) = groups.items()
            return queryset.filter(matches(hop, paths, every=True)), False
        everything = Q()
        for word in words:
            either = Q(pk__in=[])
            for field in fields:
                either |= Q(**{f"{field}__icontains": word})
            everything &= either
        base = self.model._base_manager.order_by()
        first, *others = groups
        parts = [base.filter(matches(hop, groups[hop], every=True)) for hop in groups]
        if len(words) > 1:  # words matched in different relations (one word: a part above)
            parts += [
                base.filter(matches(hop, groups[hop], every=False)).filter(everything)
                for hop in others
            ]
        pks = parts[0].values("pk").union(*(p.values("pk") for p in parts[1:]))
        return queryset.filter(pk__in=pks), False


class ScopedInlineMixin:
    """Inline rows and their choices go through visible_to(user) too."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.admin_request = request  # a class of its own per call (modelform_factory)
        return formset

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
    list_display = ("username", "full_name", "role", "regency", "branch_office", "is_active")
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

    @admin.display(description=_("nama lengkap"), ordering="first_name")
    def full_name(self, obj):
        return obj.get_full_name()


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

# API tokens are issued by `manage.py api_token USERNAME` (docs/api.md), not listed in the
# admin: DRF's token admin is not scoped and would show every user's key.
admin.site.unregister(TokenProxy)
