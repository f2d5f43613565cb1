"""The walking network: the walkable lines of a file, stored and read back (the walking
itself is analysis.walking)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely

from assetmap.accounts import Actor, require
from assetmap.i18n import gettext
from assetmap.io.files import ImportFileError
from assetmap.io.readers import OSM_SUFFIXES, read_map_file
from assetmap.storage import Database, bump_data_version

WALKABLE = (
    "footway", "path", "pedestrian", "residential", "living_street", "service", "tertiary",
    "secondary", "primary", "unclassified", "steps", "cycleway", "track", "primary_link",
    "secondary_link", "tertiary_link",
)  # fmt: skip
"""OSM highway values a person can walk along."""


def walkable_lines(path: Path) -> gpd.GeoDataFrame:
    """The walkable lines of an OSM extract (.osm.pbf, .osm) or of any line file, in WGS84."""
    osm = path.name.endswith(OSM_SUFFIXES)
    lines = read_map_file(path, layer="lines" if osm else None)
    if osm:
        lines = lines[lines["highway"].isin(WALKABLE)]
    lines = lines[lines.geometry.geom_type.isin(["LineString", "MultiLineString"])]
    if lines.empty or lines.crs is None:
        raise ImportFileError(gettext("{name} has no walkable lines.").format(name=path.name))
    return lines[["geometry"]].to_crs("EPSG:4326").reset_index(drop=True)


def replace_walk_network(db: Database, actor: Actor, lines_gdf: gpd.GeoDataFrame) -> int:
    require(actor, "manage_layers")
    rows = [(n, shapely.to_wkb(g)) for n, g in enumerate(lines_gdf.geometry)]
    with db.transaction() as session:
        session.execute("DELETE FROM walk_edges")
        session.insert_rows("walk_edges", ("id", "geometry"), rows)
        bump_data_version(session)
    return len(rows)


def walk_network(db: Database) -> gpd.GeoDataFrame:
    frame = db.frame("SELECT geometry FROM walk_edges ORDER BY id")
    geometry = shapely.from_wkb([bytes(wkb) for wkb in frame["geometry"]])
    return gpd.GeoDataFrame(geometry=geometry, crs="EPSG:4326")
