"""Login sessions kept on the server, so a login lasts as on any website.

The browser holds a cookie naming its session: the session id and an HMAC-SHA256 of it under
the database's own key (app_secrets 'session_key'), so a cookie nobody issued is refused. The
app's server sets the cookie when the browser hands in a ticket: made at login, it is single
use and short lived, and the password itself never leaves Streamlit's websocket.

Everything lives in the database, so every replica sees the same logins, and the role is read
from the account at every check: a changed role applies at the next action, a removed account
is a visitor, and a login ended anywhere is ended everywhere.

Checking a session is not a change to the data: it never bumps the data version, and it
records that the session was used at most once a minute.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from assetmap.accounts import Actor
from assetmap.config import Limits
from assetmap.storage import Database, utc_now

COOKIE_NAME = "assetmap_login"
TICKET_LIFETIME = timedelta(seconds=60)
"""How long the browser has to exchange a login's ticket for its cookie."""

TOUCH_EVERY = timedelta(minutes=1)
"""How often a used session records it: idle expiry is measured to about this."""

_MAX_COOKIE_LENGTH = 200


@dataclass(frozen=True)
class NewLogin:
    """A session just started, and the ticket its browser exchanges for the cookie."""

    session_id: str
    ticket: str


def _digest(ticket: str) -> str:
    """Tickets are stored only as digests: the table alone does not let anyone log in."""
    return hashlib.sha256(ticket.encode()).hexdigest()


def start_session(
    db: Database, user_name: str, limits: Limits, now: datetime | None = None
) -> NewLogin:
    """Start a login for an account that has just authenticated.

    Sessions that began longer ago than a login may last are removed on the way.
    """
    moment = now or utc_now()
    login = NewLogin(secrets.token_urlsafe(32), secrets.token_urlsafe(32))
    with db.transaction() as session:
        session.execute(
            "DELETE FROM login_sessions WHERE created_at < ?", (moment - limits.login_max,)
        )
        session.execute(
            "INSERT INTO login_sessions (id, user_name, created_at, last_seen, ticket, "
            "ticket_expires) VALUES (?, ?, ?, ?, ?, ?)",
            (
                login.session_id,
                user_name,
                moment,
                moment,
                _digest(login.ticket),
                moment + TICKET_LIFETIME,
            ),
        )
    return login


def exchange_ticket(db: Database, ticket: str, now: datetime | None = None) -> str | None:
    """The session a ticket was made for, once: the ticket is spent even when it came late."""
    moment = now or utc_now()
    with db.transaction() as session:
        found = session.rows(
            "SELECT id, ticket_expires FROM login_sessions WHERE ticket = ? AND revoked_at IS NULL",
            (_digest(ticket),),
        )
        if not found:
            return None
        session_id, expires = found[0]
        session.execute(
            "UPDATE login_sessions SET ticket = NULL, ticket_expires = NULL WHERE id = ?",
            (session_id,),
        )
    return str(session_id) if expires >= moment else None


def app_key(db: Database) -> bytes:
    """The app's secret key: it signs cookies and keys the hashes that stand for visitors."""
    return str(db.scalar("SELECT value FROM app_secrets WHERE name = 'session_key'")).encode()


def _signature(key: bytes, session_id: str) -> str:
    return hmac.new(key, session_id.encode(), hashlib.sha256).hexdigest()


def cookie_value(db: Database, session_id: str) -> str:
    """What the browser keeps: the session id and its signature."""
    return f"{session_id}.{_signature(app_key(db), session_id)}"


def session_from_cookie(db: Database, value: str) -> str | None:
    """The session id a cookie names, if the app signed it; None for anything else."""
    session_id, dot, signature = value.partition(".")
    if not dot or not session_id or len(value) > _MAX_COOKIE_LENGTH or not value.isascii():
        return None
    expected = _signature(app_key(db), session_id)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return None
    return session_id


def session_actor(
    db: Database, session_id: str, limits: Limits, now: datetime | None = None
) -> Actor | None:
    """Who a session is now: the account with its current role, or None when the session
    was ended, idled out, ran past its longest life, or its account is gone."""
    moment = now or utc_now()
    found = db.rows(
        "SELECT u.name, u.role, s.created_at, s.last_seen FROM login_sessions s "
        "JOIN users u ON u.name = s.user_name WHERE s.id = ? AND s.revoked_at IS NULL",
        (session_id,),
    )
    if not found:
        return None
    name, role, created_at, last_seen = found[0]
    if moment - last_seen > limits.login_idle or moment - created_at > limits.login_max:
        return None
    if moment - last_seen >= TOUCH_EVERY:
        with db.transaction() as session:
            session.execute(
                "UPDATE login_sessions SET last_seen = ? WHERE id = ? AND last_seen < ?",
                (moment, session_id, moment),
            )
    return Actor(str(name), str(role))


def end_session(db: Database, session_id: str, now: datetime | None = None) -> None:
    """Log out: the session ends for every tab and replica at their next check."""
    with db.transaction() as session:
        session.execute(
            "UPDATE login_sessions SET revoked_at = ?, ticket = NULL "
            "WHERE id = ? AND revoked_at IS NULL",
            (now or utc_now(), session_id),
        )


def end_user_sessions(db: Database, user_name: str, now: datetime | None = None) -> None:
    """Log an account out on every browser and device."""
    with db.transaction() as session:
        session.execute(
            "UPDATE login_sessions SET revoked_at = ?, ticket = NULL "
            "WHERE user_name = ? AND revoked_at IS NULL",
            (now or utc_now(), user_name),
        )
