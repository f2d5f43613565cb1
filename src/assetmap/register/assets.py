"""The asset register: add, review, flag, edit, restore, erase and list assets.

Every write checks its actor's permission, validates first, records its changes in the
audit trail and runs in one transaction, so a bad row never leaves anything half-written;
every write bumps the data version that caches are keyed on.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

import geopandas as gpd
import pandas as pd

from assetmap.accounts import SYSTEM, Actor, require
from assetmap.config import PHOTOS_PER_ASSET, Limits
from assetmap.errors import AssetmapError
from assetmap.i18n import gettext
from assetmap.io.photos import PreparedPhoto
from assetmap.models import Asset, report_reason, validate_asset
from assetmap.register import audit
from assetmap.register.areas import WGS84, area_id_at, area_ids_for_points, areas_extent, list_areas
from assetmap.register.limits import DEFAULT_LIMITS, REPORT, SUBMISSION, count_action
from assetmap.register.photos import APPROVED_PHOTO_IDS, erase_photos_of, insert_photos
from assetmap.register.privacy import CONSENT_VALID_FOR, CONSENT_VERSION, LAPSED_SQL
from assetmap.storage import Database, Session, bump_data_version, utc_now

STORED_FIELDS = [f.name for f in fields(Asset)] + ["review_note"]
AUDITED_FIELDS = tuple(
    name
    for name in STORED_FIELDS
    if name not in ("id", "area_id", "created_at", "updated_at", "review_note", "version")
)
CONTENT_FIELDS = tuple(
    name for name in AUDITED_FIELDS if name != "status" and not name.startswith("consent")
)
LIST_FIELDS = ("languages", "tags")
LIST_SEPARATOR = ", "
FLAGS_TO_HIDE = 3

INSERT_ASSET = (
    f"INSERT INTO assets ({', '.join(STORED_FIELDS)}) "
    f"VALUES ({', '.join('?' for _ in STORED_FIELDS)})"
)
UPDATE_ASSET = (
    f"UPDATE assets SET {', '.join(f'{name} = ?' for name in STORED_FIELDS if name != 'id')} "
    "WHERE id = ?"
)
# Reports are counted once and joined: a count per asset in a subquery kept about 60 MB
# of DuckDB's working memory at 100,000 assets.
SELECT_ASSETS = f"""
    SELECT {{columns}}, ar.name AS area_name, coalesce(reports.n, 0) AS flag_count,
        coalesce(photos.ids, '') AS photo_ids
    FROM assets a LEFT JOIN areas ar ON ar.id = a.area_id
    LEFT JOIN (SELECT asset_id, count(*) AS n FROM reports GROUP BY asset_id) reports
        ON reports.asset_id = a.id
    LEFT JOIN ({APPROVED_PHOTO_IDS}) photos ON photos.asset_id = a.id
