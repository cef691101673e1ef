"""The demo agreements and meetings say what the field reports say, and nothing more."""

from datetime import date

from bpjs_tracker.demo import seed_demo
from mou.models import Agreement, FollowUp, MonitoringMeeting, RegionalRegulation
from mou.status import AgreementStatus


def _history_rows():
    return sum(
        m.history.count() for m in (Agreement, RegionalRegulation, MonitoringMeeting, FollowUp)
    )


def test_the_field_agreements_and_meetings_are_seeded(seeded_demo):
    kendari = Agreement.objects.get(regency__code="74.71")
    assert (kendari.kind, kendari.signed_on, kendari.branch_office.short_name) == (
        "mou",
        date(2018, 2, 5),
        "Kendari",
    )
    assert [(s.name, s.side) for s in kendari.signatories.all()] == [("La Uno", "bpjs")]
    assert kendari.number == kendari.title == "" and kendari.programmes == []

    buton_tengah = Agreement.objects.get(regency__code="74.14")
    assert (buton_tengah.signed_on, buton_tengah.signed_at) == (date(2021, 2, 16), "Baubau")
    assert [(s.name, s.side, s.capacity) for s in buton_tengah.signatories.order_by("pk")] == [
        ("H. Samahuddin", "government", "signatory"),
        ("Muhyiddin Dj", "bpjs", "signatory"),
        ("Bobby Harun", "bpjs", "witness"),
    ]
    assert buton_tengah.status == AgreementStatus.IN_FORCE  # signed on 16 Feb 2021
    assert sorted(buton_tengah.segments.values_list("segment", flat=True)) == [
        "asn",
        "non_asn",
        "village_official",
    ]
    assert set(buton_tengah.segments.values_list("funding_source", flat=True)) == {""}

    perda = RegionalRegulation.objects.get(regency__code="74.11")
    assert (perda.kind, perda.number, perda.year) == ("perda", "", None)

    meetings = {m.regency.code: m for m in MonitoringMeeting.objects.select_related("regency")}
    assert {code: m.held_on for code, m in meetings.items()} == {
        "74.09": date(2019, 10, 7),
        "74.11": date(2021, 10, 14),
        "74.04": date(2023, 11, 17),
    }
    buton = meetings["74.04"]
    assert (buton.place, buton.chair, buton.branch_office.short_name) == (
        "Takawa",
        "Asnawi Jamaluddin, Sekretaris Daerah Kabupaten Buton",
        "Baubau",
    )
    assert sorted(buton.findings.values_list("figure", flat=True)) == [10, 3800, 4627]
    assert "Muhyiddin Dj" in meetings["74.09"].attendees.values_list("name", flat=True)
    assert sorted(
        meetings["74.09"].attendees.exclude(count=None).values_list("count", flat=True)
    ) == [
        20,
        159,
    ]


def test_the_demo_labels_the_buton_workforce_as_a_derived_estimate(seeded_demo):
    from regencies.models import BranchAssignment, CoverageTarget, WorkUnit

    workforce = CoverageTarget.objects.get(regency__code="74.04", segment="workforce")
    assert workforce.target == 46_270
    assert workforce.source.startswith("PERKIRAAN yang diturunkan proyek ini")
    assert WorkUnit.objects.get(code="74.71-DAMKAR").name == "Dinas Kebakaran"
    konut = BranchAssignment.objects.get(regency__code="74.09")
    assert (konut.branch_office.short_name, konut.certainty) == ("Kendari", "confirmed")


def test_seeding_twice_changes_nothing(seeded_demo):
    rows = _history_rows()
    seed_demo()
    assert _history_rows() == rows
    assert Agreement.objects.count() == 2
