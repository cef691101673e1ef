"""The per-regency page: agreements in force and expiring, flags, regulations, meetings, follow-ups."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bpjs_tracker.roles import Role
from mou.models import RecordedState
from mou.selectors import regency_agreement_overview
from mou.services import agreement_renew
from tests import factories

TODAY = date(2026, 3, 1)


def overview(user, regency, today=TODAY):
    return regency_agreement_overview(user=user, regency=regency, today=today)


def test_agreements_in_force_and_expiring_within_90_days(world, sekda):
    lasting = factories.AgreementFactory(signed_on=date(2025, 1, 1), valid_until=date(2028, 1, 1))
    ending = factories.AgreementFactory(signed_on=date(2023, 6, 1), valid_until=date(2026, 5, 30))
    expired = factories.AgreementFactory(signed_on=date(2020, 1, 1), valid_until=date(2022, 12, 31))
    result = overview(sekda, world.kendari)
    assert [line.agreement for line in result.in_force] == [lasting, ending]
    assert [(line.agreement, line.days_left) for line in result.expiring] == [(ending, 90)]
    assert [line.agreement for line in result.not_in_force] == [expired]
    assert result.flag is None
    assert result.next_actions == [
        f"Perbarui {ending} sebelum berakhir pada 30 Mei 2026.",
        "Belum ada rapat monitoring yang dicatat: jadwalkan rapat monev.",
    ]


def test_an_expiring_agreement_already_renewed_needs_no_action(world, sekda):
    ending = factories.AgreementFactory(signed_on=date(2023, 6, 1), valid_until=date(2026, 5, 30))
    agreement_renew(agreement=ending, by=sekda)
    factories.MonitoringMeetingFactory()
    result = overview(sekda, world.kendari)
    assert [line.renewed for line in result.expiring] == [True]
    assert result.next_actions == []


def test_expired_agreements_are_flagged(world, sekda):
    factories.AgreementFactory(signed_on=date(2018, 2, 5), valid_until=date(2021, 2, 4))
    factories.AgreementFactory(signed_on=date(2021, 2, 5), valid_until=date(2024, 2, 4))
    result = overview(sekda, world.kendari)
    assert (result.flag.code, result.flag.message) == (
        "expired",
        "Tidak ada perjanjian yang berlaku: perjanjian terakhir berakhir pada 4 Februari 2024.",
    )
    assert result.next_actions[0] == (
        "Siapkan dan tandatangani perjanjian baru dengan BPJS Ketenagakerjaan."
    )


def test_a_regency_without_agreements_is_flagged_missing(world, sekda):
    factories.AgreementFactory(state=RecordedState.DRAFT, signed_on=None)
    result = overview(sekda, world.kendari)
    assert (result.flag.code, result.flag.message) == (
        "missing",
        "Belum ada perjanjian dengan BPJS Ketenagakerjaan yang berlaku.",
    )


def test_a_signed_agreement_without_dates_is_flagged_not_started(world, sekda):
    agreement = factories.AgreementFactory(signed_on=None)
    result = overview(sekda, world.kendari)
    assert result.flag.code == "not_started"
    assert f"Catat tanggal mulai berlaku {agreement}." in result.next_actions


def test_a_signed_agreement_starting_later_needs_no_dates_recorded(world, sekda):
    factories.AgreementFactory(signed_on=date(2026, 2, 20), valid_from=date(2026, 4, 1))
    result = overview(sekda, world.kendari)
    assert result.flag.code == "not_started"
    assert not [a for a in result.next_actions if a.startswith("Catat tanggal")]


def test_last_meeting_regulations_and_open_follow_ups(world, sekda):
    factories.MonitoringMeetingFactory(held_on=date(2024, 5, 1))
    last = factories.MonitoringMeetingFactory(held_on=date(2025, 11, 17), chair="Sekda")
    factories.MonitoringMeetingFactory(held_on=date(2026, 6, 1))  # planned, not held yet
    factories.MeetingFindingFactory(meeting=last, text="Non-ASN terlindungi", figure=3800)
    late = factories.FollowUpFactory(
        meeting=last, description="Bayar iuran", due_on=date(2026, 1, 31)
    )
    pending = factories.FollowUpFactory(meeting=last, due_on=date(2026, 4, 30))
    factories.FollowUpFactory(
        meeting=last, status="done", closed_on=date(2026, 1, 1), due_on=date(2025, 12, 1)
    )
    regulation = factories.RegionalRegulationFactory()
    factories.RegionalRegulationFactory(regency=world.buton)
    result = overview(sekda, world.kendari)
    assert result.last_meeting == last
    assert result.regulations == [regulation]
    assert result.open_follow_ups == [late, pending]
    assert result.overdue_follow_ups == [late]
    assert (
        "Selesaikan tindak lanjut yang terlambat: Bayar iuran (tenggat 31 Januari 2026)."
        in result.next_actions
    )


def _page(regency):
    return reverse("admin:mou_regency_overview", args=[regency.code])


def test_the_page_shows_the_overview(client, world, sekda, django_assert_max_num_queries):
    today = timezone.localdate()
    ending = factories.AgreementFactory(
        number="7/MOU/2024", signed_on=date(2024, 1, 1), valid_until=today + timedelta(days=30)
    )
    factories.AgreementFactory(
        number="1/MOU/2018", signed_on=date(2018, 2, 5), valid_until=date(2021, 2, 4)
    )
    factories.RegionalRegulationFactory(title="Perlindungan jaminan sosial pekerja rentan")
    meeting = factories.MonitoringMeetingFactory(held_on=today - timedelta(days=60), place="Takawa")
    factories.MeetingAttendeeFactory(meeting=meeting, name="Kepala desa", count=159)
    factories.MeetingFindingFactory(meeting=meeting, text="Non-ASN terlindungi", figure=3800)
    factories.FollowUpFactory(
        meeting=meeting, description="Bayar iuran", due_on=today - timedelta(days=1)
    )
    client.force_login(sekda)
    with django_assert_max_num_queries(14):
        response = client.get(_page(world.kendari))
    assert response.status_code == 200
    page = response.content.decode()
    for text in [
        "7/MOU/2024",
        "1/MOU/2018",
        "30 hari lagi",
        "Kedaluwarsa",
        "Perlindungan jaminan sosial pekerja rentan",
        "Takawa",
        "159 Kepala desa",
        "3.800",
        "Bayar iuran",
        'data-overdue="1"',
        f"Perbarui {ending} sebelum berakhir",
    ]:
        assert text in page, text


def test_the_page_flags_a_regency_without_agreements(client, world, sekda):
    client.force_login(sekda)
    page = client.get(_page(world.kendari)).content.decode()
    assert 'data-flag="missing"' in page
    assert "Belum ada perjanjian dengan BPJS Ketenagakerjaan yang berlaku." in page


@pytest.mark.parametrize("role", [r for r in Role if r != Role.PROVINCE_ADMIN], ids=str)
def test_a_regency_outside_the_scope_answers_404(client, world, role):
    client.force_login(world.user(role))
    assert client.get(_page(world.buton)).status_code == 404
    assert client.get(_page(world.home_regency(role))).status_code == 200


def test_an_unknown_regency_answers_404(client, province_admin):
    client.force_login(province_admin)
    assert client.get(reverse("admin:mou_regency_overview", args=["99.99"])).status_code == 404


def test_the_agreement_list_links_to_the_page(client, world, sekda):
    factories.AgreementFactory()
    client.force_login(sekda)
    page = client.get(reverse("admin:mou_agreement_changelist")).content.decode()
    assert _page(world.kendari) in page
