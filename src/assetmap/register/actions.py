"""The Partnership Framework log for an area: shared values and aims, the relations and the
conditions needed, and actions with an owner, a due date, a status and the assets they concern.
"""

from __future__ import annotations

import uuid
from datetime import date

import pandas as pd

from assetmap.accounts import Actor, require
from assetmap.errors import AssetmapError
from assetmap.i18n import N_, gettext
from assetmap.storage import Database, bump_data_version, utc_now

STEPS: dict[str, str] = {
    "values": N_("Shared values and aims"),
    "relations": N_("Relations needed"),
    "conditions": N_("Conditions"),
    "action": N_("Action"),
}
ACTION_STATUSES: dict[str, str] = {"open": N_("Open"), "done": N_("Done"), "dropped": N_("Dropped")}
MAX_TEXT = 1000


class ActionError(AssetmapError, ValueError):
    """A framework entry that cannot be recorded, and what to write instead."""


def add_entry(
    db: Database,
    actor: Actor,
    area_id: str,
    step: str,
    text: str,
    owner: str = "",
    *,
    due: date | None = None,
    asset_ids: tuple[str, ...] = (),
) -> str:
    """Record one step of the framework for an area (team members, at a meeting)."""
    require(actor, "review")
    text = text.strip()
    if step not in STEPS:
        raise ActionError(gettext("Unknown step: {step}.").format(step=step))
    if not text or len(text) > MAX_TEXT:
        raise ActionError(gettext("Write between 1 and {n} characters.").format(n=MAX_TEXT))
    entry_id = uuid.uuid4().hex
    with db.transaction() as session:
        session.execute(
            "INSERT INTO actions VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)",
            (
                entry_id,
                area_id,
                step,
                text,
                owner.strip()[:120],
                due,
                ",".join(asset_ids),
                actor.name,
                utc_now(),
            ),
        )
        bump_data_version(session)
    return entry_id


def set_entry_status(db: Database, actor: Actor, entry_id: str, status: str) -> None:
    require(actor, "review")
    if status not in ACTION_STATUSES:
        raise ValueError(status)
    with db.transaction() as session:
        session.execute("UPDATE actions SET status = ? WHERE id = ?", (status, entry_id))
        bump_data_version(session)


def entries_for(db: Database, area_id: str) -> pd.DataFrame:
    return db.frame(
        "SELECT id, step, text, owner, due_date, status, asset_ids, created_by, created_at "
        "FROM actions WHERE area_id = ? ORDER BY created_at",
        (area_id,),
    )
