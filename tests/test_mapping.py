"""The map HTML: local scripts only, user text as data, never as HTML or template."""

import hashlib
import html
import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import xstatic.pkg.leaflet
from shapely.geometry import Point

from assetmap.config import tiles_from_setting
from assetmap.i18n import set_language
from assetmap.render.map_payload import (
    AssetVersions,
    DrawnVersions,
    MapRows,
    map_changes,
)
from assetmap.render.mapping import (
    DETAIL_LIMIT,
    FetchedAssets,
    MapScripts,
    assets_to_map_data,
    assets_to_map_json,
    assets_to_table,
    build_asset_map,
    changes_html,
    hashed_name,
    install_map_scripts,
    location_from_click,
    safe_json,
)

JS_DIR = Path(__file__).parents[1] / "src" / "assetmap" / "render" / "js"
PAYLOAD = "<img src=x onerror=alert(1)></script><script>alert(2)</script> {{ 7*1913 }} ${x}"


def assets(name=PAYLOAD, **extra):
    return gpd.GeoDataFrame(
        [
            {
                "id": "a1",
                "kind": "place",
                "category": "park",
                "sector": "public",
                "name": name,
                "lon": 24.94,
                "lat": 60.17,
                "area_name": "Kluuvi",
                "description": PAYLOAD,
                "website": "javascript:alert(3)",
                "source": "resident",
                **extra,
            }
        ],
        geometry=[Point(24.94, 60.17)],
        crs="EPSG:4326",
    )


def render(frame, tiles="none", attribution=None):
    areas = gpd.GeoDataFrame({"id": [], "name": []}, geometry=[], crs="EPSG:4326")
    tile_settings = tiles_from_setting(tiles, attribution)
    fmap = build_asset_map(frame, areas, tile_settings, MapScripts("/app/static/vendor"))
    return fmap.get_root().render()


def test_scripts_and_styles_are_served_locally():
    html = render(assets())
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/app/static/vendor/") for source in sources)
    assert "cdn" not in html.lower()


def test_user_text_is_data_not_markup_or_template():
    html = render(assets())
    assert "13391" not in html
    assert "<img src=x" not in html and "</script><script>alert(2)" not in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    assert "\\u007b\\u007b 7*1913 \\u007d\\u007d" in html


def test_map_data_is_compact_and_complete():
    data = assets_to_map_data(assets())
    assert data["n"] == [PAYLOAD]
    assert data["kl"][data["k"][0]] == "Place" and data["cl"][data["c"][0]] == "Park"
    assert data["al"][data["a"][0]] == "Kluuvi"
    assert data["base"][0] + data["x"][0] / data["scale"] == pytest.approx(24.94, abs=1e-6)
    assert ["Sector", "Public"] in data["d"][0] and ["Description", PAYLOAD] in data["d"][0]


def test_large_maps_leave_details_out_of_the_popups():
    many = pd.concat([assets()] * (DETAIL_LIMIT + 1), ignore_index=True)
    data = assets_to_map_data(gpd.GeoDataFrame(many, geometry="geometry", crs=4326))
    assert "d" not in data and "w" not in data and len(data["n"]) == DETAIL_LIMIT + 1
    assert len(data["cl"]) == 1 and len(data["al"]) == 1  # labels once, not per asset


def test_tiles_setting():
    assert "tile.openstreetmap.org" in render(assets(), tiles="osm")
    assert "tile.openstreetmap.org" not in render(assets(), tiles="none")
    custom = "https://tiles.example.org/{z}/{x}/{y}.png"
    assert "tiles.example.org" in render(assets(), tiles=custom, attribution="Example kommune")
    with pytest.raises(ValueError, match="ASSETMAP_BASEMAP_ATTRIBUTION"):
        tiles_from_setting(custom)
    with pytest.raises(ValueError, match=r"ASSETMAP_BASEMAP \(or ASSETMAP_TILES\) must be"):
        tiles_from_setting("https://no-placeholders.example.org/")


