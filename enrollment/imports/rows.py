"""Check every data row of a roster sheet: cell parsers plus the rules across a row and the file.

Pure Python over the reader's stream: no database. Rules that need the
database (the previous roster, other units' rosters, existing workers) are in
``enrollment.services.rosters``.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
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


class RosterRow(NamedTuple):
    """A good row of the file; ``row[2:]`` (name … kpj) compares with a stored entry."""

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


@dataclass
class CheckedRows:
    rows: list[RosterRow]
    problems: list[Problem]
    row_count: int  # data rows read, good or bad


def check_rows(
    sheet: RosterSheet,
    *,
    unit_kind: str,
    period: date,
    known_regencies: frozenset[str] | set[str],
    today: date,
) -> CheckedRows:
    """Parse every cell, then the rules across cells (NIK vs birth date/sex, age at TMT, duplicates).

    Written for 100,000 rows: cells with few distinct values (sex, category, position)
    are parsed once per value, and the exception path is taken only by bad cells.
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
        for column in sheet.unnamed:
            if column.letter in unnamed_reported or column.index >= len(cells):
                continue
            value = cells[column.index]
            if value is not None and (not isinstance(value, str) or value.strip()):
                unnamed_reported.add(column.letter)
                problems.append(
                    Problem(
                        name_of,
                        number,
                        column.letter,
                        str(COLUMN_WITHOUT_HEADER % {"letter": column.letter}),
                    )
                )
        if not bad:
            rows.append(
                RosterRow(
                    number, nik, name, same_date(birth_date, birth_date), sex, position, segment,
                    wage, same_date(start_date, start_date), kpj,
                )
            )  # fmt: skip

    if sheet.refusal is not None:  # a limit broken midway: that message alone, nothing kept
        return CheckedRows(rows=[], problems=[sheet.refusal], row_count=row_count)
    if row_count == 0:
        problems.append(Problem(name_of, 2, "A", str(FILE_HEADER_ONLY)))
    return CheckedRows(rows=rows, problems=problems, row_count=row_count)


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
