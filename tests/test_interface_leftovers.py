"""Words and numbers a user met that were English, doubled or pointed nowhere useful (#12)."""

import datetime as dt

from django.urls import reverse

from bpjs_tracker.demo import DEMO_NAMES
from enrollment.demo import demo_rows
from enrollment.services.rosters import roster_import
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik


def test_the_login_error_names_the_username_once(client, db):
    page = client.post(reverse("admin:login"), {"username": "siapa", "password": "salah"})
    text = page.content.decode()
    assert "Nama pengguna atau sandi salah" in text
    assert "nama pengguna nama pengguna" not in text.lower()


def test_users_list_has_an_indonesian_name_column(client, world, province_admin):
    client.force_login(province_admin)
    page = client.get(reverse("admin:bpjs_tracker_user_changelist")).content.decode()
    assert "Nama lengkap" in page
    assert "Get full name" not in page


def test_no_view_site_link_back_to_the_admin(client, world, opd_treasurer):
    client.force_login(opd_treasurer)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Lihat situs" not in page


def test_export_button_is_indonesian(client, world, opd_treasurer):
    client.force_login(opd_treasurer)
    page = client.get(reverse("admin:enrollment_rosterentry_changelist")).content.decode()
    assert ">Ekspor</a>" in page
    assert ">Export</a>" not in page


def test_uploader_is_a_name_not_a_link_to_the_users_page(client, world, opd_treasurer):
    opd_treasurer.first_name, opd_treasurer.last_name = "Hasnah", "Tamburaka"
    opd_treasurer.save()
    rows = [worker_row(make_nik(1), "Ani")]
    roster = roster_import(
        unit=world.kdi_dlhk, period=dt.date(2025, 1, 1), upload=roster_csv(rows), by=opd_treasurer
    ).roster
    client.force_login(opd_treasurer)

    page = client.get(reverse("admin:enrollment_roster_change", args=[roster.pk])).content.decode()

    assert "Hasnah Tamburaka" in page
    assert reverse("admin:bpjs_tracker_user_change", args=[opd_treasurer.pk]) not in page


def test_demo_accounts_greet_each_user_by_a_name_of_their_own():
    first_names = [first for first, _last in DEMO_NAMES.values()]
    assert len(set(first_names)) == len(first_names) and "Demo" not in first_names


def test_demo_workers_names_match_their_sex():
    women = ("Wa Ode", "Sitti", "Nur", "Fitri", "Ayu", "Hasnah", "Rina", "Nurhayati")
    men = ("La Ode", "Andi", "Muhammad", "Ahmad", "Rahmat", "Irwan", "Yusuf", "Baso", "Agus")
    for _nik, name, _birth, sex, *_rest in demo_rows(0, 300, ["Staf"]):
        assert name.startswith(women if sex == "P" else men), (name, sex)


def test_a_user_given_a_role_in_the_user_form_can_log_in(client, world):
    from bpjs_tracker.models import User
    from bpjs_tracker.roles import Role

    user = User.objects.create_user("sekda_baru", password="sandi-baru", is_staff=False)
    user.role, user.regency = Role.SEKDA, world.konut
    user.save()  # what the user form saves: no is_staff

    page = client.post(reverse("admin:login"), {"username": "sekda_baru", "password": "sandi-baru"})

    assert page.status_code == 302 and client.get(reverse("admin:index")).status_code == 200


def test_a_user_without_a_role_is_told_so_at_login(client, world):
    from bpjs_tracker.models import User

    User.objects.create_user("tanpa_peran", password="sandi-baru", is_staff=True)
    page = client.post(reverse("admin:login"), {"username": "tanpa_peran", "password": "sandi-baru"})
    assert "belum diberi peran" in page.content.decode()
