"""The console door: `assetmap` commands run inside the app that holds the database.

A DuckDB file has one writer process, so while `assetmap serve` runs, another `assetmap`
process cannot open the file. The app therefore leaves a runtime file beside the database (as
Jupyter does for its kernels): where it answers, and a secret token. The command line reads
it and sends its command here instead of opening the file itself; the app runs it on its own
shared database, so a write from the console reaches open maps as any other write does.

The door only opens in `assetmap serve` (open_console); `streamlit run server.py` answers 404.
Only a request from this host (no proxy in between) with the token gets in: the token is in a
file only the app's user may read, and whoever may read it may open the database anyway.

The runner that parses and runs a command is the command line's, handed in by open_console:
this layer may not import `assetmap.cli`.
"""

from __future__ import annotations

import base64
import hmac
import json
import os
import secrets
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from assetmap.api.incoming import limited_body
from assetmap.clients import parse_address
from assetmap.errors import AssetmapError
from assetmap.storage import is_postgres
from assetmap.storage.duckdb_file import duckdb_path

CONSOLE_PATH = "/_console/run"
RUNTIME_SUFFIX = ".server.json"
MAX_BODY_BYTES = 1_000_000
COMMAND_TIMEOUT_S = 3600.0
"""How long the command line waits for an answer: an import of a large file takes minutes."""

PROXY_HEADERS = (
    "forwarded",
    "x-forwarded-for",
    "x-real-ip",
    "x-forwarded-host",
    "x-forwarded-proto",
)
"""A reverse proxy on this host connects from loopback; these headers show one is between."""


class ConsoleError(AssetmapError):
    """The running app could not take a command."""


@dataclass(frozen=True)
class RunningApp:
    """What the runtime file says: the app serving `database`, where it answers, its token."""

    url: str
    token: str
    pid: int
    database: str


@dataclass(frozen=True)
class Command:
    """A command line as typed, the directory it was typed in, and what it reads from stdin."""

    argv: tuple[str, ...]
    cwd: str
    input: str = ""


@dataclass(frozen=True)
class Outcome:
    """What a command did: its exit status, its standard output as bytes (an export to `-`
    is written as bytes) and its standard error."""

    exit: int
    stdout: bytes
    stderr: str


Runner = Callable[[Command], Outcome]


@dataclass(frozen=True)
class _Door:
    token: str
    runner: Runner


_door: _Door | None = None
"""Set while this process serves a DuckDB file through `assetmap serve`."""


def database_file(location: str) -> Path | None:
    """The DuckDB file at `location` as an absolute path (from the current directory), or
    None for PostgreSQL and in-memory databases, which no runtime file stands beside."""
    if is_postgres(location):
        return None
    path = duckdb_path(location)
    return None if path == ":memory:" else Path(path).resolve()


def runtime_file(database: Path) -> Path:
    return database.with_name(database.name + RUNTIME_SUFFIX)


