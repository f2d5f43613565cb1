"""What the browser tests and the benchmarks that drive Chromium share: the browser and its
flags, free ports, and an app server started on one of them and waited for.

One module for both, so they start the app and the browser the same way. The benchmarks import
it from beside them (`python bench/scale.py` puts bench/ on the path); pytest finds it through
`pythonpath = ["bench"]` in pyproject.toml, and keeps its fixtures in tests/conftest.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from playwright.sync_api import Browser, Page, ViewportSize

from assetmap.accounts import SYSTEM, add_user
from assetmap.config import chromium_path
from assetmap.io.pdf import HEADLESS_CHROMIUM
from assetmap.models import validate_asset
from assetmap.register.assets import count_by_status, register_asset
from assetmap.storage import connect

PROJECT_DIR = Path(__file__).resolve().parents[1]
ASSETMAP = str(Path(sys.executable).parent / "assetmap")
"""The `assetmap` command of the running Python's environment."""

CHROMIUM = chromium_path()
"""Debian's Chromium (`apt-get install chromium`), or ASSETMAP_CHROMIUM: never a downloaded
browser, since `playwright install` needs a network the tests and benchmarks do without."""
CHROMIUM_ARGS = list(HEADLESS_CHROMIUM)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(
    port: int, seconds: float = 120, process: subprocess.Popen[bytes] | None = None
) -> None:
    """Wait until the app on `port` answers Streamlit's health check (polling, not sleeping a
    fixed time); when its `process` is given, fail at once if it ends first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the app on port {port} exited while starting")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"the app on port {port} did not start within {seconds:.0f} s")


@dataclass
class Server:
    """The app on a free port of loopback, with base-map tiles off (nothing leaves the host).

    By default it is started as people start it, with `assetmap serve`; `streamlit_run` starts
    `streamlit run server.py` instead, as a replica behind a reverse proxy may be started, or
    `streamlit run` of another `script`, from the script's folder.
    Use it as a context manager, or call start() and stop().
    """

    db: Path | str
    port: int = field(default_factory=free_port)
    env: dict[str, str] = field(default_factory=dict)
    """Settings for this server on top of the caller's environment."""
    streamlit_run: bool = False
    script: Path = PROJECT_DIR / "server.py"
    options: tuple[str, ...] = ()
    """More of `streamlit run`'s options, e.g. ("--server.enableStaticServing", "true")."""
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def command(self) -> list[str]:
        if self.streamlit_run:
            return [sys.executable, "-m", "streamlit", "run", self.script.name,
                    "--server.port", str(self.port), "--server.address", "127.0.0.1",
                    *self.options]  # fmt: skip
        return [ASSETMAP, "--db", str(self.db), "serve", "--port", str(self.port),
                "--address", "127.0.0.1"]  # fmt: skip

    def start(self, seconds: float = 120) -> None:
        """Start the server and return once it answers."""
        self.launch()
        self.wait_ready(seconds)

    def launch(self) -> None:
        """Start the server without waiting, so that several can start side by side."""
        env = {**os.environ, "ASSETMAP_DB": str(self.db), "ASSETMAP_TILES": "none", **self.env}
        self.process = subprocess.Popen(
            self.command(),
            cwd=self.script.parent if self.streamlit_run else PROJECT_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_ready(self, seconds: float = 120) -> None:
        """Return once the launched server answers; one that does not is stopped."""
        try:
            wait_healthy(self.port, seconds, self.process)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


MAP_COUNT = (
    "() => { const f = document.querySelector('iframe[title=\"streamlit_folium.st_folium\"]');"
    " const c = f && f.contentDocument && f.contentDocument"
    ".querySelector('.leaflet-container[data-asset-count]');"
    " return c ? Number(c.dataset.assetCount) : 0; }"
)
"""How many assets the app's map has drawn (0 before it is drawn): the count map.js keeps in
the map container's data-asset-count, inside st_folium's frame."""


def wait_for_count(page: Page, at_least: int) -> None:
    """Wait until the app's map on `page` has drawn at least `at_least` assets."""
    page.wait_for_function(f"() => ({MAP_COUNT})() >= {at_least}", timeout=600_000, polling=20)


def peak_memory_mb(pid: int) -> float:
    """The peak resident memory (VmHWM) of process `pid` and its children, summed: an upper
    bound of the tree's peak, read before the process ends."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return float("nan")
    peak = next(
        int(line.split()[1]) / 1024
        for line in status.read_text().splitlines()
        if line.startswith("VmHWM:")
    )
    children = Path(f"/proc/{pid}/task/{pid}/children")
    kids = children.read_text().split() if children.exists() else []
    return peak + sum(peak_memory_mb(int(kid)) for kid in kids)


REVIEWER = ("bench", "benchmark password")
"""The team account that approves assets in approve_to_visible."""


def add_to_review(db_path: Path, runs: int) -> int:
    """Before the app serves `db_path`, add the reviewer's account and the parks that
    approve_to_visible(..., runs) approves, waiting for review; returns how many approved
    assets the map shows."""
    name, password = REVIEWER
    with connect(str(db_path)) as db:
        add_user(db, SYSTEM, name, "team", password)
        for number in range(runs + 2):
            new = {"kind": "place", "category": "park", "name": f"New park {number}"}
            register_asset(db, validate_asset({**new, "lon": 25.0, "lat": 60.2}), SYSTEM)
        return count_by_status(db)["approved"]


def approve_to_visible(
    browser: Browser, url: str, shown: int, runs: int
) -> tuple[list[float], list[float]]:
    """Approve the parks of add_to_review one at a time on the Review page, as the reviewer.

    The first `runs` are timed from the click until a Map page open in another tab shows
    them; the next two until the Map page, opened after approving, shows them (the team's
    first map since the server started, then the next). Returns both lists of seconds.
    """
    viewport: ViewportSize = {"width": 1400, "height": 1000}
    watcher = browser.new_page(viewport=viewport)
    watcher.goto(url)
    wait_for_count(watcher, shown)
    page = browser.new_page(viewport=viewport)
    page.goto(f"{url}/account")
    name, password = REVIEWER
    page.get_by_label("User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text(f"Logged in as {name}").wait_for()
    live: list[float] = []
    opened: list[float] = []
    for number in range(runs + 2):
        page.get_by_role("link", name="Review").click()
        page.get_by_label("Assets to decide on").click()
        page.get_by_role("option", name=f"New park {number}").click()
        page.keyboard.press("Escape")
        approve = page.get_by_role("button", name="Approve chosen (1)")
        approve.wait_for()
        start = time.perf_counter()
        approve.click()
        if number < runs:
            wait_for_count(watcher, shown + number + 1)
            live.append(time.perf_counter() - start)
        else:
            # The message of the previous decision may still show; an emptied choice (or
            # queue) shows this one is stored.
            stored = page.get_by_role("button", name="Approve chosen (0)")
            stored.or_(page.get_by_text("Nothing waits for review")).wait_for()
            page.get_by_role("link", name="Map").click()
            wait_for_count(page, shown + number + 1)
            opened.append(time.perf_counter() - start)
    watcher.close()
    page.close()
    return live, opened
