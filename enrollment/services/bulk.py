"""Set-based reads and writes for the roster import: COPY on PostgreSQL, executemany on SQLite.

The roster import moves up to 100,000 rows in one transaction; Django's ORM
(and django-import-export's row-by-row path) spends most of that time building
model instances and statements. These helpers send rows as data instead:

- PostgreSQL: ``COPY`` into a temporary table (or straight into the entry
  table), then one ``INSERT … SELECT`` / ``UPDATE … FROM``; the history rows
  of Worker (django-simple-history) are written by the same statement.
- SQLite: ``executemany`` with the same SQL shape; lists of keys are sent in
  chunks below SQLite's variable limit.

Callers run them inside ``transaction.atomic()``; nothing here commits.

SQL text is built only from table and column names taken from the models'
``_meta`` (quoted by the backend); every value travels as a parameter or
through COPY, hence the file-wide S608 exemption.
"""
# ruff: noqa: S608

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from enrollment.models import Membership, Roster, RosterEntry, Worker
from regencies.models import WorkUnit

SQLITE_CHUNK = 900


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model) -> str:
    return _q(model._meta.db_table)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _as_date(value) -> date:
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.date()
    return value


def _chunks(items: Sequence, size: int = SQLITE_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _pg_array(values: Iterable) -> str:
    """A PostgreSQL array literal of digit strings or integers (no quoting needed)."""
    return "{" + ",".join(str(v) for v in values) + "}"


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy(cursor, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    _copy_lines(cursor, table, columns, ("\t".join(map(_copy_text, row)) + "\n" for row in rows))


class _LineStream(io.TextIOBase):
    """A read()-able view of an iterator of lines, so COPY streams while Python formats.

    The database ingests one chunk while the next is being built (two processes,
    two cores), and the whole text is never held in memory at once.
    """

    def __init__(self, lines: Iterable[str]):
        self._lines = iter(lines)

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        limit = (1 << 62) if size is None or size < 0 else size
        parts, length = [], 0
        for line in self._lines:
            parts.append(line)
            length += len(line)
            if length >= limit:
                break
        return "".join(parts)


COPY_CHUNK = 1 << 20


def _copy_lines(cursor, table: str, columns: Sequence[str], lines: Iterable[str]) -> None:
    """COPY text-format lines (tab-separated, escaped, newline-terminated) into `table`."""
    sql = f"COPY {table} ({', '.join(_q(c) for c in columns)}) FROM STDIN"
    stream = _LineStream(lines)
    raw = cursor.cursor
    if hasattr(raw, "copy_expert"):  # psycopg2
        raw.copy_expert(sql, stream, size=COPY_CHUNK)
    else:  # psycopg 3
        with raw.copy(sql) as copy:
            while chunk := stream.read(COPY_CHUNK):
                copy.write(chunk)


def _temp_table(cursor, name: str, columns_sql: str) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns_sql}) ON COMMIT DROP")


# --- reads ----------------------------------------------------------------------------------------


class StoredRow(NamedTuple):
    """A roster entry as stored, with its worker's current data.

    ``stored[4:]`` lines up with ``RosterRow[2:]`` (name … kpj), so comparing a
    stored row with an uploaded one is one tuple comparison.
    """

    entry_id: int
    worker_id: int
    row: int
    nik: str
    name: str
    birth_date: date
    sex: str
    position: str
    segment: str
    wage: int
    start_date: date
    kpj: str


def _stored_row_sql() -> str:
    e, w = _table(RosterEntry), _table(Worker)
    return (
        f"SELECT e.id, e.worker_id, e.row_number, w.nik, w.name, w.birth_date, w.sex, "
        f"e.position, e.segment, e.wage, e.start_date, e.kpj "
        f"FROM {e} e JOIN {w} w ON w.id = e.worker_id WHERE e.roster_id = %s"
    )


def _stored_rows(batches: Iterable[Sequence]) -> Iterable[StoredRow]:
    """StoredRows from result rows, with repeated values (positions, categories, dates) shared."""
    shared: dict = {}
    one = shared.setdefault
    for batch in batches:
        for r in batch:
            birth, start = r[5], r[10]
            if not isinstance(birth, date):  # a backend that hands dates back as text
                birth, start = _as_date(birth), _as_date(start)
            yield StoredRow(
                r[0], r[1], r[2], r[3], r[4], one(birth, birth), one(r[6], r[6]),
                one(r[7], r[7]), one(r[8], r[8]), one(r[9], r[9]), one(start, start),
                one(r[11], r[11]),
            )  # fmt: skip