"""
"""Each asset with its area's name, its report count and its approved photos' ids."""
SELECT_ASSET_BY_ID = f"SELECT {', '.join(STORED_FIELDS)} FROM assets WHERE id = ?"
SET_STATUS = (
    "UPDATE assets SET status = ?, review_note = ?, updated_at = ?, version = version + 1 "
    "WHERE id = ?"
)
COUNT_BY_STATUS = "SELECT status, count(*) FROM assets GROUP BY status"
INSERT_REPORT = "INSERT INTO reports VALUES (?, ?, ?, ?, ?)"
SELECT_FLAGS = (
    "SELECT reporter, reason, created_at FROM reports WHERE asset_id = ? ORDER BY created_at"
)


class AssetNotFoundError(AssetmapError, LookupError):
    pass


class StaleDecisionError(AssetmapError, RuntimeError):
    """Someone changed assets after the decider saw them; nothing was decided."""

    def __init__(self, names: list[str]):
        super().__init__(
            gettext(
                "Someone else changed {names} after you opened this page, so nothing was "
                "decided. Look at them again, then decide."
            ).format(names=", ".join(names))
        )
        self.names = names


class EditConflictError(AssetmapError, RuntimeError):
    """Someone else stored a change after the editor loaded the asset; nothing was written.

    `changes` lists (field, value the editor saw, value now stored) for what they changed.
    """

    def __init__(self, current: Asset, changes: list[tuple[str, Any, Any]]):
        super().__init__(
            gettext(
                "Someone else changed this asset while you were editing it, so your changes "
                "were not saved. Check what they changed, then save again."
            )
        )
        self.current = current
        self.changes = changes


@dataclass(frozen=True)
class AssetFilter:
    """What to list. Empty tuples mean "any"; `text` matches name, description and tags."""

    statuses: tuple[str, ...] = ("approved",)
    kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    area_ids: tuple[str, ...] = ()
    text: str = ""
    flagged_only: bool = False
    ids: tuple[str, ...] = ()
    bbox: tuple[float, float, float, float] | None = None
    """(min lon, min lat, max lon, max lat): only the assets inside, edges included."""

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for column, values in (
            ("a.status", self.statuses),
            ("a.kind", self.kinds),
            ("a.category", self.categories),
            ("a.sector", self.sectors),
            ("a.area_id", self.area_ids),
            ("a.id", self.ids),
        ):
            if values:
                clauses.append(f"{column} IN ({', '.join('?' for _ in values)})")
                params.extend(values)
        if self.text.strip():
            clauses.append(
                "(lower(a.name) LIKE ? ESCAPE '\\' OR lower(a.description) LIKE ? ESCAPE '\\' "
                "OR lower(a.tags) LIKE ? ESCAPE '\\')"
            )
            params.extend([_like_pattern(self.text)] * 3)
        if self.flagged_only:
            clauses.append("EXISTS (SELECT 1 FROM reports f WHERE f.asset_id = a.id)")
        if self.bbox is not None:
            clauses.append("a.lon BETWEEN ? AND ? AND a.lat BETWEEN ? AND ?")
            min_lon, min_lat, max_lon, max_lat = self.bbox
            params.extend([min_lon, max_lon, min_lat, max_lat])
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _like_pattern(text: str) -> str:
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _now() -> datetime:
    """UTC to the millisecond: what GeoJSON readers keep, so exports round-trip exactly."""
    moment = utc_now()
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _not_found(asset_id: str) -> AssetNotFoundError:
    return AssetNotFoundError(gettext("No asset with id {id}.").format(id=asset_id))


ASSET_FIELDS = tuple(f.name for f in fields(Asset))


def _values_of(asset: Asset) -> dict[str, Any]:
    """The asset's fields by name: `asdict` without its deep copy, which took half of an
    import's time (its values are text, numbers, times and tuples of text)."""
    return {name: getattr(asset, name) for name in ASSET_FIELDS}


def _row_for(asset: Asset, review_note: str = "") -> list[Any]:
    return _row_of(_values_of(asset), review_note)


def _row_of(values: dict[str, Any], review_note: str = "") -> list[Any]:
    values = dict(values)
    for name in LIST_FIELDS:
        values[name] = LIST_SEPARATOR.join(values[name])
    values["review_note"] = review_note
    return [values[name] for name in STORED_FIELDS]


def _asset_from_row(row: Mapping[str, Any]) -> Asset:
    values = {f.name: row[f.name] for f in fields(Asset)}
    for name in LIST_FIELDS:
        values[name] = tuple(item for item in str(values[name]).split(LIST_SEPARATOR) if item)
    for name in ("consent_at", "consent_renew_by", "created_at", "updated_at"):
        values[name] = None if pd.isna(values[name]) else pd.Timestamp(values[name]).to_pydatetime()
    values["contact_public"] = bool(values["contact_public"])
    values["version"] = int(values["version"])
    return Asset(**values)


