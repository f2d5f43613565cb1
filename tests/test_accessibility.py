"""Accessibility, checked in Chromium against a real server.

axe-core scans every page a visitor and an admin can open, in every language, once the
page's maps have drawn (their frames are scanned too). And an asset is added with the
keyboard alone: Tab, Shift-Tab, arrow keys, Enter and Space from the moment the page loads,
never a click, a programmatic focus or a filled-in field.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import axe_playwright_python
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from assetmap.register.assets import AssetFilter, list_assets
from assetmap.storage import connect

from .test_browser import (
    MAP_FRAME,
    WAIT_MS,
    Server,
    add_team_member,
    log_in,
    map_frame,
)

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "nb", "nl"]
VISITOR_PAGES = [
    "/",
    "/add",
    "/planning",
    "/connections",
    "/profile",
    "/meeting",
    "/exports",
    "/help",
    "/account",
]
ADMIN_PAGES = [*VISITOR_PAGES, "/review", "/history", "/imports", "/layers", "/accounts"]
MAP_PAGES = {"/", "/add", "/planning", "/meeting"}
"""Pages with a map: scanned once it has drawn its assets."""
AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
ADMIN = "ada"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    db = tmp_path_factory.mktemp("accessibility") / "accessibility.duckdb"
    add_team_member(db, ADMIN, role="admin")
    running = Server(db=db)
    running.start()
    yield running
    running.stop()


def new_context(browser: Browser) -> BrowserContext:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    return context


@pytest.fixture(scope="module")
def visitor(browser: Browser) -> Iterator[BrowserContext]:
    context = new_context(browser)
    yield context
    context.close()


@pytest.fixture(scope="module")
def admin(browser: Browser, server: Server) -> Iterator[BrowserContext]:
    """A browser an admin has logged into once: the login cookie holds on every page."""
    context = new_context(browser)
    page = context.new_page()
    with page.expect_response(lambda answer: answer.url.endswith("/auth/session")):
        log_in(page, server, ADMIN)
    page.close()
    yield context
    context.close()


def wait_until_drawn(page: Page, path: str) -> None:
    """The page has run, and every map on it (hidden tabs' too) has drawn its assets."""
    expect(page.locator('[data-testid="stMain"] h1').first).to_be_visible()
    if path in MAP_PAGES:
        page.wait_for_selector(MAP_FRAME)
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")
    for element in page.locator(MAP_FRAME).element_handles():
        frame = element.content_frame()
        assert frame is not None
        frame.wait_for_selector(".leaflet-container[data-asset-count]", state="attached")


def serious_violations(page: Page) -> list[tuple[str, str, list[str]]]:
    """axe-core's serious and critical findings in the page and in each of its frames."""
    found = []
    for frame in page.frames:
        frame.evaluate(AXE)
        result = frame.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        found += [
            (frame.url.split("?")[0], v["id"], [str(n["target"]) for n in v["nodes"]][:3])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    return found


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ["visitor", "admin"])
def test_every_page_passes_axe(
    request: pytest.FixtureRequest, server: Server, role: str, language: str
):
    context: BrowserContext = request.getfixturevalue(role)
    paths = ADMIN_PAGES if role == "admin" else VISITOR_PAGES
    page = context.new_page()
    problems = []
    try:
        for path in paths:
            page.goto(f"{server.url}{path}?lang={language}")
            wait_until_drawn(page, path)
            assert urlparse(page.url).path == path  # the page itself, not the map instead
            expect(page.locator("html")).to_have_attribute("lang", language)
            problems += [(path, *v) for v in serious_violations(page)]
    finally:
        page.close()
    assert problems == []


FOCUSED = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return "";
    return element.getAttribute("aria-label") || element.innerText || element.tagName;
}"""
"""The name of what has the keyboard focus: a field's label, a button's text."""
HIGHLIGHTED = """() => {
    const list = document.activeElement;
    const id = list && list.getAttribute("aria-activedescendant");
    const option = id && document.getElementById(id);
    return option ? option.innerText : "";
}"""
"""The option an open list has highlighted for the keyboard."""
MOST_PRESSES = 150


def tab_to(page: Page, name: str, backwards: bool = False) -> None:
    """Press Tab (or Shift-Tab) until the field or button called `name` has the focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MOST_PRESSES):
        page.keyboard.press(key)
        if page.evaluate(FOCUSED).strip() == name:
            return
    raise AssertionError(f"{key} never reached {name!r}")


def choose(page: Page, option: str) -> None:
    """Open the focused list with the arrow keys, go down it and then up it to `option`, and
    take it with Enter."""
    for key in ("ArrowDown", "ArrowUp"):
        highlighted = None
        for _ in range(MOST_PRESSES):
            page.keyboard.press(key)
            now = page.evaluate(HIGHLIGHTED).strip()
            if now == option:
                page.keyboard.press("Enter")
                return
            if now == highlighted:  # the end of the list
                break
            highlighted = now
    raise AssertionError(f"the arrow keys never reached {option!r}")


def test_adding_an_asset_with_the_keyboard_alone(browser: Browser, tmp_path: Path):
    db = tmp_path / "keyboard.duckdb"
    server = Server(db=db)
    server.start()
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(server.url + "/add")
        map_frame(page)  # only waits: the page is complete before the first Tab
        tab_to(page, "Longitude (east–west)")
        page.keyboard.type("24.9452")
        tab_to(page, "Latitude (north–south)")
        page.keyboard.type("60.1702")
        tab_to(page, "What kind of asset is it?")
        choose(page, "Association")
        category = page.get_by_role("combobox", name="Category")
        expect(category).to_have_value("Sports club")  # the page has run: an association's
        tab_to(page, "Category")
        choose(page, "Cultural group")
        expect(category).to_have_value("Cultural group")
        tab_to(page, "Description")
        page.keyboard.type("We read aloud to each other on Thursdays.")
        tab_to(page, "Name", backwards=True)
        page.keyboard.type("Reading circle at the corner")
        tab_to(page, "Send for review")
        page.keyboard.press("Enter")
        expect(page.get_by_text("waits for review")).to_be_visible()
    finally:
        context.close()
        server.stop()
    with connect(str(db)) as stored:
        pending = list_assets(stored, AssetFilter(statuses=("pending",)))
    assert len(pending) == 1
    asset = pending.iloc[0]
    assert (asset["name"], asset["kind"], asset["category"]) == (
        "Reading circle at the corner",
        "association",
        "cultural_group",
    )
    assert asset["description"] == "We read aloud to each other on Thursdays."
    assert (round(asset["lon"], 4), round(asset["lat"], 4)) == (24.9452, 60.1702)
