"""A base map of our own: an OpenStreetMap extract (.osm.pbf or .osm XML) to one PMTiles
archive of vector tiles (MVT), through GDAL's OSM and MVT drivers.

Which OSM feature goes to which layer, and as what kind, is `layer_for_tags` (pure, tested).
GDAL writes one layer per run, so each layer is tiled on its own and the tiles are joined:
an MVT tile is a protobuf message whose layers are a repeated field, so the bytes of tiles
with different layers, put one after the other, are one valid tile holding them all.

Map data © OpenStreetMap contributors, ODbL 1.0: an archive built here must say so.
"""

from __future__ import annotations

import functools
import gzip
import importlib
import math
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops

from assetmap.errors import AssetmapError
from assetmap.io.files import read_layer
from assetmap.io.osm import parse_other_tags

ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
DEFAULT_MAX_ZOOM = 15
MIN_ZOOM = 10


@dataclass(frozen=True)
class Layer:
    """One layer of the archive: its name, what it holds and from which zoom it is drawn."""

    name: str
    geometry: str
    min_zoom: int
    description: str


LAYERS = (
    Layer("water", "polygon or line", 10, "sea, lakes, ponds and basins; rivers and streams"),
    Layer("green", "polygon", 12, "parks, gardens, grass, woods and other green land"),
    Layer("buildings", "polygon", 14, "buildings"),
    Layer("railways", "line", 12, "railways, trams and metro"),
    Layer("roads", "line", 12, "streets and paths, with names"),
    Layer("places", "point", 10, "names of places: city, suburbs, neighbourhoods, squares"),
)
"""Drawn bottom to top in this order."""

LAYER_NAMES = tuple(layer.name for layer in LAYERS)

ROAD_KINDS: dict[str, str] = {
    **dict.fromkeys(
        ("motorway", "trunk", "primary", "secondary", "motorway_link", "trunk_link"), "major"
    ),
    **dict.fromkeys(("primary_link", "secondary_link"), "major"),
    **dict.fromkeys(("tertiary", "tertiary_link"), "medium"),
    **dict.fromkeys(
        ("residential", "unclassified", "living_street", "service", "road", "busway"), "minor"
    ),
    **dict.fromkeys(("pedestrian",), "pedestrian"),
    **dict.fromkeys(
        ("footway", "path", "cycleway", "steps", "bridleway", "track", "trail", "corridor"),
        "path",
    ),
}
"""OSM highway=* -> road kind. Other highway values (platform, construction) are left out."""

RAILWAY_KINDS = frozenset({"rail", "light_rail", "subway", "tram", "narrow_gauge", "monorail"})
WATER_AREAS: frozenset[tuple[str, str]] = frozenset(
    {
        ("natural", "water"),
        ("natural", "bay"),
        ("natural", "strait"),
        ("waterway", "riverbank"),
        ("waterway", "dock"),
        ("landuse", "reservoir"),
        ("landuse", "basin"),
        ("landuse", "pond"),
        ("leisure", "swimming_pool"),
    }
)
WATERWAY_LINES = frozenset({"river", "stream", "canal", "drain", "ditch"})
GREEN_AREAS: dict[tuple[str, str], str] = {
    ("leisure", "park"): "park",
    ("leisure", "garden"): "park",
    ("leisure", "playground"): "park",
    ("leisure", "nature_reserve"): "park",
    ("leisure", "pitch"): "pitch",
    ("leisure", "golf_course"): "park",
    ("landuse", "grass"): "grass",
    ("landuse", "meadow"): "grass",
    ("landuse", "village_green"): "grass",
    ("landuse", "recreation_ground"): "park",
    ("landuse", "allotments"): "park",
    ("landuse", "cemetery"): "cemetery",
    ("landuse", "forest"): "wood",
    ("natural", "wood"): "wood",
    ("natural", "scrub"): "wood",
    ("natural", "heath"): "grass",
    ("natural", "grassland"): "grass",
    ("natural", "wetland"): "grass",
}
"""(OSM key, value) -> green kind. The first matching key in a feature wins."""
PLACE_KINDS = frozenset(
    {"city", "town", "village", "suburb", "quarter", "neighbourhood", "hamlet", "square"}
)


