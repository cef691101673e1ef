"""Another unit's file uploaded under the wrong unit is stopped before anyone's cover ends (#12).

The preview says so at the top, and the roster is saved only after a second, typed
confirmation: the unit's name or code, or the number of workers leaving.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enrollment.models import Roster, RosterEntry, RosterUpload
from enrollment.services.rosters import (
    roster_import,
    roster_preview,
    roster_upload_confirm,
    roster_verify,
)
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik

JAN, FEB = dt.date(2025, 1, 1), dt.date(2025, 2, 1)


def _rows(numbers):
    return [worker_row(make_nik(n), f"Pekerja {n}") for n in numbers]


@pytest.fixture
def units_with_january(world):
    """DLHK has workers 1–10, Satpol PP workers 101–105, both verified for January and February's
    Satpol PP roster is in too (what a wrong DLHK upload of Satpol's file would collide with)."""
    for unit, numbers in ((world.kdi_dlhk, range(1, 11)), (world.kdi_satpol, range(101, 106))):
        roster_verify(roster=roster_import(unit=unit, period=JAN, upload=roster_csv(_rows(numbers))).roster)
    roster_import(unit=world.kdi_satpol, period=FEB, upload=roster_csv(_rows(range(101, 106))))
    return world


def test_satpol_file_under_dlhk_is_suspect_for_both_reasons(units_with_january, opd_treasurer):
    world = units_with_january
    opd_treasurer.work_units.add(world.kdi_satpol)

    result = roster_preview(
        unit=world.kdi_dlhk, period=FEB, upload=roster_csv(_rows(range(101, 106))), by=opd_treasurer
    )

    assert (result.created, result.left, result.created_elsewhere) == (5, 10, 5)
    assert result.suspect == ["most_leave", "most_elsewhere"]
    assert result.upload.summary["suspect"] == ["most_leave", "most_elsewhere"]


def test_a_normal_month_is_not_suspect(units_with_january, opd_treasurer):
    # two leave, two join: an ordinary month for a unit of ten
    rows = _rows([*range(1, 9), 11, 12])
    result = roster_preview(
        unit=units_with_january.kdi_dlhk, period=FEB, upload=roster_csv(rows), by=opd_treasurer
    )
    assert (result.left, result.created) == (2, 2)
    assert result.suspect == []


def test_half_leaving_is_not_most(units_with_january, opd_treasurer):
    rows = _rows([*range(1, 6), *range(21, 26)])  # 5 of 10 leave: half, not most
    result = roster_preview(
        unit=units_with_january.kdi_dlhk, period=FEB, upload=roster_csv(rows), by=opd_treasurer
    )
    assert result.left == 5 and result.suspect == []


def _suspect_upload(world, user) -> RosterUpload:
    return roster_preview(
        unit=world.kdi_dlhk, period=FEB, upload=roster_csv(_rows(range(201, 204))), by=user
    ).upload  # three strangers replace ten workers


def test_suspect_upload_is_refused_without_the_typed_confirmation(units_with_january, opd_treasurer):
    upload = _suspect_upload(units_with_january, opd_treasurer)

    with pytest.raises(ValidationError) as refused:
        roster_upload_confirm(upload=upload, by=opd_treasurer, typed="ya")

    assert refused.value.code == "needs_typed_confirmation"
    assert "Dinas Lingkungan Hidup" in refused.value.messages[0]
    assert not Roster.objects.filter(unit=units_with_january.kdi_dlhk, period=FEB).exists()


@pytest.mark.parametrize("typed", ["dinas lingkungan  hidup", "74.71-DLHK", "10", " 10 "])
def test_the_units_name_code_or_number_leaving_confirms(units_with_january, opd_treasurer, typed):
    upload = _suspect_upload(units_with_january, opd_treasurer)

    result = roster_upload_confirm(upload=upload, by=opd_treasurer, typed=typed)

    assert result.ok and result.roster.entry_count == 3


def test_preview_page_warns_at_the_top_and_asks_to_type(client, units_with_january, opd_treasurer):
    upload = _suspect_upload(units_with_january, opd_treasurer)
    client.force_login(opd_treasurer)
    url = reverse("admin:enrollment_roster_upload_preview", args=[upload.pk])

    html = client.get(url).content.decode()

    warning = html.index('id="suspect-upload"')
    assert "10 dari 10 pekerja Dinas Lingkungan Hidup tidak ada di berkas ini" in html
    # the warning, then the decision, then the row details
    assert warning < html.index('id="confirm-form"') < html.index("preview-created")
    assert 'name="confirm_text"' in html

    refused = client.post(url, {"confirm_text": ""})
    assert refused.status_code == 302
    assert RosterEntry.objects.filter(roster__period=FEB, roster__unit__code="74.71-DLHK").count() == 0

    client.post(url, {"confirm_text": "Dinas Lingkungan Hidup"})
    assert Roster.objects.get(unit__code="74.71-DLHK", period=FEB).entry_count == 3
