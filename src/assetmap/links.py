"""Relationships between assets: who is a member of, leads, meets at, partners with or knows whom.

Links have a type and a role, optional start and end dates (the shape of Popolo's
Membership), and pass the same moderation, audit and privacy rules as assets: a visitor's
link waits for review, and a link is public only while both of its assets are.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import pandas as pd

from assetmap import audit
from assetmap.accounts import Actor, require
from assetmap.assets import AssetNotFoundError, get_asset
from assetmap.db import Database, bump_data_version, utc_now
from assetmap.i18n import N_, gettext
from assetmap.models import KINDS

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
           a.name AS from_name, a.kind AS from_kind, b.name AS to_name, b.kind AS to_kind
    FROM links l JOIN assets a ON a.id = l.from_id JOIN assets b ON b.id = l.to_id
"""


class LinkError(ValueError):
    """A link that cannot be made, in words for the person making it."""


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
    start: date | None = None,
    end: date | None = None,
) -> Link:
    """Record a relationship; a visitor's waits for review, a team member's is approved."""
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


def set_link_status(
    db: Database, actor: Actor, link_ids: list[str], status: str, note: str = ""
) -> None:
    require(actor, "review")
    with db.transaction() as session:
        for link_id in link_ids:
            before = session.scalar("SELECT status FROM links WHERE id = ?", (link_id,))
            session.execute(
                "UPDATE links SET status = ?, updated_at = ? WHERE id = ?",
                (status, utc_now(), link_id),
            )
            action = {"approved": "approve", "hidden": "hide"}.get(status, "pending")
            audit.record(
                session,
                link_id,
                action,
                actor,
                {"status": (before, status)},
                note,
                resource_type="link",
            )
        bump_data_version(session)


def list_links(db: Database, statuses: tuple[str, ...] = ("approved",)) -> pd.DataFrame:
    where = f" WHERE l.status IN ({', '.join('?' for _ in statuses)})" if statuses else ""
    return db.frame(f"{SELECT_LINKS}{where} ORDER BY l.created_at, l.id", statuses)


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


def links_to_lines(links: pd.DataFrame, assets_gdf: gpd.GeoDataFrame) -> dict:
    """GeoJSON lines between the (already public) positions of linked assets."""
    position = assets_gdf.set_index("id")[["lon", "lat"]]
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "LineString",
                "coordinates": [list(position.loc[row.from_id]), list(position.loc[row.to_id])],
            },
            "properties": {"label": f"{row.from_name} {link_label(row.type)} {row.to_name}"},
        }
        for row in links.itertuples()
        if row.from_id in position.index and row.to_id in position.index
    ]
    return {"type": "FeatureCollection", "features": features}
