"""The base map: OSM tags to layers, the sea from coastlines, and `assetmap basemap build` on
a tiny saved extract, read back through GDAL's MVT driver."""

import gzip
from pathlib import Path

import pyogrio
import pytest
import shapely

from assetmap.cli import main
from assetmap.config import (
    BUILTIN_BASEMAP,
    ConfigError,
    tiles_from_environment,
    tiles_from_setting,
)
from assetmap.io.basemap import (
    LAYER_NAMES,
    BasemapError,
    basemap_shapes,
    build_basemap,
    layer_for_tags,
    open_archive,
    sea_from_coastlines,
)
from assetmap.register.assets import list_assets
from assetmap.register.privacy import ANYONE, released
from assetmap.register.profile import area_profile
from assetmap.render.documents import profile_html
from assetmap.storage import utc_now

SAMPLE = Path(__file__).parent / "data" / "basemap_sample.osm"


@pytest.mark.parametrize(
    ("geometry", "tags", "expected"),
    [
        ("line", {"highway": "primary", "name": "Mannerheimintie"}, ("roads", "major")),
        ("line", {"highway": "residential"}, ("roads", "minor")),
        ("line", {"highway": "footway"}, ("roads", "path")),
        ("line", {"highway": "steps"}, ("roads", "path")),
        ("line", {"highway": "platform"}, None),
        ("line", {"highway": "pedestrian", "area": "yes"}, None),
        ("line", {"railway": "tram"}, ("railways", "tram")),
        ("line", {"railway": "abandoned"}, None),
        ("line", {"waterway": "stream"}, ("water", "stream")),
        ("line", {"power": "line"}, None),
        ("polygon", {"building": "yes", "amenity": "school"}, ("buildings", "building")),
        ("polygon", {"building": "no", "leisure": "park"}, ("green", "park")),
        ("polygon", {"natural": "water"}, ("water", "water")),
        ("polygon", {"landuse": "basin"}, ("water", "water")),
        ("polygon", {"natural": "scrub"}, ("green", "wood")),
        ("polygon", {"landuse": "grass"}, ("green", "grass")),
        ("polygon", {"landuse": "commercial"}, None),
        ("point", {"place": "suburb", "name": "Kluuvi"}, ("places", "suburb")),
        ("point", {"place": "suburb"}, None),
        ("point", {"amenity": "bench"}, None),
    ],
)
def test_osm_tags_to_layers(geometry, tags, expected):
    assert layer_for_tags(geometry, tags) == expected


def test_unknown_geometry_is_refused():
    with pytest.raises(ValueError, match="geometry"):
        layer_for_tags("collection", {})


def test_the_sea_lies_right_of_the_coastline():
    # Westward along y=5: OSM keeps the land on the left (south), the sea on the right (north).
    sea = sea_from_coastlines([shapely.LineString([(10, 5), (5, 6), (0, 5)])], (0, 0, 10, 10))
    assert len(sea) == 1
    assert sea[0].contains(shapely.Point(5, 8)) and not sea[0].contains(shapely.Point(5, 2))


def test_a_coastline_cut_just_inside_the_extract_still_splits_it():
    coast = shapely.LineString([(0, 5.0), (9.95, 5.0)])  # eastward: the sea is south
    (sea,) = sea_from_coastlines([coast], (0, 0, 10, 10))
    assert sea.area == pytest.approx(50, rel=0.01) and sea.contains(shapely.Point(5, 1))


def test_no_coastline_no_sea():
    assert sea_from_coastlines([], (0, 0, 1, 1)) == []


def read_tile(archive, z, x, y, tmp_path):
    data = archive.tile(z, x, y)
    assert data is not None
    tile = tmp_path / f"{z}-{x}-{y}.pbf"
    tile.write_bytes(gzip.decompress(data) if archive.gzipped else data)
    return tile


def test_build_writes_every_layer_with_names(tmp_path):
    lines = []
    summary = build_basemap(SAMPLE, tmp_path / "sample.pmtiles", max_zoom=15, progress=lines.append)
    assert summary.features == dict.fromkeys(LAYER_NAMES, 1)
    assert summary.tiles >= 6 and summary.size_bytes < 50_000
    assert any("Tiling roads" in line for line in lines)
    archive = open_archive(summary.path)
    assert (archive.min_zoom, archive.max_zoom) == (10, 15)
    # Kluuvi (24.944 E, 60.1712 N) is in tile 15/18654/9484.
    tile = read_tile(archive, 15, 18654, 9484, tmp_path)
    layers = {name for name, _ in pyogrio.list_layers(tile)}
    assert layers == set(LAYER_NAMES)
    roads = pyogrio.read_dataframe(tile, layer="roads")
    assert roads[["name", "kind"]].values.tolist() == [["Kaisaniemenkatu", "major"]]
    # Below a layer's first zoom it is left out: buildings from 14, roads from 12.
    low = {name for name, _ in pyogrio.list_layers(read_tile(archive, 12, 2331, 1185, tmp_path))}
    assert "buildings" not in low and {"roads", "water", "places"} <= low
    assert archive.tile(9, 291, 148) is None and archive.tile(15, 0, 0) is None


