"""The roster pages of the admin: upload → preview → confirm, verify / return, mutasi, files."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from enrollment.models import Membership, Roster, RosterEntry, RosterUpload
from enrollment.services.rosters import roster_import, roster_preview
from tests import factories
from tests.enrollment.conftest import roster_csv, sample, worker_row
from tests.factories import make_nik

UPLOAD = reverse("admin:enrollment_roster_upload")


def _post_upload(client, unit, upload, period="2025-01"):
    return client.post(UPLOAD, {"unit": unit.pk, "period": period, "file": upload})


def test_treasurer_sees_only_own_units_in_the_upload_form(client, world, opd_treasurer):
    client.force_login(opd_treasurer)
    response = client.get(UPLOAD)
    assert response.status_code == 200
    assert list(response.context["form"].fields["unit"].queryset) == [world.kdi_dlhk]


def test_treasurer_cannot_upload_to_another_unit(client, world, opd_treasurer):
    client.force_login(opd_treasurer)
    response = _post_upload(client, world.kdi_satpol, sample("good_roster.xlsx"))
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert (RosterUpload.objects.count(), Roster.objects.count()) == (0, 0)


def test_sekda_cannot_open_the_upload_page(client, world, sekda):
    client.force_login(sekda)
    assert client.get(UPLOAD).status_code == 403


def test_upload_preview_confirm(client, world, opd_treasurer):
    client.force_login(opd_treasurer)
    response = _post_upload(client, world.kdi_dlhk, sample("good_roster.xlsx"))
    upload = RosterUpload.objects.get()
    preview_url = reverse("admin:enrollment_roster_upload_preview", args=[upload.pk])
    assert response.status_code == 302 and response["Location"] == preview_url
    assert Roster.objects.count() == 0  # nothing saved before the confirmation

    page = client.get(preview_url)
    assert page.status_code == 200
    assert page.context["can_confirm"]
    assert page.context["summary"]["created"] == 3
    assert "Wa Ode Sitti" in page.content.decode()

    confirmed = client.post(preview_url)
    roster = Roster.objects.get()
    assert confirmed["Location"] == reverse("admin:enrollment_roster_change", args=[roster.pk])
    assert roster.entries.count() == 3
    upload.refresh_from_db()
    assert (upload.status, upload.roster) == (RosterUpload.Status.IMPORTED, roster)
    # A second confirmation of the same upload is refused.
    client.post(preview_url)
    assert RosterUpload.objects.get().status == RosterUpload.Status.IMPORTED
    assert Roster.objects.count() == 1


def test_rejected_upload_shows_problems_and_offers_the_error_workbook(client, world, opd_treasurer):
    client.force_login(opd_treasurer)
    _post_upload(client, world.kdi_dlhk, sample("wage_negative.xlsx"))
    upload = RosterUpload.objects.get()

    page = client.get(reverse("admin:enrollment_roster_upload_preview", args=[upload.pk]))
    assert not page.context["can_confirm"]
    assert "Sheet1!3:Upah" in page.content.decode()

    response = client.get(reverse("admin:enrollment_roster_upload_errors", args=[upload.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.cell(1, 10).value == "Kesalahan"
    assert sheet.cell(3, 10).value.startswith("Upah: Upah -2500000 negatif")
    assert sheet.cell(3, 7).fill.fgColor.rgb == "00F8CBAD"
    assert Roster.objects.count() == 0


def test_error_workbook_from_a_csv(client, world, opd_treasurer):
    client.force_login(opd_treasurer)
    _post_upload(client, world.kdi_dlhk, sample("sex_invalid.csv"))
    upload = RosterUpload.objects.get()
    response = client.get(reverse("admin:enrollment_roster_upload_errors", args=[upload.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.title == "sex_invalid"
    assert sheet.cell(3, 1).value == "7471011203850002"
    assert sheet.cell(3, 1).number_format == "@"
    assert sheet.cell(3, 4).comment.text.startswith("'X' bukan jenis kelamin")


def test_treasurer_cannot_see_or_confirm_another_units_upload(
    client, world, opd_treasurer, branch_staff
):
    result = roster_preview(
        unit=world.kdi_satpol,
        period=dt.date(2025, 1, 1),
        upload=sample("good_roster.xlsx"),
        by=branch_staff,
    )
    client.force_login(opd_treasurer)
    url = reverse("admin:enrollment_roster_upload_preview", args=[result.upload.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert (
        client.get(
            reverse("admin:enrollment_roster_upload_errors", args=[result.upload.pk])
        ).status_code
        == 404
    )
    assert Roster.objects.count() == 0


def test_only_the_uploader_confirms(client, world, opd_treasurer, branch_staff):
    result = roster_preview(
        unit=world.kdi_dlhk, period=dt.date(2025, 1, 1), upload=sample("good_roster.xlsx"),
        by=opd_treasurer,
    )  # fmt: skip
    client.force_login(branch_staff)
    url = reverse("admin:enrollment_roster_upload_preview", args=[result.upload.pk])
    assert not client.get(url).context["can_confirm"]
    client.post(url)
    assert Roster.objects.count() == 0


def test_template_download(client, world, opd_treasurer):
    client.force_login(opd_treasurer)
    response = client.get(reverse("admin:enrollment_roster_template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Roster", "Petunjuk"]
    sheet = workbook["Roster"]
    assert [c.value for c in sheet[1]] == [
        "NIK", "Nama", "Tanggal Lahir", "Jenis Kelamin", "Jabatan", "Kategori", "Upah", "TMT",
        "KPJ",
    ]  # fmt: skip
    assert sheet["A2"].number_format == "@" and sheet["I2"].number_format == "@"
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists == {"D2:D1001": '"L,P"', "F2:F1001": '"non_asn,perangkat_desa,pekerja_rentan"'}


def test_filled_template_imports(world):
    from enrollment.imports.template import roster_template

    workbook = load_workbook(io.BytesIO(roster_template()))
    sheet = workbook["Roster"]
    for column, value in enumerate(
        ["7471015708900001", "Wa Ode Sitti", dt.date(1990, 8, 17), "P", "Staf", "non_asn",
         2500000, dt.date(2020, 1, 1), ""], start=1,
    ):  # fmt: skip
        sheet.cell(2, column, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    result = roster_import(
        unit=world.kdi_dlhk, period=dt.date(2025, 1, 1),
        upload=SimpleUploadedFile("roster.xlsx", buffer.getvalue()),
    )  # fmt: skip
    assert result.problems == [] and result.created == 1


def _roster(world, rows=None, period=dt.date(2025, 1, 1), unit=None):
    rows = rows or [worker_row(make_nik(1), "Ani"), worker_row(make_nik(2), "Budi")]
    return roster_import(unit=unit or world.kdi_dlhk, period=period, upload=roster_csv(rows)).roster


def test_branch_staff_verify_from_the_roster_page(client, world, branch_staff):
    roster = _roster(world)
    client.force_login(branch_staff)
    page = client.get(reverse("admin:enrollment_roster_change", args=[roster.pk]))
    assert page.context["can_review"]

    client.post(reverse("admin:enrollment_roster_verify", args=[roster.pk]))

    roster.refresh_from_db()
    assert roster.status == Roster.Status.VERIFIED
    assert Membership.objects.count() == 4


def test_treasurer_cannot_verify_or_return(client, world, opd_treasurer):
    roster = _roster(world)
    client.force_login(opd_treasurer)
    assert not client.get(reverse("admin:enrollment_roster_change", args=[roster.pk])).context[
        "can_review"
    ]
    client.post(reverse("admin:enrollment_roster_verify", args=[roster.pk]))
    assert (
        client.get(reverse("admin:enrollment_roster_return", args=[roster.pk])).status_code == 403
    )
    roster.refresh_from_db()
    assert roster.status == Roster.Status.SUBMITTED


def test_verify_action_on_the_changelist(client, world, branch_staff):
    rosters = [_roster(world), _roster(world, unit=world.kdi_satpol)]
    client.force_login(branch_staff)
    chosen = {"action": "verify_selected", "_selected_action": [r.pk for r in rosters]}
    asked = client.post(reverse("admin:enrollment_roster_changelist"), chosen)
    assert asked.status_code == 200  # first the confirmation, nothing verified yet
    assert set(Roster.objects.values_list("status", flat=True)) == {Roster.Status.SUBMITTED}

    client.post(reverse("admin:enrollment_roster_changelist"), {**chosen, "confirmed": "1"})
    assert set(Roster.objects.values_list("status", flat=True)) == {Roster.Status.VERIFIED}


def test_return_with_reason(client, world, branch_staff):
    roster = _roster(world)
    client.force_login(branch_staff)
    url = reverse("admin:enrollment_roster_return", args=[roster.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    client.post(url, {"reason": "NIK baris 3 salah"})
    roster.refresh_from_db()
    assert (roster.status, roster.return_reason) == (Roster.Status.RETURNED, "NIK baris 3 salah")
    page = client.get(reverse("admin:enrollment_roster_change", args=[roster.pk]))
    assert "NIK baris 3 salah" in page.content.decode()


def test_roster_outside_scope_answers_404_on_every_page(client, world, opd_treasurer):
    roster = _roster(world, unit=world.buton_opd)
    client.force_login(opd_treasurer)
    for name in ("verify", "return", "changes", "file"):
        url = reverse(f"admin:enrollment_roster_{name}", args=[roster.pk])
        assert client.get(url).status_code == 404, name


def test_monthly_changes_page_and_exports(client, world, sekda):
    _roster(world)
    february = _roster(
        world,
        [worker_row(make_nik(1), "Ani", wage="2.750.000"), worker_row(make_nik(3), "Citra")],
        period=dt.date(2025, 2, 1),
    )
    client.force_login(sekda)
    url = reverse("admin:enrollment_roster_changes", args=[february.pk])
    page = client.get(url)
    changes = page.context["changes"]
    assert [(line.kind, line.name) for line in changes.lines] == [
        ("changed", "Ani"), ("joined", "Citra"), ("left", "Budi"),
    ]  # fmt: skip
    assert changes.lines[0].description == "Upah: Rp 2.500.000 → Rp 2.750.000"

    xlsx = client.get(url + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == [
        "Mutasi", "NIK", "Nama", "Jabatan", "Upah", "Upah sebelumnya", "Perubahan",
    ]  # fmt: skip
    assert sheet.max_row == 4
    csv = client.get(url + "?format=csv").content.decode()
    assert "Keluar" in csv and "Budi" in csv


def test_roster_file_download(client, world, opd_treasurer):
    roster = roster_import(
        unit=world.kdi_dlhk, period=dt.date(2025, 1, 1), upload=sample("good_roster.xlsx")
    ).roster
    client.force_login(opd_treasurer)
    response = client.get(reverse("admin:enrollment_roster_file", args=[roster.pk]))
    assert b"".join(response.streaming_content) == sample("good_roster.xlsx").read()


def test_entries_export_uses_the_contract_headers(client, world, opd_treasurer):
    _roster(world)
    _roster(world, unit=world.kdi_satpol)
    client.force_login(opd_treasurer)
    response = client.post(
        reverse("admin:enrollment_rosterentry_export"),
        {"format": "0", "resource": "0", **{f"rosterentryresource_{f}": "on" for f in (
            "unit", "period", "nik", "name", "birth_date", "sex", "position", "segment", "wage",
            "start_date", "kpj")}},
    )  # fmt: skip
    assert response.status_code == 200
    text = response.content.decode()
    assert text.splitlines()[0].startswith("Unit,Periode,NIK,Nama")
    assert "74.71-DLHK" in text and "74.71-SATPOLPP" not in text


@pytest.mark.parametrize(
    ("url_name", "count", "ceiling"),
    [
        ("admin:enrollment_roster_changelist", 30, 14),
        ("admin:enrollment_rosterentry_changelist", 60, 14),
        ("admin:enrollment_membership_changelist", 60, 14),
        ("admin:enrollment_rosterupload_changelist", 30, 14),
    ],
)
def test_changelists_stay_within_a_query_ceiling(
    client, world, province_admin, django_assert_max_num_queries, url_name, count, ceiling
):
    for n in range(count):
        unit = factories.OpdFactory(code=f"74.71-U{n}")
        roster = factories.RosterFactory(unit=unit)
        factories.RosterEntryFactory(roster=roster)
        factories.MembershipFactory(unit=unit)
        RosterUpload.objects.create(unit=unit, period=roster.period, file="x.csv")
    client.force_login(province_admin)
    client.get(reverse(url_name))  # warm caches (content types, permissions)
    with django_assert_max_num_queries(ceiling):
        assert client.get(reverse(url_name)).status_code == 200
    assert RosterEntry.objects.count() >= count
