"""The download sweep: as a visitor, a team member and an admin, press every download button on
every page of a real `assetmap serve` and look in each file for a test person's exact point,
their address, their private phone and e-mail, and an association's private phone and e-mail.

Only the admins' separate exact internal export may hold them; its name says so, and it leaves
a row in the audit trail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import shapely
from playwright.sync_api import Browser, Page, expect

from assetmap.accounts import add_user
from assetmap.demo import load_demo
from assetmap.io.exports import EXACT_MARK, SUFFIXES
from assetmap.register.areas import list_areas
from assetmap.register.disclosure import exact_exports
from assetmap.render.documents import profile_map_svg as _svg_map
from assetmap.storage import connect

from .conftest import ADMIN
from .test_browser import TEAM_PASSWORD, WAIT_MS, Server, add_team_member, log_in
from .test_downloads import (
    EXACT_TEXT,
    PERSON,
    PRIVATE_TEXT,
    Seeded,
    cell_centre,
    leaks,
    read_back,
    seed,
)

pytestmark = pytest.mark.browser

ROLES = {"visitor": None, "team": "kari", "admin": "ada"}
ASSET_FORMATS = {
    "geojson": "GeoJSON (for GIS and web maps)",
    "gpkg": "GeoPackage (for QGIS and ArcGIS)",
    "csv": "CSV (spreadsheet, with lon and lat columns)",
    "hsds": "Open Referral HSDS 3.0 (service directories; people left out)",
}
AREA_FORMATS = ("geojson", "gpkg", "csv")
IDLE_APP = '[data-testid="stApp"][data-test-script-state="notRunning"]'
PROFILE_AREA = ("kluuvi", "Kluuvi")
"""The area the seeded person lives in."""


@dataclass(frozen=True)
class Sweep:
    server: Server
    seeded: Seeded
    area: shapely.Geometry


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sweep]:
    """One server for the module, on a database seeded through the domain before it starts."""
    path = tmp_path_factory.mktemp("sweep") / "sweep.duckdb"
    with connect(str(path)) as db:
        load_demo(db, ADMIN, minimal=True)
        seeded = seed(db)
        add_user(db, ADMIN, "ada", "admin", TEAM_PASSWORD)
        area = list_areas(db).set_index("id").geometry[PROFILE_AREA[0]]
    add_team_member(path)
    server = Server(db=path)
    server.start()
    yield Sweep(server, seeded, area)
    server.stop()


@pytest.fixture(scope="module")
def pages(browser: Browser, sweep: Sweep) -> Iterator[dict[str, Page]]:
    """One browser context per role for the whole module, logged in once."""
    contexts, opened = [], {}
    for role, account in ROLES.items():
        context = browser.new_context(
            accept_downloads=True, viewport={"width": 1400, "height": 1000}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        if account is None:
            page.goto(sweep.server.url)
        else:
            log_in(page, sweep.server, account)
        opened[role] = page
    yield opened
    for context in contexts:
        context.close()


def open_page(page: Page, link: str, heading: str | None = None) -> None:
    """Through the navigation, as a person would: the session (and its login) stays."""
    page.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", name=heading or link, exact=True)).to_be_visible()


def choose(page: Page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def download(page: Page, button: str | re.Pattern[str], folder: Path) -> Path:
    """Press the download button (once the page shows it) and keep the file it gives."""
    pressed = page.get_by_role("button", name=button)
    expect(pressed).to_be_visible()
    # A button drawn by a run that a newer one replaces would name a file no longer there.
    expect(page.locator(IDLE_APP)).to_be_attached()
    with page.expect_download() as started:
        pressed.click()
    path = folder / started.value.suggested_filename
    started.value.save_as(path)
    return path


def export_button(what: str, fmt: str, exact: bool = False) -> re.Pattern[str]:
    mark = f"-{EXACT_MARK}" if exact else ""
    return re.compile(rf"^Download assetmap-{what}{mark}-\d{{4}}-\d{{2}}-\d{{2}}\{SUFFIXES[fmt]}$")


def pick(page: Page, option: str) -> None:
    """A radio option, by its whole text."""
    page.get_by_test_id("stRadioOption").filter(has_text=re.compile(f"^{option}$")).click()


def export_files(page: Page, folder: Path) -> list[Path]:
    """Every format of the assets and of the areas on the Export page."""
    open_page(page, "Export")
    pick(page, "Assets")
    files = []
    for fmt, label in ASSET_FORMATS.items():
        choose(page, "Format", label)
        files.append(download(page, export_button("assets", fmt), folder))
    pick(page, "Areas with indicators")
    expect(page.get_by_role("button", name=export_button("areas", "geojson"))).to_be_visible()
    for fmt in AREA_FORMATS:
        choose(page, "Format", ASSET_FORMATS[fmt])
        files.append(download(page, export_button("areas", fmt), folder))
    return files


def profile_file(page: Page, folder: Path) -> Path:
    open_page(page, "Neighbourhood profile")
    area_id, name = PROFILE_AREA
    choose(page, "Area", name)
    button = f"Download to print or share: profile-{area_id}.html (works offline)"
    return download(page, button, folder)


def coverage_file(page: Page, folder: Path) -> Path:
    open_page(page, "Planning")
    page.get_by_role("tab", name="Service coverage").click()
    return download(page, "Download as CSV", folder)


def drawn_at(area: shapely.Geometry, lon: float, lat: float) -> str:
    """The circle the profile's map draws for the person at (lon, lat)."""
    person = pd.DataFrame(
        {"lon": [lon], "lat": [lat], "kind": ["person"], "name": [PERSON["name"]]}
    )
    svg = _svg_map(SimpleNamespace(geometry=area), person)  # type: ignore[arg-type]
    found = re.search(r'<circle cx="[^"]+" cy="[^"]+"', svg)
    assert found is not None
    return found.group()


