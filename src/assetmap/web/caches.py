"""The data pages show, as the current person may see it, cached on the data version.

Every write bumps the data version, so a page never shows stale data after an edit and never
queries again when nothing changed. Frames cached with st.cache_resource are shared by every
session: callers derive new frames from them, never change them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import geopandas as gpd
import pandas as pd
import streamlit as st

from assetmap.accounts import Actor
from assetmap.io.basemap import BasemapError, basemap_shapes
from assetmap.register.areas import AreaLevel, area_levels, list_areas
from assetmap.register.assets import (
    STORED_FIELDS,
    AssetFilter,
    asset_batches,
    asset_versions,
    count_assets,
    count_by_status,
    list_assets,
)
from assetmap.register.links import list_links, public_links
from assetmap.register.planning import service_coverage
from assetmap.register.privacy import public_assets, released
from assetmap.render.map_payload import AssetVersions
from assetmap.storage import Database, data_version, utc_now
from assetmap.web.login import current_actor
from assetmap.web.resources import database, settings

ALL_COLUMNS = tuple(STORED_FIELDS)


class _Cache(Protocol):
    def clear(self) -> None: ...


@st.cache_resource(max_entries=16, show_spinner=False)
def _assets(
    _db: Database,
    location: str,
    version: int,
    asset_filter: AssetFilter,
    columns: tuple[str, ...] = ALL_COLUMNS,
) -> gpd.GeoDataFrame:
    """One frame per filter, columns and data version, shared by every session: callers
    never change it."""
    return list_assets(_db, asset_filter, columns)


@st.cache_resource(max_entries=16, show_spinner=False)
def _public_assets(
    _db: Database,
    location: str,
    version: int,
    asset_filter: AssetFilter,
    lapsed: int,
    columns: tuple[str, ...] = ALL_COLUMNS,
) -> gpd.GeoDataFrame:
    """The visitors' view, worked out again only when the data change or a consent lapses."""
    return public_assets(_assets(_db, location, version, asset_filter, columns), utc_now())


@st.cache_data(max_entries=8, show_spinner=False)
def areas_at(
    _db: Database, location: str, version: int, level: str | None = None
) -> gpd.GeoDataFrame:
    """The areas of `level` (by default, of the level assets are counted in) at data version
    `version`."""
    return list_areas(_db, level)


@st.cache_data(max_entries=8, show_spinner=False)
def _levels_at(_db: Database, location: str, version: int) -> list[AreaLevel]:
    return area_levels(_db)


@dataclass(frozen=True)
class View:
    """Everything that decides which assets someone sees, and so what may be cached for them."""

    location: str
    version: int
    asset_filter: AssetFilter
    private: bool
    lapsed: int


@st.cache_resource(max_entries=16, show_spinner=False)
def asset_versions_at(
    _db: Database, location: str, version: int, asset_filter: AssetFilter
) -> AssetVersions:
    """Version by asset id of the matching assets, and whether each is a lapsed person."""
    found = asset_versions(_db, asset_filter, utc_now())
    return AssetVersions.of(found["id"], found["version"].to_numpy(), found["lapsed"].to_numpy())


@st.cache_data(max_entries=32, show_spinner=False)
def _counts(
    _db: Database, location: str, version: int, asset_filter: AssetFilter
) -> tuple[int, int]:
    """How many assets match, and how many of them are lapsed people, at data version
    `version`: counted in the database, so that a count never reads a million rows."""
    return count_assets(_db, asset_filter, utc_now())


@st.cache_resource(max_entries=8, show_spinner=False)
def _released_assets(
    _db: Database,
    location: str,
    version: int,
    asset_filter: AssetFilter,
    _reader: Actor,
    role: str,
    lapsed: int,
) -> gpd.GeoDataFrame:
    """What a reader of `role` may take out (privacy.released depends on the role only),
    worked out again when the data change or a consent lapses."""
    return released(_assets(_db, location, version, asset_filter), _reader, utc_now())


_newest_version: dict[str, int] = {}
_version_keyed: list[_Cache] = [
    _assets,
    _public_assets,
    _released_assets,
    asset_versions_at,
    _counts,
]


def clear_with_each_version(cache: _Cache) -> None:
    """Have `cache` dropped, like this module's own, by the first run that sees a new data
    version: it holds frames of a version nobody asks for again."""
    _version_keyed.append(cache)


def _version(db: Database) -> int:
    """The data version; the first run that sees a new one drops what older ones cached."""
    version = data_version(db)
    if _newest_version.get(db.location) != version:
        _newest_version[db.location] = version
        for cached in _version_keyed:
            cached.clear()
    return version