def _in_list(column: str, values: Sequence, cast: str) -> tuple[str, list]:
    """`column IN (values)` as one parameter, however many values (`cast`: text or bigint).

    PostgreSQL takes an array; SQLite a JSON array read by json_each (no variable limit).
    """
    if is_postgresql():
        return f"{column} = ANY(%s::{cast}[])", [_pg_array(values)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(values))]


def fetch_roster_rows(roster_id: int, niks: Sequence[str] | None = None) -> dict[str, StoredRow]:
    """The entries of a roster keyed by NIK: every one, or only those of `niks`.

    Read in batches, with repeated values shared, so that 100,000 stored rows cost
    about 40 MB rather than twice that.
    """
    sql, params = _stored_row_sql(), [roster_id]
    if niks is not None:
        if not niks:
            return {}
        where, more = _in_list("w.nik", niks, "text")
        sql, params = f"{sql} AND {where}", params + more
    # A server-side cursor on PostgreSQL: the client never holds the whole result at once.
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        batches = iter(lambda: cursor.fetchmany(10_000), [])
        return {s.nik: s for s in _stored_rows(batches)}


def roster_leavers(
    roster_id: int, staying_worker_ids: Sequence[int], limit: int | None
) -> tuple[int, list[StoredRow]]:
    """(how many entries of a roster are not of `staying_worker_ids`, the first `limit` by row;
    `limit` None: all of them).

    What a preview lists of the workers who leave, without reading the whole roster: a
    COUNT on the (roster, worker) index and a top-N by row.
    """
    where, params = _in_list("e.worker_id", staying_worker_ids, "bigint")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {_table(RosterEntry)} e "
            f"WHERE e.roster_id = %s AND NOT ({where})",
            [roster_id, *params],
        )
        count = cursor.fetchone()[0]
        if not count or limit == 0:
            return count, []
        cursor.execute(
            f"{_stored_row_sql()} AND NOT ({where}) ORDER BY e.row_number, e.id"
            + ("" if limit is None else " LIMIT %s"),
            [roster_id, *params, *([] if limit is None else [limit])],
        )
        return count, list(_stored_rows([cursor.fetchall()]))


def _select_by_niks(sql_head: str, niks: Sequence[str], params_before: Sequence = ()) -> list:
    """Run `sql_head` + a NIK filter on w.nik for every NIK in `niks`."""
    if not niks:
        return []
    rows = []
    with connection.cursor() as cursor:
        if is_postgresql():
            cursor.execute(
                sql_head + " AND w.nik = ANY(%s::text[])", [*params_before, _pg_array(niks)]
            )
            return cursor.fetchall()
        for chunk in _chunks(list(niks)):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(sql_head + f" AND w.nik IN ({marks})", [*params_before, *chunk])
            rows.extend(cursor.fetchall())
    return rows


def fetch_workers(niks: Sequence[str]) -> dict[str, tuple]:
    """nik -> (id, name, birth_date, sex) for the workers that exist."""
    sql = f"SELECT w.id, w.nik, w.name, w.birth_date, w.sex FROM {_table(Worker)} w WHERE 1 = 1"
    return {r[1]: (r[0], r[2], _as_date(r[3]), r[4]) for r in _select_by_niks(sql, niks)}


def fetch_other_rosters(*, period: date, unit_id: int, niks: Sequence[str]) -> dict[str, list]:
    """nik -> [(unit code, unit name)] of other units' rosters for the same month."""
    sql = (
        f"SELECT w.nik, u.code, u.name FROM {_table(RosterEntry)} e "
        f"JOIN {_table(Roster)} r ON r.id = e.roster_id "
        f"JOIN {_table(Worker)} w ON w.id = e.worker_id "
        f"JOIN {_table(WorkUnit)} u ON u.id = r.unit_id "
        f"WHERE r.period = %s AND r.unit_id <> %s"
    )
    found: dict[str, list] = {}
    params = [connection.ops.adapt_datefield_value(period), unit_id]
    others = Roster.objects.filter(period=period).exclude(unit_id=unit_id)
    if not others.exists():  # the common case early in a month: skip the NIK look-up
        return found
    for nik, code, name in _select_by_niks(sql, niks, params):
        found.setdefault(nik, []).append((code, name))
    for units in found.values():
        units.sort()
    return found


