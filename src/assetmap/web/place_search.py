"""Places by name, for finding a spot without the map: addresses, streets and named places
from the gazetteer, areas, and the assets one may see."""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from assetmap.analysis.address_search import AddressIndex, fold
from assetmap.i18n import gettext
from assetmap.register.assets import AssetFilter, list_assets
from assetmap.register.gazetteer import gazetteer_state, load_gazetteer
from assetmap.render.mapping import SUMMARY_FIELDS
from assetmap.storage import Database
from assetmap.web.caches import areas, assets, seen_by_current
from assetmap.web.resources import database

PLACE_MATCHES = 50
"""At most this many assets are offered for a searched name."""
NEAREST_ADDRESS_METRES = 250
"""Farther than this, the nearest address would say more about the gazetteer than the spot."""


@st.cache_resource(max_entries=2, show_spinner=False)
def _address_index(
    _db: Database, location: str, state: tuple[tuple[str, int, str], ...]
) -> AddressIndex:
    """The gazetteer made searchable, built once each time a source is loaded and shared by
    every session (about 4 s for a million addresses: bench/gazetteer.md)."""
    return AddressIndex(load_gazetteer(_db))


def address_index() -> AddressIndex:
    db = database()
    return _address_index(db, db.location, gazetteer_state(db))


def nearest_address(lon: float, lat: float) -> str | None:
    """The address nearest the pin, to show under the map so a resident sees the spot is right."""
    found = address_index().nearest(lon, lat)
    if found is None or found[1] > NEAREST_ADDRESS_METRES:
        return None
    match, metres = found
    return gettext("Nearest address: {address}, {metres} m from the pin").format(
        address=match.label, metres=round(metres)
    )


def addresses_and_places(search: str) -> dict[str, tuple[float, float]]:
    """The gazetteer's addresses, streets and named places that match `search`, best first
    (house number, typos and missing diacritics allowed)."""
    places: dict[str, tuple[float, float]] = {}
    if search.strip():
        for match in address_index().search(search):
            places.setdefault(match.label, (match.lon, match.lat))
    return places


def named_places(search: str | None = None) -> dict[str, tuple[float, float]]:
    """Places by name, for finding a spot without the map, best first.

    With `search`: the gazetteer's addresses, streets and places that match it (house number,
    typos and missing diacritics allowed), then the areas and the assets whose name,
    description or tags contain it (at most PLACE_MATCHES: a choice of every asset is
    megabytes on each run of a large map). Without: every area, and every asset.
    """
    places = addresses_and_places(search or "")
    boundaries = areas()
    middles = boundaries.geometry.representative_point()
    wanted = fold(search or "")
    for row, point in zip(boundaries.itertuples(), middles, strict=True):
        if wanted in fold(row.name):
            places[gettext("Area: {name}").format(name=row.name)] = (point.x, point.y)
    for row in _place_assets(search).itertuples():
        places.setdefault(f"{row.name} ({row.area_name or '-'})", (row.lon, row.lat))
    return places


def _place_assets(search: str | None) -> gpd.GeoDataFrame:
    if search is None:
        return assets(AssetFilter())
    if not search.strip():
        return gpd.GeoDataFrame()
    found = list_assets(database(), AssetFilter(text=search), SUMMARY_FIELDS)
    return seen_by_current(found).head(PLACE_MATCHES)
