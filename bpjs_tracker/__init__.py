# The Celery app is loaded with Django so that tasks are registered and `delay` uses it.
from bpjs_tracker.celery import app as celery_app

__all__ = ["celery_app"]
