"""The storage door's shapes: Database and Session, the errors an operator meets, and
the data version every write bumps. Pages and domain code see these only, never a
driver; the backends (storage.duckdb_file, storage.postgres) implement them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from assetmap.errors import AssetmapError

Params = Sequence[Any]


class DatabaseError(AssetmapError, RuntimeError):
    """A storage problem explained in words an operator can act on."""


class DatabaseLockedError(DatabaseError):
    pass


class Session(ABC):
    """One unit of work: reads and writes share its transaction."""

    backend: str
    """As its Database's: "duckdb" or "postgresql"."""

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

    @abstractmethod
    def frames(self, sql: str, params: Params = (), size: int = 50_000) -> Iterator[pd.DataFrame]:
        """The result as DataFrames of at most `size` rows each, typed as `frame` types them,
        read as they are used: a result of a million rows never sits in memory whole. There is
        always one at least (empty, with the columns, when there are no rows)."""

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

    @abstractmethod
    def limit_memory(self, megabytes: int) -> None:
        """Keep the database's working memory in this process within `megabytes`, writing to
        disk beyond it (DuckDB's). A server's memory is the server's own: nothing to do."""

    def rows(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        with self.reading() as session:
            return session.rows(sql, params)

    def scalar(self, sql: str, params: Params = ()) -> Any:
        with self.reading() as session:
            return session.scalar(sql, params)

    def frame(self, sql: str, params: Params = ()) -> pd.DataFrame:
        with self.reading() as session:
            return session.frame(sql, params)

    def frames(self, sql: str, params: Params = (), size: int = 50_000) -> Iterator[pd.DataFrame]:
        """Session.frames in a snapshot of its own, held until the last frame is read."""
        with self.reading() as session:
            yield from session.frames(sql, params, size)

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def utc_now() -> datetime:
    """Now in UTC without a zone: how every timestamp is stored."""
    return datetime.now(UTC).replace(tzinfo=None)


def bump_data_version(session: Session) -> None:
    """Every write calls this, so caches keyed on the version never serve stale data."""
    session.execute("UPDATE data_version SET version = version + 1, changed_at = ?", (utc_now(),))


def data_version(db: Database) -> int:
    return int(db.scalar("SELECT version FROM data_version"))


@dataclass(frozen=True)
class DataState:
    """The data's version and when it last changed (UTC, no zone, as stored)."""

    version: int
    changed_at: datetime


def data_state(db: Database) -> DataState:
    """Version and time of the last change, read together (for ETag and Last-Modified)."""
    version, changed_at = db.rows("SELECT version, changed_at FROM data_version")[0]
    return DataState(int(version), changed_at)
