"""The dashboard's reads from other apps, in one place: BPU lapse (`enrollment/billing/lapse.py`)
and claims (`claims/selectors.py`). The dashboard's own selectors call only these, and its
tests may replace one to state a world's lapse by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from claims import selectors as claims_selectors
from enrollment.billing import lapse


def bpu_inactive_spans(unit_ids: list[int]) -> dict[int, list[tuple[date, date | None]]]:
    """Per unit id, the spans [start, end) during which its BPU members are inactive (arrears)."""
    return lapse.bpu_inactive_spans(unit_ids=unit_ids)


def unit_lapsed_on(spans: list[tuple[date, date | None]], day: date) -> bool:
    return any(start <= day and (end is None or day < end) for start, end in spans)


@dataclass(frozen=True)
class Claims:
    open: int = 0
    paid: int = 0
    late: int = 0


def claim_counts(*, unit_ids, as_of: date) -> dict[int, Claims]:
    """Per unit id: claims open, paid and late (open past their service-level deadline)."""
    return {
        unit_id: Claims(open=c.open, paid=c.paid, late=c.late)
        for unit_id, c in claims_selectors.claim_counts(unit_ids=unit_ids, as_of=as_of).items()
    }


def bpu_inactive_worker_ids(day: date, unit_ids: list[int]) -> set[int]:
    """Workers of these units whose BPU cover is inactive through arrears on `day`."""
    return lapse.bpu_inactive_worker_ids(day, unit_ids=unit_ids)
