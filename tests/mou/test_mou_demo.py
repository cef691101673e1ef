"""The demo agreements and meetings say what the field reports say, and nothing more."""

from datetime import date

from bpjs_tracker.demo import seed_demo
from mou.models import Agreement, FollowUp, MonitoringMeeting, RegionalRegulation
from mou.status import AgreementStatus


def _history_rows():
    return sum(
        m.history.count() for m in (Agreement, RegionalRegulation, MonitoringMeeting, FollowUp)
    )


def test_the_field_agreements_and_meetings_are_seeded(db):
    seed_demo()
    kendari = Agreement.objects.get(regency__code="74.71")
    assert (kendari.kind, kendari.signed_on, kendari.branch_office.short_name) == (
        "mou",
        date(2018, 2, 5),
        "Kendari",
    )
    assert [(s.name, s.side) for s in kendari.signatories.all()] == [("La Uno", "bpjs")]
    assert kendari.number == kendari.title == "" and kendari.programmes == []

    buton_tengah = Agreement.objects.get(regency__code="74.14")
    assert (buton_tengah.signed_on, buton_tengah.signed_at) == (None, "Baubau")
    assert "tanggal tidak diketahui" in buton_tengah.note
    assert buton_tengah.status == AgreementStatus.SIGNED
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
    assert (meetings["74.04"].place, meetings["74.04"].chair) == (
        "Takawa",
        "Sekretaris Daerah Kabupaten Buton",
    )
    assert sorted(meetings["74.04"].findings.values_list("figure", flat=True)) == [3800, 4627]
    assert sorted(meetings["74.09"].attendees.values_list("count", flat=True)) == [20, 159]


def test_seeding_twice_changes_nothing(db):
    seed_demo()
    rows = _history_rows()
    seed_demo()
    assert _history_rows() == rows
    assert Agreement.objects.count() == 2