def current_view(asset_filter: AssetFilter) -> View:
    """What the current person sees of the matching assets at the current data version."""
    db = database()
    version = _version(db)
    private = current_actor().may("see_private")
    lapsed = 0 if private else _counts(db, db.location, version, asset_filter)[1]
    return View(db.location, version, asset_filter, private, lapsed)


def shown_count(db: Database, view: View) -> int:
    """How many of the view's assets the current person sees, counted in the database."""
    return _counts(db, view.location, view.version, view.asset_filter)[0] - view.lapsed


def asset_count(asset_filter: AssetFilter) -> int:
    """How many assets match, as the current person may see them, without loading them."""
    return shown_count(database(), current_view(asset_filter))


def view_assets(
    db: Database, view: View, columns: tuple[str, ...] = ALL_COLUMNS
) -> gpd.GeoDataFrame:
    """The view's assets with `columns`; shared with other sessions: never change it."""
    if view.private:
        return _assets(db, view.location, view.version, view.asset_filter, columns)
    return _public_assets(db, view.location, view.version, view.asset_filter, view.lapsed, columns)


MAP_BATCH = 50_000
"""Assets a map's payload reads at a time (mapping.SUMMARY_FIELDS: about 9 MB a batch)."""


def map_asset_batches(
    db: Database, view: View, columns: tuple[str, ...]
) -> Iterator[gpd.GeoDataFrame]:
    """The view's assets for a map's payload, as view_assets gives them but read a batch at a
    time and not kept (the map keeps what it makes of them, map_payload.MapRows): in the
    database's order and without shapely points, since the payload orders its rows itself
    and needs only lon and lat. At a million assets, one frame of them held 300 MB."""
    now = utc_now()
    batches = asset_batches(db, view.asset_filter, MAP_BATCH, columns, ordered=False, points=False)
    for batch in batches:
        yield batch if view.private else public_assets(batch, now)


def assets(asset_filter: AssetFilter) -> gpd.GeoDataFrame:
    """The matching assets as the current person may see them (people protected for visitors).

    The frame is shared with other sessions: derive new frames from it, never change it.
    """
    return view_assets(database(), current_view(asset_filter))


def seen_by_current(assets_gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Assets read outside these caches (a search), as the current person may see them: the
    same rule as current_view and view_assets."""
    if current_actor().may("see_private"):
        return assets_gdf
    return public_assets(assets_gdf, utc_now())


def released_assets(asset_filter: AssetFilter) -> gpd.GeoDataFrame:
    """The matching assets as the current person may take them out of the app: for every
    download, whatever their role (see privacy.released). Shared: never change it."""
    db = database()
    version = _version(db)
    reader = current_actor()
    lapsed = _counts(db, db.location, version, asset_filter)[1]
    return _released_assets(db, db.location, version, asset_filter, reader, reader.role, lapsed)


def areas(level: str | None = None) -> gpd.GeoDataFrame:
    db = database()
    return areas_at(db, db.location, data_version(db), level)


def levels() -> list[AreaLevel]:
    """The levels of areas, the one assets are counted in first."""
    db = database()
    return _levels_at(db, db.location, data_version(db))


@st.cache_data(max_entries=16, show_spinner=False)
def _coverage(
    _db: Database,
    location: str,
    version: int,
    categories: tuple[str, ...],
    distance: float,
    network: bool,
    level: str | None,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    return service_coverage(_db, categories, distance, network, level=level)


def coverage(
    categories: tuple[str, ...], distance: float, network: bool, level: str | None = None
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Service coverage per area of `level`, computed once per question and data version."""
    db = database()
    return _coverage(db, db.location, data_version(db), categories, distance, network, level)


def visible_links(visible_assets: gpd.GeoDataFrame) -> pd.DataFrame:
    """The links the current person may see, between the assets they may see."""
    today = utc_now().date()
    return public_links(list_links(database()), visible_assets, today)


@st.cache_data(max_entries=8, show_spinner=False)
def _status_counts(_db: Database, location: str, version: int) -> dict[str, int]:
    return count_by_status(_db)


def status_counts(view: View) -> dict[str, int]:
    """Assets by status at the view's data version, counted once per version (an open map
    asks twice a second)."""
    return _status_counts(database(), view.location, view.version)


@st.cache_resource(max_entries=16, show_spinner=False)
def basemap_around(
    bounds: tuple[float, float, float, float],
) -> dict[str, gpd.GeoDataFrame] | None:
    """The built-in base map's features over `bounds`, for drawings made here (the profile),
    or None when the base map is another or none. Shared: callers never change the frames."""
    archive = settings().tiles.archive
    if archive is None:
        return None
    try:
        return basemap_shapes(archive, bounds)
    except (OSError, BasemapError):
        return None
