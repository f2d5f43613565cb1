"""A real `streamlit run` driven by Debian's Chromium through Playwright.

The browser may only talk to the app: every other request is recorded and refused, so
a script, style or tile from a CDN fails the test instead of passing unnoticed.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from browsing import ASSETMAP, Server
from playwright.sync_api import Browser, Frame, Page, expect
from playwright.sync_api import Error as PlaywrightError
from pyproj import Geod

from .conftest import FULL_DEMO_ASSET_COUNT, PROJECT_DIR, WAIT_MS, local_page

pytestmark = pytest.mark.browser

ARTIFACTS = PROJECT_DIR / "test-artifacts"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
IDLE_APP = '[data-testid="stApp"][data-test-script-state="notRunning"]'
TEAM_PASSWORD = "a long enough secret"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    db = tmp_path_factory.mktemp("browser") / "browser.duckdb"
    add_team_member(db)
    running = Server(db=db)
    running.start()
    yield running
    running.stop()


@pytest.fixture
def outside_requests() -> list[str]:
    return []


@pytest.fixture
def page(
    browser: Browser, outside_requests: list[str], request: pytest.FixtureRequest
) -> Iterator[Page]:
    opened = local_page(browser, outside_requests)
    yield opened
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    opened.context.close()


ZOOM_IN_AND_MARK = """() => { const map = window.assetmap.map; window.watched = true;
    map.setZoom(map.getZoom() + 1, {animate: false}); return map.getZoom(); }"""


def map_frame(page: Page) -> Frame:
    """The page's live map, once it has drawn its assets. A change of filters may replace the
    map while it is looked for: then the new one is waited for."""
    for _ in range(5):
        # A rerun that replaces the map shows the new one beside the old until it ends.
        page.wait_for_selector(IDLE_APP, state="attached")
        page.wait_for_function(f"() => document.querySelectorAll('{MAP_FRAME}').length === 1")
        handles = page.query_selector_all(MAP_FRAME)
        frame = handles[0].content_frame() if len(handles) == 1 else None
        if frame is None:
            continue
        try:
            frame.wait_for_selector(".leaflet-container[data-asset-count]")
        except PlaywrightError:
            if not frame.is_detached():
                raise
            continue
        if len(page.query_selector_all(MAP_FRAME)) == 1 and not frame.is_detached():
            return frame
    raise AssertionError("the map was replaced five times while it was looked for")


def test_map_renders_the_demo_assets_and_areas(
    page: Page, server: Server, outside_requests: list[str]
):
    page.goto(server.url)
    frame = map_frame(page)
    assert frame.locator(".leaflet-container").get_attribute("data-asset-count") == str(
        FULL_DEMO_ASSET_COUNT
    )
    assert frame.evaluate("() => window.assetmap.areas.getLayers().length") == 6
    expect(frame.locator(".leaflet-control-attribution")).to_contain_text("OpenStreetMap")
    assert outside_requests == []


def test_clicking_an_asset_opens_its_popup(page: Page, server: Server):
    page.goto(server.url)
    frame = map_frame(page)
    name, x, y = frame.evaluate(
        """() => {
            const marker = window.assetmap.assets.getLayers()[0];
            const point = window.assetmap.map.latLngToContainerPoint(marker.getLatLng());
            return [marker.feature.properties.name, point.x, point.y];
        }"""
    )
    frame.locator(".leaflet-container").click(position={"x": x, "y": y})
    popup = frame.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(name)
    expect(popup).to_contain_text("Kind")


def test_no_request_leaves_localhost(page: Page, server: Server, outside_requests: list[str]):
    scripts: list[str] = []
    page.on(
        "request",
        lambda req: (
            scripts.append(req.url) if req.resource_type in ("script", "stylesheet") else None
        ),
    )
    for path in ("/review", "/add", "/"):
        page.goto(server.url + path)
        # Not "networkidle": an open map always holds one request, waiting for new data.
        page.wait_for_load_state("load")
        page.wait_for_timeout(1_500)
    map_frame(page)
    assert outside_requests == []
    assert any(url.endswith("/app/static/vendor/leaflet/leaflet.js") for url in scripts)


def test_visitor_opening_team_pages_by_address_gets_the_map(page: Page, server: Server):
    for path in ("/review", "/history", "/accounts", "/layers"):
        page.goto(server.url + path)
        expect(page.get_by_role("heading", name="Community assets")).to_be_visible()
        expect(page.get_by_role("button", name="Approve chosen")).to_have_count(0)
    expect(page.get_by_role("link", name="Review")).to_have_count(0)


def test_a_javascript_website_is_refused_on_the_add_page(page: Page, server: Server):
    page.goto(server.url + "/add")
    page.get_by_label("Longitude (east–west)").fill("24.945")
    page.get_by_label("Latitude (north–south)").fill("60.170")
    page.get_by_role("textbox", name="Name", exact=True).fill("Sneaky")
    page.get_by_label("Website").fill("javascript:alert(document.cookie)")
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("A website must be a web address starting with http")).to_be_visible()


def test_clicking_the_map_on_the_add_page_fills_the_location(page: Page, server: Server):
    page.goto(server.url + "/add")
    frame = map_frame(page)
    frame.locator(".leaflet-container").click(position={"x": 120, "y": 200})
    longitude = page.get_by_label("Longitude (east–west)")
    expect(longitude).not_to_have_value("")
    lon = float(longitude.input_value())
    lat = float(page.get_by_label("Latitude (north–south)").input_value())
    assert 24.9 < lon < 25.0 and 60.15 < lat < 60.19


PICKED_PIN = """() => { const found = []; window.assetmap.map.eachLayer(layer => {
    if (layer instanceof L.CircleMarker && layer.options.color === '#1a1a1a'
        && layer.options.radius === 9) { found.push([layer.getLatLng().lng,
                                                     layer.getLatLng().lat]); }
    }); return found; }"""
PIN_AT = f"(lon) => {{ const pins = ({PICKED_PIN})(); "
PIN_AT += "return pins.length === 1 && Math.abs(pins[0][0] - lon) < 1e-6; }"


def osm_points(street: str, number: str) -> list[tuple[float, float]]:
    """The demo's OSM points of an address (a node, a building, entrances)."""
    with (PROJECT_DIR / "data" / "demo" / "gazetteer.csv").open(encoding="utf-8") as file:
        return [
            (float(row["lon"]), float(row["lat"]))
            for row in csv.DictReader(file)
            if (row["kind"], row["name"], row["number"]) == ("address", street, number)
        ]


