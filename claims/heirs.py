"""Who receives a death benefit: the heirs' tiers (PP 44/2015 Pasal 40(2); Pasal 37(5) for JKK).

(1) widow, widower or child, one tier; if none (2) parents, then grandchildren,
then grandparents; (3) full siblings; (4) parents-in-law; (5) the person named
in a will; none of them: the funeral cost goes to whoever arranged the funeral
and the rest returns to the fund. Pure functions; the Heir model calls
`heir_nik_check` from its clean().
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Rank of each relationship: lower receives first. Within tier (2) the regulation orders
# parents, grandchildren, grandparents one after the other, so each gets its own rank.
RANKS = {
    "spouse": 1,
    "child": 1,
    "parent": 2,
    "grandchild": 3,
    "grandparent": 4,
    "sibling": 5,
    "parent_in_law": 6,
    "will": 7,
}
# The tier as the regulation numbers it (shown beside each heir).
TIERS = {
    "spouse": 1,
    "child": 1,
    "parent": 2,
    "grandchild": 2,
    "grandparent": 2,
    "sibling": 3,
    "parent_in_law": 4,
    "will": 5,
}

HEIR_NOT_ENTITLED = _(
    "%(name)s (%(relationship)s) tidak berhak menerima: ada ahli waris dengan urutan lebih "
    "tinggi (%(first)s)."
)


def heir_rank(relationship: str) -> int:
    return RANKS[relationship]


def heir_tier(relationship: str) -> int:
    return TIERS[relationship]


def heirs_in_order(heirs: Iterable) -> list:
    """Heirs sorted by the regulation's order (stable within a rank)."""
    return sorted(heirs, key=lambda h: heir_rank(h.relationship))


def entitled_heirs(heirs: Iterable) -> list:
    """The heirs of the first rank present: only they receive (empty: no heir)."""
    ordered = heirs_in_order(heirs)
    if not ordered:
        return []
    first = heir_rank(ordered[0].relationship)
    return [h for h in ordered if heir_rank(h.relationship) == first]


def heir_nik_check(heir) -> None:
    """The heir's NIK, checked like a roster NIK (enrollment/imports/parsing.py)."""
    from enrollment.imports.parsing import parse_nik

    try:
        result = parse_nik(heir.nik, birth_date=heir.birth_date)
    except ValidationError as exc:
        raise ValidationError({"nik": exc.messages}) from None
    heir.nik = result.nik
