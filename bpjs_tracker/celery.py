"""The Celery application: long work (jobs) runs in workers over Redis.

With no `CELERY_BROKER_URL` (the embedded default: `make run`, the test suite)
tasks run in-process, eagerly, so the same code path needs no broker. The
configuration lives in settings.py under the `CELERY_` prefix.

    celery -A bpjs_tracker worker --pool=solo   # or --concurrency=N
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bpjs_tracker.settings")

app = Celery("bpjs_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
