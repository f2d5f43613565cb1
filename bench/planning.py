"""Benchmark the planning layers: coverage for 500 areas and 2,000 services, and the
choropleth map of 500 areas. Writes bench/results.md. Run: make bench (or python bench/planning.py).
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from assetmap.analysis.choropleth import classify
from assetmap.analysis.coverage import straight_line_coverage
from assetmap.config import tiles_from_setting
from assetmap.register.indicators import Indicator
from assetmap.register.planning import indicator_choropleth
from assetmap.render.mapping import MapScripts, build_asset_map

RUNS = 5
EXTENT = (24.78, 60.13, 25.25, 60.30)  # Helsinki, lon/lat
RESULTS = Path(__file__).with_name("results.md")


def synthetic_areas(count: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Voronoi cells of random seeds, clipped to the city: irregular like real neighbourhoods."""
    frame = shapely.box(*EXTENT)
    seeds = gpd.GeoSeries(
        gpd.points_from_xy(
            rng.uniform(EXTENT[0], EXTENT[2], count), rng.uniform(EXTENT[1], EXTENT[3], count)
        ),
        crs=4326,
    )
    metric = seeds.estimate_utm_crs()
    clip = gpd.GeoSeries([frame], crs=4326).to_crs(metric).iloc[0]
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.union_all(seeds.to_crs(metric)), extend_to=clip)
    )
    polygons = gpd.GeoSeries([cell.intersection(clip) for cell in cells], crs=metric).to_crs(4326)
    return gpd.GeoDataFrame(
        {
            "id": [f"a{i}" for i in range(len(polygons))],
            "name": [f"Area {i}" for i in range(len(polygons))],
        },
        geometry=polygons.to_numpy(),
        crs=4326,
    )


def synthetic_points(count: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(
            rng.uniform(EXTENT[0], EXTENT[2], count), rng.uniform(EXTENT[1], EXTENT[3], count)
        ),
        crs=4326,
    )


def median_seconds(work) -> float:  # type: ignore[no-untyped-def]
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    rng = np.random.default_rng(2026)
    areas = synthetic_areas(500, rng)
    services = synthetic_points(2000, rng)
    rows = []
    for distance in (400, 800):
        seconds = median_seconds(lambda d=distance: straight_line_coverage(areas, services, d))
        rows.append((f"coverage, 500 areas x 2,000 services, {distance} m", seconds, "< 1 s"))
    values = pd.Series(rng.normal(30_000, 8_000, len(areas)), index=areas["id"])
    indicator = Indicator("income", "Income", "EUR", 2026, "synthetic", higher_is_need=False)
    empty_assets = gpd.GeoDataFrame(
        {"id": [], "kind": [], "name": [], "lon": [], "lat": [], "source": []},
        geometry=[],
        crs=4326,
    )

    def choropleth_map() -> str:
        shape = indicator_choropleth(areas, values, indicator, method="natural_breaks")
        fmap = build_asset_map(
            empty_assets,
            areas,
            tiles_from_setting("none"),
            MapScripts("/app/static/vendor"),
            area_styles=shape.styles,
        )
        return fmap.get_root().render()

    rows.append(
        (
            "choropleth map of 500 areas, built and rendered",
            median_seconds(choropleth_map),
            "no rebuild on pan/zoom",
        )
    )
    rows.append(
        (
            "Fisher-Jenks classes for 500 values",
            median_seconds(lambda: classify(values, "natural_breaks", 5)),
            "",
        )
    )
    size = len(choropleth_map().encode())
    write(rows, size)


def cpu_name() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def write(rows: list[tuple[str, float, str]], choropleth_bytes: int) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {cpu_name()}, {os.cpu_count()} cores, Python "
        f"{sys.version.split()[0]}, {datetime.now(UTC):%Y-%m-%d}. Median of {RUNS} runs.",
        "",
        "| what | median | target |",
        "| --- | --- | --- |",
        *[f"| {what} | {seconds * 1000:.0f} ms | {target} |" for what, seconds, target in rows],
        "",
        f"Choropleth page payload for 500 areas: {choropleth_bytes / 1e6:.2f} MB of HTML. The map "
        "does not rerun the page on pan or zoom (`st_folium(..., returned_objects=[])`).",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
