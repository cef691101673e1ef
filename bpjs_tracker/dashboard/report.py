"""The coverage table as the `coverage_report` contract's JSON, and as plain rows for files.

DESIGN.md "Interfaces": {"period", "rows": [{"regency", "name", "target", "covered",
"coverage_pct", "units", "units_verified", "units_paid_full_year", "arrears",
"claims_open", "claims_paid"}], "total": {the same keys without regency and name}}.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from bpjs_tracker.dashboard.selectors import CoverageRow, CoverageTable

CONTRACT_KEYS = (
    "target",
    "covered",
    "coverage_pct",
    "units",
    "units_verified",
    "units_paid_full_year",
    "arrears",
    "claims_open",
    "claims_paid",
)


def contract_row(row: CoverageRow) -> dict:
    return {key: getattr(row, key) for key in CONTRACT_KEYS}


def contract_payload(table: CoverageTable) -> dict:
    return {
        "period": f"{table.period:%Y-%m}",
        "rows": [{"regency": r.code, "name": r.name, **contract_row(r)} for r in table.rows],
        "total": contract_row(table.total),
    }


def table_columns() -> list[tuple[str, str]]:
    """(attribute, Indonesian header) of the dashboard table, in the order shown and exported."""
    return [
        ("code", _("Kode")),
        ("name", _("Nama")),
        ("target", _("Target")),
        ("covered", _("Terlindungi")),
        ("coverage_pct", _("Cakupan (%)")),
        ("units", _("Unit")),
        ("units_verified", _("Roster terverifikasi")),
        ("units_submitted", _("Roster diajukan")),
        ("units_returned", _("Roster dikembalikan")),
        ("units_missing", _("Roster belum ada")),
        ("paid_on_time_pct", _("Tagihan dibayar tepat waktu (%)")),
        ("units_paid_full_year", _("Unit lunas 12 bulan")),
        ("arrears", _("Tunggakan (Rp)")),
        ("units_in_arrears", _("Unit menunggak")),
        ("bpu_inactive", _("BPU nonaktif karena tunggakan")),
        ("double_enrolments", _("Kepesertaan ganda")),
        ("claims_open", _("Klaim terbuka")),
        ("claims_paid", _("Klaim dibayar")),
        ("claims_late", _("Klaim terlambat")),
        ("agreement", _("Perjanjian")),
        ("has_perda", _("Perda")),
    ]


def agreement_label(value: str) -> str:
    return {
        "in_force": _("berlaku"),
        "expiring": _("berakhir ≤ 90 hari"),
        "none": _("tidak ada"),
    }.get(value, value)


def plain_rows(table: CoverageTable) -> tuple[list[str], list[list]]:
    """Headers and values (numbers stay numbers) of the table and its total line."""
    columns = table_columns()
    out = []
    for row in [*table.rows, table.total]:
        values = []
        for attr, _header in columns:
            value = getattr(row, attr)
            if attr == "agreement":
                value = "" if row.level == "total" else agreement_label(value)
            elif attr == "has_perda":
                value = "" if row.level == "total" else (_("ada") if value else _("tidak"))
            elif attr == "name" and row.level == "total":
                value = _("Jumlah")
            values.append(value)
        out.append(values)
    return [header for _attr, header in columns], out