def test_command_builds_beside_the_extract(tmp_path, capsys):
    extract = tmp_path / "town.osm"
    extract.write_bytes(SAMPLE.read_bytes())
    assert main(["basemap", "build", str(extract), "--max-zoom", "14"]) == 0
    out = capsys.readouterr().out
    assert "Reading town.osm" in out and "OpenStreetMap contributors" in out
    assert open_archive(tmp_path / "town.pmtiles").max_zoom == 14


def test_command_explains_bad_input(tmp_path, capsys):
    assert main(["basemap", "build", str(tmp_path / "missing.osm.pbf")]) == 1
    assert "assetmap: error: no such file" in capsys.readouterr().err
    junk = tmp_path / "junk.osm.pbf"
    junk.write_text("not a protobuf")
    assert main(["basemap", "build", str(junk)]) == 1
    assert "could not be read as OpenStreetMap data" in capsys.readouterr().err
    with pytest.raises(BasemapError, match="max-zoom"):
        build_basemap(SAMPLE, tmp_path / "x.pmtiles", max_zoom=30)


def test_demo_ships_a_small_base_map():
    archive = open_archive(BUILTIN_BASEMAP)
    assert BUILTIN_BASEMAP.stat().st_size < 5_000_000 and archive.max_zoom >= 15


def test_basemap_settings(monkeypatch, tmp_path):
    assert tiles_from_setting("builtin").archive == BUILTIN_BASEMAP
    kartverket = tiles_from_setting("kartverket")
    assert "cache.kartverket.no" in kartverket.url and "Kartverket" in kartverket.attribution
    pdok = tiles_from_setting("PDOK")
    assert "service.pdok.nl" in pdok.url and "Kadaster" in pdok.attribution
    with pytest.raises(ConfigError, match="not there"):
        tiles_from_setting(str(tmp_path / "gone.pmtiles"))
    monkeypatch.delenv("ASSETMAP_TILES", raising=False)
    monkeypatch.delenv("ASSETMAP_BASEMAP", raising=False)
    assert tiles_from_environment().archive == BUILTIN_BASEMAP  # the default
    monkeypatch.setenv("ASSETMAP_TILES", "none")
    assert tiles_from_environment().url is None and tiles_from_environment().archive is None
    monkeypatch.setenv("ASSETMAP_BASEMAP", "osm")  # the new setting wins over the old one
    assert "openstreetmap.org" in tiles_from_environment().url


def test_an_extract_with_nothing_to_draw_is_refused(tmp_path):
    bare = tmp_path / "bare.osm"
    bare.write_text(
        '<osm version="0.6"><node id="1" lat="60.17" lon="24.94" version="1">'
        '<tag k="amenity" v="bench"/></node></osm>'
    )
    with pytest.raises(BasemapError, match="nothing the base map draws"):
        build_basemap(bare, tmp_path / "bare.pmtiles")


def test_the_profile_file_draws_the_base_map_under_its_area(demo_db):
    now = utc_now()
    assets = released(list_assets(demo_db), ANYONE, now)
    profile = area_profile(demo_db, "kaisaniemi", assets, now)
    shapes = basemap_shapes(BUILTIN_BASEMAP, profile.geometry.bounds)
    assert "Kaisaniemenkatu" in set(shapes["roads"]["name"]) and len(shapes["water"])
    assert all(frame.crs == "EPSG:4326" for frame in shapes.values())
    page = profile_html(profile, now, basemap=shapes)
    svg = page[page.index("<svg") : page.index("</svg>")]
    for drawn in ("water", "green", "building", "road", "path"):
        assert f'class="basemap-{drawn}"' in svg
    # Under the area and the assets: the base map comes first.
    assert svg.index("basemap-road") < svg.index('class="area') < svg.index("<circle")
    plain = profile_html(profile, now)
    assert "<path" not in plain[plain.index("<svg") : plain.index("</svg>")]
