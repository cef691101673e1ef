"""The demo claims tell the field stories (DOMAIN.md §6), through the real services."""

from datetime import date

from bpjs_tracker.demo import seed_demo
from claims.assessment import claim_assess
from claims.demo import INVENTED
from claims.models import Claim
from enrollment.models import Roster


def test_the_field_claims_are_seeded_once(seeded_demo):
    claims = {c.unit.code: c for c in Claim.objects.select_related("worker", "unit")}
    assert len(claims) == 4 and all(c.note == INVENTED for c in claims.values())

    wunduhaka = claims["74.09.01.2020"]
    assert (wunduhaka.unit.code, wunduhaka.status, wunduhaka.paid_amount) == (
        "74.09.01.2020",
        "paid",
        24_000_000,
    )
    assert wunduhaka.date_of_death < date(2019, 10, 1)
    assert claim_assess(wunduhaka).breakdown.total == 24_000_000
    august, october = (
        Roster.objects.get(unit=wunduhaka.unit, period=date(2019, m, 1)) for m in (8, 10)
    )
    assert (
        august.entry_count == october.entry_count == 10
    )  # replaced: the village keeps ten officials
    assert not october.entries.filter(worker=wunduhaka.worker).exists()

    kolaka_timur = claims["74.11-DISNAKERTRANS"]
    assert (kolaka_timur.unit.regency.code, kolaka_timur.paid_on.strftime("%Y-%m")) == (
        "74.11",
        "2021-10",
    )
    assert kolaka_timur.paid_amount == claim_assess(kolaka_timur).breakdown.total == 42_000_000

    open_jkk = next(c for c in claims.values() if c.programme == "JKK")
    assessment = claim_assess(open_jkk)
    assert open_jkk.status == "submitted"
    assert assessment.missing_documents == ["Laporan kecelakaan kerja"]
    assert assessment.lateness is None  # the clock waits for the last document

    refused = claims["74.71-SATPOLPP"]
    assert refused.status == "rejected"
    assert "berakhir 31-12-2020" in refused.rejection_reason
    assert next(c for c in claim_assess(refused).checks if c.key == "membership").outcome == "fail"

    seed_demo()
    assert Claim.objects.count() == 4
