"""`/healthz`: is this process able to serve? The database and the broker, as JSON (200 / 503).

For a load balancer or an orchestrator: no login, no session, no redirect to
HTTPS (settings' SECURE_REDIRECT_EXEMPT), nothing about the data. Without a
broker (jobs run in-process) the broker check reports "in-process" and passes.
"""

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

BROKER_TIMEOUT = 2  # seconds; a load balancer polls often


def check_database(alias: str = "default") -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is "down"; the kind is reported
        return f"error: {type(exc).__name__}"
    return "ok"


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    from bpjs_tracker.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)
            conn.default_channel  # noqa: B018 - opens the channel: the broker answers
    except Exception as exc:  # noqa: BLE001
        return f"error: {type(exc).__name__}"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    checks = {"database": check_database(), "broker": check_broker()}
    if "replica" in settings.DATABASES:
        checks["replica"] = check_database("replica")
    healthy = all(not value.startswith("error") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
