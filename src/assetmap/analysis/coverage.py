"""Service coverage: how much of each area lies within reach of a service.

Pure functions over GeoDataFrames. Distances and areas are measured in a metric CRS
(the areas' UTM zone, `estimate_utm_crs`); results come back in WGS84.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"
BUFFER_SEGMENTS = 16
"""Segments per quarter circle: the buffer's area is within 0.2% of a true circle's."""


def metric_crs(areas_gdf: gpd.GeoDataFrame) -> CRS:
    crs: CRS | None = areas_gdf.estimate_utm_crs()
    if crs is None:  # pragma: no cover - estimate_utm_crs always answers for valid bounds
        raise ValueError("No metric CRS found for these areas.")
    return crs


def reach_zone(services_m: gpd.GeoSeries, distance_m: float) -> BaseGeometry:
    """Everything within `distance_m` of a service (straight line), as one geometry."""
    if services_m.empty or distance_m <= 0:
        return shapely.Polygon()
    buffers = shapely.buffer(services_m.to_numpy(), distance_m, quad_segs=BUFFER_SEGMENTS)
    return shapely.union_all(buffers)


def coverage_by_area(areas_gdf: gpd.GeoDataFrame, zone_m: BaseGeometry, crs: CRS) -> pd.DataFrame:
    """Per area: its surface, the part inside the zone, and the share (0 to 1)."""
    areas_m = areas_gdf.to_crs(crs)
    geometries = areas_m.geometry.to_numpy()
    shapely.prepare(zone_m)
    covered = np.zeros(len(geometries))
    touching = shapely.intersects(geometries, zone_m)
    covered[touching] = shapely.area(shapely.intersection(geometries[touching], zone_m))
    surface = shapely.area(geometries)
    share = np.divide(covered, surface, out=np.full(len(surface), np.nan), where=surface > 0)
    return pd.DataFrame(
        {
            "area_id": areas_gdf["id"].to_numpy(),
            "area_name": areas_gdf["name"].to_numpy(),
            "area_km2": surface / 1e6,
            "covered_km2": covered / 1e6,
            "coverage_share": np.clip(share, 0.0, 1.0),
        }
    )


def straight_line_coverage(
    areas_gdf: gpd.GeoDataFrame, services_gdf: gpd.GeoDataFrame, distance_m: float
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Coverage per area within `distance_m` as the crow flies, and the covered zone (WGS84)."""
    crs = metric_crs(areas_gdf)
    zone = reach_zone(services_gdf.to_crs(crs).geometry, distance_m)
    return coverage_by_area(areas_gdf, zone, crs), zone_to_wgs84(zone, crs)


def zone_to_wgs84(zone_m: BaseGeometry, crs: CRS) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[zone_m], crs=crs).to_crs(WGS84)


def with_population(coverage: pd.DataFrame, population: pd.Series) -> pd.DataFrame:
    """Add residents per area and those living in the covered part (spread evenly in the area)."""
    residents = coverage["area_id"].map(population)
    return coverage.assign(
        population=residents, covered_population=residents * coverage["coverage_share"]
    )


def population_share(coverage: pd.DataFrame) -> float:
    """The share of all residents (with a known population) who live within reach."""
    known = coverage.dropna(subset=["population", "covered_population"])
    total = known["population"].sum()
    return float(known["covered_population"].sum() / total) if total > 0 else float("nan")
