"""`seed_demo` once per test session, restored for each test that asks for `seeded_demo`.

Seeding the demo takes several seconds (thousands of workers, rosters, bills, their
history); a dozen tests only read what it made. The first of them seeds it for real,
inside a savepoint: every row the seed added, changed or removed (in every table,
history and many-to-many tables included) and the files it stored are kept in memory,
and the savepoint is rolled back. Each test that asks for the demo then gets those rows
written back into its own database state with plain INSERTs (same primary keys, same
values, same files under its own MEDIA_ROOT), so it sees what calling `seed_demo()` would
have left, and the tests that do not ask see nothing of it.

The snapshot is a difference against the database as the test found it. It is reused
only while that state is the same (every table's row count and highest primary key):
the browser journeys flush the database and load the reference data again under new
primary keys, and the next test that asks for the demo seeds it once more.

It works the same on SQLite and PostgreSQL, in tests wrapped in a transaction and in
transactional ones (the restore runs in its own atomic block; the foreign keys Django
creates are deferred to its end).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

INSERT_BATCH = 500  # rows per INSERT statement (SQLite lowers it to its parameter limit)


def _tables() -> list[type[models.Model]]:
    """One model per database table Django manages (many-to-many tables included)."""
    seen, found = set(), []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        found.append(model)
    return found


def _state() -> dict[str, tuple[int, object]]:
    """Row count and highest primary key of every table: what the snapshot was taken on."""
    state = {}
    for model in _tables():
        agg = model._base_manager.aggregate(n=models.Count("pk"), top=models.Max("pk"))
        state[model._meta.db_table] = (agg["n"], agg["top"])
    return state


def _rows(model) -> dict[object, tuple]:
    fields = model._meta.concrete_fields
    attnames = [f.attname for f in fields]
    pk_index = attnames.index(model._meta.pk.attname)
    return {
        row[pk_index]: row
        for row in model._base_manager.order_by().values_list(*attnames).iterator(chunk_size=5000)
    }


@dataclass
class TableChange:
    model: type[models.Model]
    removed: list = field(default_factory=list)  # primary keys to delete (gone or changed)
    rows: list = field(default_factory=list)  # rows to insert (new or changed), as parameters


@dataclass
class Snapshot:
    state: dict
    result: object  # what seed_demo() returned
    changes: list[TableChange]
    files: dict[str, bytes]  # storage name → content, for the FileFields of inserted rows


def take(seed) -> Snapshot:
    """Run `seed()` inside a savepoint, keep what it did, roll it back."""
    state = _state()
    before = {model._meta.db_table: _rows(model) for model in _tables()}
    changes, files = [], {}

    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            result = seed()
            for model in _tables():
                old, new = before[model._meta.db_table], _rows(model)
                change = TableChange(model)
                for pk, row in new.items():
                    if old.get(pk) != row:
                        change.rows.append(row)
                        if pk in old:
                            change.removed.append(pk)
                change.removed.extend(pk for pk in old if pk not in new)
                if change.rows or change.removed:
                    files.update(_stored_files(model, change.rows))
                    change.rows = _prepared(model, change.rows)
                    changes.append(change)
            raise Undo
    except Undo:
        pass
    return Snapshot(state=state, result=result, changes=changes, files=files)


def _stored_files(model, rows) -> dict[str, bytes]:
    fields = model._meta.concrete_fields
    found = {}
    for index, f in enumerate(fields):
        if not isinstance(f, models.FileField):
            continue
        for row in rows:
            name = row[index]
            if name and default_storage.exists(name):
                with default_storage.open(name, "rb") as handle:
                    found[name] = handle.read()
    return found


def _prepared(model, rows) -> list[tuple]:
    """Model values as the database takes them (done once, when the snapshot is taken)."""
    fields = model._meta.concrete_fields
    connection = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the per-call proxy
    return [
        tuple(f.get_db_prep_save(value, connection) for f, value in zip(fields, row, strict=True))
        for row in rows
    ]


def matches(snapshot: Snapshot) -> bool:
    return snapshot.state == _state()


def restore(snapshot: Snapshot) -> None:
    """Write the snapshot's rows and files into the current database and MEDIA_ROOT."""
    connection = connections[DEFAULT_DB_ALIAS]
    with transaction.atomic(), connection.cursor() as cursor:
        for change in snapshot.changes:
            model = change.model
            meta = model._meta
            table = connection.ops.quote_name(meta.db_table)
            if change.removed:
                pk_column = connection.ops.quote_name(meta.pk.column)
                for start in range(0, len(change.removed), INSERT_BATCH):
                    chunk = change.removed[start : start + INSERT_BATCH]
                    marks = ", ".join(["%s"] * len(chunk))
                    sql = f"DELETE FROM {table} WHERE {pk_column} IN ({marks})"  # noqa: S608 - names from the models, values as parameters
                    cursor.execute(sql, chunk)
            if change.rows:
                _insert(cursor, model, change.rows)
        models_with_rows = [c.model for c in snapshot.changes if c.rows]
        for sql in connection.ops.sequence_reset_sql(no_style(), models_with_rows):
            cursor.execute(sql)
    for name, content in snapshot.files.items():
        if default_storage.exists(name):
            default_storage.delete(name)
        saved = default_storage.save(name, ContentFile(content))
        assert saved == name, (saved, name)


def _insert(cursor, model, rows) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    batch = min(INSERT_BATCH, connection.ops.bulk_batch_size(fields, rows) or INSERT_BATCH)
    row_marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        values = ", ".join([row_marks] * len(chunk))
        sql = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608 - names from the models
        cursor.execute(sql, [value for row in chunk for value in row])