IN_THE_MIDDLE = """([lon, lat]) => { const map = window.assetmap.map;
    return map.getZoom() >= 16 && map.getBounds().pad(-0.3).contains([lat, lon]); }"""
MAP_CENTRE = """() => { const centre = window.assetmap.map.getCenter();
    return [centre.lng, centre.lat]; }"""
MAP_CENTRED_ON = """([lon, lat, metres]) => { const map = window.assetmap.map;
    return map.getZoom() >= 16 && map.distance(map.getCenter(), [lat, lon]) < metres; }"""


def test_the_maps_search_goes_to_an_address_with_every_asset_around_it(page: Page, server: Server):
    page.goto(server.url)
    map_frame(page)
    search = page.get_by_label("Search by name or address")
    search.fill("Aleksanterinkatu 15 B")
    search.press("Enter")
    expect(page.get_by_role("combobox", name="Show on the map")).to_have_value(
        re.compile(r"^Aleksanterinkatu 15 B($|,)")
    )
    expect(page.get_by_text("No asset is called “Aleksanterinkatu 15 B”")).to_be_visible()
    expect(page.get_by_text(f"Showing {FULL_DEMO_ASSET_COUNT} of")).to_be_visible()
    frame = map_frame(page)
    expect(frame.get_by_role("tooltip", name=re.compile(r"^Aleksanterinkatu 15 B"))).to_be_visible()
    frame.wait_for_function(MAP_CENTRED_ON, arg=[*osm_points("Aleksanterinkatu", "15 B")[0], 30])

    # A search that names assets filters them and leaves the map where it is, until a place
    # is chosen.
    centre = frame.evaluate(MAP_CENTRE)
    search.fill("puisto")
    search.press("Enter")
    expect(page.get_by_text("No asset is called")).to_have_count(0)
    shown = page.get_by_text(re.compile(r"^Showing \d+ of"))
    expect(shown).not_to_have_text(f"Showing {FULL_DEMO_ASSET_COUNT} of {FULL_DEMO_ASSET_COUNT}")
    frame = map_frame(page)
    assert frame.evaluate(MAP_CENTRE) == pytest.approx(centre, abs=3e-5)  # a pixel or two
    chosen = page.get_by_role("combobox", name="Show on the map")
    chosen.click()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(chosen).to_have_value(re.compile(r"puisto", re.IGNORECASE))
    name = chosen.input_value().split(",")[0]
    frame = map_frame(page)
    expect(frame.get_by_role("tooltip", name=re.compile(f"^{re.escape(name)}"))).to_be_visible()
    frame.wait_for_function(f"() => ({MAP_CENTRE})()[0] !== {centre[0]}")


