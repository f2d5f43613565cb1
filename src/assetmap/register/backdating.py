"""Dating records back: how the demo gets a history of its own.

The demo's community is written through the ordinary register functions (with their audit
rows, consent records and checks), one day of its story at a time; after each day, what was
just written is dated back to that day. The Meeting page's "what changed since" and the
History page then read a past as they would in a neighbourhood that used the app for weeks.
"""

from __future__ import annotations

from datetime import datetime

from assetmap.accounts import Actor, require
from assetmap.register.privacy import CONSENT_VALID_FOR
from assetmap.storage import Database

_DATED_COLUMNS = (
    ("assets", "created_at"),
    ("assets", "updated_at"),
    ("links", "created_at"),
    ("links", "updated_at"),
    ("audit_log", "last_action_date"),
    ("snapshots", "created_at"),
    ("actions", "created_at"),
)


def date_back(db: Database, actor: Actor, since: datetime, moment: datetime) -> None:
    """Date everything written at or after `since` at `moment` (earlier than `since`).

    A person's consent recorded since then is dated with it, and runs a year from then.
    """
    require(actor, "import")
    if moment >= since:
        raise ValueError("a record can only be dated back, to before it was written")
    with db.transaction() as session:
        for table, column in _DATED_COLUMNS:
            session.execute(
                f"UPDATE {table} SET {column} = ? WHERE {column} >= ?",
                (moment, since),
            )
        session.execute(
            "UPDATE assets SET consent_at = ?, consent_renew_by = ? WHERE consent_at >= ?",
            (moment, moment + CONSENT_VALID_FOR, since),
        )
