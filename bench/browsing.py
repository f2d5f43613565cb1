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

from assetmap.config import chromium_path
from assetmap.io.pdf import HEADLESS_CHROMIUM

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
    `streamlit run server.py` instead, as a replica behind a reverse proxy may be started.
    Use it as a context manager, or call start() and stop().
    """

    db: Path | str
    port: int = field(default_factory=free_port)
    env: dict[str, str] = field(default_factory=dict)
    """Settings for this server on top of the caller's environment."""
    streamlit_run: bool = False
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def command(self) -> list[str]:
        if self.streamlit_run:
            return [sys.executable, "-m", "streamlit", "run", "server.py",
                    "--server.port", str(self.port), "--server.address", "127.0.0.1"]  # fmt: skip
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
            cwd=PROJECT_DIR,
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
