"""The chosen language holds on every run: an open map's fragment runs again when the data
change, and a Norwegian or Dutch page must not drift back into English, not after loading,
not after an asset changes elsewhere.

English is detected with the catalogs themselves: every English message (and Streamlit's own
English defaults for its widgets) whose translation differs is looked for in what the page
shows, in its sidebar, its placeholders and labels, and inside the map's frame.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator
from functools import lru_cache

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Browser, BrowserContext, Frame, Page, WebSocket, expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from .conftest import PROJECT_DIR
from .test_browser import MAP_FRAME, Server, add_team_member, log_in, map_frame

pytestmark = pytest.mark.browser

LOCALE_DIR = PROJECT_DIR / "src" / "assetmap" / "locales"
STREAMLIT_DEFAULTS = ("Choose an option", "Choose options", "No results", "Skip to main content")
"""English that Streamlit shows unless the app gives it words of its own."""
_PLACEHOLDERS = re.compile(r"\{[^{}]*\}|%\(\w+\)[sd]|%[sd]")
_MARKUP = re.compile(r"\*\*|[`\[\]<>\n]|\]\(")
_EDGES = " \t.,:;!?–-\"'“”()"
SETTLED_MS = 3_000
"""How long a page is watched after loading before looking: the fallback to English that
once came half a second after loading would have come by then."""
VISIBLE_TEXT = """() => {
    const texts = [document.body.innerText];
    for (const element of document.querySelectorAll("[placeholder], [aria-label], [title]")) {
        for (const name of ["placeholder", "aria-label", "title"]) {
            const value = element.getAttribute(name);
            if (value) texts.push(value);
        }
    }
    return texts.join("\\n");
}"""
POPUP_TEXT = """(name) => {
    const layers = window.assetmap.assets.getLayers();
    const layer = layers.find((l) => l.feature.properties.name === name) || layers[0];
    layer.openPopup();
    const rows = [...layer.getPopup().getElement().querySelectorAll("tr")];
    const text = rows.map((row) => row.innerText).join("\\n");
    layer.closePopup();
    return text;
}"""
"""The labels and values of an asset's popup, without its name (the resident's words)."""


def _pieces(message: str) -> list[str]:
    """The fixed parts of a message: long enough to be unmistakably this message's English."""
    parts = _MARKUP.split(_PLACEHOLDERS.sub("\n", message))
    found = []
    for part in parts:
        piece = " ".join(part.split()).strip(_EDGES)
        if len(piece.split()) >= 2 or len(piece) >= 8:
            found.append(piece)
    return found


