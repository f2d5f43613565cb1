"""Places by name, for finding a spot without the map: areas and the assets one may see."""

from __future__ import annotations

import geopandas as gpd

from assetmap.i18n import gettext
from assetmap.register.assets import AssetFilter, list_assets
from assetmap.render.mapping import SUMMARY_FIELDS
from assetmap.web.caches import areas, assets, seen_by_current
from assetmap.web.resources import database

PLACE_MATCHES = 50
"""At most this many assets are offered for a searched name."""


def named_places(search: str | None = None) -> dict[str, tuple[float, float]]:
    """Areas (their middle) and approved assets by name, for finding a spot without the map.

    With `search`, only assets whose name, description or tags contain it (at most
    PLACE_MATCHES): a choice of every asset is megabytes on each run of a large map.
    """
    boundaries = areas()
    middles = boundaries.geometry.representative_point()
    places = {
        gettext("Area: {name}").format(name=row.name): (point.x, point.y)
        for row, point in zip(boundaries.itertuples(), middles, strict=True)
    }
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