def _pmtiles(module: str) -> Any:
    """A module of pmtiles, the PMTiles reference implementation (it has no type hints)."""
    return importlib.import_module(f"pmtiles.{module}")


class BasemapError(AssetmapError, ValueError):
    """An extract that cannot be turned into a base map, with the reason in plain words."""


def layer_for_tags(geometry: str, tags: Mapping[str, str]) -> tuple[str, str] | None:
    """(layer, kind) for an OSM feature of `geometry` ("point", "line" or "polygon") with
    `tags`, or None when the base map leaves it out."""
    if geometry == "point":
        place = tags.get("place", "")
        return ("places", place) if place in PLACE_KINDS and tags.get("name") else None
    if geometry == "line":
        if tags.get("highway") in ROAD_KINDS and tags.get("area") != "yes":
            return "roads", ROAD_KINDS[tags["highway"]]
        if tags.get("railway") in RAILWAY_KINDS:
            return "railways", tags["railway"]
        if tags.get("waterway") in WATERWAY_LINES:
            return "water", tags["waterway"]
        return None
    if geometry == "polygon":
        if tags.get("building", "no") != "no":
            return "buildings", "building"
        for key, value in tags.items():
            if (key, value) in WATER_AREAS:
                return "water", "water"
        for key, value in tags.items():
            if (key, value) in GREEN_AREAS:
                return "green", GREEN_AREAS[key, value]
        return None
    raise ValueError(f"geometry must be point, line or polygon: {geometry!r}")


def sea_from_coastlines(
    coastlines: Iterable[shapely.Geometry], bounds: tuple[float, float, float, float]
) -> list[shapely.Polygon]:
    """The sea inside `bounds`: OSM draws coastlines with the land on the left and the water
    on the right, and an extract has no sea polygons of its own. Faces of the box cut by the
    coastlines are sea when a point just right of a coastline lies in them."""
    box = shapely.box(*bounds)
    reach = 0.01 * max(bounds[2] - bounds[0], bounds[3] - bounds[1])
    lines = [
        _reaching_edge(part, box, reach)
        for line in coastlines
        if line is not None and not line.is_empty
        for part in shapely.get_parts(shapely.intersection(line, box))
        if part.geom_type == "LineString"
    ]
    if not lines:
        return []
    cut = shapely.union_all([*lines, box.boundary])
    faces = shapely.get_parts(shapely.polygonize(list(shapely.get_parts(cut))))
    offset = 1e-6 * max(bounds[2] - bounds[0], bounds[3] - bounds[1], 1e-3)
    votes = np.zeros(len(faces))
    for line in lines:
        coords = np.asarray(line.coords)
        # A few segments per coastline are enough to tell its sides apart.
        for index in np.unique(np.linspace(0, len(coords) - 2, 5).astype(int)):
            (x0, y0), (x1, y1) = coords[index], coords[index + 1]
            length = float(np.hypot(x1 - x0, y1 - y0))
            if length == 0:
                continue
            mx, my = (x0 + x1) / 2, (y0 + y1) / 2
            nx, ny = (y1 - y0) / length * offset, -(x1 - x0) / length * offset
            votes += shapely.contains(faces, shapely.Point(mx + nx, my + ny))
            votes -= shapely.contains(faces, shapely.Point(mx - nx, my - ny))
    return [face for face, vote in zip(faces, votes, strict=True) if vote > 0]


