"""DJANGO_CACHE_URL: web processes share one Redis cache; without it, or with it down, the
app computes what it would have read."""

import socket
import uuid
from datetime import date

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from bpjs_tracker.dashboard.queues import double_candidates
from bpjs_tracker.settings import shared_cache
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 27)
REDIS = ("127.0.0.1", 6379)


def _redis_up() -> bool:
    try:
        socket.create_connection(REDIS, timeout=0.5).close()
        return True
    except OSError:
        return False


def test_without_a_cache_url_each_process_keeps_its_own():
    assert shared_cache({})["default"]["BACKEND"].endswith("LocMemCache")


def test_a_cache_url_names_the_shared_redis():
    default = shared_cache({"DJANGO_CACHE_URL": "redis://cache.internal:6379/1"})["default"]
    assert default["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert default["LOCATION"] == "redis://cache.internal:6379/1"


def _doubles(world) -> set[int]:
    worker = factories.WorkerFactory()
    for unit in (world.kdi_dlhk, world.kdi_satpol):
        factories.MembershipFactory(worker=worker, unit=unit, programme="JKK", start=TODAY)
    return {worker.pk}


def _grouped(captured) -> bool:
    return any("GROUP BY" in q["sql"] for q in captured.captured_queries)


@pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379")
def test_the_double_enrolment_list_is_computed_once_for_every_process(world):
    import redis

    expected = _doubles(world)
    shared = shared_cache({"DJANGO_CACHE_URL": "redis://127.0.0.1:6379/13"})
    prefix = f"test-{uuid.uuid4().hex}"  # the SQLite and PostgreSQL suites run side by side
    shared["default"]["KEY_PREFIX"] = prefix
    try:
        with override_settings(CACHES=shared):
            with CaptureQueriesContext(connection) as first:
                assert set(double_candidates(TODAY)) == expected
            # another process: nothing of the first in its memory, the list read from Redis
            with CaptureQueriesContext(connection) as second:
                assert set(double_candidates(TODAY)) == expected
    finally:
        client = redis.Redis(*REDIS, db=13)
        client.delete(*client.keys(f"{prefix}:*") or [f"{prefix}:none"])
    assert _grouped(first) and not _grouped(second)


def test_a_shared_cache_that_is_down_leaves_the_list_computed(world):
    expected = _doubles(world)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, not listening: connections are refused
        down = shared_cache({"DJANGO_CACHE_URL": f"redis://127.0.0.1:{port}/0"})
        with override_settings(CACHES=down):
            assert set(double_candidates(TODAY)) == expected
