"""A map's address in the browser: the filters, view and popup a person chose are in the
address, and that address opened elsewhere shows the same map."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import local_page
from .test_browser import Server, add_team_member, map_frame

pytestmark = pytest.mark.browser

MAP_STATE = """() => {
    const map = window.assetmap.map, popup = map._popup;
    const open = popup && map.hasLayer(popup);
    return {lat: map.getCenter().lat, lng: map.getCenter().lng, zoom: map.getZoom(),
            popup: open ? popup.getContent().querySelector("strong").textContent : null};
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    db = tmp_path_factory.mktemp("permalink") / "permalink.duckdb"
    add_team_member(db)
    running = Server(db=db)
    running.start()
    yield running
    running.stop()


def query(page: Page) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(page.url).query).items()}


def test_a_shared_address_opens_the_same_filters_view_and_popup(browser: Browser, server: Server):
    outside: list[str] = []
    page = local_page(browser, outside)
    page.goto(server.url)
    frame = map_frame(page)
    # Filters: places only, searching "puisto" (park).
    page.get_by_role("combobox", name="Kind").first.click()
    page.get_by_role("option", name="Place").click()
    page.keyboard.press("Escape")
    page.get_by_label("Search by name").fill("puisto")
    page.get_by_label("Search by name").press("Enter")
    expect(page).to_have_url(re.compile(r"q=puisto"))
    frame = map_frame(page)
    # The view: zoom in on a park, and open its popup.
    frame.evaluate("() => window.assetmap.map.setView([60.1705, 24.9450], 16, {animate: false})")
    expect(page).to_have_url(
        re.compile(r"map=16%2F60\.17050%2F24\.94500|map=16/60\.17050/24\.94500")
    )
    name = frame.evaluate(
        "() => { const layer = window.assetmap.assets.getLayers()[0]; layer.openPopup();"
        " return layer.feature.properties.name; }"
    )
    expect(page).to_have_url(re.compile(r"asset="))
    shared = query(page)
    assert shared["kind"] == "place" and shared["q"] == "puisto" and shared["lang"] == "en"
    state = frame.evaluate(MAP_STATE)
    assert state["popup"] == name

    other = local_page(browser, outside)
    other.goto(page.url)
    opened = map_frame(other)
    expect(other.get_by_label("Search by name")).to_have_value("puisto")
    kinds = other.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    expect(kinds).to_contain_text("Place")
    expect(kinds).not_to_contain_text("Institution")
    expect(opened.locator(".leaflet-popup-content strong")).to_have_text(name)
    there = opened.evaluate(MAP_STATE)
    assert there["zoom"] == state["zoom"]
    assert abs(there["lat"] - state["lat"]) < 1e-3 and abs(there["lng"] - state["lng"]) < 1e-3
    assert query(other)["kind"] == "place"
    assert outside == []
