"""The documents a claim needs, per claim kind (PP 44/2015 Pasal 40(3); practice as reported).

Pure: from the programme and the heirs' relationships. The regulation names the
claim form, the death certificate, the heir certificate and the membership card;
branches also ask for the KTP of the deceased and of the heir, the family card
(KK), the marriage book when a spouse claims, the heir's bank book, a will when a
will decides, and for JKK the work-accident report (DOMAIN.md §4).
"""

from __future__ import annotations

from collections.abc import Iterable

from claims.heirs import RANKS

REGULATION = ("claim_form", "death_certificate", "heir_certificate", "membership_card")
PRACTICE = ("ktp_deceased", "ktp_heir", "family_card", "bank_book")
# With no heir, the funeral cost goes to whoever arranged the funeral: no heir papers.
NO_HEIR = ("claim_form", "death_certificate", "membership_card", "ktp_deceased", "family_card")


def required_documents(programme: str, relationships: Iterable[str]) -> list[str]:
    """Document kinds (ClaimDocument.Kind values) the claim needs, in checklist order."""
    relationships = list(relationships)
    kinds = list(REGULATION + PRACTICE) if relationships else list(NO_HEIR)
    if "spouse" in relationships:
        kinds.append("marriage_book")
    if relationships and min(RANKS[r] for r in relationships) == RANKS["will"]:
        kinds.append("will")
    if programme == "JKK":
        kinds.append("accident_report")
    return kinds
