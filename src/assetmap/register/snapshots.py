"""Saved meeting views, and what changed since one was saved.

A snapshot keeps the view (filters, map position) and the state of the public map at that
moment: each approved asset's and link's last change, with names so removals can be named.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import pandas as pd

from assetmap.accounts import Actor, require
from assetmap.errors import AssetmapError
from assetmap.i18n import gettext
from assetmap.register.assets import list_assets
from assetmap.storage import Database, utc_now

State = dict[str, list[str]]
"""id -> [last change, name]."""


class SnapshotError(AssetmapError, ValueError):
    """A view that cannot be saved, and what to give instead."""


class SnapshotNotFoundError(AssetmapError, LookupError):
    pass


@dataclass(frozen=True)
class Changes:
    added: list[tuple[str, str]]
    changed: list[tuple[str, str]]
    removed: list[tuple[str, str]]

    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def diff_states(before: State, after: State) -> Changes:
    """What was added, changed and removed between two states, as (id, name) pairs."""
    added = [(key, after[key][1]) for key in after if key not in before]
    removed = [(key, before[key][1]) for key in before if key not in after]
    changed = [
        (key, after[key][1]) for key in after if key in before and after[key][0] != before[key][0]
    ]
    return Changes(
        sorted(added, key=lambda p: p[1]),
        sorted(changed, key=lambda p: p[1]),
        sorted(removed, key=lambda p: p[1]),
    )


def _asset_state(db: Database) -> State:
    assets = list_assets(db)
    return {row.id: [str(row.updated_at), row.name] for row in assets.itertuples()}


def _link_state(db: Database) -> State:
    links = db.frame(
        "SELECT l.id, l.updated_at, a.name AS from_name, l.type, b.name AS to_name "
        "FROM links l JOIN assets a ON a.id = l.from_id JOIN assets b ON b.id = l.to_id "
        "WHERE l.status = 'approved'"
    )
    return {
        row.id: [str(row.updated_at), f"{row.from_name} – {row.to_name}"]
        for row in links.itertuples()
    }


def save_snapshot(db: Database, actor: Actor, name: str, view: dict[str, Any]) -> str:
    require(actor, "review")
    name = " ".join(name.split())
    if not name:
        raise SnapshotError(gettext("Give the view a name, for example the meeting's date."))
    snapshot_id = uuid.uuid4().hex
    with db.transaction() as session:
        session.execute(
            "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                snapshot_id,
                name[:120],
                json.dumps(view),
                json.dumps(_asset_state(db)),
                json.dumps(_link_state(db)),
                actor.name,
                utc_now(),
            ),
        )
    return snapshot_id


def list_snapshots(db: Database) -> pd.DataFrame:
    return db.frame(
        "SELECT id, name, view, created_by, created_at FROM snapshots ORDER BY created_at DESC"
    )


def changes_since(db: Database, snapshot_id: str) -> tuple[Changes, Changes]:
    """(asset changes, link changes) between the snapshot and now."""
    rows = db.rows("SELECT assets, links FROM snapshots WHERE id = ?", (snapshot_id,))
    if not rows:
        raise SnapshotNotFoundError(gettext("No saved view with id {id}.").format(id=snapshot_id))
    assets_then, links_then = (json.loads(text) for text in rows[0])
    return diff_states(assets_then, _asset_state(db)), diff_states(links_then, _link_state(db))
