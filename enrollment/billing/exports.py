"""The budget forecast as an .xlsx for the budgeting meeting (Sekda, Bappeda, finance office)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from bpjs_tracker.files import neutralise_sheet
from enrollment.billing import arithmetic as billing
from enrollment.billing.selectors import BudgetForecast
from enrollment.models import FactCertainty

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
