"""The Map page's payload over HTTP (api/map_data.py), through the real server under a base
path (server.baseUrlPath), as a reverse proxy with a path of its own would serve it.

Playwright's request routing turns the browser's HTTP cache off, so these pages are not
kept local by routing (conftest.keep_local): the server has no base map, and nothing on the
Map page asks another host.
"""

from __future__ import annotations

import base64
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from browsing import Server
from playwright.sync_api import BrowserContext, Page

from assetmap.demo import load_demo
from assetmap.storage import connect

from .conftest import ADMIN, FULL_DEMO_ASSET_COUNT, WAIT_MS
from .test_browser import TEAM_PASSWORD, add_team_member, map_frame

pytestmark = pytest.mark.browser

BASE = "atlas"
A_DEMO_NAME = "Oodi"
"""An asset of the demo, drawn on every map of it."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`streamlit run server.py` under the base path, as a replica behind a proxy runs."""
    db = tmp_path_factory.mktemp("map_data") / "map_data.duckdb"
    with connect(str(db)) as opened:
        load_demo(opened, ADMIN)
    add_team_member(db)
    running = Server(db=db, streamlit_run=True, env={"STREAMLIT_SERVER_BASE_URL_PATH": BASE})
    running.launch()
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{running.url}/{BASE}/_stcore/health", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline or running.process.poll() is not None:
                running.stop()
                raise
            time.sleep(0.2)
    yield running
    running.stop()


class Received:
    """What a page receives, as Chromium counts it: the map-data responses and their bytes
    over the network (0 when taken from the cache), and the websocket's frames."""

    def __init__(self, context: BrowserContext, page: Page) -> None:
        self.urls: dict[str, str] = {}
        self.map_data: list[tuple[str, int]] = []
        self.frames: list[bytes] = []
        session = context.new_cdp_session(page)
        session.send("Network.enable")
        session.on("Network.requestWillBeSent", self._request)
        session.on("Network.loadingFinished", self._finished)
        session.on("Network.webSocketFrameReceived", self._frame)

    def _request(self, event: dict[str, Any]) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event: dict[str, Any]) -> None:
        url = self.urls.get(event["requestId"], "")
        if "/map-data/" in url:
            self.map_data.append((url, int(event["encodedDataLength"])))

    def _frame(self, event: dict[str, Any]) -> None:
        response = event["response"]
        text = response["payloadData"]
        self.frames.append(base64.b64decode(text) if response["opcode"] == 2 else text.encode())


def test_the_map_fetches_its_payload_once_and_a_reload_takes_it_from_the_cache(
    context: BrowserContext, server: Server
):
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    received = Received(context, page)
    page.goto(f"{server.url}/{BASE}/")
    frame = map_frame(page)
    assert frame.locator(".leaflet-container").get_attribute("data-asset-count") == str(
        FULL_DEMO_ASSET_COUNT
    )
    [(url, size)] = received.map_data
    assert url.startswith(f"{server.url}/{BASE}/map-data/") and size > 1000
    # The names travel in the payload, not in the websocket with the map's script.
    [script] = [sent for sent in received.frames if b"addAssets" in sent]
    assert url.removeprefix(server.url).encode() in script and A_DEMO_NAME.encode() not in script
    assert A_DEMO_NAME in frame.evaluate(
        "() => window.assetmap.assets.getLayers().map((m) => m.feature.properties.name).join()"
    )

    page.reload()
    map_frame(page)
    assert sum(size for _, size in received.map_data[1:]) == 0


def test_a_team_map_payload_is_served_to_the_team_only(context: BrowserContext, server: Server):
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    received = Received(context, page)
    page.goto(f"{server.url}/{BASE}/account")
    page.get_by_label("User name").fill("kari")
    page.get_by_role("textbox", name="Password").fill(TEAM_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Logged in as kari").wait_for()
    page.goto(f"{server.url}/{BASE}/")
    map_frame(page)
    team_url = received.map_data[-1][0]

    assert context.request.get(team_url).status == 200
    visitor = context.browser.new_context() if context.browser else None
    assert visitor is not None
    refused = visitor.request.get(team_url)
    assert refused.status == 403 and refused.text() == "This map data is for the team."
    unknown = visitor.request.get(f"{server.url}/{BASE}/map-data/{'0' * 32}")
    assert unknown.status == 404
    visitor.close()


def test_open_maps_receive_nothing_while_nothing_changes_and_a_change_at_once(
    context: BrowserContext, server: Server
):
    """Three tabs of one browser: one request waits for them all (a browser keeps six
    connections to a host), nothing arrives while nothing changes, and a change reaches each."""
    waiting: set[Any] = set()
    context.on(
        "request", lambda request: waiting.add(request) if "/data-version" in request.url else None
    )
    context.on("requestfinished", lambda request: waiting.discard(request))
    context.on("requestfailed", lambda request: waiting.discard(request))
    tabs = []
    for _ in range(3):
        tab = context.new_page()
        tab.set_default_timeout(WAIT_MS)
        tabs.append((tab, Received(context, tab)))
        tab.goto(f"{server.url}/{BASE}/")
        map_frame(tab)
    tabs[0][0].wait_for_timeout(1_500)  # the loads' last messages
    settled = [len(received.frames) for _, received in tabs]
    tabs[0][0].wait_for_timeout(4_000)
    assert [len(received.frames) for _, received in tabs] == settled
    assert len(waiting) == 1

    adder = context.new_page()
    adder.goto(f"{server.url}/{BASE}/add")
    adder.get_by_label("Longitude (east–west)").fill("24.9440")
    adder.get_by_label("Latitude (north–south)").fill("60.1690")
    adder.get_by_role("textbox", name="Name", exact=True).fill("Pending reading circle")
    adder.get_by_role("button", name="Send for review").click()
    adder.get_by_text("waits for review").wait_for()
    # Each open map's fragment runs again and sends what changed (here: nothing drawn).
    for tab, _ in tabs:
        tab.wait_for_selector("[data-assetmap-changes]", state="attached", timeout=5_000)
    adder.close()
