"""Copy a whole database into a new PostgreSQL one: `assetmap migrate-db --to URL`.

The target gets its schema from the same migrations, then every table's rows in one
transaction, so a failed copy leaves the target as empty as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assetmap.i18n import gettext
from assetmap.storage.base import Database, DatabaseError, Session, utc_now

SKIPPED_TABLES = ("migrations", "data_version")
"""Each database keeps its own migration record; the data version is carried over below."""

REPLACED_TABLES = ("app_secrets",)
"""Filled by the migrations of every new database (its own secret key): the copy takes the
source's instead, so logins and the hashes that stand for visitors carry over."""

SEQUENCES = {"audit_log_ids": ("audit_log", "id")}
"""Sequences and the column they number, moved past the copied rows."""

LIST_TABLES = """
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
    ORDER BY table_name
"""
LIST_COLUMNS = """
    SELECT column_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = ?
    ORDER BY ordinal_position
"""


@dataclass(frozen=True)
class CopiedTable:
    name: str
    rows: int


def tables(session: Session) -> list[str]:
    """The tables that hold data, in name order."""
    return [str(row[0]) for row in session.rows(LIST_TABLES) if row[0] not in SKIPPED_TABLES]


def _columns(session: Session, table: str) -> list[str]:
    return [str(row[0]) for row in session.rows(LIST_COLUMNS, (table,))]


def _refuse_unless_empty(session: Session, names: list[str], location: str) -> None:
    filled = [
        name
        for name in names
        if name not in REPLACED_TABLES and session.scalar(f"SELECT count(*) FROM {name}")
    ]
    if filled:
        raise DatabaseError(
            gettext(
                "{url} already holds data (in {tables}). Copy into a new, empty database "
                "so nothing there is overwritten."
            ).format(url=location, tables=", ".join(filled))
        )


def copy_database(
    source: Database,
    target: Database,
    progress: Callable[[CopiedTable], None] = lambda table: None,
) -> list[CopiedTable]:
    """Copy every table of `source` into the empty PostgreSQL database `target`."""
    if target.backend != "postgresql":
        raise DatabaseError(gettext("migrate-db copies into PostgreSQL: give a postgresql:// URL."))
    copied = []
    with source.reading() as reading, target.transaction() as writing:
        names = tables(reading)
        missing = sorted(set(names) - set(tables(writing)))
        if missing:
            raise DatabaseError(f"{target.location} lacks the tables {', '.join(missing)}.")
        _refuse_unless_empty(writing, names, target.location)
        for name in names:
            columns = _columns(reading, name)
            rows = reading.rows(f"SELECT {', '.join(columns)} FROM {name}")
            if name in REPLACED_TABLES:
                writing.execute(f"DELETE FROM {name}")
            writing.insert_rows(name, columns, rows)
            copied.append(CopiedTable(name, len(rows)))
            progress(copied[-1])
        for sequence, (table, column) in SEQUENCES.items():
            writing.execute(
                f"SELECT setval('{sequence}', (SELECT coalesce(max({column}), 0) + 1 FROM {table}),"
                " false)"
            )
        version = reading.scalar("SELECT version FROM data_version")
        writing.execute(
            "UPDATE data_version SET version = ?, changed_at = ?", (int(version) + 1, utc_now())
        )
    return copied
