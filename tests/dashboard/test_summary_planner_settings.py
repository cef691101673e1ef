"""The summary's hash-join settings stay inside the summary (PostgreSQL).

Inside a verification the planner has no statistics for the memberships the same transaction
has just written; with nested loops one unit of 100.000 workers took more than ten minutes a
month (benchmarks/roster_import.py). The refresh turns them off for its own statements and
puts the caller's settings back.
"""

from datetime import date

import pytest
from django.db import connection, transaction

from enrollment.summary import summary_rebuild, summary_refresh

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="planner settings exist on PostgreSQL only"
)


def _settings() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_nestloop'), current_setting('work_mem'),"
            " current_setting('jit')"
        )
        return cursor.fetchone()


@pytest.mark.django_db
def test_a_refresh_inside_a_transaction_gives_the_callers_settings_back(world):
    with transaction.atomic():
        before = _settings()
        summary_refresh(unit_ids=[world.kdi_dlhk.pk], since=date(2026, 1, 1), until=date(2026, 2, 1))
        assert _settings() == before


@pytest.mark.django_db
def test_the_refresh_plans_without_nested_loops(world, monkeypatch):
    seen = []
    from enrollment import summary

    real_store = summary._store

    def spy(*args, **kwargs):
        seen.append(_settings()[0])
        return real_store(*args, **kwargs)

    monkeypatch.setattr(summary, "_store", spy)
    summary_refresh(unit_ids=[world.kdi_dlhk.pk], since=date(2026, 1, 1), until=date(2026, 1, 1))
    summary_rebuild(periods=[date(2026, 1, 1)])

    assert seen == ["off", "off"]
    assert _settings()[0] == "on"