def _validated(db: Database, data: Mapping[str, Any] | Asset, max_distance_km: float) -> Asset:
    raw = asdict(data) if isinstance(data, Asset) else data
    return validate_asset(raw, extent=areas_extent(db), max_distance_km=max_distance_km)


def _with_consent(asset: Asset, moment: datetime) -> Asset:
    if asset.kind != "person":
        return asset
    return asset.with_changes(
        consent_version=CONSENT_VERSION,
        consent_at=moment,
        consent_renew_by=moment + CONSENT_VALID_FOR,
    )


def _creation(asset: Asset, actor: Actor) -> list[audit.AuditRow]:
    return _creation_of(_values_of(asset), actor)


def _creation_of(values: Mapping[str, Any], actor: Actor) -> list[audit.AuditRow]:
    changes = audit.field_changes(None, values, AUDITED_FIELDS)
    return audit.entries(str(values["id"]), "create", actor, changes)


def register_asset(
    db: Database,
    data: Mapping[str, Any] | Asset,
    actor: Actor,
    *,
    max_distance_km: float = 25.0,
    limits: Limits = DEFAULT_LIMITS,
    photos: Sequence[PreparedPhoto] = (),
    people_consent: bool = False,
    photos_allowed: int = PHOTOS_PER_ASSET,
) -> Asset:
    """Validate and store one asset; a visitor's is always pending. Returns it as stored.

    A visitor's address may send `limits.submissions_per_hour` new assets and links an hour
    (LimitReachedError beyond), so no one fills the review queue. `photos` are stored with
    it, waiting for review (photos.insert_photos); if they may not be, nothing is stored.
    """
    require(actor, "submit")
    asset = _validated(db, data, max_distance_km)
    if not actor.may("review"):
        asset = asset.with_changes(status="pending")
    now = _now()
    with db.transaction() as session:
        count_action(session, actor, SUBMISSION, limits, now)
        stored = _with_consent(asset, now).with_changes(
            id=asset.id or uuid.uuid4().hex,
            area_id=area_id_at(session, asset.lon, asset.lat),
            created_at=now,
            updated_at=now,
        )
        session.execute(INSERT_ASSET, _row_for(stored))
        audit.write(session, _creation(stored, actor))
        insert_photos(
            session,
            str(stored.id),
            stored.kind,
            photos,
            actor,
            people_consent=people_consent,
            allowed=photos_allowed,
            moment=now,
        )
        bump_data_version(session)
    return stored


MERGED_FIELDS = tuple(
    name
    for name in CONTENT_FIELDS
    if name not in ("kind", "category", "lon", "lat", "source", "source_id", "status")
)


def merged(current: Asset, incoming: Asset) -> Asset:
    """The stored asset with the incoming record's non-empty fields written over it.

    Kind, category and location stay as reviewed; text, contacts and lists are refreshed.
    """
    changes = {
        name: getattr(incoming, name)
        for name in MERGED_FIELDS
        if getattr(incoming, name) not in ("", (), None, "unknown")
    }
    return current.with_changes(**changes)


def add_assets(
    db: Database,
    assets: Sequence[Asset],
    actor: Actor,
    merges: Sequence[tuple[str, Asset]] = (),
) -> list[str]:
    """Store new assets and merge others into stored ones, all together or not at all.

    Returns the ids of the new assets. Timestamps carried by the assets (an import of an
    export) are kept; otherwise they are now.
    """
    require(actor, "import")
    if not assets and not merges:
        return []
    areas = list_areas(db)
    with db.transaction() as session:
        ids = insert_assets(session, assets, actor, areas)
        for existing_id, incoming in merges:
            merge_asset(session, existing_id, incoming, actor)
        bump_data_version(session)
    return ids