def as_text(path: Path) -> str:
    if path.suffix == ".html":
        return path.read_text(encoding="utf-8")
    return read_back(path, next(fmt for fmt, suffix in SUFFIXES.items() if path.suffix == suffix))


def test_the_person_is_on_the_pages_the_sweep_downloads_from(sweep: Sweep):
    """The sweep proves something only if the files could hold the person: they are approved
    and in the profile's area, and the profile would draw them elsewhere if exact."""
    assert shapely.contains_xy(sweep.area, PERSON["lon"], PERSON["lat"])
    assert drawn_at(sweep.area, PERSON["lon"], PERSON["lat"]) != drawn_at(
        sweep.area, *cell_centre()
    )


@pytest.mark.parametrize("role", list(ROLES))
def test_every_download_leaves_people_protected(
    pages: dict[str, Page], sweep: Sweep, role: str, tmp_path: Path
):
    page = pages[role]
    files = [
        *export_files(page, tmp_path),
        profile_file(page, tmp_path),
        coverage_file(page, tmp_path),
    ]
    assert len({path.name for path in files}) == len(ASSET_FORMATS) + len(AREA_FORMATS) + 2
    for path in files:
        assert EXACT_MARK not in path.name
        assert leaks(as_text(path)) == [], f"{role} downloaded {path.name} with private details"
    profile = files[-2].read_text(encoding="utf-8")
    assert PERSON["name"] in profile
    assert drawn_at(sweep.area, *cell_centre()) in profile
    assert drawn_at(sweep.area, PERSON["lon"], PERSON["lat"]) not in profile
    geojson = next(
        p for p in files if p.name.startswith("assetmap-assets-") and p.suffix == ".geojson"
    )
    assert sweep.seeded.person in geojson.read_text(encoding="utf-8")  # there, but protected


@pytest.mark.parametrize("role", ["visitor", "team"])
def test_only_admins_are_offered_the_exact_export(pages: dict[str, Page], role: str):
    page = pages[role]
    open_page(page, "Export")
    pick(page, "Assets")
    expect(
        page.get_by_role("button", name=re.compile(r"^Download assetmap-assets"))
    ).to_be_visible()
    expect(page.get_by_text("Exact internal export")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile(EXACT_MARK))).to_have_count(0)


def test_the_team_map_table_cannot_be_downloaded(pages: dict[str, Page]):
    """The team's map shows addresses in its table; tables have no download of their own."""
    page = pages["team"]
    open_page(page, "Map", "Community assets")
    page.get_by_text("The assets on the map, as a table").click()
    table = page.locator('[data-testid="stDataFrame"]').first
    table.hover()
    expect(page.get_by_role("button", name="Search")).to_be_visible()
    expect(page.get_by_role("button", name="Download as CSV")).to_have_count(0)


def test_the_admins_exact_export_is_separate_named_and_audited(
    pages: dict[str, Page], sweep: Sweep, tmp_path: Path
):
    page = pages["admin"]
    open_page(page, "Export")
    pick(page, "Assets")
    page.get_by_text("Exact internal export (admins only)").click()
    files = []
    for fmt, label in ASSET_FORMATS.items():
        if fmt == "hsds":
            continue  # people are never in HSDS, exact or not
        choose(page, "Format", label)
        files.append(download(page, export_button("assets", fmt, exact=True), tmp_path))
    for path in files:
        assert EXACT_MARK in path.name
        assert set(leaks(as_text(path))) == {*EXACT_TEXT, *PRIVATE_TEXT}, path.name
    sweep.server.stop()  # the server holds the DuckDB file; the audit trail is read after it
    with connect(str(sweep.server.db)) as db:
        recorded = exact_exports(db)
    assert [(r["who"], r["format"]) for r in recorded] == [("ada", "geojson"), ("ada", "gpkg"),
                                                           ("ada", "csv")]  # fmt: skip
    assert all(r["filter"] == '{"statuses": ["approved"]}' for r in recorded)