def test_the_built_in_base_map_is_drawn_from_the_apps_own_tiles():
    areas = gpd.GeoDataFrame({"id": [], "name": []}, geometry=[], crs="EPSG:4326")
    scripts = MapScripts("/app/static/vendor", tiles_url="/tiles/{z}/{x}/{y}.mvt")
    builtin = tiles_from_setting("builtin")
    html = build_asset_map(assets(), areas, builtin, scripts).get_root().render()
    assert "/app/static/vendor/protomaps-leaflet/protomaps-leaflet.js" in html
    assert "addBasemap" in html and "/tiles/\\u007bz\\u007d/\\u007bx\\u007d/" in html
    assert '"style":"light"' in html
    meeting = build_asset_map(assets(), areas, builtin, scripts, basemap_style="contrast")
    assert '"style":"contrast"' in meeting.get_root().render()
    raster = render(assets(), tiles="kartverket")
    assert "cache.kartverket.no" in raster and "protomaps-leaflet" not in raster


def test_osm_data_gets_attribution():
    assert "OpenStreetMap\\u003c/a\\u003e contributors (ODbL)" in render(assets(source="osm"))
    assert "contributors (ODbL)" not in render(assets())


def test_a_base_map_of_openstreetmap_credits_it_once_in_the_readers_language():
    areas = gpd.GeoDataFrame({"id": [], "name": []}, geometry=[], crs="EPSG:4326")
    scripts = MapScripts("/app/static/vendor", tiles_url="/tiles/{z}/{x}/{y}.mvt")
    for tiles in ("builtin", "osm"):
        try:
            set_language("nb")
            fmap = build_asset_map(assets(source="osm"), areas, tiles_from_setting(tiles), scripts)
            html = fmap.get_root().render()
        finally:
            set_language("en")
        assert html.count("openstreetmap.org/copyright") == 1, tiles
        assert "OpenStreetMap\\u003c/a\\u003e-bidragsytere (ODbL)" in html, tiles


def test_table_translates_labels():
    table = assets_to_table(assets())
    assert table.loc[0, "Kind"] == "Place" and table.loc[0, "Category"] == "Park"


def test_location_from_click():
    assert location_from_click({"last_clicked": {"lat": 60.1712345678, "lng": 24.94}}) == (
        24.94,
        60.171235,
    )
    assert location_from_click({"last_clicked": None}) is None
    assert location_from_click(None) is None


def test_map_scripts_are_copied_from_xstatic(tmp_path):
    vendor = install_map_scripts(tmp_path)
    assert (vendor / "leaflet" / "leaflet.js").stat().st_size > 100_000
    assert not (vendor / "markercluster").exists() and not (vendor / "jquery").exists()
    renderer = vendor / "protomaps-leaflet"
    assert (renderer / "protomaps-leaflet.js").stat().st_size > 100_000
    assert "Protomaps" in (renderer / "LICENSE").read_text()


def test_the_maps_own_scripts_are_served_under_their_content_hash(tmp_path):
    vendor = install_map_scripts(tmp_path)
    urls = [url for _, url in MapScripts("/app/static/vendor").js(vector_tiles=True)]
    assert urls[0] == "/app/static/vendor/leaflet/leaflet.js"
    assert urls[1] == "/app/static/vendor/protomaps-leaflet/protomaps-leaflet.js"
    for name, url in zip(("map_data", "map", "basemap"), urls[2:], strict=True):
        source = JS_DIR / f"{name}.js"
        digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
        assert url == f"/app/static/vendor/assetmap/{name}.{digest}.js"
        assert (vendor / "assetmap" / f"{name}.{digest}.js").read_bytes() == source.read_bytes()
    assert hashed_name(JS_DIR / "map.js") in urls[3]
    without = [url for _, url in MapScripts("/app/static/vendor").js()]
    assert without == [urls[0], *urls[2:4]]  # no base map of our own: neither renderer nor style


def test_a_copy_with_the_same_size_but_other_content_is_replaced(tmp_path):
    vendor = install_map_scripts(tmp_path)
    copy = vendor / "leaflet" / "leaflet.js"
    copy.write_bytes(b"x" * copy.stat().st_size)
    install_map_scripts(tmp_path)
    assert copy.read_bytes() == (Path(xstatic.pkg.leaflet.BASE_DIR) / "leaflet.js").read_bytes()


