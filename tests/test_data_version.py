"""The data-version route an open map waits on (api/data_version.py), on a real database: it
answers a change at once, says nothing when nothing changed, and refuses a bad question."""

from __future__ import annotations

import asyncio
import json
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from assetmap.api.data_version import POLL_SECONDS, data_version_routes
from assetmap.storage import Database, bump_data_version, data_version


def ask(route: Route, query: str) -> tuple[Response, float]:
    """GET the route with `query`, from a client that stays connected; with the seconds the
    answer took."""
    scope = {"type": "http", "method": "GET", "path": "/data-version", "headers": []}
    scope["query_string"] = query.encode()

    async def receive() -> dict[str, str]:
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    started = time.monotonic()
    # A loop of its own, in a thread: the browser tests' Playwright keeps one in this thread.
    with ThreadPoolExecutor(1) as pool:
        response = pool.submit(asyncio.run, route.endpoint(Request(scope, receive))).result()
    return response, time.monotonic() - started


def test_a_change_is_answered_as_soon_as_it_is_stored(db: Database):
    [route] = data_version_routes(lambda: db, wait_seconds=10)
    version = data_version(db)

    def write_later() -> None:
        time.sleep(0.3)
        with db.transaction() as session:
            bump_data_version(session)

    writer = threading.Thread(target=write_later)
    writer.start()
    response, took = ask(route, f"since={version}")
    writer.join()
    assert response.status_code == 200
    assert json.loads(bytes(response.body)) == {"version": version + 1}
    assert response.headers["cache-control"] == "no-store"
    assert took < 0.3 + 2 * POLL_SECONDS + 1  # a poll or two after the write, not the wait

    already, _ = ask(route, f"since={version}")
    assert json.loads(bytes(already.body)) == {"version": version + 1}


def test_nothing_changed_is_an_empty_answer_after_the_wait(db: Database):
    [route] = data_version_routes(lambda: db, wait_seconds=0.6)
    response, took = ask(route, f"since={data_version(db)}")
    assert response.status_code == 204 and response.body == b""
    assert took >= 0.6


def test_a_question_that_names_no_version_is_refused(db: Database):
    [route] = data_version_routes(lambda: db)
    for query in ("", "since=", "since=abc", "since=-1", "since=1.5", "since=" + "9" * 40):
        response, _ = ask(route, query)
        assert response.status_code == 400, query
        assert b"since=N" in bytes(response.body)


class Uvicorn:
    """What the web server leaves as its SIGTERM handler: a method of the server, which says
    whether it was told to stop."""

    should_exit = True

    def handle_exit(self, sig: int, frame: object) -> None:
        self.should_exit = True


def test_a_stopping_server_lets_a_waiting_map_go_at_once(db: Database):
    """The server waits for every open request before it stops: a map's must not hold it."""
    [route] = data_version_routes(lambda: db, wait_seconds=20)
    previous = signal.signal(signal.SIGTERM, Uvicorn().handle_exit)
    try:
        response, took = ask(route, f"since={data_version(db)}")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert response.status_code == 204 and took < 2
