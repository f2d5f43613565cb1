"""Drawing a neighbourhood: Leaflet.draw served by the app itself, a drawing turned into a
polygon (or refused with a reason), and one area imported from a file."""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from collections.abc import Iterator

import geopandas as gpd
import pytest
from browsing import free_port
from folium.elements import JSCSSMixin
from playwright.sync_api import Browser, expect
from shapely.geometry import Polygon, box, mapping

from assetmap.config import tiles_from_setting
from assetmap.io.files import ImportFileError
from assetmap.render.mapping import DRAW_DIR, MapScripts, base_map, install_map_scripts
from assetmap.web.drawing import (
    DrawingError,
    add_drawing_tools,
    area_from_file,
    polygon_from_drawing,
    polygon_from_drawings,
)
from assetmap.web.folium_bridge import component_arguments

from .conftest import WAIT_MS, keep_local

KLUUVI = (24.935, 60.166, 24.955, 60.176)
"""A corner of central Helsinki (lon/lat bounds), where the map opens."""
SOURCES = re.compile(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"')


def drawing_map(base_url: str = "/app/static/vendor"):
    return add_drawing_tools(
        base_map(KLUUVI, tiles_from_setting("none"), MapScripts(base_url)), MapScripts(base_url)
    )


def feature(coordinates, kind="Polygon"):
    return {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": kind, "coordinates": coordinates},
    }


SQUARE = [[[24.94, 60.17], [24.95, 60.17], [24.95, 60.172], [24.94, 60.172], [24.94, 60.17]]]


def test_the_drawing_map_loads_leaflet_draw_from_the_app_and_nothing_from_outside():
    """As in test_mapping: every script and style the page or st_folium loads is the app's."""
    html = drawing_map().get_root().render()
    sources = SOURCES.findall(html)
    assert "/app/static/vendor/leaflet-draw/leaflet.draw.js" in sources
    assert "/app/static/vendor/leaflet-draw/leaflet.draw.css" in sources
    assert all(source.startswith("/app/static/vendor/") for source in sources)
    assert "cdn" not in html.lower()
    sent = component_arguments(drawing_map(), "neighbourhood", 520)
    plugins = [
        link
        for element in drawing_map()._children.values()
        if isinstance(element, JSCSSMixin)
        for _, link in element.default_js + element.default_css
    ]
    for links in (sent["js_links"] + sent["css_links"], plugins):  # what st_folium loads
        assert "/app/static/vendor/leaflet-draw/leaflet.draw.js" in links
        assert all(link.startswith("/app/static/vendor/") for link in links)
    script = sent["script"]
    assert "drawnItems" in script
    assert -1 < script.index("drawTexts") < script.index("new L.Control.Draw")


def test_leaflet_draw_and_its_licence_are_copied_beside_leaflet(tmp_path):
    vendor = install_map_scripts(tmp_path) / "leaflet-draw"
    assert (vendor / "leaflet.draw.js").read_bytes() == (DRAW_DIR / "leaflet.draw.js").read_bytes()
    assert (vendor / "images" / "spritesheet.svg").is_file()
    assert "Jacob Toye and Leaflet" in (vendor / "LICENSE").read_text()


def test_a_drawing_becomes_a_polygon():
    polygon = polygon_from_drawings([feature(SQUARE)])
    assert isinstance(polygon, Polygon) and polygon.is_valid
    assert list(polygon.exterior.coords) == [tuple(point) for point in SQUARE[0]]
    assert polygon_from_drawings(None) is None and polygon_from_drawings([]) is None


@pytest.mark.parametrize(
    ("drawn", "message"),
    [
        (  # a bow tie: the outline crosses itself
            feature(
                [[[24.94, 60.17], [24.95, 60.172], [24.95, 60.17], [24.94, 60.172], [24.94, 60.17]]]
            ),
            "The outline crosses itself. Draw it again so that no two sides cross.",
        ),
        (
            feature([[24.94, 60.17], [24.95, 60.17]], "LineString"),
            "Draw the neighbourhood as an area",
        ),
        (feature([[[24.94, 60.17], [24.95, 60.17], [24.94, 60.17]]]), "as an area"),
        (feature([[[24.94, 60.17], [24.95, 60.17], [24.96, 60.17], [24.94, 60.17]]]), "as an area"),
        (feature([[[24.94, 60.17], [24.95]]]), "as an area"),
        (feature("corners"), "as an area"),
        ({"type": "Feature"}, "as an area"),
        ("not a feature", "as an area"),
        (
            feature([[[24.94, 95.0], [24.95, 95.0], [24.95, 96.0], [24.94, 95.0]]]),
            "outside the map",
        ),
    ],
)
def test_a_drawing_that_is_no_usable_area_is_refused_with_the_reason(drawn, message):
    with pytest.raises(DrawingError, match=re.escape(message)):
        polygon_from_drawing(drawn)


def test_several_shapes_ask_to_keep_only_the_neighbourhood():
    with pytest.raises(DrawingError, match="There are 2 shapes on the map"):
        polygon_from_drawings([feature(SQUARE), feature(SQUARE)])


def test_one_area_is_imported_from_a_geopackage_in_a_national_grid(tmp_path):
    drawn = box(270_000, 7_038_000, 271_000, 7_039_000)
    path = tmp_path / "nabolag.gpkg"
    gpd.GeoDataFrame({"navn": ["Bakklandet"]}, geometry=[drawn], crs="EPSG:25833").to_file(path)
    area = area_from_file(path)
    expected = gpd.GeoSeries([drawn], crs="EPSG:25833").to_crs("EPSG:4326").iloc[0]
    assert area.equals_exact(expected, 1e-9)


def test_a_file_with_several_areas_or_a_crossing_outline_is_refused(tmp_path):
    several = tmp_path / "wijken.geojson"
    gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:4326").to_file(several)
    with pytest.raises(
        DrawingError, match=r"wijken\.geojson holds 2 areas; a neighbourhood is one"
    ):
        area_from_file(several)
    bow_tie = tmp_path / "buurt.geojson"
    outline = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    bow_tie.write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature(outline["coordinates"])]})
    )
    with pytest.raises(DrawingError, match=r"The outline in buurt\.geojson crosses itself"):
        area_from_file(bow_tie)
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(ImportFileError):
        area_from_file(empty)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Nothing on stderr for each file served."""


@pytest.fixture(scope="module")
def served_map(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """The drawing map as a page of its own with the app's vendored scripts, served on
    loopback: its URL, and the names of its drawing control and of its drawn shapes."""
    root = tmp_path_factory.mktemp("drawing")
    install_map_scripts(root / "static")
    html = drawing_map("/static/vendor").get_root().render()
    (root / "map.html").write_text(html)
    control = re.search(r"var (draw_control_\w+) = new L\.Control\.Draw", html)
    layer = re.search(r"var (drawnItems_\w+) =", html)
    assert control is not None and layer is not None
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/map.html", control.group(1), layer.group(1)
    server.shutdown()
    server.server_close()


@pytest.mark.browser
def test_a_polygon_drawn_in_chromium_with_the_vendored_leaflet_draw(
    browser: Browser, served_map: tuple[str, str, str]
):
    url, control, layer = served_map
    # Leaflet.draw ignores a click that comes within 50 ms of the last: wait until it listens.
    listening = f"() => !{control}._toolbars.draw._modes.polygon.handler._disableMarkers"
    context = browser.new_context(viewport={"width": 900, "height": 700})
    outside: list[str] = []
    keep_local(context, outside)
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(url)
        button = page.locator(".leaflet-draw-draw-polygon")
        assert button.get_attribute("title") == "Draw your neighbourhood"  # our words, not its
        button.click()
        corners = [(300, 250), (500, 250), (500, 420), (300, 420)]
        for x, y in [*corners, corners[0]]:  # closing on the first corner finishes it
            page.wait_for_function(listening)
            page.mouse.click(x, y)
            if (x, y) == corners[1]:
                expect(page.locator(".leaflet-draw-tooltip")).to_contain_text(
                    "Click the next corner."
                )
        page.wait_for_function(f"() => {layer}.getLayers().length === 1")
        polygon = polygon_from_drawings(page.evaluate(f"() => {layer}.toGeoJSON().features"))
        assert polygon is not None and len(polygon.exterior.coords) == 5
        west, south, east, north = KLUUVI
        assert west < polygon.bounds[0] < polygon.bounds[2] < east
        assert south < polygon.bounds[1] < polygon.bounds[3] < north
        sprite = page.locator(".leaflet-draw-draw-polygon").evaluate(
            "(button) => getComputedStyle(button).backgroundImage"
        )
        assert "/static/vendor/leaflet-draw/images/spritesheet.svg" in sprite
        assert outside == []
    finally:
        context.close()


def test_the_drawn_area_is_mapped_as_geojson():
    """What polygon_from_drawing returns maps back to the very feature drawn."""
    assert mapping(polygon_from_drawing(feature(SQUARE)))["coordinates"] == tuple(
        tuple(tuple(point) for point in ring) for ring in SQUARE
    )