def test_a_typed_address_moves_the_pin_and_the_asset_is_stored_there(
    page: Page, server: Server, outside_requests: list[str]
):
    geod = Geod(ellps="WGS84")
    page.goto(server.url + "/add")
    search = page.get_by_label("Find an address or place")
    longitude = page.get_by_label("Longitude (east–west)")
    for typed, street, number in (
        ("kaisaniemenk 5", "Kaisaniemenkatu", "5"),
        ("Aleksanterinkatu 15 B", "Aleksanterinkatu", "15 B"),
        ("mannerheimintie 10", "Mannerheimintie", "10"),
    ):
        before = longitude.input_value()
        search.fill(typed)
        search.press("Enter")
        chosen = page.get_by_role("combobox", name="Choose an address or place")
        expect(chosen).to_have_value(re.compile(rf"^{street} {number}($|,)"), timeout=WAIT_MS)
        expect(longitude).not_to_have_value(before, timeout=WAIT_MS)
        frame = map_frame(page)
        frame.wait_for_function(PIN_AT, arg=float(longitude.input_value()), polling=100)
        pin = frame.evaluate(PICKED_PIN)[0]
        fields = (
            float(longitude.input_value()),
            float(page.get_by_label("Latitude (north–south)").input_value()),
        )
        assert abs(fields[0] - pin[0]) < 1e-6 and abs(fields[1] - pin[1]) < 1e-6
        frame.wait_for_function(IN_THE_MIDDLE, arg=pin, polling=100)
        nearest = min(geod.inv(*pin, *point)[2] for point in osm_points(street, number))
        assert nearest < 30, (typed, nearest)
    page.get_by_role("textbox", name="Name", exact=True).fill("Mannerheimintie readers")
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("waits for review")).to_be_visible(timeout=WAIT_MS)
    assert outside_requests == []


ACCURACY_CIRCLES = """() => { const radii = []; window.assetmap.map.eachLayer(layer => {
    if (layer instanceof L.Circle) { radii.push(layer.getRadius()); } }); return radii; }"""


def phone_page(browser: Browser, **settings) -> Page:  # type: ignore[no-untyped-def]
    """A 375 px wide phone screen that may only talk to the app."""
    return local_page(browser, viewport={"width": 375, "height": 800}, **settings)


def test_use_my_location_on_a_phone_places_the_pin_with_its_accuracy(
    browser: Browser, server: Server
):
    page = phone_page(
        browser,
        geolocation={"longitude": 24.9478, "latitude": 60.1713, "accuracy": 25},
        permissions=["geolocation"],
    )
    try:
        page.goto(server.url + "/add")
        page.get_by_role("button", name="Use my location").click()
        expect(page.get_by_label("Longitude (east–west)")).to_have_value(
            "24.947800", timeout=WAIT_MS
        )
        expect(page.get_by_label("Latitude (north–south)")).to_have_value(
            "60.171300", timeout=WAIT_MS
        )
        map_frame(page).wait_for_function(f"() => ({ACCURACY_CIRCLES})().includes(25)")
        expect(page.get_by_text("Nearest address: Kaisaniemenkatu 5")).to_be_visible(
            timeout=WAIT_MS
        )
        # Tapped elsewhere and panned away, the map comes back when asked again.
        longitude = page.get_by_label("Longitude (east–west)")
        map_frame(page).locator(".leaflet-container").click(position={"x": 250, "y": 120})
        expect(longitude).not_to_have_value("24.947800", timeout=WAIT_MS)
        map_frame(page).evaluate(
            "() => window.assetmap.map.setView([60.16, 24.93], 15, {animate: false})"
        )
        page.get_by_role("button", name="Use my location").click()
        expect(longitude).to_have_value("24.947800", timeout=WAIT_MS)
        map_frame(page).wait_for_function(IN_THE_MIDDLE, arg=[24.9478, 60.1713], polling=100)
        page.get_by_role("textbox", name="Name", exact=True).fill("Found on a phone")
        page.get_by_role("button", name="Send for review").click()
        expect(page.get_by_text("waits for review")).to_be_visible(timeout=WAIT_MS)
    finally:
        page.context.close()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, "did not share your location"),
        (
            {
                "geolocation": {"longitude": 10.75, "latitude": 59.91},
                "permissions": ["geolocation"],
            },
            "more than 25 km from this map's neighbourhoods",
        ),
    ],
)
def test_use_my_location_says_why_it_cannot_place_the_pin(
    browser: Browser, server: Server, settings: dict, message: str
):
    page = phone_page(browser, **settings)
    try:
        page.goto(server.url + "/add")
        page.get_by_role("button", name="Use my location").click()
        expect(page.get_by_text(message)).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_label("Longitude (east–west)")).to_have_value("", timeout=WAIT_MS)
    finally:
        page.context.close()


