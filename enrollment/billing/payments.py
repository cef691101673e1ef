"""Payments: record one against a unit's bills, or import a bank/BPJS file with reconciliation."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enrollment.imports import parsing
from enrollment.imports.bounds import MAX_PROBLEMS, FileRefused, ProblemBudget
from enrollment.imports.reading import declared_rows, read_table
from enrollment.models import Bill, Payment, PaymentAllocation
from enrollment.summary import summary_refresh
from regencies.models import WorkUnit

PROGRESS_EVERY = 5000  # rows between two progress reports while a file is checked


def _no_progress(**counts) -> None:
    """A `progress` that reports nothing (the request path)."""


REFERENCE_REQUIRED = gettext_lazy(
    "Referensi pembayaran wajib diisi (nomor referensi bank atau BPJS)."
)
AMOUNT_NOT_POSITIVE = gettext_lazy("Jumlah pembayaran harus bilangan bulat Rupiah lebih dari nol.")
PAID_IN_FUTURE = gettext_lazy("Tanggal bayar %(day)s belum terjadi.")
BILL_OF_OTHER_UNIT = gettext_lazy("Tagihan %(bill)s bukan milik unit %(unit)s.")
DUPLICATE_REFERENCE = gettext_lazy("Referensi %(reference)s sudah dicatat untuk unit %(unit)s.")


@dataclass
class PaymentResult:
    payment: Payment
    allocations: list[PaymentAllocation]

    @property
    def allocated(self) -> int:
        return sum(a.amount for a in self.allocations)

    @property
    def unallocated(self) -> int:
        """Paid beyond what the bills owed: a credit shown as overpaid."""
        return self.payment.amount - self.allocated


def _outstanding(bills: list[Bill]) -> list[tuple[Bill, int]]:
    return [(b, b.total - b.paid) for b in bills if b.total - b.paid > 0]


def payment_record(
    *,
    unit: WorkUnit,
    amount: int,
    paid_on: date,
    reference: str,
    by=None,
    bill: Bill | None = None,
    source: str = Payment.Source.MANUAL,
    source_file: str = "",
    note: str = "",
) -> PaymentResult:
    """Record a payment and allocate it to the named bill, or to the oldest unpaid bills first.

    What exceeds the bills' unpaid amounts stays unallocated (overpaid, a credit).
    The unit's bills are locked while allocating, so a recomputation cannot race it.
    """
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": REFERENCE_REQUIRED}, code="reference_required")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValidationError({"amount": AMOUNT_NOT_POSITIVE}, code="amount")
    if paid_on > timezone.localdate():
        raise ValidationError(
            {"paid_on": PAID_IN_FUTURE % {"day": paid_on.isoformat()}}, code="future"
        )
    if bill is not None and bill.unit_id != unit.pk:
        raise ValidationError(
            BILL_OF_OTHER_UNIT % {"bill": bill, "unit": unit.code}, code="bill_of_other_unit"
        )
    with transaction.atomic():
        payment = Payment(
            unit=unit,
            amount=amount,
            paid_on=paid_on,
            reference=reference,
            source=source,
            source_file=source_file,
            note=note,
            recorded_by=by if getattr(by, "pk", None) else None,
        )
        if Payment.objects.filter(unit=unit, reference=reference).exists():
            raise ValidationError(
                {"reference": DUPLICATE_REFERENCE % {"reference": reference, "unit": unit.code}},
                code="duplicate_reference",
            )
        payment.full_clean()
        payment.save()
        candidates = Bill.objects.filter(unit=unit)
        if bill is not None:
            candidates = candidates.filter(pk=bill.pk)
        list(candidates.select_for_update().values_list("pk", flat=True))  # lock first
        bills = list(candidates.with_paid().order_by("period"))
        allocations, remaining = [], amount
        for target, owed in _outstanding(bills):
            if remaining <= 0:
                break
            part = min(owed, remaining)
            allocations.append(PaymentAllocation(payment=payment, bill=target, amount=part))
            remaining -= part
        PaymentAllocation.objects.bulk_create(allocations)
        # The dashboard's summary: bills paid and arrears from the earliest month touched.
        since = min([paid_on.replace(day=1)] + [a.bill.period for a in allocations])
        summary_refresh(unit_ids=[unit.pk], since=since, coverage=False)
    return PaymentResult(payment, allocations)


# --- import ---------------------------------------------------------------------------

HEADERS = {
    "unit": ("kode unit", "kode_unit", "unit", "unit_code", "kode"),
    "npp": ("npp",),
    "period": ("periode", "period", "bulan iuran", "bulan", "month"),
    "amount": ("jumlah", "amount", "nominal", "jumlah bayar"),
    "paid_on": ("tanggal bayar", "tanggal", "paid_on", "date", "tgl bayar"),
    "reference": ("referensi", "reference", "no referensi", "no. referensi", "ref"),
}
HEADER_LABELS = {
    "unit": "Kode Unit",
    "npp": "NPP",
    "period": "Periode",
    "amount": "Jumlah",
    "paid_on": "Tanggal Bayar",
    "reference": "Referensi",
}


class Status:
    MATCHED = "matched"
    UNDERPAID = "underpaid"
    OVERPAID = "overpaid"
    UNMATCHED = "unmatched"
    DUPLICATE = "duplicate"


STATUS_LABELS = {
    Status.MATCHED: gettext_lazy("cocok"),
    Status.UNDERPAID: gettext_lazy("kurang bayar"),
    Status.OVERPAID: gettext_lazy("lebih bayar"),
    Status.UNMATCHED: gettext_lazy("tidak cocok"),
    Status.DUPLICATE: gettext_lazy("sudah dicatat"),
}


@dataclass
class Problem:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self):
        return f"{self.sheet}!{self.row}:{self.column}: {self.message}"


@dataclass
class ImportRow:
    row: int
    unit_code: str
    period: date | None
    amount: int
    paid_on: date
    reference: str
    status: str = ""
    owed: int | None = None
    message: str = ""
    unit: WorkUnit | None = None
    bill: Bill | None = None

    @property
    def difference(self) -> int | None:
        return None if self.owed is None else self.amount - self.owed


@dataclass
class PaymentImportResult:
    file_name: str
    dry_run: bool
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    saved: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and not self.counts.get(Status.UNMATCHED)

    @property
    def counts(self) -> Counter:
        return Counter(r.status for r in self.rows)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_table(name: str, content: bytes) -> tuple[str, list[list]]:
    """(sheet name, rows) of the first sheet of an .xlsx or of a .csv (comma or semicolon).

    Read by the roster reader, within the same limits (enrollment.imports.bounds).
    """
    if Path(name).suffix.lower() not in {".csv", ".xlsx"}:
        raise FileRefused(_("Berkas %(name)s harus .csv atau .xlsx.") % {"name": name})
    return read_table(content, filename=name)


def _parse_amount(value) -> int:
    """Whole Rupiah above zero, read by the roster parser's rule (2500000, 2.500.000, Rp …)."""
    try:
        number = parsing.parse_wage(value)
    except ValidationError:
        raise ValueError(
            _("jumlah '%(v)s' tidak sah: tulis Rupiah bulat, misalnya 1500000 atau Rp 1.500.000")
            % {"v": _cell_text(value)}
        ) from None
    if number <= 0:
        raise ValueError(_("jumlah harus lebih dari nol"))
    return number


