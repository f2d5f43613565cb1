"""DuckDB, the embedded backend: one file, one app process, a cursor per call (a DuckDB
connection is not thread-safe and every Streamlit session is a thread)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from assetmap.i18n import gettext
from assetmap.storage.base import Database, DatabaseError, DatabaseLockedError, Params, Session


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
    backend = "duckdb"

    def __init__(self, cursor: duckdb.DuckDBPyConnection):
        self._cursor = cursor

    def execute(self, sql: str, params: Params = ()) -> None:
        self._cursor.execute(sql, list(params))

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Params]) -> None:
        """DuckDB runs `executemany` as one statement per row; an Arrow table is one.

        Built column by column (NaN and NaT as NULL), it takes a third of the time a DataFrame
        of the rows took. The statement reads it by its variable name (DuckDB's replacement
        scan): a registered view would stay in the catalogue, and keep its rows in memory,
        until the transaction ends, and an import of a million assets is one transaction.
        """
        if not rows:
            return
        values = zip(*rows, strict=True)
        incoming = pa.table(
            {
                name: pa.array(column, from_pandas=True)
                for name, column in zip(columns, values, strict=True)
            }
        )
        names = ", ".join(columns)
        self._cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM incoming")
        del incoming

    def update_rows(
        self, table: str, key: str, columns: Sequence[str], rows: Sequence[Params]
    ) -> None:
        if not rows:
            return
        changes = pd.DataFrame([list(row) for row in rows], columns=[key, *columns])
        assignments = ", ".join(f"{column} = changes.{column}" for column in columns)
        self._cursor.execute(
            f"UPDATE {table} SET {assignments} FROM changes WHERE {table}.{key} = changes.{key}"
        )
        del changes

    def rows(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        return self._cursor.execute(sql, list(params)).fetchall()

    def frame(self, sql: str, params: Params = ()) -> pd.DataFrame:
        return _frame_from_arrow(self._cursor.sql(sql, params=list(params)).to_arrow_table())

    def frames(self, sql: str, params: Params = (), size: int = 50_000) -> Iterator[pd.DataFrame]:
        batches = self._cursor.sql(sql, params=list(params)).to_arrow_reader(size)
        read = 0
        for batch in batches:
            read += 1
            yield _frame_from_arrow(pa.Table.from_batches([batch]))
        if not read:
            yield _frame_from_arrow(batches.schema.empty_table())


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
            except duckdb.OutOfMemoryException as error:
                cursor.rollback()
                raise DatabaseError(_out_of_memory_message()) from error
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

    def limit_memory(self, megabytes: int) -> None:
        """DuckDB's own limit is 80% of the machine's memory, and it keeps what it may: an
        import of a million assets in one transaction held 1.7 GB, 0.7 GB within 300 MB."""
        self._connection.execute(f"SET memory_limit = '{int(megabytes)}MB'")

    @contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cursor = self._connection.cursor()
        try:
            yield cursor
        finally:
            cursor.close()


def duckdb_path(url: str) -> str:
    return url.removeprefix("duckdb://") or ":memory:"


def _locked_message(path: str, error: Exception) -> str:
    holder = re.search(r"PID (\d+)", str(error))
    who = gettext(" (process {pid})").format(pid=holder.group(1)) if holder else ""
    return gettext(
        "The database {path} is already open in another Assetmap process{who}. "
        "Stop that process (for example the running app) and try again, "
        "or set ASSETMAP_DB to another file."
    ).format(path=path, who=who)


def _out_of_memory_message() -> str:
    """For a unit of work that needed more memory than DuckDB may use here: an import of a
    million assets at a time fits within the commands' limit (cli.BATCH_MEMORY_MB)."""
    return gettext(
        "The database needed more memory than it may use here, so nothing was stored. "
        "Import a large file in parts of at most a million rows."
    )


def connect_duckdb(url: str) -> Database:
    path = duckdb_path(url)
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
