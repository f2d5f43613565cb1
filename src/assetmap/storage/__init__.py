"""The one storage door: connect to the database and run work in transactions.

Pages and domain code see `Database` and `Session` only, never the driver, and do not
know which backend they have: DuckDB (an embedded file, the default, one app process) or
PostgreSQL (a server shared by several app processes, see assetmap.storage.postgres). SQL uses
`?` placeholders and the common subset of both dialects; a backend translates the rest.

DuckDB connections are not thread-safe and every Streamlit session is a thread, so the
app shares one `Database` and each call works on its own cursor.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from assetmap.i18n import gettext
from assetmap.storage.base import (
    Database,
    DatabaseError,
    DatabaseLockedError,
    DataState,
    Params,
    Session,
    bump_data_version,
    data_state,
    data_version,
    utc_now,
)
from assetmap.storage.duckdb_file import DuckDBDatabase, connect_duckdb, duckdb_path
from assetmap.storage.migrations import apply_migrations

__all__ = [
    "DataState",
    "Database",
    "DatabaseError",
    "DatabaseLockedError",
    "Params",
    "Session",
    "backup",
    "bump_data_version",
    "connect",
    "data_state",
    "data_version",
    "is_postgres",
    "restore",
    "utc_now",
]

POSTGRES_URL = re.compile(r"^postgres(ql)?://")


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
    path = duckdb_path(url)
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


def connect(url: str) -> Database:
    """Open (creating if needed) the database at `url` and bring its schema up to date.

    `url` is a DuckDB file path (or duckdb://PATH) or a postgresql:// URL.
    """
    if is_postgres(url):
        # Only a PostgreSQL deployment pays for loading psycopg and its pool.
        from assetmap.storage.postgres import connect_postgres

        db = connect_postgres(url)
    else:
        db = connect_duckdb(url)
    try:
        apply_migrations(db)
    except BaseException:
        db.close()
        raise
    return db
