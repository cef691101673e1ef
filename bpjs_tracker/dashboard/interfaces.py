"""The dashboard's calls into other branches' interfaces, each in one guarded function.

BPU lapse (issue #8, `enrollment/billing/lapse.py`) and claims (issue #9,
`claims/selectors.py: claim_counts`) are pinned in /work/coord/README.md. Until
they exist, each function answers "nothing" so the dashboard works without
them; the integrator removes the fallbacks once both are merged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


def bpu_inactive_spans(unit_ids: list[int]) -> dict[int, list[tuple[date, date | None]]]:
    """Per unit id, the spans [start, end) during which its BPU members are inactive (arrears)."""
    try:
        from enrollment.billing.lapse import bpu_inactive_spans as spans
    except ImportError:  # TODO(#8): enrollment/billing/lapse.py not merged yet: no lapse known
        return {}
    return spans(unit_ids=unit_ids)


def unit_lapsed_on(spans: list[tuple[date, date | None]], day: date) -> bool:
    return any(start <= day and (end is None or day < end) for start, end in spans)


@dataclass(frozen=True)
class Claims:
    open: int = 0
    paid: int = 0
    late: int = 0


def claim_counts(*, unit_ids: list[int], as_of: date) -> dict[int, Claims]:
    """Per unit id: claims open, paid and late (open past their service-level deadline)."""
    try:
        from claims.selectors import claim_counts as counts
    except ImportError:  # TODO(#9): claims/selectors.py not merged yet: no claims known
        return {}
    return {
        unit_id: Claims(open=c.open, paid=c.paid, late=c.late)
        for unit_id, c in counts(unit_ids=unit_ids, as_of=as_of).items()
    }


def claim_list_available() -> bool:
    """Whether the claims admin exists to link to."""
    try:
        from claims.models import Claim  # noqa: F401
    except ImportError:  # TODO(#9)
        return False
    return True


def bpu_inactive_worker_ids(day: date, unit_ids: list[int]) -> set[int]:
    """Workers of these units whose BPU cover is inactive through arrears on `day`."""
    try:
        from enrollment.billing.lapse import bpu_inactive_worker_ids as inactive
    except ImportError:  # TODO(#8): enrollment/billing/lapse.py not merged yet: no lapse known
        return set()
    return inactive(day, unit_ids=unit_ids)
