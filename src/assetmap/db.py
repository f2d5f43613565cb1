"""The one storage door: connect to the database and run work in transactions.

Pages and domain code see `Database` and `Session` only, never the driver, and do not
know which backend they have: DuckDB (an embedded file, the default, one app process) or
PostgreSQL (a server shared by several app processes, see assetmap.postgres). SQL uses
`?` placeholders and the common subset of both dialects; a backend translates the rest.

DuckDB connections are not thread-safe and every Streamlit session is a thread, so the
app shares one `Database` and each call works on its own cursor.
"""

from __future__ import annotations

import re
import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from assetmap.errors import AssetmapError
from assetmap.i18n import gettext

Params = Sequence[Any]
POSTGRES_URL = re.compile(r"^postgres(ql)?://")


class DatabaseError(AssetmapError, RuntimeError):
    """A storage problem explained in words an operator can act on."""


class DatabaseLockedError(DatabaseError):
    pass


class Session(ABC):
    """One unit of work: reads and writes share its transaction."""

    @abstractmethod
    def execute(self, sql: str, params: Params = ()) -> None: ...

    @abstractmethod
    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Params]) -> None:
        """Insert many rows at once (row by row takes minutes for 100,000 rows)."""

    @abstractmethod
    def update_rows(
        self, table: str, key: str, columns: Sequence[str], rows: Sequence[Params]
    ) -> None:
        """Set `columns` on many rows, matched on `key` (each row: key, then the values)."""

    @abstractmethod
    def rows(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def frame(self, sql: str, params: Params = ()) -> pd.DataFrame:
        """The result as a DataFrame; dates and timestamps as datetime64, like DuckDB's."""

    def scalar(self, sql: str, params: Params = ()) -> Any:
        found = self.rows(sql, params)
        return found[0][0] if found else None


class Database(ABC):
    """A database with migrations applied. `location` names it without any password."""

    location: str
    backend: str

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Session]:
        """Run a unit of work that is committed whole or not at all, one writer at a time.

        Writers queue rather than fail: a resident's submission must never be lost to a
        write conflict.
        """

    @abstractmethod
    def reading(self) -> AbstractContextManager[Session]:
        """A consistent snapshot for reads."""

    @abstractmethod
    def close(self) -> None: ...

    def rows(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        with self.reading() as session:
            return session.rows(sql, params)

    def scalar(self, sql: str, params: Params = ()) -> Any:
        with self.reading() as session:
            return session.scalar(sql, params)

    def frame(self, sql: str, params: Params = ()) -> pd.DataFrame:
        with self.reading() as session:
            return session.frame(sql, params)

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _frame_from_arrow(table: pa.Table) -> pd.DataFrame:
    """A frame typed as DuckDB's `.df()` types it: text with gaps as objects with None.

    Through Arrow, text becomes Python objects only in columns with gaps: at 100,000 assets
    `.df()` left about 150 MB of freed-but-kept memory behind for a 36 MB frame.
    """
    frame = table.to_pandas()
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.StringDtype) and column.hasnans:
            frame[name] = column.astype(object).where(column.notna(), None)
    return frame


