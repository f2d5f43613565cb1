"""Dating records back: how the demo gets a history of its own.

The demo's community is written through the ordinary register functions (with their audit
rows, consent records and checks), one day of its story at a time; after each day, what was
just written is dated back to that day. The Meeting page's "what changed since" and the
History page then read a past as they would in a neighbourhood that used the app for weeks.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from assetmap.accounts import Actor, require
from assetmap.register.privacy import CONSENT_VALID_FOR
from assetmap.storage import Database

_DATED_COLUMNS = (
    ("assets", "created_at", "id"),
    ("assets", "updated_at", "id"),
    ("links", "created_at", "id"),
    ("links", "updated_at", "id"),
    ("audit_log", "last_action_date", "resource_id"),
    ("snapshots", "created_at", "id"),
    ("actions", "created_at", "id"),
)
"""(table, time column, the id of what the row is about)."""


def date_back(
    db: Database,
    actor: Actor,
    since: datetime,
    moment: datetime,
    ids: Collection[str] | None = None,
) -> None:
    """Date everything written at or after `since` at `moment` (earlier than `since`): only
    what is about `ids` (assets, links, snapshots, framework entries) when they are given.

    A person's consent recorded since then is dated with it, and runs a year from then.
    """
    require(actor, "import")
    if moment >= since:
        raise ValueError("a record can only be dated back, to before it was written")
    chosen = list(ids or ())
    with db.transaction() as session:
        for table, column, key in _DATED_COLUMNS:
            among = f" AND {key} IN ({', '.join('?' for _ in chosen)})" if chosen else ""
            session.execute(
                f"UPDATE {table} SET {column} = ? WHERE {column} >= ?{among}",
                (moment, since, *chosen),
            )
        among = f" AND id IN ({', '.join('?' for _ in chosen)})" if chosen else ""
        session.execute(
            f"UPDATE assets SET consent_at = ?, consent_renew_by = ? WHERE consent_at >= ?{among}",
            (moment, moment + CONSENT_VALID_FOR, since, *chosen),
        )
