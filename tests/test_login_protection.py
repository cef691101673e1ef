"""Logins are throttled, passwords strong, sessions end, and logging in writes no history (#11)."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from bpjs_tracker.models import User

LOGIN = reverse("admin:login")
PASSWORD = "Lipa-tenun-Buton-77"


@pytest.fixture
def treasurer(world):
    user = world.users["opd_treasurer"]
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client, username, password, address="10.1.1.1"):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )  # fmt: skip


def test_wrong_passwords_lock_the_user_even_with_the_right_one_then(client, treasurer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, treasurer.username, "salah").status_code == 200  # the form again
    _login(client, treasurer.username, "salah")
    locked = _login(client, treasurer.username, PASSWORD)
    assert locked.status_code == 429
    assert "Masuk dikunci sementara" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_user_from_another_address_too(client, treasurer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, treasurer.username, "salah", address="10.1.1.1")
    assert _login(client, treasurer.username, PASSWORD, address="10.9.9.9").status_code == 429


def test_the_lock_is_per_address_for_any_user_name(client, world, treasurer):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"tebakan{n}", "salah", address="10.2.2.2")
    assert _login(client, treasurer.username, PASSWORD, address="10.2.2.2").status_code == 429
    assert _login(client, treasurer.username, PASSWORD, address="10.3.3.3").status_code == 302


def test_the_province_administrator_unlocks(client, world, treasurer, province_admin):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, treasurer.username, "salah")
    attempts = AccessAttempt.objects.filter(username=treasurer.username)
    assert attempts.exists()
    admin_client = client.__class__()
    admin_client.force_login(province_admin)
    changelist = reverse("admin:axes_accessattempt_changelist")
    response = admin_client.post(
        changelist,
        {
            "action": "unlock_selected",
            "_selected_action": list(attempts.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 302
    assert _login(client, treasurer.username, PASSWORD).status_code == 302


def test_other_roles_cannot_see_or_unlock(client, world, sekda):
    client.force_login(sekda)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


@pytest.mark.parametrize(
    "password", ["sandi123", "Sandi12345!!", "bpjs2025", "kendari2025", "password"]
)
def test_guessable_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, user=User(username="bendahara_dlhk"))


def test_a_long_personal_password_is_accepted():
    validate_password("Lipa-tenun-Buton-77", user=User(username="bendahara_dlhk"))


def test_sessions_end(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_logging_in_writes_no_history_rows(client, treasurer):
    user_rows = User.history.filter(id=treasurer.pk).count()
    unit_rows = User.work_units.through.objects.count()
    before = _history_rows(treasurer)
    for _ in range(10):
        assert _login(client, treasurer.username, PASSWORD).status_code == 302
        client.logout()
    assert _history_rows(treasurer) == before
    assert User.history.filter(id=treasurer.pk).count() == user_rows
    assert User.work_units.through.objects.count() == unit_rows
    treasurer.refresh_from_db()
    assert treasurer.last_login is not None


def _history_rows(user) -> int:
    """History rows of the user and of its work units (the m2m history table)."""
    from django.apps import apps

    total = User.history.filter(id=user.pk).count()
    for model in apps.get_models():
        if model._meta.db_table.startswith("bpjs_tracker_historicaluser_work_units"):
            total += model.objects.count()
    return total
