"""The PostgreSQL backend: several app processes share one server.

The SQL that pages and domain code write is the common subset of DuckDB and PostgreSQL
with `?` placeholders; this module translates placeholders and the two type names that
differ (DOUBLE, BLOB), and returns frames typed as DuckDB's are, so callers cannot tell
the backends apart.

Writers take a transaction-scoped advisory lock, so writes from every process run one at
a time, as they do on DuckDB: no write is lost to a serialisation failure or a deadlock,
and checks made inside a write (duplicates, versions) stay true until it commits.
"""

from __future__ import annotations

import functools
import math
import re
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import pandas as pd
import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from assetmap.i18n import gettext
from assetmap.storage.base import Database, DatabaseError, Params, Session

POOL_SIZE = 8
"""Connections per app process; each Streamlit session borrows one per unit of work."""

CONNECT_TIMEOUT_S = 10

_QUOTED = re.compile(r"('(?:[^']|'')*')")
_TYPES = (
    (re.compile(r"\bDOUBLE\b(?!\s+PRECISION)"), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b"), "BYTEA"),
)
_DATE_TYPES = {"date", "timestamp", "timestamptz"}
_INTEGER_TYPES = {"int2", "int4", "int8"}
_WRITE_LOCK = "SELECT pg_advisory_xact_lock(hashtext('assetmap:' || current_schema()))"


@functools.lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """`?` placeholders to psycopg's `%s`, and DuckDB type names to PostgreSQL's.

    Quoted literals are left alone, so a `?` or `%` inside one keeps its meaning.
    """
    parts = _QUOTED.split(sql)
    for index in range(0, len(parts), 2):
        part = parts[index].replace("%", "%%").replace("?", "%s")
        for pattern, replacement in _TYPES:
            part = pattern.sub(replacement, part)
        parts[index] = part
    return "".join(parts)


def _plain(value: Any) -> Any:
    """A value psycopg can send: NumPy scalars as Python ones, NaN and NaT as NULL."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _plain_row(row: Params) -> list[Any]:
    return [_plain(value) for value in row]


def _typed_frame(rows: list[tuple[Any, ...]], cursor: psycopg.Cursor[Any]) -> pd.DataFrame:
    """A DataFrame typed as DuckDB's `.df()` would type it."""
    description = cursor.description or []
    frame = pd.DataFrame.from_records(rows, columns=[column.name for column in description])
    types = cursor.adapters.types
    for column in description:
        info = types.get(column.type_code)
        name = info.name if info else ""
        values = frame[column.name]
        if name in _DATE_TYPES:
            frame[column.name] = pd.to_datetime(values)
        elif name in _INTEGER_TYPES:
            frame[column.name] = values.astype("int64" if values.notna().all() else "Int64")
        elif name in ("float4", "float8", "numeric"):
            frame[column.name] = values.astype("float64")
        elif name == "bool":
            frame[column.name] = values.astype("bool" if values.notna().all() else "boolean")
    return frame


class PostgresSession(Session):
    backend = "postgresql"

    def __init__(self, connection: psycopg.Connection[Any]):
        self._connection = connection

    def execute(self, sql: str, params: Params = ()) -> None:
        self._connection.execute(translate(sql), _plain_row(params))

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Params]) -> None:
        if not rows:
            return
        names = ", ".join(columns)
        copying = f"COPY {table} ({names}) FROM STDIN"
        with self._connection.cursor() as cursor, cursor.copy(copying) as copy:
            for row in rows:
                copy.write_row(_plain_row(row))

    def update_rows(
        self, table: str, key: str, columns: Sequence[str], rows: Sequence[Params]
    ) -> None:
        if not rows:
            return
        staging = f"changes_{uuid.uuid4().hex}"
        names = ", ".join([key, *columns])
        assignments = ", ".join(f"{column} = {staging}.{column}" for column in columns)
        self._connection.execute(
            f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
            f"SELECT {names} FROM {table} WITH NO DATA"
        )
        self.insert_rows(staging, [key, *columns], rows)
        self._connection.execute(
            f"UPDATE {table} SET {assignments} FROM {staging} WHERE {table}.{key} = {staging}.{key}"
        )

    def rows(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        with self._connection.cursor() as cursor:
            cursor.execute(translate(sql), _plain_row(params))
            return cursor.fetchall() if cursor.description else []

    def frame(self, sql: str, params: Params = ()) -> pd.DataFrame:
        with self._connection.cursor() as cursor:
            cursor.execute(translate(sql), _plain_row(params))
            return _typed_frame(cursor.fetchall(), cursor)

    def frames(self, sql: str, params: Params = (), size: int = 50_000) -> Iterator[pd.DataFrame]:
        """Through a server-side cursor: the server keeps the result, this process a batch."""
        with self._connection.cursor(name=f"frames_{uuid.uuid4().hex}") as cursor:
            cursor.execute(translate(sql), _plain_row(params))
            batch = cursor.fetchmany(size)
            yield _typed_frame(batch, cursor)
            while batch := cursor.fetchmany(size):
                yield _typed_frame(batch, cursor)


def with_schema(url: str, schema: str) -> str:
    """`url` with every connection working in `schema` (which must exist)."""
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query), ("options", f"-csearch_path={schema}")]
    return urlunsplit(parts._replace(query=urlencode(query)))


def hide_password(url: str) -> str:
    """The URL as it may be shown and logged."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresDatabase(Database):
    """A PostgreSQL database reached through a small pool of connections."""

    backend = "postgresql"

    def __init__(self, pool: ConnectionPool, location: str):
        self._pool = pool
        self.location = location

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self._connection() as connection, connection.transaction():
            connection.execute(_WRITE_LOCK)
            yield PostgresSession(connection)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._connection() as connection, connection.transaction():
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield PostgresSession(connection)

    def close(self) -> None:
        self._pool.close()

    def limit_memory(self, megabytes: int) -> None:
        """The server keeps the data and its working memory: this process holds a batch."""

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            with self._pool.connection() as connection:
                yield connection
        except PoolTimeout as error:
            raise _unreachable(self.location, error) from error


def _unreachable(location: str, error: Exception) -> DatabaseError:
    return DatabaseError(
        gettext("Could not reach the PostgreSQL database {url}: {error}").format(
            url=location, error=error
        )
    )


def connect_postgres(url: str) -> Database:
    """Open a pool on the server at `url`; fail at once, with the reason, if it is unreachable."""
    location = hide_password(url)
    try:
        with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S) as probe:
            schema = probe.execute("SELECT current_schema()").fetchone()
    except psycopg.Error as error:
        raise _unreachable(location, error) from error
    if not schema or schema[0] is None:
        raise DatabaseError(
            gettext(
                "The PostgreSQL database {url} has no schema to work in: create the schema "
                "named in its search_path, or leave search_path out to use public."
            ).format(url=location)
        )
    pool = ConnectionPool(
        url,
        min_size=1,
        max_size=POOL_SIZE,
        kwargs={"connect_timeout": CONNECT_TIMEOUT_S},
        open=False,
        name="assetmap",
    )
    pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
    return PostgresDatabase(pool, location)
