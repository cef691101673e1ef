"""Check every data row of a roster sheet: cell parsers plus the rules across a row and the file.

Pure Python over the reader's stream: no database. Rules that need the
database (the previous roster, other units' rosters, existing workers) are in
``enrollment.services.rosters``.
"""

from calendar import monthrange
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from hashlib import blake2b
from operator import itemgetter
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from enrollment.imports import parsing
from enrollment.imports.bounds import ProblemBudget
from enrollment.imports.problems import ERROR, WARNING, Problem
from enrollment.imports.reading import COLUMN_WITHOUT_HEADER, FILE_HEADER_ONLY, RosterSheet
from regencies.models import Segment

DUPLICATE_NIK = _(
    "NIK %(nik)s sudah ada di baris %(row)s. Satu pekerja cukup satu baris; hapus baris ganda."
)
START_AFTER_PERIOD = _(
    "TMT %(start)s sesudah bulan roster (%(period)s). Pekerja yang belum mulai bekerja "
    "dimasukkan pada roster bulan TMT-nya."
)
WAGE_ZERO = _("Upah 0: iuran JKK dihitung dari upah dan akan menjadi 0. Periksa upahnya.")
SEGMENT_NOT_FOR_UNIT = _(
    "Kategori %(segment)s tidak lazim untuk unit %(kind)s. Periksa kategori pekerja ini."
)

# Which segments a unit normally reports; anything else is a warning, not an error.
SEGMENTS_FOR_UNIT_KIND = {
    "opd": {Segment.NON_ASN, Segment.VULNERABLE},
    "village": {Segment.VILLAGE_OFFICIAL, Segment.VULNERABLE, Segment.NON_ASN},
}
UNIT_KIND_LABELS = {"opd": _("OPD"), "village": _("pemerintah desa")}


# Part of every row hash: raise it whenever a cell parser or a row-local rule changes what
# a cell means (a new alias, another limit), so that no stored hash vouches for old results.
ROW_HASH_VERSION = 1


def row_hash(raw: tuple, parsed: tuple) -> int:
    """A stable 64-bit digest of a row's cells as read and the values they were parsed into.

    `raw`: the cells of NIK, name, birth date, sex, position, category, wage, TMT and KPJ
    (None without a KPJ column) as the reader handed them over; `parsed`: NIK … kpj as
    checked (``RosterRow[1:10]``, or a stored entry's ``StoredRow[3:12]``). ``repr`` keeps
    the cells' types apart (``'1'``, ``1``, ``1.0``, a date), and is the same in every
    process, unlike ``hash()``. Binding the parsed values too means that a stored entry
    vouches for its row only while the entry and its worker still hold what the row gave
    (a worker renamed by another unit's roster no longer matches).
    """
    text = repr((ROW_HASH_VERSION, raw, parsed)).encode("utf-8", "surrogatepass")
    return int.from_bytes(blake2b(text, digest_size=8).digest(), "big", signed=True)


class RosterRow(NamedTuple):
    """A good row of the file; ``row[2:10]`` (name … kpj) compares with a stored entry."""

    row: int
    nik: str
    name: str
    birth_date: date
    sex: str
    position: str
    segment: str
    wage: int
    start_date: date
    kpj: str
    row_hash: int | None = None  # row_hash() of a row without any problem; None otherwise


@dataclass
class CheckedRows:
    rows: list[RosterRow]
    problems: list[Problem]
    row_count: int  # data rows read, good or bad
    reused: int = 0  # rows taken from a stored entry by their hash (per-cell checks skipped)