def _reaching_edge(line: shapely.LineString, box: shapely.Polygon, reach: float) -> Any:
    """An extract cuts coastlines just inside its box: ends within `reach` of the box's edge
    are carried to it, so the coastline splits the box."""
    coords = list(line.coords)
    edge = box.boundary
    for index in (0, -1):
        end = shapely.Point(coords[index])
        if 0 < edge.distance(end) <= reach:
            nearest = shapely.ops.nearest_points(edge, end)[0]
            coords.insert(len(coords) if index == -1 else 0, (nearest.x, nearest.y))
    return shapely.LineString(coords)


def _tags(record: dict[str, Any]) -> dict[str, str]:
    tags = parse_other_tags(record.get("other_tags"))
    for key, value in record.items():
        if key in ("other_tags", "osm_id", "osm_way_id", "geometry", "z_order"):
            continue
        if value is not None and not (isinstance(value, float) and pd.isna(value)):
            tags.setdefault(key, str(value))
    return tags


_GEOMETRY_OF_LAYER = {"points": "point", "lines": "line", "multipolygons": "polygon"}


def basemap_features(path: Path) -> dict[str, gpd.GeoDataFrame]:
    """The base map's features in an extract: one frame (name, kind, geometry; WGS84) per
    layer of LAYERS, some perhaps empty."""
    if not path.is_file():
        raise BasemapError(f"no such file: {path}")
    try:
        frames = {layer: read_layer(path, layer) for layer in _GEOMETRY_OF_LAYER}
    except Exception as error:
        raise BasemapError(
            f"{path.name} could not be read as OpenStreetMap data (.osm.pbf or .osm): "
            f"{str(error).splitlines()[0].split(';')[0]}"
        ) from error
    rows: dict[str, list[tuple[str, str, shapely.Geometry]]] = {name: [] for name in LAYER_NAMES}
    coastlines = []
    bounds = None
    for source, frame in frames.items():
        if frame.empty:
            continue
        frame_bounds = tuple(frame.total_bounds)
        bounds = frame_bounds if bounds is None else _union_bounds(bounds, frame_bounds)
        records = frame.drop(columns="geometry").to_dict("records")
        for record, geometry in zip(records, frame.geometry, strict=True):
            if geometry is None or geometry.is_empty:
                continue
            tags = _tags(record)
            if tags.get("natural") == "coastline" and source == "lines":
                coastlines.append(geometry)
            found = layer_for_tags(_GEOMETRY_OF_LAYER[source], tags)
            if found:
                rows[found[0]].append((tags.get("name", ""), found[1], geometry))
    if bounds is None:
        raise BasemapError(f"{path.name} holds no OpenStreetMap features")
    rows["water"].extend(("", "sea", sea) for sea in sea_from_coastlines(coastlines, bounds))
    return {
        name: gpd.GeoDataFrame(
            {"name": [row[0] for row in layer_rows], "kind": [row[1] for row in layer_rows]},
            geometry=[row[2] for row in layer_rows],
            crs="EPSG:4326",
        )
        for name, layer_rows in rows.items()
    }


def _union_bounds(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, float, float, float]:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


@dataclass(frozen=True)
class BasemapSummary:
    """What a build wrote."""

    path: Path
    tiles: int
    size_bytes: int
    features: dict[str, int]
    seconds: float


