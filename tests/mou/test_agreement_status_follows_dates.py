"""An agreement's status is derived from its dates; only draft/signed/terminated is stored."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mou.models import Agreement
from mou.status import AgreementStatus, RecordedState, agreement_status
from tests import factories

DAY = date(2026, 3, 1)
D, S, T = RecordedState.DRAFT, RecordedState.SIGNED, RecordedState.TERMINATED

# state, signed_on, valid_from, valid_until, terminated_on -> status on DAY
TABLE = [
    ("draft", D, None, None, None, None, AgreementStatus.DRAFT),
    (
        "draft with planned dates",
        D,
        None,
        date(2026, 1, 1),
        date(2027, 1, 1),
        None,
        AgreementStatus.DRAFT,
    ),
    ("signed, no dates known", S, None, None, None, None, AgreementStatus.SIGNED),
    (
        "signed, starts from signing",
        S,
        date(2025, 1, 1),
        None,
        None,
        None,
        AgreementStatus.IN_FORCE,
    ),
    ("signed today", S, DAY, None, None, None, AgreementStatus.IN_FORCE),
    (
        "signed, starts later",
        S,
        date(2026, 2, 1),
        date(2026, 4, 1),
        None,
        None,
        AgreementStatus.SIGNED,
    ),
    (
        "valid_from wins over signing",
        S,
        date(2026, 4, 1),
        date(2026, 2, 1),
        None,
        None,
        AgreementStatus.IN_FORCE,
    ),
    ("last day still in force", S, date(2024, 1, 1), None, DAY, None, AgreementStatus.IN_FORCE),
    (
        "signed, past end date",
        S,
        date(2024, 1, 1),
        None,
        date(2026, 2, 28),
        None,
        AgreementStatus.EXPIRED,
    ),
    ("expired, start unknown", S, None, None, date(2025, 1, 1), None, AgreementStatus.EXPIRED),
    (
        "terminated",
        T,
        date(2024, 1, 1),
        None,
        date(2027, 1, 1),
        date(2025, 6, 1),
        AgreementStatus.TERMINATED,
    ),
    ("terminated today", T, date(2024, 1, 1), None, None, DAY, AgreementStatus.TERMINATED),
    (
        "termination ahead",
        T,
        date(2024, 1, 1),
        None,
        None,
        date(2026, 6, 1),
        AgreementStatus.IN_FORCE,
    ),
    (
        "termination ahead, past end",
        T,
        date(2020, 1, 1),
        None,
        date(2021, 1, 1),
        date(2026, 6, 1),
        AgreementStatus.EXPIRED,
    ),
]


@pytest.mark.parametrize(
    ("state", "signed_on", "valid_from", "valid_until", "terminated_on", "expected"),
    [row[1:] for row in TABLE],
    ids=[row[0] for row in TABLE],
)
def test_status_follows_the_dates(
    state, signed_on, valid_from, valid_until, terminated_on, expected
):
    status = agreement_status(
        state=state,
        signed_on=signed_on,
        valid_from=valid_from,
        valid_until=valid_until,
        terminated_on=terminated_on,
        day=DAY,
    )
    assert status == expected


def test_the_sql_conditions_give_every_row_the_status_of_the_rule(world):
    rows = {}
    for name, state, signed_on, valid_from, valid_until, terminated_on, expected in TABLE:
        agreement = factories.AgreementFactory(
            state=state,
            signed_on=signed_on,
            valid_from=valid_from,
            valid_until=valid_until,
            terminated_on=terminated_on,
        )
        rows[agreement.pk] = (name, expected)
    found = {
        pk: status
        for status in AgreementStatus
        for pk in Agreement.objects.with_status(status, DAY).values_list("pk", flat=True)
    }
    assert {pk: found.get(pk) for pk in rows} == {
        pk: expected for pk, (_n, expected) in rows.items()
    }


def test_a_signed_agreement_past_its_end_date_reads_expired(world):
    agreement = factories.AgreementFactory(
        signed_on=date(2021, 2, 1), valid_until=date(2024, 1, 31)
    )
    assert agreement.status_on(date(2024, 2, 1)) == AgreementStatus.EXPIRED
    assert agreement.status == AgreementStatus.EXPIRED
    assert agreement.status.label == "Kedaluwarsa"


def test_expiring_within_keeps_agreements_in_force_that_end_soon(world):
    soon = factories.AgreementFactory(signed_on=date(2024, 1, 1), valid_until=date(2026, 5, 30))
    factories.AgreementFactory(signed_on=date(2024, 1, 1), valid_until=date(2026, 5, 31))
    factories.AgreementFactory(signed_on=date(2024, 1, 1), valid_until=None)
    factories.AgreementFactory(signed_on=date(2024, 1, 1), valid_until=date(2026, 2, 1))
    assert list(Agreement.objects.expiring_within(90, DAY)) == [soon]


def test_the_changelist_shows_and_filters_the_derived_status(client, world, province_admin):
    expired = factories.AgreementFactory(signed_on=date(2020, 1, 1), valid_until=date(2022, 12, 31))
    in_force = factories.AgreementFactory(signed_on=date(2024, 1, 1))
    client.force_login(province_admin)
    url = reverse("admin:mou_agreement_changelist")

    response = client.get(url, {"status": "expired"})
    assert list(response.context["cl"].queryset) == [expired]
    assert "Kedaluwarsa" in response.content.decode()
    response = client.get(url, {"status": "in_force"})
    assert list(response.context["cl"].queryset) == [in_force]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"state": D, "signed_on": date(2024, 1, 1)},
            "Draf belum ditandatangani: kosongkan tanggal penandatanganan atau ubah keadaannya.",
        ),
        (
            {"state": T, "terminated_on": None},
            "Perjanjian yang diakhiri lebih awal harus punya tanggal pengakhiran, dan hanya "
            "perjanjian itu.",
        ),
        (
            {"valid_from": date(2025, 1, 1), "valid_until": date(2024, 1, 1)},
            "Tanggal mulai berlaku harus sebelum tanggal berakhir.",
        ),
    ],
)
def test_contradictory_dates_are_refused(world, fields, message):
    agreement = factories.AgreementFactory.build(**fields)
    with pytest.raises(ValidationError) as exc:
        agreement.full_clean()
    assert exc.value.messages == [message]