def insert_assets(
    session: Session, assets: Sequence[Asset], actor: Actor | None, areas: gpd.GeoDataFrame
) -> list[str]:
    """Store new assets in the session's unit of work, each in the first of `areas` that
    covers it (list_areas), with its creation by `actor` in the audit trail; the caller
    checked the actor's permission and bumps the data version. Without an actor it is a trial
    (an import's preview) that the caller rolls back, and nothing goes in the audit trail.

    Returns their ids (new ones where the assets have none); timestamps the assets carry are
    kept, else they are now."""
    if not assets:
        return []
    area_ids = area_ids_for_points(
        pd.Series([a.lon for a in assets]), pd.Series([a.lat for a in assets]), areas
    )
    now = _now()
    rows, history, ids = [], [], []
    for asset, area_id in zip(assets, area_ids, strict=True):
        values = _values_of(_with_consent(asset, now))
        values["id"] = asset.id or uuid.uuid4().hex
        ids.append(values["id"])
        values["area_id"] = area_id
        values["created_at"] = asset.created_at or now
        values["updated_at"] = asset.updated_at or now
        rows.append(_row_of(values))
        if actor is not None:
            history.extend(_creation_of(values, actor))
    session.insert_rows("assets", STORED_FIELDS, rows)
    audit.write(session, history)
    return ids


def merge_asset(session: Session, existing_id: str, incoming: Asset, actor: Actor) -> None:
    """Write the incoming record's details over a stored asset (merged), in the session's unit
    of work, recorded as an update."""
    current, note = _load(session, existing_id)
    _store_edit(session, current, note, merged(current, incoming), actor, "update")


def _load(session: Session, asset_id: str) -> tuple[Asset, str]:
    frame = session.frame(SELECT_ASSET_BY_ID, (asset_id,))
    if frame.empty:
        raise _not_found(asset_id)
    row = frame.iloc[0].to_dict()
    return _asset_from_row(row), str(row["review_note"])


def get_asset(db: Database, asset_id: str) -> Asset:
    with db.reading() as session:
        return _load(session, asset_id)[0]


def _status_action(status: str) -> str:
    return {"approved": "approve", "hidden": "hide", "pending": "pending"}[status]


def _set_status(session: Session, asset_id: str, status: str, actor: Actor, note: str) -> None:
    current, _ = _load(session, asset_id)
    session.execute(SET_STATUS, (status, note, _now(), asset_id))
    audit.record(
        session,
        asset_id,
        _status_action(status),
        actor,
        {"status": (current.status, status)},
        reason=note,
    )
    if status == "approved":
        session.execute("DELETE FROM reports WHERE asset_id = ?", (asset_id,))


def _changed_since(session: Session, seen_versions: Mapping[str, int]) -> list[str]:
    """Names of the assets someone changed after the decider saw them."""
    changed = []
    for asset_id, version in seen_versions.items():
        current, _ = _load(session, asset_id)
        if current.version != version:
            changed.append(current.name)
    return changed


def set_status(
    db: Database,
    asset_ids: Iterable[str],
    status: str,
    actor: Actor,
    note: str = "",
    *,
    seen_versions: Mapping[str, int] | None = None,
) -> None:
    """Approve, hide or send back to pending, all listed assets or none, keeping the reason.

    With `seen_versions` (asset id to the version the decider saw), nothing is decided if
    anyone changed one of them since: StaleDecisionError names them.
    """
    require(actor, "review")
    with db.transaction() as session:
        changed = _changed_since(session, seen_versions or {})
        if changed:
            raise StaleDecisionError(changed)
        for asset_id in asset_ids:
            _set_status(session, asset_id, status, actor, note.strip())
        bump_data_version(session)


def approve_assets(db: Database, asset_ids: Iterable[str], actor: Actor, note: str = "") -> None:
    set_status(db, asset_ids, "approved", actor, note)


def hide_assets(db: Database, asset_ids: Iterable[str], actor: Actor, reason: str = "") -> None:
    set_status(db, asset_ids, "hidden", actor, reason)