def _parse_day(value) -> date:
    """A date cell or DD-MM-YYYY, DD/MM/YYYY, YYYY-MM-DD, read by the roster parser's rule."""
    try:
        return parsing.parse_date(value)
    except ValidationError:
        raise ValueError(
            _("tanggal '%(v)s' tidak sah: gunakan DD-MM-YYYY, DD/MM/YYYY atau YYYY-MM-DD")
            % {"v": _cell_text(value)}
        ) from None


def _parse_period(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime | date):
        return date(value.year, value.month, 1)
    text = _cell_text(value)
    match = re.match(r"^(\d{4})-(\d{2})$", text) or re.match(r"^(\d{2})[-/](\d{4})$", text)
    if not match:
        raise ValueError(_("periode '%(v)s' tidak sah: gunakan YYYY-MM") % {"v": text})
    year, month = (
        (int(match[1]), int(match[2])) if len(match[1]) == 4 else (int(match[2]), int(match[1]))
    )
    if not 1 <= month <= 12:
        raise ValueError(_("periode '%(v)s' tidak sah: bulan 01-12") % {"v": text})
    if not 1900 <= year <= 9999:  # date() would raise an English message for year 0
        raise ValueError(_("periode '%(v)s' tidak sah: gunakan YYYY-MM") % {"v": text})
    return date(year, month, 1)


