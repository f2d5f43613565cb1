"""Login sessions on the server: started, checked, expired, ended, on both backends.

Times are passed in (`now`), so expiry is tested without waiting.
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import Any

import pytest
from starlette.routing import Router
from streamlit.testing.v1 import AppTest

from assetmap.accounts import AccountError, Actor, add_user, remove_user, set_role
from assetmap.api.login import login_routes
from assetmap.cli import main
from assetmap.config import Limits
from assetmap.sessions import (
    COOKIE_NAME,
    TICKET_LIFETIME,
    NewLogin,
    cookie_value,
    end_session,
    end_user_sessions,
    exchange_ticket,
    session_actor,
    session_from_cookie,
    start_session,
)
from assetmap.storage import Database, connect, data_version, utc_now

from .conftest import ADMIN, TEAM
from .test_pages import log_in, open_page, selectbox

PASSWORD = "a long enough secret"
LIMITS = Limits(login_idle=timedelta(hours=8), login_max=timedelta(days=7))


@pytest.fixture
def people(db: Database) -> Database:
    add_user(db, ADMIN, "kari", "team", PASSWORD)
    add_user(db, ADMIN, "ada", "admin", PASSWORD)
    return db


def test_a_started_session_is_its_account_until_it_ends(people: Database):
    login = start_session(people, "kari", LIMITS)
    assert session_actor(people, login.session_id, LIMITS) == Actor("kari", "team")
    end_session(people, login.session_id)
    assert session_actor(people, login.session_id, LIMITS) is None


def test_a_ticket_gives_the_cookie_once(people: Database):
    login = start_session(people, "kari", LIMITS)
    assert exchange_ticket(people, login.ticket) == login.session_id
    assert exchange_ticket(people, login.ticket) is None
    assert exchange_ticket(people, "a ticket nobody made") is None


def test_a_late_ticket_is_refused_and_spent(people: Database):
    start = utc_now()
    login = start_session(people, "kari", LIMITS, now=start)
    late = start + TICKET_LIFETIME + timedelta(seconds=1)
    assert exchange_ticket(people, login.ticket, now=late) is None
    assert exchange_ticket(people, login.ticket, now=start) is None


def test_the_ticket_of_an_ended_session_is_refused(people: Database):
    login = start_session(people, "kari", LIMITS)
    end_session(people, login.session_id)
    assert exchange_ticket(people, login.ticket) is None


def test_only_tickets_digests_are_stored(people: Database):
    login = start_session(people, "kari", LIMITS)
    stored = people.scalar("SELECT ticket FROM login_sessions WHERE id = ?", (login.session_id,))
    assert stored and stored != login.ticket


def test_a_signed_cookie_names_its_session(people: Database):
    login = start_session(people, "kari", LIMITS)
    value = cookie_value(people, login.session_id)
    assert session_from_cookie(people, value) == login.session_id


@pytest.mark.parametrize(
    "forge",
    [
        lambda value: value[:-1] + ("0" if value[-1] != "0" else "1"),  # signature changed
        lambda value: "another-session" + value[value.index(".") :],  # id changed
        lambda value: value.split(".")[0],  # no signature
        lambda value: value.split(".")[0] + ".",  # empty signature
        lambda value: value + "ü",  # not ASCII
        lambda value: "",
        lambda value: value + "0" * 300,  # too long
    ],
)
def test_a_forged_cookie_names_no_session(people: Database, forge):
    login = start_session(people, "kari", LIMITS)
    assert session_from_cookie(people, forge(cookie_value(people, login.session_id))) is None


def test_a_cookie_signed_with_another_key_is_refused(people: Database):
    login = start_session(people, "kari", LIMITS)
    value = cookie_value(people, login.session_id)
    with people.transaction() as session:
        session.execute("UPDATE app_secrets SET value = 'another key' WHERE name = 'session_key'")
    assert session_from_cookie(people, value) is None


def test_an_unused_session_idles_out(people: Database):
    start = utc_now()
    login = start_session(people, "kari", LIMITS, now=start)
    within = start + LIMITS.login_idle
    assert session_actor(people, login.session_id, LIMITS, now=within) is not None
    # That use counts: the idle time starts again from it.
    later = within + LIMITS.login_idle
    assert session_actor(people, login.session_id, LIMITS, now=later) is not None
    idle = later + LIMITS.login_idle + timedelta(seconds=1)
    assert session_actor(people, login.session_id, LIMITS, now=idle) is None


def test_a_session_used_all_along_ends_at_its_longest_life(people: Database):
    start = utc_now()
    login = start_session(people, "kari", LIMITS, now=start)
    moment = start
    while moment + LIMITS.login_idle < start + LIMITS.login_max:
        moment += LIMITS.login_idle
        assert session_actor(people, login.session_id, LIMITS, now=moment) is not None
    ended = start + LIMITS.login_max + timedelta(seconds=1)
    assert session_actor(people, login.session_id, LIMITS, now=ended) is None


def test_use_is_recorded_at_most_once_a_minute_and_is_no_data_change(people: Database):
    start = utc_now()
    login = start_session(people, "kari", LIMITS, now=start)
    version = data_version(people)

    def last_seen():  # type: ignore[no-untyped-def]
        return people.scalar(
            "SELECT last_seen FROM login_sessions WHERE id = ?", (login.session_id,)
        )

    session_actor(people, login.session_id, LIMITS, now=start + timedelta(seconds=30))
    assert last_seen() == start
    session_actor(people, login.session_id, LIMITS, now=start + timedelta(seconds=61))
    assert last_seen() == start + timedelta(seconds=61)
    assert data_version(people) == version


def test_a_changed_role_applies_at_once(people: Database):
    login = start_session(people, "kari", LIMITS)
    set_role(people, ADMIN, "kari", "admin")
    assert session_actor(people, login.session_id, LIMITS) == Actor("kari", "admin")
    set_role(people, ADMIN, "kari", "team")
    assert session_actor(people, login.session_id, LIMITS) == Actor("kari", "team")


def test_a_removed_account_is_logged_out_and_a_new_one_of_its_name_too(people: Database):
    login = start_session(people, "kari", LIMITS)
    remove_user(people, ADMIN, "kari")
    assert session_actor(people, login.session_id, LIMITS) is None
    add_user(people, ADMIN, "kari", "admin", PASSWORD)
    assert session_actor(people, login.session_id, LIMITS) is None


def test_logging_out_everywhere_ends_every_session_of_the_account_only(people: Database):
    first, second = start_session(people, "kari", LIMITS), start_session(people, "kari", LIMITS)
    other = start_session(people, "ada", LIMITS)
    end_user_sessions(people, "kari")
    assert session_actor(people, first.session_id, LIMITS) is None
    assert session_actor(people, second.session_id, LIMITS) is None
    assert session_actor(people, other.session_id, LIMITS) == Actor("ada", "admin")


def test_sessions_past_their_longest_life_are_cleared_at_the_next_login(people: Database):
    start = utc_now()
    old = start_session(people, "kari", LIMITS, now=start)
    start_session(people, "ada", LIMITS, now=start + LIMITS.login_max + timedelta(minutes=1))
    ids = [row[0] for row in people.rows("SELECT id FROM login_sessions")]
    assert old.session_id not in ids and len(ids) == 1


def test_only_an_admin_changes_roles_and_removes_accounts(people: Database):
    with pytest.raises(PermissionError):
        set_role(people, TEAM, "kari", "admin")
    with pytest.raises(PermissionError):
        remove_user(people, TEAM, "ada")
    assert people.scalar("SELECT role FROM users WHERE name = 'kari'") == "team"


def test_the_last_admin_is_neither_demoted_nor_removed(people: Database):
    with pytest.raises(AccountError, match="last admin"):
        set_role(people, ADMIN, "ada", "team")
    with pytest.raises(AccountError, match="last admin"):
        remove_user(people, ADMIN, "ada")
    set_role(people, ADMIN, "kari", "admin")
    set_role(people, ADMIN, "ada", "team")
    remove_user(people, ADMIN, "ada")
    assert people.rows("SELECT name, role FROM users") == [("kari", "admin")]


def test_changing_an_unknown_account_says_so(people: Database):
    with pytest.raises(AccountError, match="no user called nobody"):
        set_role(people, ADMIN, "nobody", "team")
    with pytest.raises(AccountError, match="no user called nobody"):
        remove_user(people, ADMIN, "nobody")
    with pytest.raises(AccountError, match="team or admin"):
        set_role(people, ADMIN, "kari", "visitor")


def test_the_command_line_changes_a_role_and_removes_an_account(
    db_url: str, capsys: pytest.CaptureFixture[str]
):
    with connect(db_url) as db:
        add_user(db, ADMIN, "kari", "team", PASSWORD)
        add_user(db, ADMIN, "ada", "admin", PASSWORD)
        login = start_session(db, "ada", LIMITS)
    assert main(["--db", db_url, "user", "role", "ada", "--role", "team"]) == 1
    assert "last admin" in capsys.readouterr().err
    assert main(["--db", db_url, "user", "role", "kari", "--role", "admin"]) == 0
    assert main(["--db", db_url, "user", "remove", "ada"]) == 0
    assert main(["--db", db_url, "user", "remove", "ada"]) == 1
    assert "no user called ada" in capsys.readouterr().err
    with connect(db_url) as db:
        assert db.rows("SELECT name, role FROM users") == [("kari", "admin")]
        assert session_actor(db, login.session_id, LIMITS) is None


# The pages (AppTest has no browser: the login is held by the Streamlit session alone)


@pytest.fixture
def team(app_db: str) -> str:
    """The demo, a team member (kari) and an admin (ada), for the pages."""
    with connect(app_db) as db:
        add_user(db, ADMIN, "kari", "team", PASSWORD)
        add_user(db, ADMIN, "ada", "admin", PASSWORD)
    return app_db


def opened(app: AppTest, page: str) -> AppTest:
    """`page` opened by its navigation link (ValueError when it has none)."""
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def account_change(app: AppTest, name: str, role: str | None = None) -> AppTest:
    """On the Accounts page, change `name` to `role`, or remove it (role None)."""
    selectbox(app, "Account").select(name)
    if role is None:
        next(c for c in app.checkbox if c.label == "Yes, remove this account").check()
        next(b for b in app.button if b.label == "Remove account").click().run()
    else:
        selectbox(app, "New role").select(role)
        next(b for b in app.button if b.label == "Change role").click().run()
    assert not app.exception, app.exception
    return app


def test_a_role_changed_on_the_accounts_page_applies_to_an_open_login(team: str):
    kari = log_in(open_page(), "kari", PASSWORD)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        kari.switch_page("views/accounts.py")
    ada = opened(log_in(open_page(), "ada", PASSWORD), "views/accounts.py")

    account_change(ada, "kari", "admin")
    assert "kari is now: Admin." in ada.success[0].value
    kari.run()
    assert opened(kari, "views/accounts.py").title[0].value == "Accounts"

    account_change(ada, "ada", "team")  # kari is an admin now, so ada may step down
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        ada.switch_page("views/accounts.py")
    with connect(team) as db:
        assert dict(db.rows("SELECT name, role FROM users")) == {"kari": "admin", "ada": "team"}


def test_an_account_removed_on_the_accounts_page_is_a_visitor_at_its_next_action(team: str):
    kari = opened(log_in(open_page(), "kari", PASSWORD), "views/review.py")
    assert kari.title[0].value == "Review"
    ada = opened(log_in(open_page(), "ada", PASSWORD), "views/accounts.py")

    selectbox(ada, "Account").select("kari")
    next(b for b in ada.button if b.label == "Remove account").click().run()
    assert "Tick the box" in ada.error[0].value
    account_change(ada, "kari")
    assert "Removed kari." in ada.success[0].value

    kari.run()
    assert kari.title[0].value != "Review"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        kari.switch_page("views/review.py")
    with connect(team) as db:
        assert db.rows("SELECT name FROM users") == [("ada",)]


def test_the_last_admin_stays_an_admin_on_the_accounts_page(team: str):
    ada = opened(log_in(open_page(), "ada", PASSWORD), "views/accounts.py")
    account_change(ada, "ada")
    assert "last admin" in ada.error[0].value
    with connect(team) as db:
        assert db.scalar("SELECT role FROM users WHERE name = 'ada'") == "admin"


def test_logging_out_on_the_account_page_ends_the_login_in_the_database(team: str):
    kari = log_in(open_page(), "kari", PASSWORD)
    next(b for b in kari.button if b.label == "Log out").click().run()
    assert not kari.exception, kari.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        kari.switch_page("views/review.py")
    with connect(team) as db:
        assert db.scalar("SELECT count(*) FROM login_sessions WHERE revoked_at IS NULL") == 0


# The routes that set and clear the cookie, called as the app's server calls them (ASGI)

JSON = ("content-type", "application/json")


def post(
    db: Database,
    path: str,
    body: bytes = b"{}",
    headers: tuple[tuple[str, str], ...] = (JSON,),
    client: tuple[str, int] = ("127.0.0.1", 50000),
    scheme: str = "http",
    prefix: str = "",
) -> tuple[int, list[str]]:
    """POST to the login routes; the status and the Set-Cookie headers of the answer."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": scheme,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(name.encode(), value.encode()) for name, value in headers],
        "client": client,
        "server": ("localhost", 8501),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    # On a thread of its own: Playwright's sync fixtures keep an event loop on the main thread.
    route = Router(login_routes(lambda: db, prefix))
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, route(scope, receive, send)).result()
    cookies = [value.decode() for name, value in sent[0]["headers"] if name == b"set-cookie"]
    return sent[0]["status"], cookies


