"""deploy/compose.yaml has the services and the environment variables docs/deploy.md names.

This machine has no compose plugin and pulls no images, so the file is read as YAML (anchors
and `<<` merges resolved) and compared with the document, not run.
"""

import re
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]+)` \| ([a-z, ]+) \|", re.MULTILINE)


def compose() -> dict:
    return yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))


def documented() -> dict[str, set[str]]:
    """variable -> the services docs/deploy.md says get it."""
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    return {name: {s.strip() for s in services.split(",")} for name, services in ROW.findall(text)}


def test_the_topology_is_there():
    services = compose()["services"]
    assert {"web", "worker", "beat", "db", "redis", "migrate"} <= set(services)
    # the one schedule (settings.CELERY_BEAT_SCHEDULE): one beat process, never replicated
    assert "celery -A bpjs_tracker beat" in services["beat"]["command"]
    assert "deploy" not in services["beat"] and settings.CELERY_BEAT_SCHEDULE
    assert services["web"]["command"].startswith("gunicorn bpjs_tracker.wsgi")
    assert "celery -A bpjs_tracker worker" in services["worker"]["command"]


def test_every_documented_variable_reaches_its_services():
    services = compose()["services"]
    variables = documented()
    assert len(variables) >= 15  # the table was read
    missing = [
        (name, service)
        for name, wanted in variables.items()
        for service in wanted
        if name not in (services[service].get("environment") or {})
    ]
    assert missing == []


def test_every_variable_the_app_services_get_is_documented():
    services = compose()["services"]
    variables = documented()
    for service in ("web", "worker", "beat", "migrate"):
        undocumented = set(services[service]["environment"]) - set(variables)
        assert undocumented == set(), service


def test_web_and_worker_share_the_uploads_folder():
    services = compose()["services"]
    media_root = services["web"]["environment"]["DJANGO_MEDIA_ROOT"]
    for service in ("web", "worker"):
        assert f"uploads:{media_root}" in services[service]["volumes"]
    assert services["worker"]["environment"]["CELERY_BROKER_URL"].startswith("redis://redis:")


def test_production_settings_in_the_app_services():
    for service in ("web", "worker", "beat", "migrate"):
        env = compose()["services"][service]["environment"]
        assert env["DJANGO_DEBUG"] == "0"
        assert env["DJANGO_LOG_FORMAT"] == "json"
        assert env["DATABASE_URL"].startswith("postgres://")
