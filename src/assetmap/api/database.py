"""One database per location for the whole process, shared by the pages and the routes.

A DuckDB file allows one writer at a time: two `Database` objects on one file in one process
would each take their own write lock and could meet in a write conflict. On PostgreSQL each
would keep a pool of its own. So the pages (ui) and the server's routes take theirs here.
"""

from __future__ import annotations

import threading

from assetmap.storage import Database, connect

_open: dict[str, Database] = {}
_lock = threading.Lock()


def shared_database(location: str) -> Database:
    """The process's database at `location`, opened on first use."""
    with _lock:
        db = _open.get(location)
        if db is None:
            db = _open[location] = connect(location)
        return db


def close_shared_database(db: Database) -> None:
    """Close `db` and forget it, so the next use opens the database again."""
    with _lock:
        for location, held in list(_open.items()):
            if held is db:
                del _open[location]
    db.close()