class DuckDBSession(Session):
    def __init__(self, cursor: duckdb.DuckDBPyConnection):
        self._cursor = cursor

    def execute(self, sql: str, params: Params = ()) -> None:
        self._cursor.execute(sql, list(params))

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Params]) -> None:
        """DuckDB runs `executemany` as one statement per row; a registered DataFrame is one."""
        if not rows:
            return
        frame = pd.DataFrame([list(row) for row in rows], columns=list(columns))
        view = f"incoming_{uuid.uuid4().hex}"
        names = ", ".join(columns)
        self._cursor.register(view, frame)
        try:
            self._cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {view}")
        finally:
            self._cursor.unregister(view)

    def update_rows(
        self, table: str, key: str, columns: Sequence[str], rows: Sequence[Params]
    ) -> None:
        if not rows:
            return
        frame = pd.DataFrame([list(row) for row in rows], columns=[key, *columns])
        view = f"changes_{uuid.uuid4().hex}"
        assignments = ", ".join(f"{column} = {view}.{column}" for column in columns)
        self._cursor.register(view, frame)
        try:
            self._cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {view} WHERE {table}.{key} = {view}.{key}"
            )
        finally:
            self._cursor.unregister(view)

    def rows(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        return self._cursor.execute(sql, list(params)).fetchall()

    def frame(self, sql: str, params: Params = ()) -> pd.DataFrame:
        return _frame_from_arrow(self._cursor.sql(sql, params=list(params)).to_arrow_table())


class DuckDBDatabase(Database):
    """A DuckDB file (or in-memory database), shared by the threads of one process."""

    backend = "duckdb"

    def __init__(self, connection: duckdb.DuckDBPyConnection, location: str):
        self._connection = connection
        self.location = location
        self._write_lock = threading.Lock()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        # DuckDB would abort one of two concurrent writers with a conflict; they queue here.
        with self._write_lock, self._cursor() as cursor:
            cursor.begin()
            try:
                yield DuckDBSession(cursor)
            except BaseException:
                cursor.rollback()
                raise
            cursor.commit()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._cursor() as cursor:
            yield DuckDBSession(cursor)

    def close(self) -> None:
        self._connection.close()

    @contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cursor = self._connection.cursor()
        try:
            yield cursor
        finally:
            cursor.close()


def utc_now() -> datetime:
    """Now in UTC without a zone: how every timestamp is stored."""
    return datetime.now(UTC).replace(tzinfo=None)


def bump_data_version(session: Session) -> None:
    """Every write calls this, so caches keyed on the version never serve stale data."""
    session.execute("UPDATE data_version SET version = version + 1")


def data_version(db: Database) -> int:
    return int(db.scalar("SELECT version FROM data_version"))


def is_postgres(url: str) -> bool:
    return bool(POSTGRES_URL.match(url))


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _pg_dump_instead() -> DatabaseError:
    return DatabaseError(
        gettext(
            "Backup and restore here are for DuckDB files. For PostgreSQL use pg_dump and "
            "pg_restore (see the README)."
        )
    )


def backup(db: Database, directory: Path) -> None:
    """Write every table (schema, data, sequences) to `directory`, which must be new or empty."""
    if not isinstance(db, DuckDBDatabase):
        raise _pg_dump_instead()
    if directory.exists() and any(directory.iterdir()):
        raise DatabaseError(f"{directory} is not empty: choose a new folder for the backup.")
    with db.reading() as session:
        session.execute(f"EXPORT DATABASE {_sql_string(str(directory))} (FORMAT PARQUET)")


def restore(url: str, directory: Path) -> Database:
    """Create the database at `url` from a backup; an existing database is never overwritten."""
    if is_postgres(url):
        raise _pg_dump_instead()
    path = _duckdb_path(url)
    if not (directory / "schema.sql").is_file() or not (directory / "load.sql").is_file():
        raise DatabaseError(f"{directory} is not an Assetmap backup (no schema.sql and load.sql).")
    target = Path(path)
    if target.exists():
        raise DatabaseError(
            f"{target} already exists. Restore into a new file (--db NEW_FILE), "
            "or move the old one away first."
        )
    partial = target.with_name(target.name + ".restoring")
    partial.unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(partial)) as connection:
        connection.execute(f"IMPORT DATABASE {_sql_string(str(directory))}")
    partial.replace(target)
    return connect(url)


def _duckdb_path(url: str) -> str:
    return url.removeprefix("duckdb://") or ":memory:"


def _locked_message(path: str, error: Exception) -> str:
    holder = re.search(r"PID (\d+)", str(error))
    who = gettext(" (process {pid})").format(pid=holder.group(1)) if holder else ""
    return gettext(
        "The database {path} is already open in another Assetmap process{who}. "
        "Stop that process (for example the running app) and try again, "
        "or set ASSETMAP_DB to another file."
    ).format(path=path, who=who)


def _connect_duckdb(url: str) -> Database:
    path = _duckdb_path(url)
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        connection = duckdb.connect(path)
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise DatabaseLockedError(_locked_message(path, error)) from error
        raise DatabaseError(
            gettext("Could not open the database {path}: {error}").format(path=path, error=error)
        ) from error
    return DuckDBDatabase(connection, path)


def connect(url: str) -> Database:
    """Open (creating if needed) the database at `url` and bring its schema up to date.

    `url` is a DuckDB file path (or duckdb://PATH) or a postgresql:// URL.
    """
    from assetmap.migrations import apply_migrations

    if is_postgres(url):
        from assetmap.postgres import connect_postgres

        db = connect_postgres(url)
    else:
        db = _connect_duckdb(url)
    try:
        apply_migrations(db)
    except BaseException:
        db.close()
        raise
    return db
