"""What the benchmarks that drive Chromium share: the browser, free ports, a started app."""

from __future__ import annotations

import socket
import time
import urllib.request

CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium: the benchmarks never download a browser."""
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(port: int, seconds: float = 120) -> None:
    """Wait until the Streamlit app on `port` answers its health check."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"the app on port {port} did not start")
