"""Drawing the team's own neighbourhood on the Planning page, in Chromium, as a planner
does: the outline drawn with the map's own tool, and its estimated figures shown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browsing import Server
from playwright.sync_api import Browser, Frame, Page, expect

from .conftest import WAIT_MS, local_page

pytestmark = pytest.mark.browser

# Leaflet.draw ignores a click that comes within 50 ms of the last: wait until it listens.
LISTENING = """() => { const name = Object.keys(window).find(k => k.startsWith("draw_control_"));
    return !window[name]._toolbars.draw._modes.polygon.handler._disableMarkers; }"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(db=tmp_path_factory.mktemp("own") / "own.duckdb")
    running.start()
    yield running
    running.stop()


def drawing_frame(page: Page) -> Frame:
    """The map with the drawing tools (the page's other tabs hold maps too)."""
    page.locator("iframe").first.wait_for(state="attached")
    for _ in range(WAIT_MS // 100):
        for frame in page.frames:
            if frame.locator(".leaflet-draw-draw-polygon").count():
                return frame
        page.wait_for_timeout(100)
    raise AssertionError("no map with the drawing tools")


def test_a_neighbourhood_drawn_on_the_planning_page_gets_estimated_figures(
    browser: Browser, server: Server
):
    outside: list[str] = []
    page = local_page(browser, outside)
    try:
        page.goto(server.url + "/planning")
        page.get_by_role("tab", name="Your own neighbourhood").click()
        frame = drawing_frame(page)
        frame.locator(".leaflet-draw-draw-polygon").click()
        box = frame.locator(".leaflet-container").bounding_box()
        assert box is not None
        x, y = box["width"] / 2, box["height"] / 2
        for dx, dy in [(-120, -90), (120, -90), (120, 90), (-120, 90), (-120, -90)]:
            frame.wait_for_function(LISTENING)
            frame.locator(".leaflet-container").click(position={"x": x + dx, "y": y + dy})
        figures = page.locator("[data-testid=stDataFrame]").filter(has_text="Estimate")
        expect(figures).to_have_count(1)
        expect(figures).to_contain_text("Residents (illustrative)")
        assert outside == []
    finally:
        page.context.close()
