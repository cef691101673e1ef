"""Workbooks for download: the budget forecast (for the budgeting meeting: Sekda, Bappeda,
finance office) and one bill with its lines (for the treasurer's payment order)."""

import io
from copy import copy

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from bpjs_tracker.files import neutralise_sheet, safe_row
from enrollment.billing import arithmetic as billing
from enrollment.billing.selectors import BillStatement, BudgetForecast
from enrollment.models import BillLine, ContributionRate, FactCertainty, month_name

MONEY = '"Rp "#,##0'
BOLD = Font(bold=True)


def _table(sheet, header: list[str], rows: list[list], money_from: int) -> None:
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row][money_from:]:
            if isinstance(cell.value, int):
                cell.number_format = MONEY


def forecast_workbook(forecast: BudgetForecast) -> bytes:
    """Three sheets: summary per regency with the assumptions, one row per unit, the rates used."""
    book = Workbook()
    summary = book.active
    summary.title = _("Ringkasan")
    summary.append([_("Proyeksi iuran JKK/JKM tahun anggaran %(year)s") % {"year": forecast.year}])
    summary["A1"].font = Font(bold=True, size=14)
    for label, value in [
        (_("Roster terverifikasi terakhir sampai"), forecast.as_of.isoformat()),
        (_("Pertumbuhan jumlah pekerja (%)"), float(forecast.growth_percent)),
        (_("Perubahan upah (%)"), float(forecast.wage_change_percent)),
        (_("Pembulatan"), str(billing.ROUNDING_RULE)),
        (_("Dibuat"), timezone.localtime().strftime("%Y-%m-%d %H:%M WITA")),
    ]:
        summary.append([label, value])
    if forecast.unconfirmed_rates:
        summary.append(
            [_("Perhatian"), _("Sebagian tarif belum terkonfirmasi; lihat lembar Tarif.")]
        )
    summary.append([])
    header = [
        _("Kabupaten/kota"),
        _("Unit"),
        _("Pekerja"),
        _("Iuran sebulan"),
        _("APBD"),
        _("APBDes"),
        _("Potongan pekerja"),
        _("Jumlah setahun"),
    ]
    rows = [
        [
            str(r.regency),
            len(r.units),
            r.workers,
            r.monthly,
            r.apbd,
            r.apbdes,
            r.worker_deduction,
            r.annual,
        ]
        for r in forecast.regencies
    ]
    rows.append(
        [
            _("Jumlah"),
            sum(len(r.units) for r in forecast.regencies),
            sum(r.workers for r in forecast.regencies),
            sum(r.monthly for r in forecast.regencies),
            sum(r.apbd for r in forecast.regencies),
            sum(r.apbdes for r in forecast.regencies),
            sum(r.worker_deduction for r in forecast.regencies),
            forecast.annual,
        ]
    )
    _table(summary, header, rows, money_from=3)

    units = book.create_sheet(_("Per unit"))
    _table(
        units,
        [
            _("Kabupaten/kota"),
            _("Kode unit"),
            _("Nama unit"),
            _("Penanggung"),
            _("Roster bulan"),
            _("Pekerja"),
            _("Iuran sebulan"),
            _("APBD"),
            _("APBDes"),
            _("Potongan pekerja"),
            _("Jumlah setahun"),
        ],
        [
            [
                r.regency.code,
                u.unit.code,
                u.unit.name,
                u.payer.upper(),
                f"{u.roster_period:%Y-%m}",
                u.workers,
                u.monthly,
                u.apbd,
                u.apbdes,
                u.worker_deduction,
                u.annual,
            ]
            for r in forecast.regencies
            for u in r.units
        ],
        money_from=6,
    )

    rates = book.create_sheet(_("Tarif"))
    _table(
        rates,
        [
            _("Program"),
            _("Jenis peserta"),
            _("Kelas risiko"),
            _("Tarif"),
            _("Berlaku sejak"),
            _("Berlaku sampai"),
            _("Dasar hukum"),
            _("Kepastian"),
        ],
        [
            [
                r.programme,
                r.get_basis_display(),
                r.get_risk_class_display() or _("semua"),
                r.describe(),
                r.effective_from.isoformat(),
                r.effective_to.isoformat() if r.effective_to else "",
                r.legal_basis,
                str(FactCertainty(r.certainty).label),
            ]
            for r in forecast.rates
        ],
        money_from=99,
    )
    for sheet in book.worksheets:
        neutralise_sheet(sheet)  # a unit name is editable: "=…" stays text
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


LINE_CHUNK = 2_000


class _MoneyCells:
    """Money cells for a write-only sheet, sharing one style (set once, not per cell)."""

    def __init__(self, sheet):
        from openpyxl.cell import WriteOnlyCell

        self._cell = WriteOnlyCell
        self._sheet = sheet
        template = WriteOnlyCell(sheet)
        template.number_format = MONEY
        self._style = template._style

    def __call__(self, value):
        cell = self._cell(self._sheet, value=value)
        cell._style = copy(self._style)
        return cell