# --- writes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryStamp:
    """Who and when for the django-simple-history rows written in bulk."""

    when: datetime
    user_id: int | None
    reason: str


def _history_columns() -> list[str]:
    history = Worker.history.model
    return [f.column for f in history._meta.concrete_fields if f.name != "history_id"]


def _worker_columns() -> list[str]:
    return [f.column for f in Worker._meta.concrete_fields if f.name != "id"]


def insert_workers(rows: Sequence[tuple]) -> dict[str, int]:
    """Create workers from (nik, name, birth_date, sex); returns nik -> id of those created.

    No "+" history row is written for them: the roster upload that brought them
    (its file, uploader and time, RosterUpload and the roster's history) records
    their creation, and at 100,000 new workers those rows would cost more than
    the workers themselves (six indexes on the history table). Changes to an
    existing worker do get history rows (`update_workers`).

    A NIK created meanwhile by another unit's import is skipped; the caller
    treats it as an existing worker.
    """
    if not rows:
        return {}
    worker = _table(Worker)
    now = timezone.now()
    columns = "created_at, updated_at, nik, name, birth_date, sex"
    with connection.cursor() as cursor:
        if is_postgresql():
            _temp_table(
                cursor,
                "roster_import_new_workers",
                "nik text, name text, birth_date date, sex text",
            )
            _copy_lines(
                cursor,
                "roster_import_new_workers",
                ["nik", "name", "birth_date", "sex"],
                (
                    f"{nik}\t{name.translate(_ESCAPE)}\t{born}\t{sex}\n"
                    for nik, name, born, sex in rows
                ),
            )
            select = (
                f"INSERT INTO {worker} ({columns})"
                f" SELECT %(now)s, %(now)s, nik, name, birth_date, sex FROM roster_import_new_workers"
            )
            try:
                # A plain insert is about twice as fast as ON CONFLICT; a clash (another
                # unit's import created the same NIK meanwhile) falls back to it.
                with transaction.atomic():
                    cursor.execute(select + " RETURNING id, nik", {"now": now})
                    return {nik: pk for pk, nik in cursor.fetchall()}
            except IntegrityError:
                cursor.execute(
                    select + " ON CONFLICT (nik) DO NOTHING RETURNING id, nik", {"now": now}
                )
                return {nik: pk for pk, nik in cursor.fetchall()}
        when = connection.ops.adapt_datetimefield_value(now)
        cursor.executemany(
            f"INSERT INTO {worker} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)"
            f" ON CONFLICT (nik) DO NOTHING",
            [(when, when, nik, name, b.isoformat(), sex) for nik, name, b, sex in rows],
        )
    return {nik: values[0] for nik, values in fetch_workers([r[0] for r in rows]).items()}


def update_workers(rows: Sequence[tuple], *, stamp: HistoryStamp) -> None:
    """Update workers from (id, name, birth_date, sex), writing a history row for each."""
    if not rows:
        return
    worker, history = _table(Worker), _table(Worker.history.model)
    history_cols = _history_columns()
    params = {
        "history_date": stamp.when,
        "history_change_reason": stamp.reason,
        "history_type": "~",
        "history_user_id": stamp.user_id,
    }
    with connection.cursor() as cursor:
        if is_postgresql():
            _temp_table(
                cursor,
                "roster_import_worker_updates",
                "id bigint, name text, birth_date date, sex text",
            )
            _copy(cursor, "roster_import_worker_updates", ["id", "name", "birth_date", "sex"], rows)
            cursor.execute(
                f"UPDATE {worker} w SET name = u.name, birth_date = u.birth_date, sex = u.sex,"
                f" updated_at = %(now)s FROM roster_import_worker_updates u WHERE w.id = u.id",
                {"now": stamp.when},
            )
            select_history = ", ".join(
                f"w.{_q(c)}" if c in {"id", *_worker_columns()} else f"%({c})s"
                for c in history_cols
            )
            cursor.execute(
                f"INSERT INTO {history} ({', '.join(map(_q, history_cols))})"
                f" SELECT {select_history} FROM {worker} w"
                f" JOIN roster_import_worker_updates u ON u.id = w.id",
                params,
            )
            return
        when = connection.ops.adapt_datetimefield_value(stamp.when)
        cursor.executemany(
            f"UPDATE {worker} SET name = %s, birth_date = %s, sex = %s, updated_at = %s"
            f" WHERE id = %s",
            [(name, b.isoformat(), sex, when, pk) for pk, name, b, sex in rows],
        )
    _sqlite_history([r[0] for r in rows], params)


