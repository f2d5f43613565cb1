"""A real `streamlit run` driven by Debian's Chromium through Playwright.

The browser may only talk to the app: every other request is recorded and refused, so
a script, style or tile from a CDN fails the test instead of passing unnoticed.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Frame, Page, Playwright, expect, sync_playwright

from .conftest import DEMO_ASSET_COUNT, PROJECT_DIR

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("ASSETMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = PROJECT_DIR / "test-artifacts"
LOCAL_HOSTS = {"localhost", "127.0.0.1"}
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
WAIT_MS = 30_000
ASSETMAP = str(Path(sys.executable).parent / "assetmap")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    db: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "ASSETMAP_DB": str(self.db), "ASSETMAP_TILES": "none"}
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(PROJECT_DIR / "app.py"),
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--server.enableStaticServing",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ]
        self.process = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "streamlit run exited while starting"
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError("streamlit did not become healthy within 90 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def demo_server(directory: Path) -> Server:
    db = directory / "browser.duckdb"
    subprocess.run([ASSETMAP, "--db", str(db), "load-demo"], check=True, capture_output=True)
    server = Server(db=db)
    server.start()
    return server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = demo_server(tmp_path_factory.mktemp("browser"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def outside_requests() -> list[str]:
    return []


@pytest.fixture
def page(
    browser: Browser, outside_requests: list[str], request: pytest.FixtureRequest
) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})

    def only_local(route, req) -> None:  # type: ignore[no-untyped-def]
        if urlparse(req.url).hostname in LOCAL_HOSTS or req.url.startswith("data:"):
            route.continue_()
        else:
            outside_requests.append(req.url)
            route.abort()

    context.route("**/*", only_local)
    opened = context.new_page()
    opened.set_default_timeout(WAIT_MS)
    yield opened
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def map_frame(page: Page) -> Frame:
    page.wait_for_selector(MAP_FRAME)
    frame = page.frame_locator(MAP_FRAME).owner.element_handle().content_frame()
    assert frame is not None
    frame.wait_for_selector(".leaflet-container[data-asset-count]")
    return frame


def test_map_renders_the_demo_assets_and_areas(
    page: Page, server: Server, outside_requests: list[str]
):
    page.goto(server.url)
    frame = map_frame(page)
    assert frame.locator(".leaflet-container").get_attribute("data-asset-count") == str(
        DEMO_ASSET_COUNT
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
        page.wait_for_load_state("networkidle")
    map_frame(page)
    assert outside_requests == []
    assert any(url.endswith("/app/static/vendor/leaflet/leaflet.js") for url in scripts)


def test_clicking_the_map_on_the_add_page_fills_the_location(page: Page, server: Server):
    page.goto(server.url + "/add")
    frame = map_frame(page)
    frame.locator(".leaflet-container").click(position={"x": 120, "y": 200})
    longitude = page.get_by_label("Longitude (east–west)")
    expect(longitude).not_to_have_value("")
    lon = float(longitude.input_value())
    lat = float(page.get_by_label("Latitude (north–south)").input_value())
    assert 24.9 < lon < 25.0 and 60.15 < lat < 60.19


def test_an_asset_added_in_the_browser_is_reviewed_mapped_and_exported(
    page: Page, tmp_path: Path, outside_requests: list[str]
):
    server = demo_server(tmp_path)
    try:
        page.goto(server.url + "/add")
        map_frame(page).locator(".leaflet-container").click(position={"x": 300, "y": 200})
        expect(page.get_by_label("Longitude (east–west)")).not_to_have_value("")
        page.get_by_label("Name").fill("Töölönlahti <script>alert('x')</script> walkers")
        page.get_by_role("button", name="Send for review").click()
        expect(page.get_by_text("waits for review")).to_be_visible()

        page.goto(server.url + "/review")
        expect(page.get_by_text("Assets waiting for review: 1")).to_be_visible()
        page.get_by_role("button", name="Approve").click()
        expect(page.get_by_text("Nothing waits for review")).to_be_visible()

        page.goto(server.url)
        frame = map_frame(page)
        expect(frame.locator(".leaflet-container")).to_have_attribute(
            "data-asset-count", str(DEMO_ASSET_COUNT + 1)
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
