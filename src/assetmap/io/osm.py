"""OpenStreetMap extracts (.osm.pbf or .osm XML) to asset rows, through GDAL's OSM driver.

The mapping from OSM tags to Assetmap kinds and categories is `OSM_CATEGORIES`; every
asset keeps its OSM element ("node/123", "way/45", "relation/6") as its source id.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from assetmap.i18n import gettext
from assetmap.io.files import ImportFileError, read_layer
from assetmap.models import CATEGORIES, DEFAULT_SECTOR, TEXT_LIMITS

OSM_CATEGORIES: dict[tuple[str, str], tuple[str, str]] = {
    ("amenity", "community_centre"): ("place", "community_hall"),
    ("amenity", "social_centre"): ("place", "community_hall"),
    ("amenity", "library"): ("institution", "library"),
    ("amenity", "social_facility"): ("institution", "social_service"),
    ("amenity", "place_of_worship"): ("institution", "place_of_worship"),
    ("amenity", "school"): ("institution", "school"),
    ("amenity", "kindergarten"): ("institution", "kindergarten"),
    ("amenity", "childcare"): ("institution", "kindergarten"),
    ("amenity", "clinic"): ("institution", "health_centre"),
    ("amenity", "doctors"): ("institution", "health_centre"),
    ("amenity", "arts_centre"): ("institution", "arts_centre"),
    ("amenity", "townhall"): ("institution", "town_hall"),
    ("leisure", "park"): ("place", "park"),
    ("leisure", "playground"): ("place", "playground"),
    ("leisure", "sports_centre"): ("place", "sports_ground"),
    ("leisure", "pitch"): ("place", "sports_ground"),
    ("leisure", "fitness_station"): ("place", "sports_ground"),
    ("leisure", "garden"): ("place", "garden"),
    ("office", "association"): ("association", "volunteer_group"),
    ("office", "ngo"): ("association", "volunteer_group"),
    ("office", "foundation"): ("association", "volunteer_group"),
    ("office", "charity"): ("association", "volunteer_group"),
    ("club", "sport"): ("association", "sports_club"),
    ("club", "religion"): ("association", "faith_group"),
    ("club", "culture"): ("association", "cultural_group"),
    ("club", "music"): ("association", "cultural_group"),
    ("club", "art"): ("association", "cultural_group"),
    ("club", "theatre"): ("association", "cultural_group"),
    ("club", "*"): ("association", "volunteer_group"),
}
"""(OSM key, value) -> (kind, category); "*" stands for any other value of the key. The first
matching key in a feature wins."""

ANY_VALUE = "*"
OSM_KEYS = tuple(dict.fromkeys(key for key, _ in OSM_CATEGORIES))
CIVIL_SOCIETY_CATEGORIES = {"place_of_worship"}
_HSTORE_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')
_LAYERS = ("points", "multipolygons")


def parse_other_tags(text: object) -> dict[str, str]:
    """GDAL puts tags without a column of their own in an hstore string: read it."""
    if not isinstance(text, str):
        return {}

    def unescape(escaped: str) -> str:
        return escaped.replace('\\"', '"').replace("\\\\", "\\")

    return {unescape(k): unescape(v) for k, v in _HSTORE_PAIR.findall(text)}


def _tags(record: dict[str, Any]) -> dict[str, str]:
    tags = parse_other_tags(record.get("other_tags"))
    for key, value in record.items():
        if key not in ("other_tags", "osm_id", "osm_way_id", "geometry") and _present(value):
            tags.setdefault(key, str(value))
    return tags


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value))


def category_for_tags(tags: dict[str, str]) -> tuple[str, str] | None:
    for key in OSM_KEYS:
        value = tags.get(key)
        if not value:
            continue
        match = OSM_CATEGORIES.get((key, value)) or OSM_CATEGORIES.get((key, ANY_VALUE))
        if match:
            return match
    return None


def _address(tags: dict[str, str]) -> str:
    street = " ".join(t for t in (tags.get("addr:street"), tags.get("addr:housenumber")) if t)
    place = " ".join(t for t in (tags.get("addr:postcode"), tags.get("addr:city")) if t)
    return ", ".join(part for part in (street, place) if part)


def _fit(text: str, field: str) -> str:
    limit = TEXT_LIMITS[field]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _row_for(tags: dict[str, str], element: str, lon: float, lat: float) -> dict[str, Any] | None:
    match = category_for_tags(tags)
    if match is None:
        return None
    kind, category = match
    sector = "civil_society" if category in CIVIL_SOCIETY_CATEGORIES else DEFAULT_SECTOR[kind]
    if tags.get("operator:type") == "private":
        sector = "private"
    wheelchair = tags.get("wheelchair", "unknown")
    return {
        "kind": kind,
        "category": category,
        "sector": sector,
        "name": _fit(tags.get("name") or CATEGORIES[kind][category], "name"),
        "description": _fit(tags.get("description", ""), "description"),
        "address": _fit(_address(tags), "address"),
        "website": _fit(tags.get("website") or tags.get("contact:website", ""), "website"),
        "phone": _fit(tags.get("phone") or tags.get("contact:phone", ""), "phone"),
        "email": _fit(tags.get("email") or tags.get("contact:email", ""), "email"),
        "opening_hours": _fit(tags.get("opening_hours", ""), "opening_hours"),
        "wheelchair": wheelchair if wheelchair in ("yes", "limited", "no") else "unknown",
        "source": "osm",
        "source_id": element,
        "contact_public": True,
        "lon": round(lon, 7),
        "lat": round(lat, 7),
    }


def _element(layer: str, record: dict[str, Any]) -> str:
    if layer == "points":
        return f"node/{int(record['osm_id'])}"
    if _present(record.get("osm_way_id")):
        return f"way/{int(record['osm_way_id'])}"
    return f"relation/{int(record['osm_id'])}"


def assets_from_osm(path: Path) -> list[dict[str, Any]]:
    """Raw asset rows for the community amenities in an OSM extract, in OSM element order."""
    try:
        layers = {layer: read_layer(path, layer) for layer in _LAYERS}
    except Exception as error:
        raise ImportFileError(
            gettext("{name} could not be read as OpenStreetMap data: {reason}").format(
                name=path.name, reason=str(error).splitlines()[0]
            )
        ) from error
    rows = []
    for layer, frame in layers.items():
        for record, geometry in zip(
            frame.drop(columns="geometry").to_dict("records"), frame.geometry, strict=True
        ):
            if geometry is None or geometry.is_empty:
                continue
            point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
            row = _row_for(_tags(record), _element(layer, record), point.x, point.y)
            if row:
                rows.append(row)
    return rows