def flag_asset(
    db: Database, asset_id: str, actor: Actor, reason: str, limits: Limits = DEFAULT_LIMITS
) -> bool:
    """Record a report about an asset; return True when this report hid it.

    Every report is kept, but each reporter (a visitor is their address) counts once per
    asset: the third different reporter hides the asset until a team member decides. A
    visitor's address may send `limits.reports_per_hour` reports an hour (LimitReachedError
    beyond).
    """
    require(actor, "flag")
    reason = report_reason(reason)
    with db.transaction() as session:
        current, _ = _load(session, asset_id)
        if current.status != "approved":
            raise _not_found(asset_id)
        now = _now()
        count_action(session, actor, REPORT, limits, now)
        session.execute(INSERT_REPORT, (uuid.uuid4().hex, asset_id, actor.name, reason, now))
        audit.record(session, asset_id, "flag", actor, {"flag": (None, reason)}, reason=reason)
        reporters = session.scalar(
            "SELECT count(DISTINCT reporter) FROM reports WHERE asset_id = ?", (asset_id,)
        )
        hidden = reporters >= FLAGS_TO_HIDE
        if hidden:
            note = gettext("Hidden after {n} reports; a team member decides.").format(n=reporters)
            session.execute(SET_STATUS, ("hidden", note, _now(), asset_id))
            audit.record(
                session, asset_id, "hide", SYSTEM, {"status": ("approved", "hidden")}, reason=note
            )
        bump_data_version(session)
    return bool(hidden)


def flags_for(db: Database, asset_id: str) -> pd.DataFrame:
    return db.frame(SELECT_FLAGS, (asset_id,))


def update_asset(
    db: Database,
    asset_id: str,
    changes: Mapping[str, Any],
    actor: Actor,
    *,
    max_distance_km: float = 25.0,
    action: str = "update",
    based_on: Asset | None = None,
) -> Asset:
    """Apply edited fields to an asset after validating the whole result.

    `based_on` is the asset as the editor loaded it; if anyone stored a change since, the
    edit is refused with EditConflictError instead of silently overwriting theirs.
    """
    require(actor, "edit")
    current = get_asset(db, asset_id)
    seen = based_on or current
    # A person's consent was checked when they were registered; edits keep it.
    combined = {**asdict(current), "consent": True, **changes, "id": asset_id}
    edited = _validated(db, combined, max_distance_km)
    with db.transaction() as session:
        current, note = _load(session, asset_id)
        if current.version != seen.version:
            raise EditConflictError(current, _differences(seen, current))
        stored = _store_edit(session, current, note, edited, actor, action)
        bump_data_version(session)
    return stored


def _differences(before: Asset, after: Asset) -> list[tuple[str, Any, Any]]:
    old, new = asdict(before), asdict(after)
    shown = (*CONTENT_FIELDS, "status")
    return [(name, old[name], new[name]) for name in shown if old[name] != new[name]]


def _store_edit(
    session: Session, current: Asset, note: str, edited: Asset, actor: Actor, action: str
) -> Asset:
    """Write an edited version of `current` (stored with review `note`), keeping its status,
    consent and creation time."""
    asset_id = str(current.id)
    stored = edited.with_changes(
        id=asset_id,
        status=current.status,
        area_id=area_id_at(session, edited.lon, edited.lat),
        consent_version=current.consent_version,
        consent_at=current.consent_at,
        consent_renew_by=current.consent_renew_by,
        created_at=current.created_at,
        updated_at=_now(),
        version=current.version + 1,
    )
    row = dict(zip(STORED_FIELDS, _row_for(stored, note), strict=True))
    session.execute(UPDATE_ASSET, [*(v for k, v in row.items() if k != "id"), asset_id])
    changed = audit.field_changes(asdict(current), asdict(stored), CONTENT_FIELDS)
    audit.record(session, asset_id, action, actor, changed)
    return stored


