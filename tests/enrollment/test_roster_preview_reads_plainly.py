"""The preview speaks the user's language: labels, Rupiah, new wages, next contribution (#12)."""

import datetime as dt

from django.urls import reverse

from enrollment.selectors import describe_changes
from enrollment.services.rosters import roster_import, roster_preview
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik

JAN, FEB = dt.date(2025, 1, 1), dt.date(2025, 2, 1)


def test_changes_read_with_labels_and_rupiah():
    assert describe_changes({"wage": ["2500000", "2700000"]}) == (
        "Upah: Rp 2.500.000 → Rp 2.700.000"
    )
    assert describe_changes({"start_date": ["2020-01-01", "2021-03-01"], "sex": ["L", "P"]}) == (
        "TMT: 01-01-2020 → 01-03-2021; Jenis kelamin: Laki-laki → Perempuan"
    )
    assert describe_changes({"segment": ["non_asn", "village_official"]}) == (
        "Kategori: Non-ASN / honorer → Perangkat desa"
    )


def test_preview_shows_wages_changes_and_the_contribution_change(client, world, opd_treasurer):
    january = [worker_row(make_nik(1), "Ani"), worker_row(make_nik(2), "Budi")]
    roster_import(unit=world.kdi_dlhk, period=JAN, upload=roster_csv(january))
    february = [
        worker_row(make_nik(1), "Ani", wage="2700000"),
        worker_row(make_nik(3), "Citra", wage="3000000"),
    ]
    upload = roster_preview(
        unit=world.kdi_dlhk, period=FEB, upload=roster_csv(february), by=opd_treasurer
    ).upload
    client.force_login(opd_treasurer)

    html = client.get(reverse("admin:enrollment_roster_upload_preview", args=[upload.pk])).content
    html = html.decode()

    assert "Upah: Rp 2.500.000 → Rp 2.700.000" in html
    assert "wage:" not in html
    assert "Rp 3.000.000" in html  # Citra's wage, a new worker
    # JKK 0,24% + JKM 0,30% per worker, very-low risk, half up:
    # January: 2 × (6.000 + 7.500) = 27.000; February: Ani 6.480 + 8.100, Citra 7.200 + 9.000
    assert upload.summary["contribution"] == [27_000, 30_780]
    assert "Rp 27.000 → Rp 30.780 (+Rp 3.780)" in html


def test_a_double_enrolment_names_the_other_unit_and_the_person_first(
    client, world, opd_treasurer
):
    world.kdi_satpol.treasurers.add(opd_treasurer)  # both units are the treasurer's
    roster_import(unit=world.kdi_satpol, period=JAN, upload=roster_csv([worker_row(make_nik(1), "Ani")]))
    upload = roster_preview(
        unit=world.kdi_dlhk, period=JAN, upload=roster_csv([worker_row(make_nik(1), "Ani")]),
        by=opd_treasurer,
    ).upload  # fmt: skip
    client.force_login(opd_treasurer)

    html = client.get(reverse("admin:enrollment_roster_upload_preview", args=[upload.pk]))
    table = html.content.decode().split('id="preview-double"')[1].split("</table>")[0]

    assert "<td>Ani</td><td>Satpol PP (74.71-SATPOLPP)</td>" in table