def console_url(address: str, port: int, prefix: str = "", https: bool = False) -> str:
    """Where this host reaches an app that listens on `address` (serve's --address): loopback
    for localhost and the wildcards, else that very address, the only one it listens on."""
    host = address.strip("[]")
    if host in ("", "localhost", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"{'https' if https else 'http'}://{host}:{port}{prefix}"


def write_runtime_file(app: RunningApp) -> Path:
    """Write the runtime file, readable by this user only.

    The caller holds the database's lock, so any runtime file already there was left by an
    app that ended without removing it (killed): it is replaced. O_EXCL refuses to follow a
    link planted in its place.
    """
    path = runtime_file(Path(app.database))
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(asdict(app), file)
    return path


def read_runtime_file(database: Path) -> RunningApp | None:
    """The app the runtime file beside `database` names, or None when there is none, it
    cannot be read, or it names another database."""
    try:
        sent: Any = json.loads(runtime_file(database).read_text(encoding="utf-8"))
        app = RunningApp(
            url=str(sent["url"]),
            token=str(sent["token"]),
            pid=int(sent["pid"]),
            database=str(sent["database"]),
        )
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return app if app.database == str(database) else None


def running_app(location: str) -> RunningApp | None:
    """The live app serving the DuckDB file at `location`, if one says so."""
    database = database_file(location)
    app = None if database is None else read_runtime_file(database)
    return app if app is not None and _alive(app.pid) else None


def _alive(pid: int) -> bool:
    if pid <= 0:  # kill() would take these for process groups
        return False
    try:
        os.kill(pid, 0)
    except PermissionError:
        return True  # someone else's process: alive
    except (OSError, OverflowError):
        return False
    return True


@contextmanager
def open_console(database: Path, url: str, runner: Runner) -> Iterator[RunningApp]:
    """Open the door for commands on `database` (at `url`, run by `runner`) for the time of
    the block: the runtime file exists exactly as long."""
    global _door
    app = RunningApp(url, secrets.token_urlsafe(32), os.getpid(), str(database))
    write_runtime_file(app)
    _door = _Door(app.token, runner)
    try:
        yield app
    finally:
        _door = None
        runtime_file(database).unlink(missing_ok=True)


def console_routes(prefix: str = "") -> list[Route]:
    """POST {prefix}/_console/run: {"argv", "cwd", "input"} in, {"exit", "stdout" (base64),
    "stderr"} out."""

    async def run(request: Request) -> Response:
        door = _door
        if door is None:
            return PlainTextResponse("Not Found", status_code=404)
        refusal = _refusal(request, door.token)
        if refusal:
            return PlainTextResponse(refusal, status_code=403)
        body = await limited_body(request, MAX_BODY_BYTES)
        if body is None:
            return PlainTextResponse("The command is too large.", status_code=413)
        command = _command(body)
        if command is None:
            return PlainTextResponse('Send {"argv": [...], "cwd": "/..."}.', status_code=400)
        outcome = await run_in_threadpool(door.runner, command)
        return JSONResponse(
            {
                "exit": outcome.exit,
                "stdout": base64.b64encode(outcome.stdout).decode("ascii"),
                "stderr": outcome.stderr,
            },
            headers={"Cache-Control": "no-store"},
        )

    return [Route(prefix + CONSOLE_PATH, run, methods=["POST"])]


def _refusal(request: Request, token: str) -> str:
    """Why the request may not run a command, or "" when it may."""
    if not _from_this_host(request):
        return "Commands are taken from this host only."
    if any(name in request.headers for name in PROXY_HEADERS):
        return "Commands are not taken through a proxy."
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), token.encode()):
        return "A command needs the token of the runtime file beside the database."
    return ""


def _from_this_host(request: Request) -> bool:
    """Whether the peer is loopback, or the very address the request came in on (how this
    host reaches an app that listens on one address of its own only)."""
    peer = parse_address(request.client.host if request.client else "")
    server = request.scope.get("server")
    own = parse_address(str(server[0])) if server else None
    return peer is not None and (peer.is_loopback or peer == own)


def _command(body: bytes) -> Command | None:
    try:
        sent: Any = json.loads(body)
    except ValueError:
        return None
    if not isinstance(sent, dict):
        return None
    argv, cwd, typed = sent.get("argv"), sent.get("cwd"), sent.get("input", "")
    if not isinstance(argv, list) or not all(isinstance(part, str) for part in argv):
        return None
    if not isinstance(cwd, str) or not os.path.isabs(cwd) or not isinstance(typed, str):
        return None
    return Command(tuple(argv), cwd, typed)


def send_command(
    app: RunningApp, command: Command, timeout: float = COMMAND_TIMEOUT_S
) -> Outcome | None:
    """Have the running `app` run `command`; None when it does not answer (starting, or
    ended without removing its runtime file), so that the caller may run it itself."""
    request = urllib.request.Request(
        app.url + CONSOLE_PATH,
        data=json.dumps(
            {"argv": list(command.argv), "cwd": command.cwd, "input": command.input}
        ).encode(),
        headers={"Authorization": f"Bearer {app.token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with _opener().open(request, timeout=timeout) as answer:
            sent: Any = json.loads(answer.read())
        return Outcome(int(sent["exit"]), base64.b64decode(sent["stdout"]), str(sent["stderr"]))
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        reason = error.read().decode("utf-8", "replace").strip() or error.reason
        raise ConsoleError(
            f"The running app (process {app.pid}) refused the command: {reason}"
        ) from error
    except urllib.error.URLError as error:
        if isinstance(error.reason, ConnectionRefusedError):
            return None
        raise ConsoleError(
            f"The running app (process {app.pid}) at {app.url} did not answer: {error.reason}"
        ) from error
    except TimeoutError as error:
        raise ConsoleError(
            f"The running app (process {app.pid}) gave no answer within {timeout:.0f} s; "
            "the command may still be running there."
        ) from error
    except (ValueError, KeyError, TypeError) as error:
        raise ConsoleError(
            f"The running app (process {app.pid}) answered something other than a command's "
            "outcome: is it an Assetmap of the same version?"
        ) from error


def _opener() -> urllib.request.OpenerDirector:
    """No proxy from the environment (it would see the token), and for an app serving
    https, no certificate check: its certificate names the public host, not loopback, and
    the runtime file, which only the app's user could write, already says who answers."""
    unchecked = ssl.create_default_context()
    unchecked.check_hostname = False
    unchecked.verify_mode = ssl.CERT_NONE
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=unchecked)
    )