def _contains(text: str, phrase: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", text) is not None


@lru_cache(maxsize=4)
def english_phrases(language: str) -> tuple[str, ...]:
    """English that must not show in `language`: the parts of each message it translates
    differently, unless the same words are also part of some translation."""
    with (LOCALE_DIR / "assetmap.pot").open("rb") as template:
        messages = [m.id for m in read_po(template) if isinstance(m.id, str) and m.id]
    catalog = gettext.translation("assetmap", LOCALE_DIR, languages=[language])
    translated = {message: catalog.gettext(message) for message in messages}
    translated = {m: t for m, t in translated.items() if t != m}
    phrases = set(STREAMLIT_DEFAULTS)
    for message in translated:
        phrases.update(_pieces(message))
    translations = "\n".join(translated.values())
    return tuple(sorted(p for p in phrases if not _contains(translations, p)))


def english_in(text: str, language: str) -> list[str]:
    flat = " ".join(text.split())
    return [phrase for phrase in english_phrases(language) if _contains(flat, phrase)]


def test_english_is_recognised_and_the_translation_is_not():
    assert english_in("Showing 3 of 4 approved assets. Kinds of asset", "nb") != []
    assert english_in("Choose options", "nl") == ["Choose options"]
    assert english_in("Viser 3 av 4 godkjente ressurser. Typer ressurser", "nb") == []


class FragmentRuns:
    """Counts the script runs the server finishes for a page, fragment runs included."""

    def __init__(self, page: Page) -> None:
        self.finished = 0
        page.on("websocket", self._watch)

    def _watch(self, socket: WebSocket) -> None:
        socket.on("framereceived", self._count)

    def _count(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            message = ForwardMsg()
            message.ParseFromString(payload)
            if message.WhichOneof("type") == "script_finished":
                self.finished += 1


def shown_text(page: Page, frame: Frame | None = None, asset: str = "") -> str:
    """What the page shows and says, with the map frame's controls and an asset's popup."""
    text = page.evaluate(VISIBLE_TEXT)
    if frame is not None:
        text += "\n" + frame.locator("body").inner_text()
        text += "\n" + frame.evaluate(POPUP_TEXT, asset)
    return text


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    db = tmp_path_factory.mktemp("language") / "language.duckdb"
    add_team_member(db)
    # The built-in base map, whose credit the map's words include.
    running = Server(db=db, env={"ASSETMAP_BASEMAP": "builtin"})
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def team(browser: Browser, server: Server) -> Iterator[Page]:
    """A team member's tab, logged in once for the module, that adds and approves assets."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    log_in(page, server)
    yield page
    context.close()


def add_and_approve(team: Page, name: str) -> None:
    """Add an asset and approve it; the caller waits for it on the map it watches."""
    team.get_by_role("link", name="Add an asset").click()
    team.get_by_label("Longitude (east–west)").fill("24.9452")
    team.get_by_label("Latitude (north–south)").fill("60.1702")
    team.get_by_role("textbox", name="Name", exact=True).fill(name)
    team.get_by_role("button", name="Send for review").click()
    expect(team.get_by_text(f"\u201c{name}\u201d is saved and waits for review")).to_be_visible()
    team.get_by_role("link", name="Review").click()
    team.get_by_role("button", name="Choose all 1").click()
    team.get_by_role("button", name="Approve chosen (1)").click()


def open_page(browser: Browser, url: str) -> tuple[BrowserContext, Page, FragmentRuns]:
    # A window of its own: a background tab's timers, and so its reruns, are slowed down.
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    runs = FragmentRuns(page)
    page.goto(url)
    return context, page, runs


@pytest.mark.parametrize("language", ["nb", "nl"])
def test_map_and_meeting_stay_in_the_chosen_language(
    browser: Browser, server: Server, team: Page, language: str
):
    map_context, map_page, map_runs = open_page(browser, f"{server.url}/?lang={language}")
    meeting_context, meeting_page, _ = open_page(browser, f"{server.url}/meeting?lang={language}")
    try:
        map_drawn, meeting_drawn = map_frame(map_page), map_frame(meeting_page)
        count = int(map_drawn.locator(".leaflet-container").get_attribute("data-asset-count"))
        map_page.wait_for_timeout(SETTLED_MS)
        for page in (map_page, meeting_page):  # what a screen reader reads the page as
            expect(page.locator("html")).to_have_attribute("lang", language)
        assert english_in(shown_text(map_page, map_drawn), language) == []
        assert english_in(shown_text(meeting_page, meeting_drawn), language) == []

        added = f"Reading circle ({language})"
        runs = map_runs.finished
        add_and_approve(team, added)
        expect(map_drawn.locator(".leaflet-container")).to_have_attribute(
            "data-asset-count", str(count + 1)
        )
        map_page.wait_for_timeout(SETTLED_MS)
        assert map_runs.finished > runs  # the change reran the map: the rerun is looked at
        # The map may have been made anew on a rerun: look in the frame it shows now.
        map_drawn = map_frame(map_page)
        assert map_page.locator(MAP_FRAME).count() == 1
        assert english_in(shown_text(map_page, map_drawn, added), language) == []
        assert english_in(shown_text(meeting_page, meeting_drawn), language) == []
    finally:
        map_context.close()
        meeting_context.close()
