"""Who uses this Streamlit session: logging in and out, the login cookie, roles, and the key
that tells one visitor from another. Decided on the server on every run."""

from __future__ import annotations

import html

import streamlit as st

from assetmap import clients
from assetmap.accounts import AccountError, Actor, actor_for_email, authenticate, visitor
from assetmap.api.login import LOGOUT_PATH, SESSION_PATH
from assetmap.i18n import gettext
from assetmap.render.documents import script
from assetmap.sessions import (
    COOKIE_NAME,
    app_key,
    end_session,
    end_user_sessions,
    session_actor,
    session_from_cookie,
    start_session,
)
from assetmap.storage import Database
from assetmap.web.resources import database, settings, url_prefix

LOGIN_KEY = "login_session"
"""The login session this Streamlit session runs under, by id, in st.session_state."""

_COOKIE_CHANGE = "login_cookie_change"
_COOKIE_CHECKED = "login_cookie_checked"


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def uses_oidc() -> bool:
    return _oidc_configured()


def client_address() -> str:
    """The address this session connects from, believing only the trusted proxies' headers."""
    headers = st.context.headers
    pairs = [(name, value) for name in headers for value in headers.get_all(name)]
    peer = st.context.ip_address
    # Anything but text (AppTest's stand-in client gives a mock) is no known address.
    known = peer if isinstance(peer, str) else None
    return clients.client_address(known, pairs, settings().trusted_proxies)


@st.cache_resource(show_spinner=False)
def _stored_app_key(_db: Database, location: str) -> bytes:
    return app_key(_db)


def _app_key() -> bytes:
    db = database()
    return _stored_app_key(db, db.location)


def _visitor_key() -> str:
    """What tells one visitor from another without storing who they are (it is hashed).

    Only the address: a reload, a new tab or another browser is the same visitor, so one
    person cannot report an asset away or pass the limits per address. Sessions without a
    known address share one key.
    """
    return client_address()


def _oidc_email() -> str | None:
    """The e-mail of the person logged in through the identity provider (st.login), if any."""
    if _oidc_configured() and st.user.is_logged_in and st.user.get("email"):
        return str(st.user["email"])
    return None


def current_actor() -> Actor:
    """Who is using this session, decided on the server on every run."""
    email = _oidc_email()
    if email is not None:
        return actor_for_email(database(), email)
    actor = _logged_in_actor()
    return actor if actor is not None else visitor(_visitor_key(), _app_key())


def login_travels_by_cookie() -> bool:
    """Whether this browser's own requests to the app's routes carry its login: a password
    login hands the browser the app's cookie (login_cookie); a login through the identity
    provider is Streamlit's, which the routes cannot read (api/map_data.py)."""
    return _oidc_email() is None


def _cookie_session(db: Database) -> str | None:
    """The login session named by the cookie this browser sent when the page was loaded."""
    cookie = st.context.cookies.get(COOKIE_NAME)
    # A string from a browser; AppTest, which has none, gives a stand-in object.
    return session_from_cookie(db, cookie) if isinstance(cookie, str) and cookie else None


def _logged_in_actor() -> Actor | None:
    """The account this browser is logged in as: the session this Streamlit session holds,
    else the one its cookie names (a reload, a new tab, a shared link). Each run checks it in
    the database, so a login ended in another tab or replica ends here at the next action."""
    db = database()
    limits = settings().limits
    held = st.session_state.get(LOGIN_KEY)
    if isinstance(held, str):
        actor = session_actor(db, held, limits)
        if actor is not None:
            return actor
        del st.session_state[LOGIN_KEY]
    # The cookies are those the page was loaded with: a session they name is worth looking up
    # once per Streamlit session (a live one is then held; an ended one never comes back).
    if st.session_state.get(_COOKIE_CHECKED):
        return None
    st.session_state[_COOKIE_CHECKED] = True
    session_id = _cookie_session(db)
    if session_id is None or session_id == held:
        return None
    actor = session_actor(db, session_id, limits)
    if actor is not None:
        st.session_state[LOGIN_KEY] = session_id
    return actor


def require(action: str) -> Actor:
    """Stop the page unless the current person may take `action`."""
    actor = current_actor()
    if not actor.may(action):
        st.error(gettext("This page is for team members. Please log in."))
        st.page_link("views/account.py", label=gettext("Log in"), icon=":material/login:")
        st.stop()
    return actor


def log_in(name: str, password: str) -> str | None:
    """Log this browser in (the page then hands it the cookie: login_cookie); return the
    reason when it did not work."""
    db = database()
    try:
        actor = authenticate(db, name.strip(), password)
    except AccountError as error:
        return str(error)
    login = start_session(db, actor.name, settings().limits)
    st.session_state[LOGIN_KEY] = login.session_id
    st.session_state[_COOKIE_CHANGE] = login.ticket
    return None


def log_out(everywhere: bool = False) -> None:
    """End this browser's login in the database, so every tab on every replica is a visitor
    at its next action (`everywhere`: every login of the account, on any device); the page
    then has the browser drop its cookie (login_cookie)."""
    db = database()
    actor = current_actor()
    if everywhere and actor.may("review"):
        end_user_sessions(db, actor.name)
    for session_id in {st.session_state.pop(LOGIN_KEY, None), _cookie_session(db)}:
        if session_id is not None:
            end_session(db, session_id)
    st.session_state[_COOKIE_CHANGE] = None
    if _oidc_configured() and st.user.is_logged_in:
        st.logout()


def login_cookie() -> None:
    """After a login or a logout, have the browser take or drop its login cookie.

    Only the app's server can set an HttpOnly cookie (assetmap.api.login): a script posts it
    the login's single-use ticket, and the answer sets the cookie. The password never leaves
    Streamlit's websocket.
    """
    if _COOKIE_CHANGE not in st.session_state:
        return
    ticket = st.session_state.pop(_COOKIE_CHANGE)
    address = url_prefix() + (LOGOUT_PATH if ticket is None else SESSION_PATH)
    st.html(
        f'<script data-url="{html.escape(address)}" data-ticket="{html.escape(ticket or "")}">'
        f"{script('login_cookie.js')}</script>",
        unsafe_allow_javascript=True,
    )