def ticket_body(login: NewLogin) -> bytes:
    return json.dumps({"ticket": login.ticket}).encode()


def test_a_ticket_is_exchanged_for_a_signed_http_only_lax_cookie(people: Database):
    login = start_session(people, "kari", LIMITS)
    status, cookies = post(people, "/auth/session", ticket_body(login))
    assert status == 204
    cookie = SimpleCookie(cookies[0])[COOKIE_NAME]
    assert session_from_cookie(people, cookie.value) == login.session_id
    assert cookie["httponly"] is True and cookie["samesite"].lower() == "lax"
    assert cookie["path"] == "/" and not cookie["secure"]
    assert cookie["max-age"] == str(int(Limits().login_max.total_seconds()))
    assert post(people, "/auth/session", ticket_body(login))[0] == 403


@pytest.mark.parametrize(
    ("scheme", "client", "forwarded", "secure"),
    [
        ("https", ("203.0.113.5", 1), None, True),
        ("http", ("127.0.0.1", 1), "https", True),  # a trusted proxy says so
        ("http", ("203.0.113.5", 1), "https", False),  # anyone else may not
        ("http", ("127.0.0.1", 1), None, False),
    ],
)
def test_the_cookie_is_secure_when_the_browser_came_over_https(
    people: Database, monkeypatch: pytest.MonkeyPatch, scheme, client, forwarded, secure
):
    monkeypatch.setenv("ASSETMAP_TRUSTED_PROXIES", "127.0.0.1")
    headers = (JSON, ("x-forwarded-proto", forwarded)) if forwarded else (JSON,)
    login = start_session(people, "kari", LIMITS)
    status, cookies = post(people, "/auth/session", ticket_body(login), headers, client, scheme)
    assert status == 204
    assert bool(SimpleCookie(cookies[0])[COOKIE_NAME]["secure"]) is secure