def build_basemap(
    source: Path,
    output: Path,
    max_zoom: int = DEFAULT_MAX_ZOOM,
    progress: Callable[[str], None] = lambda _: None,
) -> BasemapSummary:
    """Write the base map of the OSM extract `source` to the PMTiles archive `output`."""
    if not MIN_ZOOM <= max_zoom <= 18:
        raise BasemapError(f"--max-zoom must be between {MIN_ZOOM} and 18: {max_zoom}")
    started = time.monotonic()
    progress(f"Reading {source.name}…")
    features = basemap_features(source)
    progress(", ".join(f"{len(frame)} {name}" for name, frame in features.items()))
    drawn = [tuple(frame.total_bounds) for frame in features.values() if not frame.empty]
    if not drawn:
        raise BasemapError(f"{source.name} holds nothing the base map draws")
    bounds = functools.reduce(_union_bounds, drawn)
    with tempfile.TemporaryDirectory(prefix="assetmap-basemap-") as work:
        tiles: dict[int, list[Path]] = {}
        for layer in LAYERS:
            if features[layer.name].empty:
                continue
            progress(f"Tiling {layer.name} (zoom {min(layer.min_zoom, max_zoom)}–{max_zoom})…")
            for zxy, tile_file in _layer_tiles(features[layer.name], layer, max_zoom, Path(work)):
                tiles.setdefault(_pmtiles("tile").zxy_to_tileid(*zxy), []).append(tile_file)
        progress(f"Writing {len(tiles)} tiles to {output}…")
        output.parent.mkdir(parents=True, exist_ok=True)
        _write_archive(output, tiles, bounds, _metadata(source, features, max_zoom), max_zoom)
    return BasemapSummary(
        path=output,
        tiles=len(tiles),
        size_bytes=output.stat().st_size,
        features={name: len(frame) for name, frame in features.items()},
        seconds=time.monotonic() - started,
    )


def _layer_tiles(
    frame: gpd.GeoDataFrame, layer: Layer, max_zoom: int, work: Path
) -> Iterator[tuple[tuple[int, int, int], Path]]:
    """Tile one layer with GDAL's MVT driver into a folder of z/x/y.pbf files (uncompressed)."""
    import pyogrio

    directory = work / layer.name
    pyogrio.write_dataframe(
        frame,
        directory,
        layer=layer.name,
        driver="MVT",
        dataset_options={
            "FORMAT": "DIRECTORY",
            "COMPRESS": "NO",
            "MINZOOM": str(min(layer.min_zoom, max_zoom)),
            "MAXZOOM": str(max_zoom),
            # In tile pixels (of 4096 a side): invisible on screen, fewer points to send.
            "SIMPLIFICATION": "1",
            "SIMPLIFICATION_MAX_ZOOM": "1",
            "BUFFER": "64",
        },
    )
    for tile_file in directory.glob("*/*/*.pbf"):
        yield (int(tile_file.parts[-3]), int(tile_file.parts[-2]), int(tile_file.stem)), tile_file