def _parse_rows(
    sheet: str, table: list[list], result: PaymentImportResult, *, progress=_no_progress
) -> list[ImportRow]:
    if not table:
        result.problems.append(Problem(sheet, 1, "-", _("berkas kosong")))
        return []
    header = [_cell_text(h).lower() for h in table[0]]
    columns = {}
    for key, aliases in HEADERS.items():
        for index, name in enumerate(header):
            if name in aliases:
                columns[key] = index
                break
    missing = [k for k in ("amount", "paid_on", "reference") if k not in columns]
    if "unit" not in columns and "npp" not in columns:
        missing.insert(0, "unit")
    for key in missing:
        result.problems.append(
            Problem(
                sheet, 1, HEADER_LABELS[key], _("kolom %(c)s tidak ada") % {"c": HEADER_LABELS[key]}
            )
        )
    if missing:
        return []
    parsed = []
    for number, raw in enumerate(table[1:], start=2):
        if number % PROGRESS_EVERY == 1:
            progress(checked=number - 1)
        if len(result.problems) >= MAX_PROBLEMS:
            del result.problems[MAX_PROBLEMS:]
            result.problems.append(Problem(sheet, number, "-", ProblemBudget().message(number)))
            break
        if not any(_cell_text(v) for v in raw):
            continue

        def cell(key, raw=raw):
            index = columns.get(key)
            return raw[index] if index is not None and index < len(raw) else None

        values, bad = {}, False
        for key, parse in (
            ("amount", _parse_amount),
            ("paid_on", _parse_day),
            ("period", _parse_period),
        ):
            try:
                values[key] = parse(cell(key))
            except ValueError as exc:
                result.problems.append(Problem(sheet, number, HEADER_LABELS[key], str(exc)))
                bad = True
        reference = _cell_text(cell("reference"))
        if not reference:
            result.problems.append(Problem(sheet, number, "Referensi", _("referensi kosong")))
            bad = True
        code = _cell_text(cell("unit")) or _cell_text(cell("npp"))
        if not code:
            result.problems.append(Problem(sheet, number, "Kode Unit", _("kode unit/NPP kosong")))
            bad = True
        if not bad and values["paid_on"] > timezone.localdate():
            result.problems.append(
                Problem(
                    sheet,
                    number,
                    "Tanggal Bayar",
                    PAID_IN_FUTURE % {"day": values["paid_on"].isoformat()},
                )
            )
            bad = True
        if not bad:
            parsed.append(
                ImportRow(
                    number, code, values["period"], values["amount"], values["paid_on"], reference
                )
            )
    seen: dict[tuple[str, str], int] = {}
    for row in parsed:
        key = (row.unit_code, row.reference)
        if key in seen:
            result.problems.append(
                Problem(
                    sheet,
                    row.row,
                    "Referensi",
                    _("referensi %(r)s untuk %(u)s sudah ada di baris %(other)s")
                    % {"r": row.reference, "u": row.unit_code, "other": seen[key]},
                )
            )
        seen.setdefault(key, row.row)
    return parsed


def _reconcile(rows: list[ImportRow], units_qs) -> None:
    """Match each row to a unit (code or NPP) and bill, and compare with what is owed."""
    codes = {r.unit_code for r in rows}
    units = {u.code: u for u in units_qs.filter(code__in=codes)}
    units.update({u.npp: u for u in units_qs.filter(npp__in=codes).exclude(npp="")})
    bills = defaultdict(list)
    unit_ids = {u.pk for u in units.values()}
    for bill in Bill.objects.filter(unit_id__in=unit_ids).with_paid().order_by("period"):
        bills[bill.unit_id].append(bill)
    recorded = set(Payment.objects.filter(unit_id__in=unit_ids).values_list("unit_id", "reference"))
    owed_now = {b.pk: b.total - b.paid for unit_bills in bills.values() for b in unit_bills}
    for row in rows:
        unit = units.get(row.unit_code)
        if unit is None:
            row.status = Status.UNMATCHED
            row.message = _("unit %(u)s tidak dikenal atau di luar cakupan Anda") % {
                "u": row.unit_code
            }
            continue
        row.unit = unit
        if (unit.pk, row.reference) in recorded:
            row.status = Status.DUPLICATE
            row.message = _("referensi ini sudah dicatat; dilewati")
            continue
        if row.period is not None:
            bill = next((b for b in bills[unit.pk] if b.period == row.period), None)
            if bill is None:
                row.status = Status.UNMATCHED
                row.message = _("tidak ada tagihan %(u)s untuk %(p)s") % {
                    "u": unit.code,
                    "p": f"{row.period:%Y-%m}",
                }
                continue
            row.bill = bill
            row.owed = max(owed_now[bill.pk], 0)
            owed_now[bill.pk] -= row.amount
        else:
            row.owed = sum(max(owed_now[b.pk], 0) for b in bills[unit.pk])
            remaining = row.amount
            for b in bills[unit.pk]:
                part = min(max(owed_now[b.pk], 0), remaining)
                owed_now[b.pk] -= part
                remaining -= part
        row.status = (
            Status.MATCHED
            if row.amount == row.owed
            else Status.UNDERPAID
            if row.amount < row.owed
            else Status.OVERPAID
        )