def restore_version(
    db: Database, asset_id: str, audit_id: int, actor: Actor, *, max_distance_km: float = 25.0
) -> Asset:
    """Bring back the asset's content as it was after audit row `audit_id`."""
    state = audit.state_at(db, asset_id, audit_id)
    content = {name: state.get(name) for name in CONTENT_FIELDS}
    return update_asset(
        db, asset_id, content, actor, max_distance_km=max_distance_km, action="restore"
    )


def renew_consent(db: Database, asset_id: str, actor: Actor) -> None:
    """The person has agreed again (asked by a team member): a new year of consent."""
    require(actor, "edit")
    now = _now()
    with db.transaction() as session:
        current, _ = _load(session, asset_id)
        renew_by = now + CONSENT_VALID_FOR
        session.execute(
            "UPDATE assets SET consent_version = ?, consent_at = ?, consent_renew_by = ?, "
            "version = version + 1 WHERE id = ?",
            (CONSENT_VERSION, now, renew_by, asset_id),
        )
        audit.record(
            session,
            asset_id,
            "consent",
            actor,
            {
                "consent_renew_by": (
                    audit.as_text(current.consent_renew_by),
                    audit.as_text(renew_by),
                )
            },
        )
        bump_data_version(session)


def erase_asset(db: Database, asset_id: str, actor: Actor) -> None:
    """Remove an asset for good: its row, links, reports, photos, and every value in its audit
    trail."""
    require(actor, "erase")
    with db.transaction() as session:
        _load(session, asset_id)
        linked = session.rows(
            "SELECT id FROM links WHERE from_id = ? OR to_id = ?", (asset_id,) * 2
        )
        for (link_id,) in linked:
            audit.scrub(session, str(link_id))
        session.execute("DELETE FROM links WHERE from_id = ? OR to_id = ?", (asset_id,) * 2)
        session.execute("DELETE FROM reports WHERE asset_id = ?", (asset_id,))
        erase_photos_of(session, asset_id)
        session.execute("DELETE FROM assets WHERE id = ?", (asset_id,))
        audit.scrub(session, asset_id)
        audit.record(session, asset_id, "erase", actor, {})
        bump_data_version(session)


def list_assets(
    db: Database,
    asset_filter: AssetFilter | None = None,
    columns: Sequence[str] = STORED_FIELDS,
    ordered: bool = True,
    points: bool = True,
) -> gpd.GeoDataFrame:
    """Assets matching the filter as a WGS84 GeoDataFrame, with area name and report count,
    by name (then id) unless not `ordered` (a map orders its rows itself: a million rows
    sorted by name cost the database 180 MB more).

    `columns` (stored fields, including lon and lat) narrows what is read for large lists.
    Without `points`, the frame has lon and lat but no geometry: a map's payload needs no
    more, and a million shapely points cost 200 MB.
    """
    sql, params = _assets_query(asset_filter, columns, ordered)
    frame = db.frame(sql, params)
    return _with_points(frame) if points else gpd.GeoDataFrame(frame, copy=False)


def _assets_query(
    asset_filter: AssetFilter | None,
    columns: Sequence[str],
    ordered: bool = True,
    from_name: str | None = None,
    to_name: str | None = None,
) -> tuple[str, tuple[Any, ...]]:
    """SELECT_ASSETS of `columns` for the filter, by name (then id) if `ordered`; of the names
    from `from_name` (inclusive) to `to_name` (exclusive) when given."""
    where, params = (asset_filter or AssetFilter()).where()
    for bound, test in ((from_name, "a.name >= ?"), (to_name, "a.name < ?")):
        if bound is not None:
            where += f" AND {test}" if where else f" WHERE {test}"
            params.append(bound)
    select = SELECT_ASSETS.format(columns=", ".join(f"a.{name}" for name in columns))
    order = " ORDER BY a.name, a.id" if ordered else ""
    return f"{select}{where}{order}", tuple(params)


