"""Logins that last, in Chromium against a real `assetmap serve`: the cookie the app's server
sets after a login keeps a team member logged in across reloads, tabs and shared links, and
anything but a live, signed session is a visitor."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import quote, quote_plus

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from assetmap.config import Limits
from assetmap.sessions import COOKIE_NAME, cookie_value, end_session, start_session
from assetmap.storage import connect, utc_now

from .test_browser import TEAM_PASSWORD, Server, add_team_member, log_in

pytestmark = pytest.mark.browser

LIMITS = Limits()


@pytest.fixture(scope="module")
def cookies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, str]]]:
    """A server whose database holds kari's account and cookies for sessions that must not
    count: one idle too long, one past its longest life, one logged out."""
    db = tmp_path_factory.mktemp("cookies") / "cookies.duckdb"
    add_team_member(db)
    now = utc_now()
    with connect(str(db)) as database:
        idle = start_session(database, "kari", LIMITS, now=now - LIMITS.login_idle * 2)
        old = start_session(database, "kari", LIMITS, now=now - LIMITS.login_max)
        with database.transaction() as session:
            session.execute(
                "UPDATE login_sessions SET last_seen = ? WHERE id = ?",
                (now - timedelta(minutes=1), old.session_id),
            )
        ended = start_session(database, "kari", LIMITS, now=now)
        end_session(database, ended.session_id)
        values = {
            "idle": cookie_value(database, idle.session_id),
            "too old": cookie_value(database, old.session_id),
            "logged out": cookie_value(database, ended.session_id),
        }
    running = Server(db=db)
    running.start()
    yield running, values
    running.stop()


def logged_in(context: BrowserContext, server: Server) -> Page:
    """A tab of `context` where kari has logged in and the browser holds the cookie."""
    page = context.new_page()
    with page.expect_response(lambda answer: answer.url.endswith("/auth/session")) as answer:
        log_in(page, server)
    assert answer.value.status == 204
    return page


def expect_team_member(page: Page) -> None:
    expect(page.get_by_role("link", name="Log out", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Review", exact=True)).to_be_visible()


def expect_visitor(page: Page) -> None:
    expect(page.get_by_role("link", name="Log in", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Review", exact=True)).to_have_count(0)


def login_cookie(context: BrowserContext) -> dict | None:  # type: ignore[type-arg]
    return next((c for c in context.cookies() if c["name"] == COOKIE_NAME), None)


def test_a_login_lasts_through_a_reload_a_second_tab_and_a_shared_link(
    context: BrowserContext, cookies: tuple[Server, dict[str, str]]
):
    server, _ = cookies
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = logged_in(context, server)

    page.reload()
    expect_team_member(page)
    second = context.new_page()
    second.goto(server.url)
    expect_team_member(second)
    shared = context.new_page()
    shared.goto(server.url + "/review")
    expect(shared.get_by_role("heading", name="Review")).to_be_visible()

    for secret in (TEAM_PASSWORD, quote(TEAM_PASSWORD), quote_plus(TEAM_PASSWORD)):
        assert not [url for url in requested if secret in url]


def test_the_cookie_is_http_only_and_same_site_lax(
    context: BrowserContext, cookies: tuple[Server, dict[str, str]]
):
    server, _ = cookies
    logged_in(context, server)
    cookie = login_cookie(context)
    assert cookie is not None
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert cookie["path"] == "/"
    assert cookie["secure"] is False  # plain http on loopback; behind https it is Secure
    lasts = cookie["expires"] - utc_now().timestamp()
    assert LIMITS.login_max.total_seconds() - 120 < lasts <= LIMITS.login_max.total_seconds()


def test_logging_out_in_one_tab_makes_the_other_a_visitor_at_its_next_action(
    context: BrowserContext, cookies: tuple[Server, dict[str, str]]
):
    server, _ = cookies
    first = logged_in(context, server)
    second = context.new_page()
    second.goto(server.url + "/exports")
    expect_team_member(second)

    with first.expect_response(lambda answer: answer.url.endswith("/auth/logout")) as answer:
        first.get_by_role("button", name="Log out", exact=True).click()
    assert answer.value.status == 204
    expect_visitor(first)
    assert login_cookie(context) is None

    second.get_by_role("link", name="Map", exact=True).click()  # the next action
    expect_visitor(second)
    second.reload()
    expect_visitor(second)


@pytest.mark.parametrize("which", ["forged", "idle", "too old", "logged out"])
def test_a_cookie_of_no_live_signed_session_is_a_visitor(
    context: BrowserContext, cookies: tuple[Server, dict[str, str]], which: str
):
    server, values = cookies
    if which == "forged":
        # A session that lives, under a signature the app never made.
        logged_in(context, server).close()
        live = login_cookie(context)
        assert live is not None
        value = live["value"].split(".")[0] + "." + "0" * 64
        context.clear_cookies()
    else:
        value = values[which]
    context.add_cookies([{"name": COOKIE_NAME, "value": value, "url": server.url}])
    page = context.new_page()
    page.goto(server.url)
    expect_visitor(page)
    page.goto(server.url + "/review")
    expect(page.get_by_role("heading", name="Community assets")).to_be_visible()
