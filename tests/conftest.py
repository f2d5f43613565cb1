"""Shared fixtures: real databases on both backends, and the demo data they can hold.

`db_url` (and so `db`, `demo_db`, `app_db`) runs each test on a DuckDB file in tmp_path
and on PostgreSQL, in a schema of its own on the server named by ASSETMAP_TEST_POSTGRES
(`.ci/run` starts one with scripts/test-postgres). Without that server the PostgreSQL
runs are skipped locally and fail in CI.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import psycopg
import pytest
import streamlit as st
from browsing import CHROMIUM, CHROMIUM_ARGS
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Request,
    Route,
    expect,
    sync_playwright,
)

from assetmap.accounts import Actor, add_user, visitor
from assetmap.demo import load_demo
from assetmap.storage import Database, connect
from assetmap.storage.postgres import with_schema

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEMO_ASSET_COUNT = 66
"""The minimal demo (load_demo(..., minimal=True)): its OSM places and institutions."""
FULL_DEMO_ASSET_COUNT = 118
"""The whole demo, as `assetmap serve` loads it on first run: 94 OSM assets (28 of them
associations) and 24 illustrative ones (16 people, 8 local groups)."""
DEMO_AREA_COUNT = 6
ADMIN = Actor("admin-in-tests", "admin")
TEAM = Actor("team-in-tests", "team")
VISITOR = visitor("a visitor in tests")


POSTGRES_SERVER = os.environ.get("ASSETMAP_TEST_POSTGRES", "")
BACKENDS = ("duckdb", "postgresql")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL to an empty schema of its own on the test server, dropped afterwards."""
    if not POSTGRES_SERVER:
        if os.environ.get("CI"):
            pytest.fail("CI must test PostgreSQL: set ASSETMAP_TEST_POSTGRES (see .ci/run)")
        pytest.skip("no PostgreSQL server: set ASSETMAP_TEST_POSTGRES (see scripts/test-postgres)")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(POSTGRES_SERVER, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    yield with_schema(POSTGRES_SERVER, schema)
    with psycopg.connect(POSTGRES_SERVER, autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "assetmap.duckdb"


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, db_path: Path) -> str:
    """Where a test's database lives: a DuckDB file, or a fresh PostgreSQL schema."""
    if request.param == "duckdb":
        return str(db_path)
    return str(request.getfixturevalue("postgres_url"))


duckdb_only = pytest.mark.parametrize("db_url", ["duckdb"], indirect=True)
"""For what only a DuckDB file has: a file lock, EXPORT DATABASE backups."""


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = connect(db_url)
    yield database
    database.close()


@pytest.fixture
def demo_db(db: Database) -> Database:
    """The minimal demo (its 66 places and institutions): fast, for the many tests that need
    some assets; `community_db` has the whole demo."""
    load_demo(db, ADMIN, minimal=True)
    return db


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Keep each phase's report on the test, so browser fixtures can screenshot failures."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@contextmanager
def app_reading(location: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app (as AppTest runs it) reading `location`, with no base map, its caches fresh."""
    monkeypatch.setenv("ASSETMAP_DB", location)
    monkeypatch.setenv("ASSETMAP_TILES", "none")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield location
    st.cache_resource.clear()


@pytest.fixture
def app_db(db_url, monkeypatch) -> Iterator[str]:
    with connect(db_url) as db:
        load_demo(db, ADMIN, minimal=True)
    with app_reading(db_url, monkeypatch) as location:
        yield location


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """One Playwright for the whole run: a second sync Playwright cannot start beside it, so
    every browser test module shares this one (and `browser`) from here."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


WAIT_MS = 30_000
"""How long a browser test waits for what it expects to see."""
# Playwright's expect() waits 5 s by default, whatever the page's own timeout; on two busy
# cores a Streamlit rerun can take longer, and a test should wait for what it expects.
expect.set_options(timeout=WAIT_MS)


LOCAL_HOSTS = {"localhost", "127.0.0.1"}


def keep_local(context: BrowserContext, outside: list[str] | None = None) -> None:
    """Let `context` talk only to the app on this host: every other request is aborted, and
    counted in `outside` when given (nothing on a page may load from another host)."""

    def route_request(route: Route, request: Request) -> None:
        if urlparse(request.url).hostname in LOCAL_HOSTS or request.url.startswith("data:"):
            route.continue_()
            return
        if outside is not None:
            outside.append(request.url)
        route.abort()

    context.route("**/*", route_request)


def local_page(browser: Browser, outside: list[str] | None = None, **settings: Any) -> Page:
    """A page in a fresh profile (a desktop window unless `settings` say otherwise) that may
    only talk to the app: outside requests are aborted and counted in `outside`."""
    opened = browser.new_context(**{"viewport": {"width": 1400, "height": 1000}, **settings})
    keep_local(opened, outside)
    page = opened.new_page()
    page.set_default_timeout(WAIT_MS)
    return page


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) with a desktop window."""
    opened = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened.set_default_timeout(WAIT_MS)
    yield opened
    opened.close()


TEAM_PASSWORD = "correct horse battery"


@pytest.fixture
def team_account(app_db):
    """The demo for the pages, with a team member (kari) and an admin (ada)."""
    with connect(app_db) as db:
        add_user(db, ADMIN, "kari", "team", TEAM_PASSWORD)
        add_user(db, ADMIN, "ada", "admin", TEAM_PASSWORD)
    return app_db