def _with_points(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """The frame as WGS84 points at its lon and lat."""
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"])
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=WGS84, copy=False)


EXPORT_BATCH = 10_000
"""Assets an export reads and writes at a time: a batch's features cost about 2 kB each."""
SORT_PART = 100_000
"""Assets an ordered read of batches sorts at a time (asset_batches): sorted whole, a million
assets took the 300 MB the database may hold; a part at a time, the same as 100,000."""


def asset_batches(
    db: Database,
    asset_filter: AssetFilter | None = None,
    size: int = EXPORT_BATCH,
    columns: Sequence[str] = STORED_FIELDS,
    ordered: bool = True,
    points: bool = True,
) -> Iterator[gpd.GeoDataFrame]:
    """list_assets read `size` assets at a time, in the same order, for files and maps of
    any size; one batch at least, empty when nothing matches.

    In order, the assets are read a range of names at a time (_name_ranges), so that the
    database sorts one part of them at a time; all in one snapshot (Database.reading)."""
    with db.reading() as session:
        ranges = _name_ranges(session, asset_filter) if ordered else [(None, None)]
        found = False
        for low, high in ranges:
            sql, params = _assets_query(asset_filter, columns, ordered, low, high)
            for frame in session.frames(sql, params, size):
                if len(frame) or (not found and (low, high) == ranges[-1]):
                    found = True
                    yield _with_points(frame) if points else gpd.GeoDataFrame(frame, copy=False)


def _name_ranges(
    session: Session, asset_filter: AssetFilter | None
) -> list[tuple[str | None, str | None]]:
    """Ranges of names, from (inclusive) and to (exclusive, None for no end), that cut the
    matching assets into parts of about SORT_PART, in the database's order of names. Only
    the names are sorted to find them."""
    where, params = (asset_filter or AssetFilter()).where()
    count = session.rows(f"SELECT count(*) FROM assets a{where}", params)[0][0]
    parts = -(-int(count) // SORT_PART)
    if parts <= 1:
        return [(None, None)]
    firsts = session.rows(
        f"SELECT min(name) FROM (SELECT a.name, ntile({parts}) OVER (ORDER BY a.name) AS part "
        f"FROM assets a{where}) named GROUP BY part ORDER BY min(name)",
        params,
    )
    cuts: list[str | None] = []
    for (name,) in firsts[1:]:
        if name not in cuts:
            cuts.append(name)
    return list(zip([None, *cuts], [*cuts, None], strict=True))


def asset_versions(
    db: Database, asset_filter: AssetFilter | None = None, now: datetime | None = None
) -> pd.DataFrame:
    """Id, version, and whether each is a person whose consent had lapsed at `now`
    (privacy.consent_lapsed), of the matching assets: what tells a map whether it is up to
    date, read without the rest of each asset."""
    where, params = (asset_filter or AssetFilter()).where()
    sql = f"SELECT a.id, a.version, {LAPSED_SQL} AS lapsed FROM assets a{where}"
    return db.frame(sql, [now or utc_now(), *params])


def count_assets(
    db: Database, asset_filter: AssetFilter | None = None, now: datetime | None = None
) -> tuple[int, int]:
    """How many assets match, and how many of those are people whose consent had lapsed at
    `now` (privacy.consent_lapsed): counted in the database, no row read."""
    where, params = (asset_filter or AssetFilter()).where()
    sql = f"SELECT count(*), sum(CASE WHEN {LAPSED_SQL} THEN 1 ELSE 0 END) FROM assets a{where}"
    matching, lapsed = db.rows(sql, [now or utc_now(), *params])[0]
    return int(matching), int(lapsed or 0)


def count_by_status(db: Database) -> dict[str, int]:
    counts = {"pending": 0, "approved": 0, "hidden": 0}
    counts.update({status: int(n) for status, n in db.rows(COUNT_BY_STATUS)})
    return counts
