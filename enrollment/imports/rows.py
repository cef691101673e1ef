"""Check every data row of a roster sheet: cell parsers plus the rules across a row and the file.

Pure Python over the reader's stream: no database. Rules that need the
database (the previous roster, other units' rosters, existing workers) are in
``enrollment.services.rosters``.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from enrollment.imports import parsing
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


@dataclass(slots=True)
class RosterRow:
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
    """Parse every cell, then the rules across cells (NIK vs birth date/sex, age at TMT, duplicates)."""
    name_of = sheet.name
    index = {f: c.index for f, c in sheet.columns.items()}
    label = {f: c.header for f, c in sheet.columns.items()}
    i_nik, i_name, i_birth = index["nik"], index["name"], index["birth_date"]
    i_sex, i_pos, i_seg = index["sex"], index["position"], index["segment"]
    i_wage, i_start, i_kpj = index["wage"], index["start_date"], index.get("kpj")
    period_end = period.replace(day=monthrange(period.year, period.month)[1])
    usual_segments = SEGMENTS_FOR_UNIT_KIND.get(unit_kind, set())
    problems: list[Problem] = []
    rows: list[RosterRow] = []
    first_row_of: dict[str, int] = {}
    unnamed_reported: set[str] = set()
    row_count = 0

    for number, cells in sheet.rows:
        row_count += 1
        width = len(cells)
        bad = False

        def problem(field, message, severity=ERROR, number=number):
            problems.append(Problem(name_of, number, label[field], str(message), severity))

        def cell(i, cells=cells, width=width):
            return cells[i] if i is not None and i < width else None

        try:
            name = parsing.parse_name(cell(i_name))
        except ValidationError as exc:
            problem("name", exc.messages[0])
            bad = True
        birth_date = None
        try:
            birth_date = parsing.parse_date(cell(i_birth))
            parsing.check_birth_date(birth_date, today=today)
        except ValidationError as exc:
            problem("birth_date", exc.messages[0])
            birth_date, bad = None, True
        sex = None
        try:
            sex = parsing.parse_sex(cell(i_sex))
        except ValidationError as exc:
            problem("sex", exc.messages[0])
            bad = True
        nik = None
        try:
            result = parsing.parse_nik(
                cell(i_nik),
                sex=sex,
                birth_date=birth_date,
                known_regencies=known_regencies,
                today=today,
            )
            nik = result.nik
            for warning in result.warnings:
                problem("nik", warning, WARNING)
        except ValidationError as exc:
            problem("nik", exc.messages[0])
            bad = True
        if nik is not None:
            first = first_row_of.get(nik)
            if first is not None:
                problem("nik", DUPLICATE_NIK % {"nik": nik, "row": first})
                bad = True
            else:
                first_row_of[nik] = number
        try:
            position = parsing.parse_text(cell(i_pos))
        except ValidationError as exc:
            problem("position", exc.messages[0])
            bad = True
        try:
            segment = parsing.parse_segment(cell(i_seg))
            if usual_segments and segment not in usual_segments:
                problem(
                    "segment",
                    SEGMENT_NOT_FOR_UNIT
                    % {"segment": cell(i_seg), "kind": UNIT_KIND_LABELS[unit_kind]},
                    WARNING,
                )
        except ValidationError as exc:
            problem("segment", exc.messages[0])
            bad = True
        try:
            wage = parsing.parse_wage(cell(i_wage))
            if wage == 0:
                problem("wage", WAGE_ZERO, WARNING)
        except ValidationError as exc:
            problem("wage", exc.messages[0])
            bad = True
        try:
            start_date = parsing.parse_date(cell(i_start))
            if birth_date is not None:
                parsing.check_start_date(start_date, birth_date=birth_date)
            if start_date > period_end:
                problem(
                    "start_date",
                    START_AFTER_PERIOD
                    % {"start": parsing.format_date(start_date), "period": f"{period:%m-%Y}"},
                    WARNING,
                )
        except ValidationError as exc:
            problem("start_date", exc.messages[0])
            bad = True
        kpj = ""
        if i_kpj is not None:
            try:
                kpj = parsing.parse_kpj(cell(i_kpj))
            except ValidationError as exc:
                problem("kpj", exc.messages[0])
                bad = True
        for column in sheet.unnamed:
            if column.letter in unnamed_reported:
                continue
            value = cell(column.index)
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
                    number, nik, name, birth_date, sex, position, segment, wage, start_date, kpj
                )
            )

    if row_count == 0:
        problems.append(Problem(name_of, 2, "A", str(FILE_HEADER_ONLY)))
    return CheckedRows(rows=rows, problems=problems, row_count=row_count)
