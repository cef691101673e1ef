"""`/healthz`: 200 with what was checked, 503 when the database or the broker does not answer."""

import pytest
from django.db import OperationalError, connections

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture(autouse=True)
def no_broker_no_replica(settings):
    """The embedded default: jobs in-process, one database (whatever the environment says)."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.DATABASES = {"default": settings.DATABASES["default"]}


def test_healthy_without_login_and_without_a_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "in-process"}
    assert "no-cache" in response["Cache-Control"]


def test_answers_plain_http_when_https_is_enforced(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/admin/login/").status_code == 301  # everything else goes to https


def test_503_when_the_database_does_not_answer(client, db, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(connections["default"], "cursor", refuse)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error: OperationalError"
    assert response.json()["status"] == "error"


def test_503_when_the_broker_does_not_answer(client, db, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["broker"].startswith("error: ")


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405