def test_only_the_apps_own_pages_may_hand_in_a_ticket(people: Database):
    login = start_session(people, "kari", LIMITS)
    form = (("content-type", "application/x-www-form-urlencoded"),)
    assert post(people, "/auth/session", ticket_body(login), form)[0] == 415
    other_site = (JSON, ("sec-fetch-site", "cross-site"))
    assert post(people, "/auth/session", ticket_body(login), other_site)[0] == 403
    for body in (b"not json", b'{"ticket": 7}', b"[]", b"x" * 5000):
        assert post(people, "/auth/session", body)[0] == 400
    assert post(people, "/auth/session", ticket_body(login))[0] == 204  # still unspent


def test_logging_out_ends_the_cookies_session_and_clears_it(people: Database):
    login = start_session(people, "kari", LIMITS)
    value = cookie_value(people, login.session_id)
    status, cookies = post(
        people, "/app/auth/logout", headers=(JSON, ("cookie", f"{COOKIE_NAME}={value}")),
        prefix="/app",
    )  # fmt: skip
    assert status == 204
    cleared = SimpleCookie(cookies[0])[COOKIE_NAME]
    assert cleared.value == "" and cleared["max-age"] == "0" and cleared["path"] == "/app"
    assert session_actor(people, login.session_id, LIMITS) is None
