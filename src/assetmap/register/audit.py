"""The audit trail: who changed what, when, and each field's old and new value.

Rows have the shape of Open Referral HSDS's metadata table (resource_id, resource_type,
last_action_date, last_action_type, field_name, previous_value, replacement_value,
updated_by), plus the reason given. Values are stored as text; replaying an asset's rows
in order rebuilds any earlier version of it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd

from assetmap.accounts import Actor
from assetmap.i18n import N_, gettext
from assetmap.storage import Database, Session, utc_now

ACTIONS = ("create", "update", "approve", "hide", "pending", "flag", "restore", "erase", "consent")
ACTION_LABELS = {
    "create": N_("added"),
    "update": N_("changed"),
    "approve": N_("approved"),
    "hide": N_("hidden"),
    "pending": N_("back for review"),
    "flag": N_("reported"),
    "restore": N_("restored"),
    "erase": N_("erased"),
    "consent": N_("consent recorded"),
}


CHANGE_HEADINGS = {
    "last_action_date": N_("When"),
    "last_action_type": N_("What"),
    "field_name": N_("Field"),
    "previous_value": N_("Before"),
    "replacement_value": N_("After"),
    "updated_by": N_("Who"),
    "reason": N_("Why"),
}
"""An asset's history as a table: its columns and their headings, to be translated."""


def action_words(actions: str) -> str:
    """Audit actions as stored ("create, update") in the reader's words."""
    names = (name.strip() for name in actions.split(","))
    return ", ".join(
        gettext(ACTION_LABELS[name]) if name in ACTION_LABELS else name for name in names
    )


AUDIT_COLUMNS = (
    "resource_id", "resource_type", "last_action_date", "last_action_type", "field_name",
    "previous_value", "replacement_value", "updated_by", "reason",
)  # fmt: skip
SELECT_HISTORY = """
    SELECT id, last_action_date, last_action_type, field_name, previous_value,
           replacement_value, updated_by, reason
    FROM audit_log WHERE resource_id = ? ORDER BY id
"""
SCRUB_VALUES = """
    UPDATE audit_log SET previous_value = NULL, replacement_value = NULL, reason = ''
    WHERE resource_id = ?
"""


def as_text(value: Any) -> str | None:
    """One stored text form per value, so that comparing and replaying are exact."""
    if type(value) is str:  # most values: checked first, as an import asks a million times
        return value or None
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return ", ".join(str(item) for item in value) or None
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.isoformat()
    text = repr(value) if isinstance(value, float) else str(value)
    return text or None


def field_changes(
    before: Mapping[str, Any] | None, after: Mapping[str, Any], fields: tuple[str, ...]
) -> dict[str, tuple[str | None, str | None]]:
    """The fields whose text form differs, as (previous, replacement)."""
    changes = {}
    for name in fields:
        old = as_text(before.get(name)) if before else None
        new = as_text(after.get(name))
        if old != new:
            changes[name] = (old, new)
    return changes


AuditRow = tuple[str, str, datetime, str, str, str | None, str | None, str, str]


def entries(
    resource_id: str,
    action: str,
    actor: Actor,
    changes: Mapping[str, tuple[str | None, str | None]],
    *,
    reason: str = "",
    resource_type: str = "asset",
) -> list[AuditRow]:
    """The audit rows for one action: one per changed field (or one "*" row for none)."""
    moment = utc_now()
    return [
        (resource_id, resource_type, moment, action, name, old, new, actor.name, reason)
        for name, (old, new) in (changes or {"*": (None, None)}).items()
    ]


def write(session: Session, rows: list[AuditRow]) -> None:
    session.insert_rows("audit_log", AUDIT_COLUMNS, rows)


def record(
    session: Session,
    resource_id: str,
    action: str,
    actor: Actor,
    changes: Mapping[str, tuple[str | None, str | None]],
    *,
    reason: str = "",
    resource_type: str = "asset",
) -> None:
    write(
        session,
        entries(resource_id, action, actor, changes, reason=reason, resource_type=resource_type),
    )


def history(db: Database, resource_id: str) -> pd.DataFrame:
    return db.frame(SELECT_HISTORY, (resource_id,))


def versions(db: Database, resource_id: str) -> list[tuple[int, datetime, str, str]]:
    """Each change that produced a version: (last audit id, date, action, who), oldest first."""
    frame = history(db, resource_id)
    frame = frame[frame["last_action_type"].isin(("create", "update", "restore"))]
    grouped = frame.groupby(["last_action_date", "last_action_type", "updated_by"], sort=False)
    return [(int(group["id"].max()), when, action, who) for (when, action, who), group in grouped]


def state_at(db: Database, resource_id: str, audit_id: int) -> dict[str, str | None]:
    """The asset's fields as they were right after audit row `audit_id`."""
    frame = history(db, resource_id)
    state: dict[str, str | None] = {}
    for row in frame[frame["id"] <= audit_id].itertuples():
        if row.field_name != "*" and row.last_action_type in ("create", "update", "restore"):
            state[str(row.field_name)] = row.replacement_value
    return state


def scrub(session: Session, resource_id: str) -> None:
    """Remove every old and new value of a resource, keeping only that changes happened."""
    session.execute(SCRUB_VALUES, (resource_id,))
