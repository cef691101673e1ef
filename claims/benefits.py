"""Death-benefit arithmetic, no database (DOMAIN.md §3–4).

The schedule in force on the date of death (a `BenefitSchedule` row, copied
into `ScheduleTerms`) decides every amount:

- JKM (PP 44/2015 / PP 82/2019): lump sum + periodic + funeral
  (16.200.000 + 24 × 200.000 + 3.000.000 = Rp 24.000.000;
  20.000.000 + 12.000.000 + 10.000.000 = Rp 42.000.000);
- JKK death: `wage_multiplier` (48) × the reported monthly wage, never less
  than the JKM lump sum of the same schedule, plus the same periodic and
  funeral components;
- no heir at all: only the funeral cost, to whoever arranged the funeral
  (Pasal 40(2)); the rest returns to the fund;
- scholarship: per child per school year, the most years per level, at most
  `scholarship_max_children` children; JKM needs `scholarship_min_months` of
  contributions, JKK none. Paid yearly, never part of the cash total;
- service level: `service_working_days` working days from the day the
  document checklist was complete; each calendar day after that owes
  `late_percent_per_day` % of the cash benefit (not the scholarship).

`claims/services.py`, the claim page and `manage.py compute_benefit` all call
`benefit_compute`, so the page and the command always agree.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from enrollment.billing.arithmetic import is_working_day

LUMP_SUM, PERIODIC, FUNERAL = "lump_sum", "periodic", "funeral"


@dataclass(frozen=True)
class LevelTerms:
    """One school level of a scholarship: amount per school year, the most years."""

    level: str
    label: str
    amount_per_year: int
    max_years: int

    @property
    def max_total(self) -> int:
        return self.amount_per_year * self.max_years


@dataclass(frozen=True)
class ScheduleTerms:
    """What `benefit_compute` needs of a BenefitSchedule row (built by `schedule_terms`)."""

    programme: str
    name: str
    legal_basis: str
    effective_from: date
    lump_sum: int
    periodic_amount: int
    periodic_months: int
    funeral: int
    wage_multiplier: int | None = None
    scholarship_min_months: int | None = None
    scholarship_max_children: int = 0
    levels: tuple[LevelTerms, ...] = ()
    service_working_days: int = 3
    late_percent_per_day: Decimal = Decimal(1)
    unconfirmed: bool = False

    @property
    def scholarship_per_child(self) -> int:
        return sum(level.max_total for level in self.levels)


@dataclass(frozen=True)
class Component:
    code: str
    label: str
    amount: int
    explanation: str


@dataclass(frozen=True)
class PlanYear:
    """One school year of a child's scholarship plan."""

    number: int  # 1 = the school year of the death
    school_year: str  # "2021/2022"
    level: str
    label: str
    amount: int


@dataclass(frozen=True)
class ChildPlan:
    name: str
    years: tuple[PlanYear, ...]

    @property
    def total(self) -> int:
        return sum(y.amount for y in self.years)

    def by_level(self) -> list[dict]:
        """One row per level: its label, first and last school year, years, amount per year."""
        rows: list[dict] = []
        for year in self.years:
            if rows and rows[-1]["level"] == year.level:
                rows[-1]["last"] = year.school_year
                rows[-1]["years"] += 1
            else:
                rows.append({"level": year.level, "label": year.label, "first": year.school_year,
                             "last": year.school_year, "years": 1, "amount": year.amount})  # fmt: skip
        return rows