def test_safe_json_escapes_text_in_long_lists_and_in_objects_alike():
    data = {"n": [PAYLOAD, "plain"], "d": [[["Description", PAYLOAD]]], "o": [{"k": "{{"}]}
    text = safe_json(data)
    assert json.loads(text) == data
    assert "{{" not in text and "{%" not in text and "<" not in text and "'" not in text


def test_a_map_with_a_payload_url_names_it_instead_of_carrying_it():
    frame = assets()
    payload = assets_to_map_json(frame)
    assert payload in render(frame)
    areas = gpd.GeoDataFrame({"id": [], "name": []}, geometry=[], crs="EPSG:4326")
    scripts = MapScripts("/app/static/vendor")
    url = "/map/map-data/0123456789abcdef0123456789abcdef"
    fetched = FetchedAssets(url, (24.9, 60.1, 25.0, 60.2), osm=False)
    fmap = build_asset_map(fetched, areas, tiles_from_setting("none"), scripts)
    html = fmap.get_root().render()
    assert "addAssets(map_" in html and f', "{url}", ' in html
    assert payload not in html and safe_json(PAYLOAD) not in html


def test_map_changes_hide_gone_and_changed_rows_and_draw_new_and_changed_ones():
    drawn = DrawnVersions.of(["kept", "gone", "édité", "same"], np.array([1, 1, 2, 5]))
    now = AssetVersions.of(["kept", "édité", "same", "new"], np.array([1, 3, 5, 1]))
    changes = map_changes(drawn, now)
    assert changes.hidden.tolist() == [1, 2]
    assert changes.fresh == ("édité", "new")
    assert len(changes) == 4
    assert len(map_changes(DrawnVersions.of(now.ids, now.versions), now)) == 0
    nothing_drawn = map_changes(DrawnVersions.of([], np.array([], dtype="int64")), now)
    assert nothing_drawn.fresh == ("kept", "édité", "same", "new")
    assert len(nothing_drawn.hidden) == 0
    assert drawn.rows_of(["same", "kep", "keptt", "new", "gone"]).tolist() == [3, -1, -1, -1, 1]
    assert [drawn.id_at(row) for row in (2, 0, 4)] == ["édité", "kept", ""]


def test_a_lapsed_person_is_gone_from_the_public_map_and_stays_on_the_teams():
    drawn = DrawnVersions.of(["park", "person"], np.array([1, 1]))
    now = AssetVersions.of(["park", "person"], np.array([1, 1]), np.array([False, True]))
    assert len(map_changes(drawn, now)) == 0
    public = map_changes(drawn, now.public())
    assert public.hidden.tolist() == [1] and public.fresh == ()
    unchanged = AssetVersions.of(["park"], np.array([1]))
    assert unchanged.public() is unchanged


def test_drawn_ids_of_one_length_are_read_from_arrow_in_place_and_found_alike():
    ids = pd.Series([f"{n:032x}" for n in range(10)], dtype="str").iloc[3:9]  # a slice: offset
    drawn = DrawnVersions.of(pd.Index(ids), np.arange(6))
    assert drawn.keys.dtype == np.dtype("S32")
    assert drawn.rows_of(pd.Index([f"{n:032x}" for n in (8, 2, 3)], dtype=object)).tolist() == [
        5,
        -1,
        0,
    ]
    assert drawn.id_at(1) == f"{4:032x}"


def test_changes_for_an_open_map_carry_user_text_as_inert_data():
    frame = assets(version=3)
    element = changes_html("assetmapDataabc", np.array([4]), frame, details=True)
    attribute = re.fullmatch(
        r'<div hidden data-for="assetmapDataabc" data-assetmap-changes="([^"<>]*)"></div>', element
    )
    assert attribute is not None
    changes = json.loads(html.unescape(attribute.group(1)))
    assert changes["hidden"] == [4]
    assert changes["rows"]["n"] == [PAYLOAD] and changes["rows"]["keys"] == ["a1:3"]


