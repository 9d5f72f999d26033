"""The databases of the chain as ibis connections: embedded DuckDB by default, PostgreSQL by URL.

Reads are ibis expressions, compiled for whichever engine the URL names. Writes replace whole
partitions (their rows and their journal entries) in one transaction, with the engine's own
bulk path: Arrow registration on DuckDB, COPY on PostgreSQL."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa

from .text import sql_string

LOCK_WAIT_SECONDS = 120.0  # another process's write (a UI backfill, the sensor's run) ends first
_SQL_TYPES = {
    pa.string(): "VARCHAR",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE PRECISION",
    pa.bool_(): "BOOLEAN",
    pa.date32(): "DATE",
    pa.timestamp("s"): "TIMESTAMP",
    pa.timestamp("us"): "TIMESTAMP",
    pa.timestamp("us", tz="UTC"): "TIMESTAMPTZ",
    pa.list_(pa.string()): "VARCHAR[]",
}
# Per asset and partition: the signature of the inputs it was computed from and a hash of what
# it wrote. Unchanged inputs mean no work.
JOURNAL = pa.schema(
    [
        ("asset", pa.string()),
        ("group", pa.string()),
        ("date", pa.date32()),
        ("input_sig", pa.string()),
        ("output_hash", pa.string()),
    ]
)


def duckdb_url(path: Path | str) -> str:
    return f"duckdb://{Path(path).resolve()}"


def engine(url: str) -> str:
    """`duckdb` or `postgres`, from a warehouse URL; anything else is refused in one line."""
    scheme = urlsplit(url).scheme.split("+")[0]
    if scheme == "duckdb":
        return "duckdb"
    if scheme in ("postgres", "postgresql"):
        return "postgres"
    raise ValueError(f"warehouse URL must start with duckdb:// or postgres://, got {scheme or url!r}")


def _ddl(table: str, schema: pa.Schema) -> str:
    columns = [f'"{f.name}" {_SQL_TYPES[f.type]}' for f in schema]
    if table == "journal":
        columns.append("updated_at TIMESTAMP DEFAULT current_timestamp")
    return f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(columns)})"


# What the running step declared (see `step`): the tables it may read, and its days per group.
_READS: ContextVar[tuple[str, frozenset[str]] | None] = ContextVar("egregora_reads", default=None)
_DAYS: ContextVar[Mapping[str, Sequence[date]] | None] = ContextVar("egregora_days", default=None)


@contextmanager
def step(asset: str, reads: frozenset[str], days: Mapping[str, Sequence[date]]) -> Iterator[None]:
    """While an asset's step runs: reading a table it does not declare raises, on any connection,
    and per-day reads fetch all of the step's days of a group in one query (each ibis query costs
    ~10 ms, so 365 would cost seconds)."""
    reads_token, days_token = _READS.set((asset, reads)), _DAYS.set(days)
    try:
        yield
    finally:
        _READS.reset(reads_token)
        _DAYS.reset(days_token)


class Database:
    """One open connection to the warehouse (or the private staging database), for one step."""

    def __init__(self, backend: Any, url: str) -> None:
        self.backend = backend
        self.url = url
        self.engine = engine(url)
        self._tables: dict[str, Any] = {}
        self._memo: dict[tuple, dict] = {}

    # --- reads ----------------------------------------------------------------------------

    def table(self, name: str):
        """The ibis table `name` (its schema is looked up once per connection)."""
        declared = _READS.get()
        if declared is not None and name not in declared[1]:
            asset, reads = declared
            raise RuntimeError(f"{asset} reads the table {name}, which no asset it declares writes ({sorted(reads)})")
        if name not in self._tables:
            self._tables[name] = self.backend.table(name)
        return self._tables[name]

    def has_table(self, name: str) -> bool:
        return name in self.backend.list_tables()

    def arrow(self, expr) -> pa.Table:
        return self.backend.to_pyarrow(expr)

    def scalar(self, expr) -> Any:
        return self.backend.to_pyarrow(expr).as_py()

    def rows(self, expr) -> list[dict[str, Any]]:
        return self.arrow(expr).to_pylist()

    def byte_length(self, column):
        """The UTF-8 length of a string column, in the engine (ibis's `length` counts characters)."""
        import ibis

        name = "strlen" if self.engine == "duckdb" else "octet_length"

        @ibis.udf.scalar.builtin(name=name)
        def _bytes(text: str) -> int:  # type: ignore[empty-body]
            ...  # the engine's own function: no Python body

        return _bytes(column)

    def per_day(self, name: str, group: str, day: date, fetch: Callable[[list[date]], dict[date, Any]], empty: Any):
        """`fetch(days)[day]`, where one call of `fetch` covers every day of `group` in the run."""
        memo = self._memo.get((name, group))
        if memo is None or day not in memo["days"]:
            days = list((_DAYS.get() or {}).get(group) or [])
            days = days if day in days else [day]
            memo = self._memo[(name, group)] = {"days": set(days), "found": fetch(days)}
        return memo["found"].get(day, empty)

    def memo(self, key: tuple, fetch: Callable[[], Any]) -> Any:
        """`fetch()`, once per connection (for reads of tables this step does not write)."""
        if key not in self._memo:
            self._memo[key] = fetch()
        return self._memo[key]

    # --- writes ---------------------------------------------------------------------------

    def create(self, tables: Mapping[str, pa.Schema]) -> None:
        """Create the tables (and the journal) that do not exist yet, and add to those an older
        home made the columns their schema has since gained."""
        statements = [_ddl(name, schema) for name, schema in {**tables, "journal": JOURNAL}.items()]
        if self.engine == "duckdb":
            conn = self.backend.con
            if not set((*tables, "journal")) <= set(self.backend.list_tables()):
                conn.execute(";\n".join(statements))
            for statement in _new_columns(tables, conn.execute(_COLUMNS).fetchall()):
                conn.execute(statement)
                self._tables.clear()
            return
        with self._pg_transaction() as cursor:
            # Two processes creating one table at once would collide on its catalogue row.
            cursor.execute("SELECT pg_advisory_xact_lock(7349)")
            for statement in statements:
                cursor.execute(statement)
            for name in tables:
                cursor.execute(f'CREATE INDEX IF NOT EXISTS {name}_partition ON {name} ("group", date)')
            cursor.execute(_COLUMNS)
            for statement in _new_columns(tables, cursor.fetchall()):
                cursor.execute(statement)
                self._tables.clear()

    def replace(self, asset: str, keys: pa.Table, rows: Mapping[str, pa.Table]) -> None:
        """In one transaction: delete every row of these partitions from the tables in `rows`,
        insert the new rows, and record the partitions in the journal.

        `keys` has a row per partition: group, date (null for per-group assets), input_sig,
        output_hash."""
        same = '_keys."group" = t."group" AND _keys.date IS NOT DISTINCT FROM t.date'
        rows = {table: _without_nul(part) for table, part in rows.items()}
        statements: list[tuple[str, Any]] = []
        for table, part in rows.items():
            statements.append((f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM _keys WHERE {same})", None))
            if part.num_rows:
                statements.append((table, part))
        statements.append((f"DELETE FROM journal t WHERE asset = {sql_string(asset)} AND EXISTS "
                           f"(SELECT 1 FROM _keys WHERE {same})", None))  # fmt: skip
        statements.append(
            (
                'INSERT INTO journal (asset, "group", date, input_sig, output_hash) '
                f'SELECT {sql_string(asset)}, "group", date, input_sig, output_hash FROM _keys',
                None,
            )
        )
        if self.engine == "duckdb":
            self._duckdb_replace(keys, statements)
        else:
            self._pg_replace(keys, statements)

    def _duckdb_replace(self, keys: pa.Table, statements: list[tuple[str, Any]]) -> None:
        conn = self.backend.con
        conn.register("_keys", keys)
        conn.begin()
        try:
            for sql, part in statements:
                if part is None:
                    conn.execute(sql)
                    continue
                conn.register("_rows", part)
                cols = ", ".join(f'"{c}"' for c in part.column_names)
                conn.execute(f"INSERT INTO {sql} ({cols}) SELECT {cols} FROM _rows")
                conn.unregister("_rows")
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.unregister("_keys")

    def _pg_replace(self, keys: pa.Table, statements: list[tuple[str, Any]]) -> None:
        with self._pg_transaction() as cursor:
            cursor.execute(
                'CREATE TEMP TABLE _keys ("group" VARCHAR, date DATE, input_sig VARCHAR, output_hash VARCHAR) '
                "ON COMMIT DROP"
            )
            _copy(cursor, "_keys", keys)
            for sql, part in statements:
                if part is None:
                    cursor.execute(sql)
                else:
                    _copy(cursor, sql, part)

    @contextmanager
    def _pg_transaction(self) -> Iterator[Any]:
        conn = self.backend.con
        with conn.transaction(), conn.cursor() as cursor:
            yield cursor

    def close(self) -> None:
        self.backend.disconnect()


_COLUMNS = "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"


def _new_columns(tables: Mapping[str, pa.Schema], existing: Sequence[tuple[str, str]]) -> list[str]:
    """The ALTER TABLE statements adding each schema column its existing table lacks."""
    have: dict[str, set[str]] = {}
    for table, column in existing:
        have.setdefault(table, set()).add(column)
    return [
        f'ALTER TABLE {name} ADD COLUMN "{f.name}" {_SQL_TYPES[f.type]}'
        for name, schema in tables.items()
        if name in have
        for f in schema
        if f.name not in have[name]
    ]


def _without_nul(part: pa.Table) -> pa.Table:
    """`part` with NUL characters shown as U+FFFD: PostgreSQL's text cannot hold them, and both
    engines must store the same thing."""
    import pyarrow.compute as pc

    for i, column in enumerate(part.columns):
        kind = column.type
        if kind == pa.string() and pc.any(pc.match_substring(column, "\x00")).as_py():
            part = part.set_column(i, part.field(i), pc.replace_substring(column, "\x00", "\ufffd"))
        elif kind == pa.list_(pa.string()):
            values = [[v.replace("\x00", "\ufffd") for v in row] if row else row for row in column.to_pylist()]
            part = part.set_column(i, part.field(i), pa.array(values, kind))
    return part


def _copy(cursor: Any, table: str, part: pa.Table) -> None:
    """COPY an Arrow table's rows into a PostgreSQL table."""
    cols = ", ".join(f'"{c}"' for c in part.column_names)
    with cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        for batch in part.to_batches():
            for row in zip(*(column.to_pylist() for column in batch.columns)):
                copy.write_row(row)


@contextmanager
def connect(
    url: str, *, read_only: bool = False, wait: float = LOCK_WAIT_SECONDS, on_wait: Callable[[str], None] | None = None
) -> Iterator[Database]:
    """An open Database for `url`, closed afterwards.

    DuckDB lets one process write a file at a time: while another holds it, this waits (up to
    `wait` seconds, telling `on_wait` once) instead of failing."""
    import ibis

    kind = engine(url)
    if kind == "duckdb":
        import duckdb

        path = url.removeprefix("duckdb://")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        deadline, delay, told = time.monotonic() + wait, 0.05, False
        while True:
            try:
                backend = ibis.duckdb.connect(path, read_only=read_only)
                break
            except duckdb.IOException as error:
                if "lock" not in str(error).lower() or time.monotonic() > deadline:
                    raise
                if on_wait and not told:
                    on_wait(f"waiting for another process to finish writing {path}")
                    told = True
                time.sleep(delay)
                delay = min(delay * 2, 0.25)  # short: readers leave gaps of a tenth of a second
    else:
        backend = ibis.connect("postgres://" + url.split("://", 1)[1])
    db = Database(backend, url)
    try:
        yield db
    finally:
        db.close()


def compact(url: str) -> bool:
    """Rewrite an embedded DuckDB file with only its live data (False for PostgreSQL).

    DuckDB reuses a file's freed blocks but never clears them: after rows naming someone are
    replaced, the old bytes may stay in the file. A copy into a new file, swapped in, leaves them
    behind. The caller holds the home's lock: nothing else writes meanwhile."""
    if engine(url) != "duckdb":
        return False
    path = Path(url.removeprefix("duckdb://"))
    if not path.is_file():
        return False
    fresh = path.with_name(path.name + ".compacting")
    fresh.unlink(missing_ok=True)
    with connect(url) as db:  # waits, as every writer does, for one that holds the file
        con = db.backend.con
        (name,) = con.execute("SELECT current_database()").fetchall()[0]
        con.execute(f"ATTACH {sql_string(str(fresh))} AS compacted")
        con.execute(f'COPY FROM DATABASE "{name}" TO compacted')
        con.execute("DETACH compacted")
    os.replace(fresh, path)
    return True


class ReadOnlyWarehouse:
    """Short read-only connections to the warehouse, shared by the requests of the moment.

    DuckDB lets a process write a file only while no other process has it open. A connection is
    closed once no request has used it for `linger` seconds (at once while `writing()` says a
    write is at work), and at the latest after `max_age` seconds, followed by a `pause` without
    one: a concurrent writer, which retries for two minutes, always finds a gap. While the writer
    holds the file, opening waits for it (warehouse.connect)."""

    def __init__(
        self,
        url: str,
        *,
        writing: Callable[[], bool] = lambda: False,
        linger: float = 0.25,
        max_age: float = 1.0,
        pause: float = 0.1,
    ) -> None:
        self.url, self.writing, self.linger, self.max_age, self.pause = url, writing, linger, max_age, pause
        self._lock = threading.Lock()  # one query at a time on the shared connection
        self._open: ExitStack | None = None
        self._db: Database | None = None
        self._since = self._used = 0.0
        self._timer: threading.Timer | None = None
        self.opened = 0  # connections opened, for the metrics

    def read(self, fetch: Callable[[Database], Any]) -> Any:
        """`fetch(db)` on the shared read-only connection, opened if needed."""
        with self._lock:
            if self._db is None:
                self._open = ExitStack()
                self._db = self._open.enter_context(connect(self.url, read_only=True))
                self._since, self.opened = time.monotonic(), self.opened + 1
            try:
                return fetch(self._db)
            finally:
                self._used = time.monotonic()
                if self._used - self._since > self.max_age:
                    self.close()
                    time.sleep(self.pause)  # a gap for a writer waiting for the file
                elif self.writing():
                    self.close()
                elif self._timer is None:
                    self._timer = threading.Timer(self.linger, self._close_if_idle)
                    self._timer.daemon = True
                    self._timer.start()

    def _close_if_idle(self) -> None:
        with self._lock:
            self._timer = None
            idle = time.monotonic() - self._used
            if idle >= self.linger:
                self.close()
            elif self._db is not None:
                self._timer = threading.Timer(self.linger - idle, self._close_if_idle)
                self._timer.daemon = True
                self._timer.start()

    def close(self) -> None:
        if self._open is not None:
            self._open.close()
        self._open, self._db = None, None


def days_by_group(keys: Sequence[tuple[str, date | None]]) -> dict[str, list[date]]:
    """The days of each group among (group, day) partition keys."""
    found: dict[str, list[date]] = {}
    for group, day in keys:
        if day is not None:
            found.setdefault(group, []).append(day)
    return found