def bill_workbook(statement: BillStatement, programmes: list[tuple[str, int, int]]) -> bytes:
    """One bill as an .xlsx: a summary sheet (parts, programmes, payments, fines, rounding)
    and one row per line. Written in write-only mode (a province's bill has 20,000 lines);
    every text goes through `safe_row`, so a value never becomes a formula."""
    bill = statement.bill
    book = Workbook(write_only=True)
    summary = book.create_sheet(_("Tagihan"))
    money = _MoneyCells(summary)
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 60
    title = _("Tagihan iuran JKK/JKM %(unit)s bulan %(period)s") % {
        "unit": bill.unit,
        "period": month_name(bill.period),
    }
    rows = [
        [title],
        [],
        [_("Kode unit"), bill.unit.code],
        [_("Nama unit"), bill.unit.name],
        [_("Bulan iuran"), f"{bill.period:%Y-%m}"],
        [_("Jatuh tempo"), bill.due_date.isoformat()],
        [_("Jumlah pekerja"), bill.worker_count],
        [_("Iuran"), money(bill.contribution_total)],
        [_("Penyesuaian"), money(bill.adjustment_total)],
        [_("Jumlah tagihan"), money(bill.total)],
        [_("Keringanan diberikan"), money(bill.relief_total)],
    ]
    for programme, amount, _relief in programmes:
        rows.append([_("Program %(programme)s") % {"programme": programme},
                     money(amount)])  # fmt: skip
    for part in statement.parts:
        rows.append(
            [
                _("Bagian %(basis)s (jatuh tempo %(due)s)")
                % {"basis": part.label, "due": part.due_date.isoformat()},
                money(part.total),
            ]
        )
    rows += [
        [_("Dibayar"), money(statement.paid)],
        [_("Belum dibayar"), money(statement.unpaid)],
        [_("Status"), statement.status_label],
        [_("Denda (terpisah)"), money(statement.fine)],
        [_("Pembulatan"), billing.rounding_rule_text(bill.rounding_rule)],
        [_("Keringanan"), bill.relief_note],
        [_("Dihitung"), timezone.localtime(bill.computed_at).strftime("%Y-%m-%d %H:%M WITA")],
    ]
    for row in rows:
        summary.append(safe_row(summary, row))

    lines = book.create_sheet(_("Baris"))
    header = [_("Jenis"), _("NIK"), _("Kategori"), _("Dasar upah")]
    for programme in billing.BILLED_PROGRAMMES:
        header += [_("Tarif %(p)s") % {"p": programme}, programme]
    header += [_("Keringanan"), _("Ditagih"), _("Menyesuaikan tagihan")]
    for letter, width in zip("ABCDEFGHIJK", (12, 19, 18, 14, 14, 12, 14, 12, 12, 12, 20), strict=False):
        lines.column_dimensions[letter].width = width
    lines.freeze_panes = "A2"
    lines.append(header)
    _line_rows(lines, bill)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _line_rows(sheet, bill) -> None:
    """One row a line; labels and rates looked up once (20,000 rows: per-row work counts)."""
    prefixes = [p.lower() for p in billing.BILLED_PROGRAMMES]
    fields = ["kind", "nik", "segment", "wage", "adjusts__unit__code", "adjusts__period"]
    for prefix in prefixes:
        fields += [f"{prefix}_rate_id", f"{prefix}_amount", f"{prefix}_relief"]
    fields.append("amount")
    rate_ids = set()
    for prefix in prefixes:
        rate_ids |= set(bill.lines.exclude(**{f"{prefix}_rate": None})
                        .values_list(f"{prefix}_rate_id", flat=True).distinct())  # fmt: skip
    rates = {r.pk: r.describe() for r in ContributionRate.objects.filter(pk__in=rate_ids)}
    kinds = {value: str(label) for value, label in BillLine.Kind.choices}
    segments = {value: str(label) for value, label in BillLine._meta.get_field("segment").choices}
    money = _MoneyCells(sheet)
    rows = bill.lines.order_by("kind", "nik", "pk").values_list(*fields)
    for row in rows.iterator(chunk_size=LINE_CHUNK):
        kind, nik, segment, wage, adjusts_unit, adjusts_period = row[:6]
        values = [kinds.get(kind, kind), nik, segments.get(segment, segment), money(wage)]
        relief = 0
        for index in range(len(prefixes)):
            rate_id, amount, part_relief = row[6 + 3 * index : 9 + 3 * index]
            values += [rates.get(rate_id), money(amount)]
            relief += part_relief
        values += [money(relief), money(row[-1]),
                   f"{adjusts_unit} {adjusts_period:%Y-%m}" if adjusts_unit else None]  # fmt: skip
        sheet.append(safe_row(sheet, values))
