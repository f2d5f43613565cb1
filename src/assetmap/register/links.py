"""Relationships between assets: who is a member of, leads, meets at, partners with or knows whom.

Links have a type and a role, optional start and end dates (the shape of Popolo's
Membership), and pass the same moderation, audit and privacy rules as assets: a visitor's
link waits for review, and a link is public only while both of its assets are.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import geopandas as gpd
import pandas as pd

from assetmap.accounts import Actor, require
from assetmap.config import Limits
from assetmap.errors import AssetmapError
from assetmap.i18n import N_, gettext
from assetmap.models import KINDS
from assetmap.register import audit
from assetmap.register.assets import AssetNotFoundError, get_asset
from assetmap.register.limits import DEFAULT_LIMITS, SUBMISSION, count_action
from assetmap.storage import Database, Session, bump_data_version, utc_now

ANY = frozenset(KINDS)
LINK_TYPES: dict[str, tuple[str, frozenset[str], frozenset[str]]] = {
    "member": (N_("is a member of"), frozenset({"person"}), frozenset({"association"})),
    "leader": (N_("leads"), frozenset({"person"}), frozenset({"association"})),
    "connector": (N_("connects people with"), frozenset({"person"}), ANY - {"person"}),
    "meets_at": (N_("meets at"), frozenset({"association"}), frozenset({"place", "institution"})),
    "partners_with": (
        N_("partners with"),
        frozenset({"institution", "association"}),
        frozenset({"institution", "association"}),
    ),
    "knows": (N_("knows"), ANY, ANY),
}
"""type -> (label, kinds it may start from, kinds it may point to)."""
MAX_ROLE = 100

INSERT_LINK = "INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
SELECT_LINKS = """
    SELECT l.id, l.from_id, l.to_id, l.type, l.role, l.start_date, l.end_date, l.status,
           l.created_at, a.name AS from_name, a.kind AS from_kind, b.name AS to_name,
           b.kind AS to_kind
    FROM links l JOIN assets a ON a.id = l.from_id JOIN assets b ON b.id = l.to_id
"""
SELECT_LINK_STATE = """
    SELECT l.status, a.name, l.type, b.name
    FROM links l JOIN assets a ON a.id = l.from_id JOIN assets b ON b.id = l.to_id
    WHERE l.id = ?
"""
STATUS_ACTIONS = {"pending": "pending", "approved": "approve", "hidden": "hide"}
"""A link's status -> the audit action that sets it (rejecting a link hides it)."""


class LinkError(AssetmapError, ValueError):
    """A link that cannot be made, in words for the person making it."""


class StaleLinkDecisionError(AssetmapError, RuntimeError):
    """Someone decided on (or removed) links after the decider saw them; nothing was decided."""

    def __init__(self, link_ids: list[str], labels: list[str]):
        super().__init__(
            gettext(
                "Someone else decided on {links} after you opened this page, so nothing was "
                "decided. Look at the list again, then decide."
            ).format(links="; ".join(f"\u201c{label}\u201d" for label in labels))
        )
        self.link_ids = link_ids


@dataclass(frozen=True)
class Link:
    id: str
    from_id: str
    to_id: str
    type: str
    role: str = ""
    start_date: date | None = None
    end_date: date | None = None
    status: str = "pending"


def link_label(link_type: str) -> str:
    return gettext(LINK_TYPES[link_type][0])


def describe_link(from_name: str, link_type: str, to_name: str) -> str:
    """The link as a sentence: "Aino is a member of Kallio choir"."""
    return f"{from_name} {link_label(link_type)} {to_name}"