def check_rows(
    sheet: RosterSheet,
    *,
    unit_kind: str,
    period: date,
    known_regencies: frozenset[str] | set[str],
    today: date,
    known: Mapping | None = None,
) -> CheckedRows:
    """Parse every cell, then the rules across cells (NIK vs birth date/sex, age at TMT, duplicates).

    Written for 100,000 rows: cells with few distinct values (sex, category, position)
    are parsed once per value, and the exception path is taken only by bad cells.

    `known`: stored entries by NIK (``bulk.StoredRow``, the roster this file replaces or
    follows). A row whose cells and that entry's values give the entry's ``row_hash`` is
    taken from the entry without parsing its cells: a hash is only stored for a row that
    had no problem at all, and the cell parsers and the rules within a row (NIK format,
    NIK vs birth date and sex, age at TMT, wage 0) depend on nothing but the cells. The
    rules that depend on more still run for it, and any that would say something sends
    the row down the full path, which says it: the NIK seen earlier in the file, the
    NIK's regency (the Regency table), the category for the unit's kind, a TMT after the
    roster's month, a birth date after today; so are columns without a header. The
    outcome is the same with or without `known` (tests/enrollment/test_row_hash.py).
    """
    name_of = sheet.name
    index = {f: c.index for f, c in sheet.columns.items()}
    label = {f: c.header for f, c in sheet.columns.items()}
    i_nik, i_name, i_birth = index["nik"], index["name"], index["birth_date"]
    i_sex, i_pos, i_seg = index["sex"], index["position"], index["segment"]
    i_wage, i_start, i_kpj = index["wage"], index["start_date"], index.get("kpj")
    width_needed = max(index.values()) + 1
    period_end = period.replace(day=monthrange(period.year, period.month)[1])
    usual_segments = SEGMENTS_FOR_UNIT_KIND.get(unit_kind, set())
    problems: list[Problem] = []
    rows: list[RosterRow] = []
    first_row_of: dict[str, int] = {}
    unnamed_reported: set[str] = set()
    row_count = 0
    parse_name, parse_date, parse_nik = parsing.parse_name, parsing.parse_date, parsing.parse_nik
    parse_wage, parse_kpj = parsing.parse_wage, parsing.parse_kpj
    sex_of = _Memo(parsing.parse_sex)
    segment_of = _Memo(parsing.parse_segment)
    position_of = _Memo(parsing.parse_text)
    oldest = date(1900, 1, 1)
    same_date = {}.setdefault  # one object per distinct date: 100,000 rows share a few thousand
    pick = itemgetter(i_nik, i_name, i_birth, i_sex, i_pos, i_seg, i_wage, i_start)
    regency_prefixes = frozenset(code.replace(".", "") for code in known_regencies)
    unnamed = sheet.unnamed
    reused = 0

    def problem(number, field, message, severity=ERROR):
        problems.append(Problem(name_of, number, label[field], str(message), severity))

    budget = ProblemBudget()
    for number, cells in sheet.rows:
        if budget.exhausted(problems):
            del problems[budget.limit :]
            problems.append(Problem(name_of, number, "A", budget.message(number)))
            rows = []
            break
        row_count += 1
        if len(cells) < width_needed:
            cells = [*cells, *([None] * (width_needed - len(cells)))]
        raw = (*pick(cells), None if i_kpj is None else cells[i_kpj])
        stored = known.get(raw[0]) if known else None
        if stored is not None and stored.row_hash is not None:
            parsed = stored[3:12]  # nik … kpj
            nik, birth_date, segment, start_date = parsed[0], parsed[2], parsed[5], parsed[7]
            if (
                row_hash(raw, parsed) == stored.row_hash
                and nik not in first_row_of
                and oldest <= birth_date <= today
                and start_date <= period_end
                and (not usual_segments or segment in usual_segments)
                and (nik[:2] != "74" or nik[:4] in regency_prefixes)
            ):
                first_row_of[nik] = number
                rows.append(RosterRow(number, *parsed, stored.row_hash))
                reused += 1
                if unnamed:
                    _report_unnamed(problems, name_of, number, cells, unnamed, unnamed_reported)
                continue
        problems_before = len(problems)
        bad = False
        try:
            name = parse_name(cells[i_name])
        except ValidationError as exc:
            problem(number, "name", exc.messages[0])
            bad = True
        try:
            birth_date = parse_date(cells[i_birth])
            if birth_date > today or birth_date < oldest:
                parsing.check_birth_date(birth_date, today=today)
        except ValidationError as exc:
            problem(number, "birth_date", exc.messages[0])
            birth_date, bad = None, True
        try:
            sex = sex_of(cells[i_sex])
        except ValidationError as exc:
            problem(number, "sex", exc.messages[0])
            sex, bad = None, True
        nik = None
        try:
            result = parse_nik(
                cells[i_nik],
                sex=sex,
                birth_date=birth_date,
                known_regencies=known_regencies,
                today=today,
            )
            nik = result.nik
            for warning in result.warnings:
                problem(number, "nik", warning, WARNING)
        except ValidationError as exc:
            problem(number, "nik", exc.messages[0])
            bad = True
        if nik is not None:
            first = first_row_of.get(nik)
            if first is not None:
                problem(number, "nik", DUPLICATE_NIK % {"nik": nik, "row": first})
                bad = True
            else:
                first_row_of[nik] = number
        try:
            position = position_of(cells[i_pos])
        except ValidationError as exc:
            problem(number, "position", exc.messages[0])
            bad = True
        try:
            segment = segment_of(cells[i_seg])
            if usual_segments and segment not in usual_segments:
                problem(
                    number,
                    "segment",
                    SEGMENT_NOT_FOR_UNIT
                    % {"segment": cells[i_seg], "kind": UNIT_KIND_LABELS[unit_kind]},
                    WARNING,
                )
        except ValidationError as exc:
            problem(number, "segment", exc.messages[0])
            bad = True
        try:
            wage = parse_wage(cells[i_wage])
            if wage == 0:
                problem(number, "wage", WAGE_ZERO, WARNING)
        except ValidationError as exc:
            problem(number, "wage", exc.messages[0])
            bad = True
        try:
            start_date = parse_date(cells[i_start])
            if birth_date is not None and start_date.year - birth_date.year <= 15:
                parsing.check_start_date(start_date, birth_date=birth_date)
            if start_date > period_end:
                problem(
                    number,
                    "start_date",
                    START_AFTER_PERIOD
                    % {"start": parsing.format_date(start_date), "period": f"{period:%m-%Y}"},
                    WARNING,
                )
        except ValidationError as exc:
            problem(number, "start_date", exc.messages[0])
            bad = True
        kpj = ""
        if i_kpj is not None:
            try:
                kpj = parse_kpj(cells[i_kpj])
            except ValidationError as exc:
                problem(number, "kpj", exc.messages[0])
                bad = True
        if not bad:
            birth_date = same_date(birth_date, birth_date)
            start_date = same_date(start_date, start_date)
            parsed = (nik, name, birth_date, sex, position, segment, wage, start_date, kpj)
            # A row with a warning gets no hash: the full path runs for it every time.
            digest = row_hash(raw, parsed) if len(problems) == problems_before else None
            rows.append(RosterRow(number, *parsed, digest))
        if unnamed:
            _report_unnamed(problems, name_of, number, cells, unnamed, unnamed_reported)

    if sheet.refusal is not None:  # a limit broken midway: that message alone, nothing kept
        return CheckedRows(rows=[], problems=[sheet.refusal], row_count=row_count)
    if row_count == 0:
        problems.append(Problem(name_of, 2, "A", str(FILE_HEADER_ONLY)))
    return CheckedRows(rows=rows, problems=problems, row_count=row_count, reused=reused)


def _report_unnamed(problems, sheet_name, number, cells, unnamed, reported) -> None:
    """A value in a column without a header: once per column, at the first row that has one."""
    for column in unnamed:
        if column.letter in reported or column.index >= len(cells):
            continue
        value = cells[column.index]
        if value is not None and (not isinstance(value, str) or value.strip()):
            reported.add(column.letter)
            problems.append(
                Problem(
                    sheet_name,
                    number,
                    column.letter,
                    str(COLUMN_WITHOUT_HEADER % {"letter": column.letter}),
                )
            )


class _Memo:
    """Parse each distinct cell value once (sex, category and position repeat a lot)."""

    def __init__(self, parse):
        self.parse = parse
        self.seen: dict = {}

    def __call__(self, value):
        try:
            return self.seen[value]
        except KeyError:
            pass
        except TypeError:  # unhashable: just parse
            return self.parse(value)
        result = self.parse(value)  # raises for bad values, which are not remembered
        if len(self.seen) < 10_000:
            self.seen[value] = result
        return result
