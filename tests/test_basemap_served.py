"""The built-in base map as the running app serves it: vector tiles from its own route, drawn
in Chromium by the vendored renderer, with every request outside loopback refused and counted.
One server for the module (`assetmap serve` with ASSETMAP_BASEMAP=builtin)."""

from __future__ import annotations

import gzip
import math
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyogrio
import pytest
from browsing import Server
from playwright.sync_api import Browser, Page

from assetmap.config import BUILTIN_BASEMAP
from assetmap.io.basemap import open_archive

from .conftest import PROJECT_DIR, WAIT_MS, keep_local

ARTIFACTS = PROJECT_DIR / "test-artifacts"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
KLUUVI = (24.944, 60.1712)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return z, int((lon + 180) / 360 * n), int(y)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    db = tmp_path_factory.mktemp("basemap") / "basemap.duckdb"
    with Server(db=db, env={"ASSETMAP_BASEMAP": "builtin"}) as running:
        yield running


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_server_answers_tiles_that_decode_as_mvt(server: Server, tmp_path: Path):
    z, x, y = tile_of(*KLUUVI, 15)
    status, headers, body = get(f"{server.url}/tiles/{z}/{x}/{y}.mvt", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["content-type"] == "application/vnd.mapbox-vector-tile"
    assert headers["content-encoding"] == "gzip" and "max-age" in headers["cache-control"]
    tile = tmp_path / f"{z}-{x}-{y}.pbf"
    tile.write_bytes(gzip.decompress(body))
    layers = {name for name, _ in pyogrio.list_layers(tile)}
    assert {"roads", "buildings", "water", "places"} <= layers
    names = set(pyogrio.read_dataframe(tile, layer="roads")["name"])
    assert "Kaisaniemenkatu" in names
    # Without gzip in Accept-Encoding the tile comes as it is; the ETag then saves it all.
    status, plain_headers, plain = get(f"{server.url}/tiles/{z}/{x}/{y}.mvt")
    assert status == 200 and plain == tile.read_bytes() and "content-encoding" not in plain_headers
    status, _, _ = get(f"{server.url}/tiles/{z}/{x}/{y}.mvt", {"If-None-Match": headers["etag"]})
    assert status == 304


@pytest.mark.parametrize(
    ("path", "status"),
    [("15/0/0", 404), ("5/17/9", 404), ("a/1/2", 400), ("3/9/1", 400), ("-1/0/0", 400)],
)
def test_tiles_outside_the_map_or_the_grid(server: Server, path: str, status: int):
    assert get(f"{server.url}/tiles/{path}.mvt")[0] == status


def test_the_demo_archive_is_small():
    assert BUILTIN_BASEMAP.stat().st_size < 5_000_000
    assert open_archive(BUILTIN_BASEMAP).max_zoom >= 15


def open_page(
    browser: Browser, width: int, outside: list[str], tiles: list[str]
) -> tuple[Page, object]:
    context = browser.new_context(viewport={"width": width, "height": 900})

    keep_local(context, outside)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.on(
        "response",
        lambda response: (
            tiles.append(response.url)
            if "/tiles/" in response.url and response.status == 200
            else None
        ),
    )
    return page, context


DRAWN_TILES = """() => [...document.querySelectorAll('canvas.leaflet-tile')].filter((c) => {
    const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    for (let i = 0; i < pixels.length; i += 4 * 97) {
        colours.add(pixels[i] * 65536 + pixels[i + 1] * 256 + pixels[i + 2]);
    }
    return colours.size > 3;
}).length"""


@pytest.mark.browser
@pytest.mark.parametrize(
    ("path", "width"), [("/", 1400), ("/add", 375), ("/planning", 1400), ("/meeting", 1400)]
)
def test_pages_draw_the_base_map_with_nothing_from_outside(
    browser: Browser, server: Server, path: str, width: int, request: pytest.FixtureRequest
):
    outside: list[str] = []
    tiles: list[str] = []
    page, context = open_page(browser, width, outside, tiles)
    try:
        page.goto(server.url + path)
        page.wait_for_selector(MAP_FRAME)
        # The Planning page has a map per tab: the first is shown.
        frame = page.locator(MAP_FRAME).first.element_handle().content_frame()
        assert frame is not None
        frame.wait_for_selector(".leaflet-container[data-asset-count]")
        frame.wait_for_selector("canvas.leaflet-tile")
        frame.wait_for_function(DRAWN_TILES.replace("() =>", "() => (") + ") > 0")
        assert tiles, "no base-map tile was fetched from the app"
        assert frame.evaluate("() => Boolean(window.assetmap.basemap)")
        assert outside == []
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
        raise
    finally:
        context.close()  # type: ignore[attr-defined]


@pytest.mark.browser
def test_the_downloaded_profile_draws_the_base_map(browser: Browser, server: Server):
    outside: list[str] = []
    page, context = open_page(browser, 1400, outside, [])
    try:
        page.goto(server.url + "/profile")
        with page.expect_download() as download:
            page.get_by_role("button", name="Download to print or share").click()
        document = Path(download.value.path()).read_text(encoding="utf-8")
        svg = document[document.index("<svg") : document.index("</svg>")]
        assert 'class="basemap-road"' in svg and 'class="basemap-building"' in svg
        assert outside == []
    finally:
        context.close()  # type: ignore[attr-defined]