def _sqlite_history(worker_ids: list[int], params: dict) -> None:
    if not worker_ids:
        return
    worker, history = _table(Worker), _table(Worker.history.model)
    history_cols = _history_columns()
    fixed = {
        **params,
        "history_date": connection.ops.adapt_datetimefield_value(params["history_date"]),
    }
    select = ", ".join(_q(c) if c in {"id", *_worker_columns()} else "%s" for c in history_cols)
    constants = [fixed[c] for c in history_cols if c not in {"id", *_worker_columns()}]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {history} ({', '.join(map(_q, history_cols))})"
            f" SELECT {select} FROM {worker} WHERE id = %s",
            [(*constants, pk) for pk in worker_ids],
        )


ENTRY_COLUMNS = [
    "roster_id",
    "worker_id",
    "row_number",
    "position",
    "segment",
    "wage",
    "start_date",
    "kpj",
]


def insert_entries(rows: Sequence[tuple]) -> None:
    """Insert roster entries given as tuples in ENTRY_COLUMNS order."""
    if not rows:
        return
    table = _table(RosterEntry)
    with connection.cursor() as cursor:
        if is_postgresql():
            _copy_lines(
                cursor,
                table,
                ENTRY_COLUMNS,
                (
                    f"{r}\t{w}\t{n}\t{position.translate(_ESCAPE)}\t{segment}\t{wage}\t{start}\t{kpj}\n"
                    for r, w, n, position, segment, wage, start, kpj in rows
                ),
            )
            return
        marks = ", ".join(["%s"] * len(ENTRY_COLUMNS))
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(map(_q, ENTRY_COLUMNS))}) VALUES ({marks})",
            [(*r[:6], r[6].isoformat(), r[7]) for r in rows],
        )


def delete_entries_except(roster_id: int, keep_entry_ids: Sequence[int]) -> int:
    """Delete a roster's entries but `keep_entry_ids` (a re-upload replacing a month)."""
    where, params = _in_list("id", keep_entry_ids, "bigint")
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {_table(RosterEntry)} WHERE roster_id = %s AND NOT ({where})",
            [roster_id, *params],
        )
        return cursor.rowcount


# --- memberships (roster verification) ------------------------------------------------------------


def _membership_history_sql(
    source: str, overrides: dict[str, str], history_type: str
) -> tuple[str, str]:
    """Column list and SELECT list writing Membership history rows from `source` rows.

    A history column that is a Membership column reads `source.<column>` unless
    `overrides` gives another expression; the rest (date, user, reason, type)
    are the named parameters %(history_date)s, %(history_user_id)s, ….
    """
    history = Membership.history.model
    membership_columns = {f.column for f in Membership._meta.concrete_fields}
    columns, values = [], []
    for field in history._meta.concrete_fields:
        if field.name == "history_id":
            continue
        column = field.column
        columns.append(_q(column))
        if column in overrides:
            values.append(overrides[column])
        elif column in membership_columns:
            values.append(f"{source}.{_q(column)}")
        elif column == "history_type":
            values.append(f"'{history_type}'")
        else:
            values.append(f"%({column})s")
    return ", ".join(columns), ", ".join(values)


@dataclass(frozen=True)
class MembershipSyncCounts:
    opened: int
    closed: int
    removed: int
    # People, not memberships: workers given at least one membership (their JKK + JKM cover
    # starts) and workers whose memberships were ended (it ends). The same sets as
    # `roster_verify_effect` counts before the change, read from the rows written.
    workers_started: int = 0
    workers_ended: int = 0


