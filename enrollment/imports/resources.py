"""django-import-export resources for the admin's exports (entries, memberships, monthly changes).

Exports go through these (the admin's ExportMixin, already scoped by
`visible_to`). Imports do not: the roster import is the set-based service in
``enrollment.services.rosters`` because the library's row-by-row path runs at
about 435 rows/s on PostgreSQL (DESIGN.md) against a target of 100,000 rows in
five seconds.
"""

from import_export import fields, resources

from bpjs_tracker.files import neutralise
from enrollment.models import Membership, RosterEntry
from regencies.models import Segment

# The contract's spellings of the categories (the file format), by stored value.
SEGMENT_IN_FILE = {
    Segment.NON_ASN: "non_asn",
    Segment.VILLAGE_OFFICIAL: "perangkat_desa",
    Segment.VULNERABLE: "pekerja_rentan",
}


class FormulaSafeExport:
    """Every exported value goes through `bpjs_tracker.files.neutralise` (csv and xlsx alike)."""

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))


class RosterEntryResource(FormulaSafeExport, resources.ModelResource):
    """Roster rows with the contract's column names, plus the unit and month they belong to."""

    unit = fields.Field(attribute="roster__unit__code", column_name="Unit")
    period = fields.Field(attribute="roster__period", column_name="Periode")
    nik = fields.Field(attribute="worker__nik", column_name="NIK")
    name = fields.Field(attribute="worker__name", column_name="Nama")
    birth_date = fields.Field(attribute="worker__birth_date", column_name="Tanggal Lahir")
    sex = fields.Field(attribute="worker__sex", column_name="Jenis Kelamin")
    position = fields.Field(attribute="position", column_name="Jabatan")
    segment = fields.Field(attribute="segment", column_name="Kategori")
    wage = fields.Field(attribute="wage", column_name="Upah")
    start_date = fields.Field(attribute="start_date", column_name="TMT")
    kpj = fields.Field(attribute="kpj", column_name="KPJ")

    class Meta:
        model = RosterEntry
        fields = (
            "unit", "period", "nik", "name", "birth_date", "sex", "position", "segment",
            "wage", "start_date", "kpj",
        )  # fmt: skip
        export_order = fields

    def dehydrate_segment(self, entry):
        return SEGMENT_IN_FILE.get(entry.segment, entry.segment)

    def dehydrate_period(self, entry):
        return f"{entry.roster.period:%Y-%m}"

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("roster__unit", "worker")


class MembershipResource(FormulaSafeExport, resources.ModelResource):
    nik = fields.Field(attribute="worker__nik", column_name="NIK")
    name = fields.Field(attribute="worker__name", column_name="Nama")
    programme = fields.Field(attribute="programme", column_name="Program")
    unit = fields.Field(attribute="unit__code", column_name="Unit")
    kpj = fields.Field(attribute="kpj", column_name="KPJ")
    start = fields.Field(attribute="start", column_name="Mulai")
    end = fields.Field(attribute="end", column_name="Berakhir")

    class Meta:
        model = Membership
        fields = ("nik", "name", "programme", "unit", "kpj", "start", "end")
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("worker", "unit")


class RosterChangeResource(FormulaSafeExport, resources.Resource):
    """One line of a roster's monthly changes (enrollment.selectors.Mutation)."""

    kind = fields.Field(attribute="kind_label", column_name="Mutasi")
    nik = fields.Field(attribute="nik", column_name="NIK")
    name = fields.Field(attribute="name", column_name="Nama")
    position = fields.Field(attribute="position", column_name="Jabatan")
    wage = fields.Field(attribute="wage", column_name="Upah")
    old_wage = fields.Field(attribute="old_wage", column_name="Upah sebelumnya")
    description = fields.Field(attribute="description", column_name="Perubahan")

    class Meta:
        fields = ("kind", "nik", "name", "position", "wage", "old_wage", "description")
        export_order = fields