def log_in(page: Page, server: Server, name: str = "kari") -> None:
    page.goto(server.url + "/account")
    page.get_by_label("User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(TEAM_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(f"Logged in as {name}")).to_be_visible()


def add_team_member(db: Path | str, name: str = "kari", role: str = "team") -> None:
    subprocess.run(
        [ASSETMAP, "--db", str(db), "user", "add", name, "--role", role],
        input=TEAM_PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )


def test_an_asset_added_in_the_browser_is_reviewed_mapped_and_exported(
    page: Page, tmp_path: Path, outside_requests: list[str]
):
    db = tmp_path / "flow.duckdb"
    add_team_member(db)
    server = Server(db=db)
    server.start()
    try:
        page.goto(server.url + "/add")
        map_frame(page).locator(".leaflet-container").click(position={"x": 300, "y": 200})
        expect(page.get_by_label("Longitude (east–west)")).not_to_have_value("")
        name = page.get_by_role("textbox", name="Name", exact=True)
        name.fill("Töölönlahti <script>alert('x')</script> walkers")
        page.get_by_role("button", name="Send for review").click()
        expect(page.get_by_text("waits for review")).to_be_visible()
        expect(page.get_by_label("Longitude (east–west)")).to_have_value("")
        expect(page.get_by_text("waits for review")).to_be_visible()

        # A visitor's map, open and zoomed in while the team approves: it updates in place.
        # (In a window of its own: a background tab's timers are slowed down.)
        browser = page.context.browser
        assert browser is not None
        watcher = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        watcher.goto(server.url)
        watched = map_frame(watcher)
        zoom = watched.evaluate(ZOOM_IN_AND_MARK)

        page.goto(server.url + "/review")
        expect(page.get_by_role("heading", name="Community assets")).to_be_visible()
        expect(page.get_by_role("link", name="Review")).to_have_count(0)
        log_in(page, server)
        page.get_by_role("link", name="Review").click()
        expect(page.get_by_text("Assets waiting for review: 1")).to_be_visible()
        page.get_by_role("button", name="Choose all 1").click()
        page.get_by_role("button", name="Approve chosen (1)").click()
        expect(page.get_by_text("Nothing waits for review")).to_be_visible()

        expect(watched.locator(".leaflet-container")).to_have_attribute(
            "data-asset-count", str(FULL_DEMO_ASSET_COUNT + 1)
        )
        assert watched.evaluate("() => [window.watched, window.assetmap.map.getZoom()]") == [
            True,
            zoom,
        ]
        names = watched.evaluate(
            "() => window.assetmap.assets.getLayers().map(l => l.feature.properties.name)"
        )
        assert "Töölönlahti <script>alert('x')</script> walkers" in names
        expect(watcher.get_by_text(f"Showing {FULL_DEMO_ASSET_COUNT + 1} of")).to_be_visible()

        page.goto(server.url)
        frame = map_frame(page)
        expect(frame.locator(".leaflet-container")).to_have_attribute(
            "data-asset-count", str(FULL_DEMO_ASSET_COUNT + 1)
        )
        assert outside_requests == []
    finally:
        server.stop()
    exported = subprocess.run(
        [ASSETMAP, "--db", str(server.db), "export", "assets", "-o", "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    names = [f["properties"]["name"] for f in json.loads(exported)["features"]]
    assert "Töölönlahti <script>alert('x')</script> walkers" in names


def test_two_replicas_on_one_postgres_see_each_others_writes(page: Page, postgres_url: str):
    """Added on one app process, approved on another, shown on the first: one shared truth."""
    add_team_member(postgres_url)
    first, second = Server(db=postgres_url), Server(db=postgres_url)
    first.start()
    second.start()
    try:
        page.goto(first.url + "/add")
        page.get_by_label("Longitude (east–west)").fill("24.9440")
        page.get_by_label("Latitude (north–south)").fill("60.1690")
        page.get_by_role("textbox", name="Name", exact=True).fill("Kallio choir")
        page.get_by_role("button", name="Send for review").click()
        expect(page.get_by_text("waits for review")).to_be_visible()

        log_in(page, second)
        page.get_by_role("link", name="Review").click()
        page.get_by_role("button", name="Choose all 1").click()
        page.get_by_role("button", name="Approve chosen (1)").click()
        expect(page.get_by_text("Nothing waits for review")).to_be_visible()

        page.goto(first.url)
        expect(map_frame(page).locator(".leaflet-container")).to_have_attribute(
            "data-asset-count", str(FULL_DEMO_ASSET_COUNT + 1)
        )
    finally:
        first.stop()
        second.stop()


XSS_PAYLOADS = [
    '<img src=x onerror="window.__xss=1;alert(1)">',
    "</script><script>window.__xss=2;alert(2)</script>",
    "`${window.__xss=3}` ${alert(3)}",
    "{{ 7*1913 }} {% raw %} {# c #}",
    '"><svg onload="window.__xss=4;alert(4)">',
    "'; window.__xss=5; alert(5); //",
    '<a href="javascript:alert(6)">click me</a>',
    "**bold** [link](javascript:alert(7)) :red[x]",
]


def payload_features() -> dict[str, object]:
    features = []
    for number, payload in enumerate(XSS_PAYLOADS):
        properties = {
            "kind": "association",
            "category": "cultural_group",
            "name": payload,
            "description": payload,
            "address": payload,
            "opening_hours": payload,
            "tags": payload[:40].replace(",", " "),
            "languages": payload[:40].replace(",", " "),
            "phone": payload[:40],
            "contact_public": True,
            "website": "https://example.org/?q=" + payload.replace(" ", "%20"),
        }
        point = {"type": "Point", "coordinates": [24.940 + number * 0.001, 60.170]}
        features.append({"type": "Feature", "properties": properties, "geometry": point})
    return {"type": "FeatureCollection", "features": features}


@pytest.fixture(scope="module")
def payload_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    directory = tmp_path_factory.mktemp("xss")
    db = directory / "xss.duckdb"
    source = directory / "payloads.geojson"
    source.write_text(json.dumps(payload_features()), encoding="utf-8")
    for command in (["load-demo"], ["import-assets", str(source), "--status", "approved"]):
        subprocess.run([ASSETMAP, "--db", str(db), *command], check=True, capture_output=True)
    add_team_member(db)
    running = Server(db=db)
    running.start()
    yield running
    running.stop()


def test_user_text_never_executes(browser: Browser, payload_server: Server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    dialogs: list[str] = []
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(payload_server.url)
        frame = map_frame(page)
        shown = frame.evaluate(
            """() => {
                const texts = [];
                for (const layer of window.assetmap.assets.getLayers()) {
                    layer.openPopup();
                    texts.push(layer.getPopup().getElement().textContent);
                    layer.closePopup();
                    layer.openTooltip();
                    texts.push(layer.getTooltip().getElement().textContent);
                    layer.closeTooltip();
                }
                for (const area of window.assetmap.areas.getLayers()) {
                    area.openTooltip(area.getBounds().getCenter());
                    area.closeTooltip();
                }
                return texts;
            }"""
        )
        joined = "\n".join(shown)
        for payload in XSS_PAYLOADS:
            assert payload in joined  # shown as text, exactly as typed
        assert frame.evaluate("() => window.__xss") is None
        links = frame.evaluate("() => [...document.querySelectorAll('a')].map(a => a.href)")
        assert not any(link.startswith("javascript:") for link in links)

        log_in(page, payload_server)
        page.get_by_role("link", name="History and erasure").click()
        page.get_by_label("Find an asset by name").fill("svg")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Changes", exact=True)).to_be_visible()
        assert page.evaluate("() => window.__xss") is None
        assert dialogs == []
    finally:
        context.close()


def test_team_member_imports_a_csv_after_a_preview(page: Page, server: Server, tmp_path: Path):
    header = "kind;category;x;y;"
    broken, fixed = tmp_path / "groups.csv", tmp_path / "groups-fixed.csv"
    broken.write_text(f"{header}navn\nassociation;cultural_group;24,9452;60,1702;Strikk\n")
    fixed.write_text(f"{header}name\nassociation;cultural_group;24,9452;60,1702;Strikkeklubben\n")
    log_in(page, server)
    page.get_by_role("link", name="Import").click()
    page.locator('input[type="file"]').set_input_files(str(broken))
    expect(page.get_by_text("New: 0. Already on the map: 0. With problems: 1.")).to_be_visible()
    expect(page.get_by_text("nothing is imported while any row has a problem")).to_be_visible()
    page.locator('input[type="file"]').set_input_files(str(fixed))
    expect(page.get_by_text("New: 1. Already on the map: 0. With problems: 0.")).to_be_visible()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("Imported 1 assets; updated 0; skipped 0.")).to_be_visible()


def test_export_page_downloads_a_file_gdal_reads(page: Page, server: Server, tmp_path: Path):
    page.goto(server.url + "/exports")
    expect(page.get_by_text("rows will be exported")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".geojson"
    import pyogrio

    read = pyogrio.read_dataframe(path)
    assert len(read) >= FULL_DEMO_ASSET_COUNT and read.crs == "EPSG:4326"


def test_printable_profile_opens_offline(browser: Browser, tmp_path: Path):
    from datetime import UTC, datetime

    from assetmap.accounts import SYSTEM
    from assetmap.demo import load_demo
    from assetmap.register.assets import list_assets
    from assetmap.register.privacy import public_assets
    from assetmap.register.profile import area_profile
    from assetmap.render.documents import profile_html
    from assetmap.storage import connect

    moment = datetime.now(UTC).replace(tzinfo=None)
    with connect(str(tmp_path / "p.duckdb")) as db:
        load_demo(db, SYSTEM, minimal=True)
        profile = area_profile(db, "kluuvi", public_assets(list_assets(db), moment), moment)
    path = tmp_path / "profile.html"
    path.write_text(profile_html(profile, moment), encoding="utf-8")
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda req: requests.append(req.url))
    page = context.new_page()
    try:
        page.goto(path.as_uri())
        expect(page.get_by_role("heading", name="Kluuvi")).to_be_visible()
        assert page.locator("svg circle").count() == len(profile.assets)
        page.emulate_media(media="print")
        pdf = page.pdf()
        assert pdf.startswith(b"%PDF")
    finally:
        context.close()
    assert requests == [path.as_uri()]


def test_a_pending_asset_leaves_an_open_map_as_it_was(page: Page, server: Server):
    """A write that changes nothing drawn (a new pending asset) sends no asset to open maps."""
    page.goto(server.url)
    frame = map_frame(page)
    browser = page.context.browser
    assert browser is not None
    adder = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    adder.goto(server.url + "/add")
    adder.get_by_label("Longitude (east–west)").fill("24.9440")
    adder.get_by_label("Latitude (north–south)").fill("60.1690")
    adder.get_by_role("textbox", name="Name", exact=True).fill("Pending reading circle")
    adder.get_by_role("button", name="Send for review").click()
    expect(adder.get_by_text("waits for review")).to_be_visible()
    page.wait_for_selector("[data-assetmap-changes]", state="attached")
    page.wait_for_timeout(1_500)  # the map handles a change as soon as it sees it
    assert frame.locator(".leaflet-container").get_attribute("data-asset-count") == str(
        FULL_DEMO_ASSET_COUNT
    )
    assert (
        frame.evaluate("() => window.assetmap.assets.getLayers().length") == FULL_DEMO_ASSET_COUNT
    )