def sync_memberships(
    *, roster_id: int, unit_id: int, period: date, programmes: Sequence[str], stamp: HistoryStamp
) -> MembershipSyncCounts:
    """Make the unit's open memberships in `programmes` match the roster, history rows included.

    Four steps, each a fixed number of statements whatever the roster's size:
    the KPJ of a member still on the roster is filled in when the roster has one
    and the membership none; members no longer on it end on the day before
    `period` (or, when opened for `period` itself, are removed); workers on it
    without an open membership through the unit get one from `period`. Every
    row written, changed or removed gets its django-simple-history row ("+",
    "~", "-") with `stamp`'s user, time and reason, in the same transaction.
    """
    m, e = _table(Membership), _table(RosterEntry)
    history = _table(Membership.history.model)
    ops = connection.ops
    params = {
        "roster": roster_id,
        "unit": unit_id,
        "period": ops.adapt_datefield_value(period),
        "last_day": ops.adapt_datefield_value(period - timedelta(days=1)),
        "now": ops.adapt_datetimefield_value(stamp.when),
        "history_date": ops.adapt_datetimefield_value(stamp.when),
        "history_user_id": stamp.user_id,
        "history_change_reason": stamp.reason,
        **{f"programme_{i}": programme for i, programme in enumerate(programmes)},
    }
    in_programmes = ", ".join(f"%(programme_{i})s" for i in range(len(programmes)))
    programme_rows = " UNION ALL ".join(
        f"SELECT %(programme_{i})s AS programme" for i in range(len(programmes))
    )
    open_of_unit = (
        f"m.unit_id = %(unit)s AND m.{_q('end')} IS NULL AND m.programme IN ({in_programmes})"
    )
    on_roster = f"SELECT 1 FROM {e} e WHERE e.roster_id = %(roster)s AND e.worker_id = m.worker_id"
    kpj_of = (
        f"(SELECT e.kpj FROM {e} e WHERE e.roster_id = %(roster)s AND e.worker_id = m.worker_id)"
    )
    kpj_where = f"{open_of_unit} AND m.kpj = '' AND {kpj_of} <> ''"
    gone = f"{open_of_unit} AND NOT EXISTS ({on_roster})"
    close_where = f"{gone} AND m.start < %(period)s"
    remove_where = f"{gone} AND m.start = %(period)s"
    new_rows = (
        f"SELECT e.worker_id, p.programme, e.kpj FROM {e} e CROSS JOIN ({programme_rows}) p"
        f" WHERE e.roster_id = %(roster)s AND NOT EXISTS (SELECT 1 FROM {m} m"
        f" WHERE m.unit_id = %(unit)s AND m.worker_id = e.worker_id"
        f" AND m.programme = p.programme AND m.{_q('end')} IS NULL)"
    )
    insert_columns = (
        f"created_at, updated_at, worker_id, programme, unit_id, kpj, start, {_q('end')}"
    )
    insert_select = (
        f"SELECT %(now)s, %(now)s, n.worker_id, n.programme, %(unit)s, n.kpj, %(period)s, NULL"
        f" FROM ({new_rows}) n"
    )
    kpj_cols, kpj_values = _membership_history_sql("c", {}, "~")
    gone_cols, gone_values = _membership_history_sql("c", {}, "-")
    new_cols, new_values = _membership_history_sql("c", {}, "+")
    with connection.cursor() as cursor:
        if is_postgresql():
            # A roster just imported is not in the statistics yet: the planner then expects
            # one row per side and picks nested loops that rescan the roster for every
            # membership (1.3 s at 1,000 rows, quadratic). Hash and merge joins are right at
            # every size here; JIT costs more than these statements take (as in billing).
            # Both settings are restored afterwards: billing runs in the same transaction.
            cursor.execute(
                "SELECT current_setting('enable_nestloop'), current_setting('jit'),"
                " set_config('enable_nestloop', 'off', true), set_config('jit', 'off', true)"
            )
            nestloop, jit = cursor.fetchone()[:2]
            try:
                # Data-modifying CTEs: each change and its history rows in one statement.
                cursor.execute(
                    f"WITH c AS (UPDATE {m} m SET kpj = e.kpj, updated_at = %(now)s FROM {e} e"
                    f" WHERE e.roster_id = %(roster)s AND e.worker_id = m.worker_id AND e.kpj <> ''"
                    f" AND m.kpj = '' AND {open_of_unit} RETURNING m.*)"
                    f" INSERT INTO {history} ({kpj_cols}) SELECT {kpj_values} FROM c",
                    params,
                )
                cursor.execute(
                    f"WITH c AS (UPDATE {m} m SET {_q('end')} = %(last_day)s, updated_at = %(now)s"
                    f" WHERE {close_where} RETURNING m.*),"
                    f" h AS (INSERT INTO {history} ({kpj_cols}) SELECT {kpj_values} FROM c)"
                    " SELECT COUNT(*), COUNT(DISTINCT worker_id) FROM c",
                    params,
                )
                closed, workers_ended = cursor.fetchone()
                cursor.execute(
                    f"WITH c AS (DELETE FROM {m} m WHERE {remove_where} RETURNING m.*)"
                    f" INSERT INTO {history} ({gone_cols}) SELECT {gone_values} FROM c",
                    params,
                )
                removed = cursor.rowcount
                cursor.execute(
                    f"WITH c AS (INSERT INTO {m} ({insert_columns}) {insert_select} RETURNING *),"
                    f" h AS (INSERT INTO {history} ({new_cols}) SELECT {new_values} FROM c)"
                    " SELECT COUNT(*), COUNT(DISTINCT worker_id) FROM c",
                    params,
                )
                opened, workers_started = cursor.fetchone()
                return MembershipSyncCounts(
                    opened=opened,
                    closed=closed,
                    removed=removed,
                    workers_started=workers_started,
                    workers_ended=workers_ended,
                )
            finally:
                cursor.execute(
                    "SELECT set_config('enable_nestloop', %s, true), set_config('jit', %s, true)",
                    [nestloop, jit],
                )
        # SQLite: no data-modifying CTEs; the history rows are written from the same
        # conditions just before (changes, removals) or just after (new rows, whose ids
        # are above the largest before: SQLite has one writer at a time and
        # AUTOINCREMENT ids only grow).
        kpj_history_cols, kpj_history_values = _membership_history_sql(
            "m", {"kpj": kpj_of, "updated_at": "%(now)s"}, "~"
        )
        cursor.execute(
            f"INSERT INTO {history} ({kpj_history_cols}) SELECT {kpj_history_values}"
            f" FROM {m} m WHERE {kpj_where}",
            params,
        )
        cursor.execute(
            f"UPDATE {m} AS m SET kpj = {kpj_of}, updated_at = %(now)s WHERE {kpj_where}", params
        )
        cursor.execute(f"SELECT COUNT(DISTINCT m.worker_id) FROM {m} m WHERE {close_where}", params)
        (workers_ended,) = cursor.fetchone()
        end_history_cols, end_history_values = _membership_history_sql(
            "m", {"end": "%(last_day)s", "updated_at": "%(now)s"}, "~"
        )
        cursor.execute(
            f"INSERT INTO {history} ({end_history_cols}) SELECT {end_history_values}"
            f" FROM {m} m WHERE {close_where}",
            params,
        )
        closed = cursor.rowcount
        cursor.execute(
            f"UPDATE {m} AS m SET {_q('end')} = %(last_day)s, updated_at = %(now)s"
            f" WHERE {close_where}",
            params,
        )
        gone_cols, gone_values = _membership_history_sql("m", {}, "-")
        cursor.execute(
            f"INSERT INTO {history} ({gone_cols}) SELECT {gone_values}"
            f" FROM {m} m WHERE {remove_where}",
            params,
        )
        removed = cursor.rowcount
        cursor.execute(f"DELETE FROM {m} AS m WHERE {remove_where}", params)
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {m}")
        (last_id,) = cursor.fetchone()
        cursor.execute(f"INSERT INTO {m} ({insert_columns}) {insert_select}", params)
        opened = cursor.rowcount
        new_cols, new_values = _membership_history_sql("m", {}, "+")
        cursor.execute(
            f"INSERT INTO {history} ({new_cols}) SELECT {new_values} FROM {m} m"
            f" WHERE m.id > %(last_id)s AND m.unit_id = %(unit)s",
            {**params, "last_id": last_id},
        )
        cursor.execute(
            f"SELECT COUNT(DISTINCT m.worker_id) FROM {m} m"
            f" WHERE m.id > %(last_id)s AND m.unit_id = %(unit)s",
            {**params, "last_id": last_id},
        )
        (workers_started,) = cursor.fetchone()
    return MembershipSyncCounts(
        opened=opened,
        closed=closed,
        removed=removed,
        workers_started=workers_started,
        workers_ended=workers_ended,
    )
