"""Settings come from the environment; production refuses to start without its secrets."""

import os
import subprocess
import sys

from django.conf import settings


def _run_check(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**os.environ, **env, "DATABASE_URL": "sqlite:///:memory:"},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_fixed_settings_indonesian_wita_aware_custom_user():
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]
    assert settings.TIME_ZONE == "Asia/Makassar"
    assert settings.USE_TZ is True
    assert settings.AUTH_USER_MODEL == "bpjs_tracker.User"


def test_production_without_secret_key_refuses_to_start():
    result = _run_check(
        {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "", "DJANGO_ALLOWED_HOSTS": "x.go.id"}
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = _run_check(
        {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 60, "DJANGO_ALLOWED_HOSTS": ""}
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is required" in result.stderr


def test_check_deploy_is_clean_when_configured_for_production():
    secret = "a-long-random-secret-for-the-test-0123456789-abcdefghijklmnopqrstuvwxyz"
    result = _run_check(
        {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secret, "DJANGO_ALLOWED_HOSTS": "x.go.id"}
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_without_django_debug_the_server_is_production_and_needs_its_secrets():
    """#11: an unset DJANGO_DEBUG must not give a debug server with an embedded key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "bpjs_tracker.settings"},
        capture_output=True, text=True, cwd=settings.BASE_DIR, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_without_django_debug_debug_is_off():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
         "print(settings.DEBUG, settings.SECRET_KEY)"],
        env={**env, "DJANGO_SETTINGS_MODULE": "bpjs_tracker.settings",
             "DJANGO_SECRET_KEY": "s" * 50, "DJANGO_ALLOWED_HOSTS": "x.go.id"},
        capture_output=True, text=True, cwd=settings.BASE_DIR, check=False,
    )  # fmt: skip
    assert result.stdout.split() == ["False", "s" * 50]