def _write_archive(
    output: Path,
    tiles: dict[int, list[Path]],
    bounds: tuple[float, float, float, float],
    metadata: dict[str, Any],
    max_zoom: int,
) -> None:
    """One PMTiles archive, each tile the layers' tiles joined and gzipped, in tile-id order
    (read from disk one at a time: a region's tiles need not fit in memory)."""
    tile = _pmtiles("tile")
    center = ((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2)
    with output.open("wb") as file:
        writer = _pmtiles("writer").Writer(file)
        for tile_id in sorted(tiles):
            data = b"".join(part.read_bytes() for part in tiles[tile_id])
            writer.write_tile(tile_id, gzip.compress(data, mtime=0))
        writer.finalize(
            {
                "tile_type": tile.TileType.MVT,
                "tile_compression": tile.Compression.GZIP,
                "min_lon_e7": int(bounds[0] * 1e7),
                "min_lat_e7": int(bounds[1] * 1e7),
                "max_lon_e7": int(bounds[2] * 1e7),
                "max_lat_e7": int(bounds[3] * 1e7),
                "center_zoom": min(14, max_zoom),
                "center_lon_e7": int(center[0] * 1e7),
                "center_lat_e7": int(center[1] * 1e7),
            },
            metadata,
        )


def _metadata(source: Path, features: dict[str, gpd.GeoDataFrame], max_zoom: int) -> dict[str, Any]:
    return {
        "name": f"Assetmap base map of {source.name}",
        "attribution": ATTRIBUTION,
        "license": "ODbL-1.0",
        "vector_layers": [
            {
                "id": layer.name,
                "description": layer.description,
                "minzoom": min(layer.min_zoom, max_zoom),
                "maxzoom": max_zoom,
                "fields": {"name": "String", "kind": "String"},
            }
            for layer in LAYERS
            if not features[layer.name].empty
        ],
    }


class BasemapArchive:
    """A PMTiles archive opened for reading tiles (the file is mapped, not read whole)."""

    def __init__(self, path: Path):
        reader = _pmtiles("reader")
        self.path = path
        self._file = path.open("rb")
        try:
            self._reader = reader.Reader(reader.MmapSource(self._file))
            header = self._reader.header()
        except Exception as error:
            self._file.close()
            raise BasemapError(f"{path.name} is not a PMTiles archive: {error}") from error
        self.min_zoom: int = header["min_zoom"]
        self.max_zoom: int = header["max_zoom"]
        self.gzipped = header["tile_compression"] == _pmtiles("tile").Compression.GZIP

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The tile's bytes as stored (gzipped when `gzipped`), or None outside the archive."""
        if not self.min_zoom <= z <= self.max_zoom:
            return None
        data: bytes | None = self._reader.get(z, x, y)
        return data

    def close(self) -> None:
        self._file.close()


@functools.cache
def _opened(path: Path, modified: float) -> BasemapArchive:
    return BasemapArchive(path)


def open_archive(path: Path) -> BasemapArchive:
    """The archive at `path`, opened once per process (again when the file is rebuilt)."""
    return _opened(path.resolve(), path.stat().st_mtime)


def _tiles_covering(bounds: tuple[float, float, float, float], z: int) -> list[tuple[int, int]]:
    """(x, y) of the tiles at zoom `z` over `bounds` (WGS84)."""
    n: int = 1 << z

    def column(lon: float) -> int:
        return min(n - 1, max(0, int((lon + 180) / 360 * n)))

    def row(lat: float) -> int:
        y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
        return min(n - 1, max(0, int(y)))

    min_lon, min_lat, max_lon, max_lat = bounds
    return [
        (x, y)
        for x in range(column(min_lon), column(max_lon) + 1)
        for y in range(row(max_lat), row(min_lat) + 1)
    ]


def basemap_shapes(
    path: Path, bounds: tuple[float, float, float, float], max_tiles: int = 16
) -> dict[str, gpd.GeoDataFrame]:
    """The base map's features over `bounds` (WGS84), read back from the archive's tiles at
    the deepest zoom that needs at most `max_tiles` tiles: for drawings made on the server
    (the neighbourhood profile). Features crossing tiles come once per tile."""
    import pyogrio

    archive = open_archive(path)
    z = archive.max_zoom
    while z > archive.min_zoom and len(_tiles_covering(bounds, z)) > max_tiles:
        z -= 1
    parts: dict[str, list[gpd.GeoDataFrame]] = {name: [] for name in LAYER_NAMES}
    with tempfile.TemporaryDirectory(prefix="assetmap-tiles-") as work:
        for x, y in _tiles_covering(bounds, z):
            data = archive.tile(z, x, y)
            if data is None:
                continue
            # GDAL's MVT driver places a tile on the map from its z/x/y.pbf path.
            tile_file = Path(work) / str(z) / str(x) / f"{y}.pbf"
            tile_file.parent.mkdir(parents=True, exist_ok=True)
            tile_file.write_bytes(gzip.decompress(data) if archive.gzipped else data)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                for name, _ in pyogrio.list_layers(tile_file):
                    if name in parts:
                        parts[name].append(pyogrio.read_dataframe(tile_file, layer=name))
    box = shapely.box(*bounds)
    shapes = {}
    for name, frames in parts.items():
        frame = (
            gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
            if frames
            else gpd.GeoDataFrame({"name": [], "kind": []}, geometry=[], crs="EPSG:3857")
        )
        frame = frame.to_crs("EPSG:4326")
        frame["geometry"] = shapely.intersection(shapely.make_valid(frame.geometry.array), box)
        shapes[name] = frame[~frame.geometry.is_empty].reset_index(drop=True)
    return shapes