@dataclass(frozen=True)
class Scholarship:
    eligible: bool
    children: int
    max_total: int
    reason: str
    plans: tuple[ChildPlan, ...] = ()

    def as_json(self) -> dict:
        return {
            "eligible": self.eligible,
            "children": self.children,
            "max_total": self.max_total,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class BenefitBreakdown:
    schedule: ScheduleTerms
    components: tuple[Component, ...]
    scholarship: Scholarship
    notes: tuple[str, ...] = field(default=())

    @property
    def total(self) -> int:
        """The cash paid at once: the sum of the components (never the scholarship)."""
        return sum(c.amount for c in self.components)

    def as_json(self) -> dict:
        """The `compute_benefit --format json` object (DESIGN.md, "Interfaces")."""
        return {
            "schedule": self.schedule.legal_basis,
            "total": self.total,
            "components": {c.code: c.amount for c in self.components},
            "scholarship": self.scholarship.as_json(),
        }


def rupiah(amount: int) -> str:
    from bpjs_tracker.money import format_rupiah

    return format_rupiah(amount)


def _cash_components(
    schedule: ScheduleTerms, *, wage: int | None, has_heir: bool
) -> tuple[list[Component], list[str]]:
    notes: list[str] = []
    funeral = Component(
        FUNERAL,
        _("Biaya pemakaman"),
        schedule.funeral,
        schedule.name,
    )
    if not has_heir:
        notes.append(
            _(
                "Tidak ada ahli waris: hanya biaya pemakaman, dibayar kepada yang mengurus "
                "pemakaman; sisanya kembali ke dana jaminan sosial (PP 44/2015 Pasal 40(2))."
            )
        )
        return [funeral], notes
    if schedule.wage_multiplier is not None:
        if wage is None:
            raise ValueError("JKK needs the monthly wage")
        by_wage = schedule.wage_multiplier * wage
        if by_wage >= schedule.lump_sum:
            amount = by_wage
            explanation = _("%(times)s × upah %(wage)s") % {
                "times": schedule.wage_multiplier,
                "wage": rupiah(wage),
            }
        else:
            amount = schedule.lump_sum
            explanation = _(
                "%(times)s × upah %(wage)s = %(by_wage)s, kurang dari santunan sekaligus JKM "
                "%(floor)s: dibayar %(floor)s"
            ) % {
                "times": schedule.wage_multiplier,
                "wage": rupiah(wage),
                "by_wage": rupiah(by_wage),
                "floor": rupiah(schedule.lump_sum),
            }
            notes.append(_("Santunan kematian JKK memakai batas bawah santunan sekaligus JKM."))
        lump = Component(LUMP_SUM, _("Santunan kematian (JKK)"), amount, explanation)
    else:
        lump = Component(
            LUMP_SUM,
            _("Santunan sekaligus"),
            schedule.lump_sum,
            schedule.name,
        )
    periodic_total = schedule.periodic_amount * schedule.periodic_months
    if schedule.periodic_months == 1:
        periodic_text = _("%(amount)s dibayar sekaligus") % {
            "amount": rupiah(schedule.periodic_amount)
        }
    else:
        periodic_text = _("%(months)s × %(amount)s") % {
            "months": schedule.periodic_months,
            "amount": rupiah(schedule.periodic_amount),
        }
    periodic = Component(PERIODIC, _("Santunan berkala"), periodic_total, periodic_text)
    return [lump, periodic, funeral], notes


def school_year(start_year: int) -> str:
    return f"{start_year}/{start_year + 1}"


def child_plan(
    schedule: ScheduleTerms, *, name: str, level: str | None, first_year: int
) -> ChildPlan:
    """The yearly plan for one child from `level` on (no level: from the first level).

    PP 82/2019: each level's years in order (TK–SD 8, SMP 3, SMA 3, higher 5),
    claimed each school year with proof of schooling. PP 44/2015: one payment.
    """
    levels = list(schedule.levels)
    codes = [lv.level for lv in levels]
    if level in codes:
        levels = levels[codes.index(level) :]
    years, number = [], 0
    for lv in levels:
        for _i in range(lv.max_years):
            number += 1
            years.append(
                PlanYear(
                    number=number,
                    school_year=school_year(first_year + number - 1),
                    level=lv.level,
                    label=lv.label,
                    amount=lv.amount_per_year,
                )
            )
    return ChildPlan(name=name, years=tuple(years))


def scholarship_compute(
    schedule: ScheduleTerms,
    *,
    months_contributed: int | None,
    children: int,
    has_heir: bool = True,
    child_levels: Sequence[tuple[str, str | None]] = (),
    first_year: int | None = None,
) -> Scholarship:
    """Whether the scholarship is due, for how many children, and the most it can come to."""
    minimum = schedule.scholarship_min_months
    if not schedule.levels or schedule.scholarship_max_children == 0:
        return Scholarship(False, 0, 0, _("Jadwal ini tidak memuat beasiswa."))
    if not has_heir:
        return Scholarship(False, 0, 0, _("Tidak ada ahli waris."))
    if minimum is not None:
        if months_contributed is None:
            return Scholarship(
                False,
                0,
                0,
                _("Masa iuran tidak diketahui; beasiswa JKM memerlukan sedikitnya %(min)s bulan.")
                % {"min": minimum},
            )
        if months_contributed < minimum:
            return Scholarship(
                False,
                0,
                0,
                _("Masa iuran %(months)s bulan, kurang dari %(min)s bulan (%(basis)s).")
                % {"months": months_contributed, "min": minimum, "basis": schedule.name},
            )
        rule = _("masa iuran %(months)s bulan ≥ %(min)s bulan") % {
            "months": months_contributed,
            "min": minimum,
        }
    else:
        rule = _("JKK: tanpa masa iuran minimum")
    counted = min(children, schedule.scholarship_max_children)
    if counted == 0:
        return Scholarship(
            True,
            0,
            0,
            _("Memenuhi syarat (%(rule)s), tetapi tidak ada anak yang diajukan.") % {"rule": rule},
        )
    reason = _("Memenuhi syarat (%(rule)s); %(counted)s anak, paling banyak %(max)s anak.") % {
        "rule": rule,
        "counted": counted,
        "max": schedule.scholarship_max_children,
    }
    plans: tuple[ChildPlan, ...] = ()
    if child_levels and first_year is not None:
        plans = tuple(
            child_plan(schedule, name=name, level=level, first_year=first_year)
            for name, level in list(child_levels)[:counted]
        )
    return Scholarship(True, counted, counted * schedule.scholarship_per_child, reason, plans)


def benefit_compute(
    *,
    schedule: ScheduleTerms,
    date_of_death: date,
    wage: int | None = None,
    months_contributed: int | None = None,
    children: int = 0,
    has_heir: bool = True,
    child_levels: Sequence[tuple[str, str | None]] = (),
) -> BenefitBreakdown:
    """The death benefit under `schedule` (the one in force on `date_of_death`), per component.

    JKK needs `wage` (ValueError otherwise). `child_levels` ((name, school level)
    per child, in order) gives the yearly scholarship plan; `children` counts
    them when no names are known (the command).
    """
    if not (schedule.effective_from <= date_of_death):
        raise ValueError("schedule not in force on the date of death")
    components, notes = _cash_components(schedule, wage=wage, has_heir=has_heir)
    scholarship = scholarship_compute(
        schedule,
        months_contributed=months_contributed,
        children=len(child_levels) if child_levels else children,
        has_heir=has_heir,
        child_levels=child_levels,
        first_year=date_of_death.year,
    )
    if schedule.unconfirmed:
        notes.append(
            _("Tanggal mulai berlakunya %(name)s belum terkonfirmasi (data dapat diubah di admin).")
            % {"name": schedule.name}
        )
    return BenefitBreakdown(schedule, tuple(components), scholarship, tuple(notes))


# --- service level --------------------------------------------------------------------------


def service_deadline(start: date, working_days: int, holidays: Container[date]) -> date:
    """The `working_days`-th working day after `start` (the day the checklist was complete)."""
    day, left = start, working_days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            left -= 1
    return day


@dataclass(frozen=True)
class Lateness:
    deadline: date
    days_late: int
    amount_owed: int
    rule: str

    @property
    def is_late(self) -> bool:
        return self.days_late > 0


def late_compensation(
    *, cash_total: int, deadline: date, day: date, percent_per_day: Decimal
) -> Lateness:
    """What a late payment owes the heirs: `percent_per_day` % of the cash benefit per calendar day.

    Days late = calendar days from the day after the deadline to `day` (the
    payment date, or today while unpaid). The day count is unconfirmed
    (DOMAIN.md §4: "1% of the benefit per day"); this is the one place it is decided.
    Rounded to whole Rupiah, half up.
    """
    days = max((day - deadline).days, 0)
    amount = (Decimal(cash_total) * percent_per_day * days / 100).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    rule = _(
        "%(percent)s%% dari santunan tunai %(cash)s untuk setiap hari kalender sesudah batas "
        "%(deadline)s (beasiswa tidak dihitung)"
    ) % {
        "percent": f"{percent_per_day.normalize():f}".replace(".", ","),
        "cash": rupiah(cash_total),
        "deadline": deadline.strftime("%d-%m-%Y"),
    }
    return Lateness(deadline=deadline, days_late=days, amount_owed=int(amount), rule=rule)
