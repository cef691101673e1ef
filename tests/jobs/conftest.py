import pytest


@pytest.fixture(autouse=True)
def jobs_in_process(request, settings):
    """Jobs run in-process here even when CELERY_BROKER_URL is set, except in broker tests."""
    if request.node.get_closest_marker("broker") is None:
        settings.CELERY_TASK_ALWAYS_EAGER = True