def check_link(
    from_kind: str, to_kind: str, link_type: str, role: str, start: date | None, end: date | None
) -> None:
    """Raise LinkError unless this kind of link fits these kinds of asset."""
    if link_type not in LINK_TYPES:
        raise LinkError(gettext("Unknown kind of link: {type}.").format(type=link_type))
    label, sources, targets = LINK_TYPES[link_type]
    if from_kind not in sources or to_kind not in targets:
        raise LinkError(
            gettext("A {source} cannot be linked as \u201c{label}\u201d to a {target}.").format(
                source=gettext(KINDS[from_kind]).lower(),
                label=gettext(label),
                target=gettext(KINDS[to_kind]).lower(),
            )
        )
    if len(role) > MAX_ROLE:
        raise LinkError(gettext("The role may have at most {n} characters.").format(n=MAX_ROLE))
    if start and end and end < start:
        raise LinkError(gettext("A link cannot end before it starts."))


def add_link(
    db: Database,
    actor: Actor,
    from_id: str,
    to_id: str,
    link_type: str,
    role: str = "",
    *,
    start: date | None = None,
    end: date | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Link:
    """Record a relationship; a visitor's waits for review, a team member's is approved.

    A visitor's links count with their new assets against `limits.submissions_per_hour`.
    """
    require(actor, "submit")
    if from_id == to_id:
        raise LinkError(gettext("An asset cannot be linked to itself."))
    try:
        source, target = get_asset(db, from_id), get_asset(db, to_id)
    except AssetNotFoundError as error:
        raise LinkError(str(error)) from error
    role = " ".join(role.split())
    check_link(source.kind, target.kind, link_type, role, start, end)
    status = "approved" if actor.may("review") else "pending"
    link = Link(uuid.uuid4().hex, from_id, to_id, link_type, role, start, end, status)
    now = utc_now()
    with db.transaction() as session:
        count_action(session, actor, SUBMISSION, limits, now)
        session.execute(
            INSERT_LINK,
            (link.id, from_id, to_id, link_type, role, start, end, status, actor.name, now, now),
        )
        fields = {
            "from_id": (None, from_id),
            "to_id": (None, to_id),
            "type": (None, link_type),
            "role": (None, role or None),
            "status": (None, status),
        }
        audit.record(session, link.id, "create", actor, fields, resource_type="link")
        bump_data_version(session)
    return link


def end_link(db: Database, actor: Actor, link_id: str, end: date) -> None:
    require(actor, "edit")
    with db.transaction() as session:
        previous = session.scalar("SELECT end_date FROM links WHERE id = ?", (link_id,))
        session.execute(
            "UPDATE links SET end_date = ?, updated_at = ? WHERE id = ?", (end, utc_now(), link_id)
        )
        audit.record(
            session,
            link_id,
            "update",
            actor,
            {"end_date": (audit.as_text(previous), audit.as_text(end))},
            resource_type="link",
        )
        bump_data_version(session)


def _changed_links(session: Session, seen_statuses: Mapping[str, str]) -> list[tuple[str, str]]:
    """(id, sentence) of each link whose status is not the one the decider saw, or is gone."""
    changed = []
    for link_id, seen in seen_statuses.items():
        found = session.rows(SELECT_LINK_STATE, (link_id,))
        if not found:
            changed.append((link_id, gettext("a link that was removed")))
        elif found[0][0] != seen:
            _, from_name, link_type, to_name = found[0]
            changed.append((link_id, describe_link(from_name, link_type, to_name)))
    return changed


def set_link_status(
    db: Database,
    actor: Actor,
    link_ids: Iterable[str],
    status: str,
    note: str = "",
    seen_statuses: Mapping[str, str] | None = None,
) -> None:
    """Approve, reject (hide) or send back to pending all listed links or none, keeping the reason.

    With `seen_statuses` (link id to the status the decider saw), nothing is decided if any of
    them has another status now or is gone, say because another team member decided first:
    StaleLinkDecisionError names them.
    """
    require(actor, "review")
    if status not in STATUS_ACTIONS:
        raise ValueError(f"unknown link status {status!r}")
    note = note.strip()
    with db.transaction() as session:
        changed = _changed_links(session, seen_statuses or {})
        if changed:
            ids, sentences = zip(*changed, strict=True)
            raise StaleLinkDecisionError(list(ids), list(sentences))
        for link_id in link_ids:
            before = session.scalar("SELECT status FROM links WHERE id = ?", (link_id,))
            if before is None:
                raise LinkError(gettext("A chosen link no longer exists, so nothing was decided."))
            session.execute(
                "UPDATE links SET status = ?, updated_at = ? WHERE id = ?",
                (status, utc_now(), link_id),
            )
            audit.record(
                session,
                link_id,
                STATUS_ACTIONS[status],
                actor,
                {"status": (before, status)},
                reason=note,
                resource_type="link",
            )
        bump_data_version(session)


def list_links(db: Database, statuses: tuple[str, ...] = ("approved",)) -> pd.DataFrame:
    where = f" WHERE l.status IN ({', '.join('?' for _ in statuses)})" if statuses else ""
    return db.frame(f"{SELECT_LINKS}{where} ORDER BY l.created_at, l.id", statuses)


def pending_links(db: Database) -> pd.DataFrame:
    """Links waiting for review, oldest first, with both assets' names (for the team only)."""
    return list_links(db, ("pending",))


def links_to_table(links: pd.DataFrame) -> pd.DataFrame:
    """Pending links as a readable table with translated headings; times are UTC."""
    since = pd.to_datetime(links["start_date"]).dt.strftime("%Y-%m-%d")
    proposed = pd.to_datetime(links["created_at"]).dt.strftime("%Y-%m-%d %H:%M")
    columns = {
        gettext("From"): links["from_name"],
        gettext("Kind of link"): links["type"].map(link_label),
        gettext("To"): links["to_name"],
        gettext("Role"): links["role"],
        gettext("Since"): since.fillna(""),
        gettext("Proposed (UTC)"): proposed,
    }
    return pd.DataFrame({name: column.to_numpy(dtype=object) for name, column in columns.items()})


def public_links(
    links: pd.DataFrame, visible_assets: gpd.GeoDataFrame, today: date
) -> pd.DataFrame:
    """Approved, current links whose two assets are both visible to the viewer.

    `visible_assets` is what the viewer may see (for visitors: after the privacy rules), so a
    person without consent, or a hidden asset, takes their links off the map with them.
    """
    visible = set(visible_assets["id"])
    ends = pd.to_datetime(links["end_date"])
    current = ends.isna() | (ends >= pd.Timestamp(today))
    keep = (
        (links["status"] == "approved")
        & links["from_id"].isin(visible)
        & links["to_id"].isin(visible)
        & current
    )
    return links[keep]


def link_ends(links: pd.DataFrame, assets_gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """The links whose two assets are in `assets_gdf`, with both assets' positions there
    (from_lon, from_lat, to_lon, to_lat): for visitors, the positions privacy gave them."""
    ids = pd.Index(assets_gdf["id"])
    lon, lat = assets_gdf["lon"].to_numpy(dtype=float), assets_gdf["lat"].to_numpy(dtype=float)
    start, end = ids.get_indexer(links["from_id"]), ids.get_indexer(links["to_id"])
    both = (start >= 0) & (end >= 0)
    start, end = start[both], end[both]
    return links[both].assign(
        from_lon=lon[start], from_lat=lat[start], to_lon=lon[end], to_lat=lat[end]
    )


def links_to_lines(links: pd.DataFrame, assets_gdf: gpd.GeoDataFrame) -> dict[str, Any]:
    """GeoJSON lines between the (already public) positions of linked assets."""
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "LineString",
                "coordinates": [[row.from_lon, row.from_lat], [row.to_lon, row.to_lat]],
            },
            "properties": {"label": describe_link(row.from_name, row.type, row.to_name)},
        }
        for row in link_ends(links, assets_gdf).itertuples()
    ]
    return {"type": "FeatureCollection", "features": features}
