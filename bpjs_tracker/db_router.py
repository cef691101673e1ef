"""Reads for dashboards and reports from a PostgreSQL read replica, when there is one.

`DATABASE_REPLICA_URL` adds the alias "replica". Only code that says so reads
from it, inside `with reading_from_replica():` (dashboard selectors, report
commands, exports): a replica lags behind by a moment, so a page that has just
written must not read its own write from it. Everything else, and every write,
migration and transaction, uses "default". Without a replica the block changes
nothing.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_use_replica: ContextVar[bool] = ContextVar("use_replica", default=False)


@contextmanager
def reading_from_replica():
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


def replica_alias() -> str:
    """The alias reads go to now: "replica" inside the block when it exists, else "default"."""
    return REPLICA if _use_replica.get() and REPLICA in settings.DATABASES else "default"


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return replica_alias()

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
