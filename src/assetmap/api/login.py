"""The login cookie: set when the browser hands in its login's ticket, cleared at logout.

A page cannot set an HttpOnly cookie, so the app's server does: right after a login the
Account page has the browser post the login's single-use ticket here (js/login_cookie.js),
and the answer carries the signed session cookie. Streamlit then reads it back from every
new page load (st.context.cookies).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from assetmap.api.incoming import limited_body, public_url
from assetmap.config import ConfigError, Settings
from assetmap.sessions import (
    COOKIE_NAME,
    cookie_value,
    end_session,
    exchange_ticket,
    session_from_cookie,
)
from assetmap.storage import Database, DatabaseError

SESSION_PATH = "/auth/session"
LOGOUT_PATH = "/auth/logout"
MAX_BODY_BYTES = 1024


def login_routes(database: Callable[[], Database], prefix: str = "") -> list[Route]:
    """POST {prefix}/auth/session (the ticket, as JSON) and POST {prefix}/auth/logout."""
    cookie_path = prefix or "/"

    async def start(request: Request) -> Response:
        refused = _refused(request)
        if refused is not None:
            return refused
        ticket = _ticket(await limited_body(request, MAX_BODY_BYTES) or b"")
        if ticket is None:
            return PlainTextResponse("Send the login's ticket as JSON.", status_code=400)
        try:
            settings = Settings.from_env()
            secure = _over_https(request)
            value = await run_in_threadpool(_cookie_for_ticket, database, ticket)
        except (ConfigError, DatabaseError):
            return PlainTextResponse("The login store is unavailable.", status_code=503)
        if value is None:
            return PlainTextResponse("This ticket is spent or unknown.", status_code=403)
        response = Response(status_code=204, headers={"Cache-Control": "no-store"})
        response.set_cookie(
            COOKIE_NAME,
            value,
            max_age=int(settings.limits.login_max.total_seconds()),
            path=cookie_path,
            secure=secure,
            httponly=True,
            samesite="lax",
        )
        return response

    async def end(request: Request) -> Response:
        refused = _refused(request)
        if refused is not None:
            return refused
        try:
            secure = _over_https(request)
            await run_in_threadpool(_end_cookie_session, database, request.cookies.get(COOKIE_NAME))
        except (ConfigError, DatabaseError):
            return PlainTextResponse("The login store is unavailable.", status_code=503)
        response = Response(status_code=204, headers={"Cache-Control": "no-store"})
        response.delete_cookie(
            COOKIE_NAME,
            path=cookie_path,
            secure=secure,
            httponly=True,
            samesite="lax",
        )
        return response

    return [
        Route(prefix + SESSION_PATH, start, methods=["POST"]),
        Route(prefix + LOGOUT_PATH, end, methods=["POST"]),
    ]


def _refused(request: Request) -> Response | None:
    """Only the app's own pages may call these: JSON (which a form on another site cannot
    send without asking first) and not from another site."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return PlainTextResponse("Send JSON.", status_code=415)
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return PlainTextResponse("Only the app's own pages may do this.", status_code=403)
    return None


def _ticket(body: bytes) -> str | None:
    try:
        sent: Any = json.loads(body)
    except ValueError:
        return None
    ticket = sent.get("ticket") if isinstance(sent, dict) else None
    return ticket if isinstance(ticket, str) and 0 < len(ticket) <= 100 else None


def _cookie_for_ticket(database: Callable[[], Database], ticket: str) -> str | None:
    db = database()
    session_id = exchange_ticket(db, ticket)
    return None if session_id is None else cookie_value(db, session_id)


def _end_cookie_session(database: Callable[[], Database], cookie: str | None) -> None:
    """Logging out ends the session the cookie names too, whichever tab asks."""
    if not cookie:
        return
    db = database()
    session_id = session_from_cookie(db, cookie)
    if session_id is not None:
        end_session(db, session_id)


def _over_https(request: Request) -> bool:
    """Whether the browser reached us over https: directly, or through a trusted proxy that
    says so."""
    return public_url(request).scheme == "https"