BINARY_FIXTURE = Path(__file__).parent / "js" / "fixtures" / "payload.bin"
"""What tests/js/map_data.test.js parses: map_binary(binary_frame())."""


def binary_frame() -> gpd.GeoDataFrame:
    rows = [
        ("place", "park", PAYLOAD, 24.9401, 60.1702, "Kluuvi", ""),
        (
            "person",
            "",
            "Töölö 🌳 walkers",
            24.9213,
            60.1801,
            "",
            "0123456789abcdef0123456789abcdef",
        ),
        ("association", "", "Choir", 24.9799, 60.1599, "Kallio", ""),
        ("place", "playground", "", 24.9500, 60.1700, "Kluuvi", ""),
    ]
    frame = pd.DataFrame(
        rows, columns=["kind", "category", "name", "lon", "lat", "area_name", "photo_ids"]
    ).assign(id=[f"{n:032x}" for n in range(4)], version=[1, 2, 3, 4])
    return gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326"
    )


def map_binary(frame: pd.DataFrame) -> tuple[bytes, np.ndarray]:
    """The binary payload of one frame, without details, and its rows in payload order."""
    rows = MapRows(details=False)
    rows.add(frame)
    return rows.binary()


def test_the_binary_payload_holds_what_the_json_payload_holds():
    set_language("en")
    frame = binary_frame()
    payload, order = map_binary(frame)
    ordered = frame.iloc[order]
    # Bands of latitude, south to north, west to east within each.
    assert ordered["name"].tolist() == ["Choir", PAYLOAD, "", "Töölö 🌳 walkers"]
    # tests/js/map_data.test.js parses the same bytes: make them again when the format changes.
    assert payload == BINARY_FIXTURE.read_bytes(), "BINARY_FIXTURE.write_bytes(payload)"
    header_end = 8 + int(np.frombuffer(payload[4:8], "<u4")[0])
    header = json.loads(payload[8:header_end])
    expected = assets_to_map_data(frame, details=False)
    assert payload[:4] == b"AMB1" and header["count"] == 4 and header["wide"] is False
    assert {k: v for k, v in header.items() if k not in ("count", "wide", "p")} == {
        k: v for k, v in expected.items() if k not in ("x", "y", "k", "c", "a", "n", "p")
    }
    assert header["p"] == {"3": "0123456789abcdef0123456789abcdef"}
    x = np.cumsum(np.frombuffer(payload, "<i4", 4, header_end + (-header_end % 4)))
    assert x.tolist() == np.array(expected["x"])[order].tolist()
    assert payload.endswith("".join(ordered["name"]).encode())


def test_a_payload_gathered_batch_by_batch_is_the_payload_of_the_whole():
    set_language("en")
    frame = binary_frame().assign(source=["resident", "resident", "osm", "resident"])
    whole, order = map_binary(frame)
    rows = MapRows(details=False)
    # Photos, categories and areas first come in different batches.
    for batch in (frame.iloc[:1], frame.iloc[1:3], frame.iloc[3:]):
        rows.add(batch)
    payload, batched_order = rows.binary()
    assert payload == whole and batched_order.tolist() == order.tolist()
    drawn = rows.drawn(batched_order)
    assert [drawn.id_at(row) for row in range(4)] == frame["id"].iloc[order].tolist()
    assert drawn.versions.tolist() == frame["version"].iloc[order].tolist()
    assert rows.osm and rows.bounds() == (24.9213, 60.1599, 24.9799, 60.1801)
    located = rows.located([f"{2:032x}", "not drawn"])
    assert located.to_dict("records") == [{"id": f"{2:032x}", "lon": 24.9799, "lat": 60.1599}]


def test_a_map_of_no_assets_has_a_payload_of_no_rows():
    rows = MapRows(details=True)
    payload, order = rows.binary()
    header = json.loads(payload[8 : 8 + int(np.frombuffer(payload[4:8], "<u4")[0])])
    assert header["count"] == 0 and header["d"] == [] and len(order) == 0
    assert rows.bounds() is None and not rows.osm and len(rows.drawn(order)) == 0
    assert rows.located(["a"]).empty
