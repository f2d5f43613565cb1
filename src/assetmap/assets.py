"""The asset register: add, review, edit and list assets.

Every write validates first and runs in one transaction, so a bad row never leaves
anything half-written; every write bumps the data version that caches are keyed on.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any

import geopandas as gpd
import pandas as pd

from assetmap.areas import WGS84, area_id_at, area_ids_for_points, areas_extent, list_areas
from assetmap.db import Database, Session, bump_data_version
from assetmap.i18n import gettext
from assetmap.models import Asset, Problem, ValidationError, validate_asset

STORED_FIELDS = [f.name for f in fields(Asset)] + ["review_note"]
LIST_FIELDS = ("languages", "tags")
LIST_SEPARATOR = ", "

INSERT_ASSET = (
    f"INSERT INTO assets ({', '.join(STORED_FIELDS)}) "
    f"VALUES ({', '.join('?' for _ in STORED_FIELDS)})"
)
SELECT_ASSETS = f"""
    SELECT {", ".join(f"a.{name}" for name in STORED_FIELDS)}, ar.name AS area_name
    FROM assets a LEFT JOIN areas ar ON ar.id = a.area_id
"""
SELECT_ASSET_BY_ID = f"SELECT {', '.join(STORED_FIELDS)} FROM assets WHERE id = ?"
UPDATE_ASSET = (
    f"UPDATE assets SET {', '.join(f'{name} = ?' for name in STORED_FIELDS if name != 'id')} "
    "WHERE id = ?"
)
SET_STATUS = "UPDATE assets SET status = ?, review_note = ?, updated_at = ? WHERE id = ?"
COUNT_BY_STATUS = "SELECT status, count(*) FROM assets GROUP BY status"
SELECT_SOURCE_IDS = "SELECT source_id FROM assets WHERE source = ? AND source_id IS NOT NULL"


class AssetNotFoundError(LookupError):
    pass


@dataclass(frozen=True)
class AssetFilter:
    """What to list. Empty tuples mean "any"; `text` matches name, description and tags."""

    statuses: tuple[str, ...] = ("approved",)
    kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    area_ids: tuple[str, ...] = ()
    text: str = ""

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for column, values in (
            ("a.status", self.statuses),
            ("a.kind", self.kinds),
            ("a.category", self.categories),
            ("a.sector", self.sectors),
            ("a.area_id", self.area_ids),
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
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _like_pattern(text: str) -> str:
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _row_for(asset: Asset, review_note: str = "") -> list[Any]:
    values = asdict(asset)
    for name in LIST_FIELDS:
        values[name] = LIST_SEPARATOR.join(values[name])
    values["review_note"] = review_note
    return [values[name] for name in STORED_FIELDS]


def _asset_from_row(row: Mapping[str, Any]) -> Asset:
    values = {f.name: row[f.name] for f in fields(Asset)}
    for name in LIST_FIELDS:
        values[name] = tuple(item for item in str(values[name]).split(LIST_SEPARATOR) if item)
    return Asset(**values)


def _validated(db: Database, data: Mapping[str, Any] | Asset, max_distance_km: float) -> Asset:
    raw = asdict(data) if isinstance(data, Asset) else data
    return validate_asset(raw, extent=areas_extent(db), max_distance_km=max_distance_km)


def register_asset(
    db: Database, data: Mapping[str, Any] | Asset, max_distance_km: float = 25.0
) -> Asset:
    """Validate and store one asset (pending unless `data` says otherwise); return it stored."""
    asset = _validated(db, data, max_distance_km)
    now = _now()
    with db.transaction() as session:
        stored = asset.with_changes(
            id=asset.id or uuid.uuid4().hex,
            area_id=area_id_at(session, asset.lon, asset.lat),
            created_at=now,
            updated_at=now,
        )
        session.execute(INSERT_ASSET, _row_for(stored))
        bump_data_version(session)
    return stored


def validate_assets(
    db: Database, rows: Sequence[Mapping[str, Any]], max_distance_km: float = 25.0
) -> tuple[list[Asset], dict[int, list[Problem]]]:
    """Validate many rows; return the clean assets and the problems by row number (from 1)."""
    extent = areas_extent(db)
    assets: list[Asset] = []
    problems: dict[int, list[Problem]] = {}
    for number, row in enumerate(rows, start=1):
        try:
            assets.append(validate_asset(row, extent=extent, max_distance_km=max_distance_km))
        except ValidationError as error:
            problems[number] = error.problems
    return assets, problems


def add_assets(db: Database, assets: Sequence[Asset]) -> list[str]:
    """Store already validated assets all together, or none of them; return their ids."""
    if not assets:
        return []
    areas = list_areas(db)
    area_ids = area_ids_for_points(
        pd.Series([a.lon for a in assets]), pd.Series([a.lat for a in assets]), areas
    )
    now = _now()
    stored = [
        asset.with_changes(
            id=asset.id or uuid.uuid4().hex, area_id=area_id, created_at=now, updated_at=now
        )
        for asset, area_id in zip(assets, area_ids, strict=True)
    ]
    with db.transaction() as session:
        session.execute_many(INSERT_ASSET, [_row_for(asset) for asset in stored])
        bump_data_version(session)
    return [str(asset.id) for asset in stored]


def get_asset(db: Database, asset_id: str) -> Asset:
    frame = db.frame(SELECT_ASSET_BY_ID, (asset_id,))
    if frame.empty:
        raise AssetNotFoundError(gettext("No asset with id {id}.").format(id=asset_id))
    return _asset_from_row(frame.iloc[0].to_dict())


def _set_status(session: Session, asset_id: str, status: str, note: str) -> None:
    if not session.rows("SELECT 1 FROM assets WHERE id = ?", (asset_id,)):
        raise AssetNotFoundError(gettext("No asset with id {id}.").format(id=asset_id))
    session.execute(SET_STATUS, (status, note, _now(), asset_id))


def set_status(db: Database, asset_ids: Iterable[str], status: str, note: str = "") -> None:
    """Approve ("approved") or hide ("hidden") assets, all or none, keeping the reason."""
    with db.transaction() as session:
        for asset_id in asset_ids:
            _set_status(session, asset_id, status, note.strip())
        bump_data_version(session)


def approve_assets(db: Database, asset_ids: Iterable[str], note: str = "") -> None:
    set_status(db, asset_ids, "approved", note)


def hide_assets(db: Database, asset_ids: Iterable[str], reason: str = "") -> None:
    set_status(db, asset_ids, "hidden", reason)


def update_asset(
    db: Database, asset_id: str, changes: Mapping[str, Any], max_distance_km: float = 25.0
) -> Asset:
    """Apply edited fields to an asset after validating the whole result."""
    current = get_asset(db, asset_id)
    current_note = str(db.scalar("SELECT review_note FROM assets WHERE id = ?", (asset_id,)))
    # A person's consent was checked when they were registered; edits keep it.
    merged = {**asdict(current), "consent": True, **changes, "id": asset_id}
    edited = _validated(db, merged, max_distance_km)
    with db.transaction() as session:
        stored = edited.with_changes(
            area_id=area_id_at(session, edited.lon, edited.lat),
            created_at=current.created_at,
            updated_at=_now(),
        )
        row = dict(zip(STORED_FIELDS, _row_for(stored, current_note), strict=True))
        session.execute(UPDATE_ASSET, [*(v for k, v in row.items() if k != "id"), asset_id])
        bump_data_version(session)
    return stored


def list_assets(db: Database, asset_filter: AssetFilter | None = None) -> gpd.GeoDataFrame:
    """Assets matching the filter as a WGS84 GeoDataFrame, with their area's name."""
    where, params = (asset_filter or AssetFilter()).where()
    frame = db.frame(f"{SELECT_ASSETS}{where} ORDER BY a.name, a.id", params)
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"])
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=WGS84)


def count_by_status(db: Database) -> dict[str, int]:
    counts = {"pending": 0, "approved": 0, "hidden": 0}
    counts.update({status: int(n) for status, n in db.rows(COUNT_BY_STATUS)})
    return counts


def known_ids(db: Database) -> set[str]:
    return {str(row[0]) for row in db.rows("SELECT id FROM assets")}


def known_source_ids(db: Database, source: str) -> set[str]:
    return {str(row[0]) for row in db.rows(SELECT_SOURCE_IDS, (source,))}