def payments_import(
    *,
    name: str,
    content: bytes,
    by=None,
    dry_run: bool = False,
    progress: Callable[..., None] | None = None,
    within: Callable[[PaymentImportResult], None] | None = None,
) -> PaymentImportResult:
    """Import a bank or BPJS payment file (.csv/.xlsx): preview, reconcile, and save all or nothing.

    Every row must name a unit in the user's scope (code or NPP) and, when it has
    a period, an existing bill; rows already recorded (same unit and reference)
    are skipped, so importing a file twice records it once. Any malformed or
    unmatched row: nothing is saved. `by=None` (the command without --user): every unit.

    `progress(estimate=…, total=…, read=…, checked=…, written=…)`: counts for a job's
    progress bar, reported outside the write transaction. `within(result)`: called inside
    the transaction that saves the payments, after them (a job marks itself done there).
    """
    report = progress or _no_progress
    result = PaymentImportResult(file_name=name, dry_run=dry_run)
    if progress is not None and (estimate := declared_rows(content, filename=name)):
        report(estimate=estimate)
    try:
        sheet, table = _read_table(name, content)
    except FileRefused as exc:  # one Indonesian message: unreadable, too large, over a limit
        result.problems.append(Problem(Path(name).stem or name, exc.row, exc.column, exc.message))
        return result
    count = max(len(table) - 1, 0)  # the header is not a payment
    report(total=count, read=count)
    result.rows = _parse_rows(sheet, table, result, progress=report)
    units_qs = WorkUnit.objects.all() if by is None else WorkUnit.objects.visible_to(by)
    _reconcile(result.rows, units_qs)
    report(checked=count)
    if not result.ok or dry_run:
        return result
    try:
        with transaction.atomic():
            _lock_and_skip_recorded(result.rows)
            _save_rows(result, name=name, by=by)
            if within is not None:
                within(result)
    except IntegrityError:  # a writer that took no lock (a manual payment) raced this file
        result.saved = 0
        result.problems.append(Problem(Path(name).stem or name, 1, "-", str(IMPORT_RACED)))
        return result
    report(written=result.saved)  # after the commit: from inside it would not be seen
    return result


IMPORT_RACED = gettext_lazy(
    "Sebagian pembayaran di berkas ini baru saja dicatat oleh pengguna lain; tidak ada yang "
    "disimpan dari berkas ini. Unggah berkasnya lagi: yang sudah tercatat akan dilewati."
)


def _lock_and_skip_recorded(rows: list[ImportRow]) -> None:
    """Lock the file's units (in id order, so two imports cannot deadlock), then look again.

    Two imports of one file at once: the second waits here, then finds the first's
    payments recorded and skips them, as a later re-import would; no IntegrityError.
    """
    unit_ids = sorted({row.unit.pk for row in rows if row.unit is not None})
    list(
        WorkUnit.objects.select_for_update(no_key=True)
        .filter(pk__in=unit_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    recorded = set(
        Payment.objects.filter(
            unit_id__in=unit_ids, reference__in={row.reference for row in rows}
        ).values_list("unit_id", "reference")
    )
    for row in rows:
        if row.unit is not None and (row.unit.pk, row.reference) in recorded:
            row.status = Status.DUPLICATE
            row.message = _("referensi ini sudah dicatat; dilewati")


def _save_rows(result: PaymentImportResult, *, name: str, by) -> None:
    for row in result.rows:
        if row.status == Status.DUPLICATE:
            continue
        payment_record(
            unit=row.unit,
            amount=row.amount,
            paid_on=row.paid_on,
            reference=row.reference,
            bill=row.bill,
            by=by,
            source=Payment.Source.IMPORT,
            source_file=name,
        )
        result.saved += 1
