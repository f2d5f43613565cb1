"""One person cannot report an asset off the map, in a real browser against a real server.

Reports count by address: on loopback every session is the same reporter; behind a reverse
proxy the forwarded address counts, but only when the app trusts that proxy. Playwright's
extra headers do not reach Streamlit's websocket, so a real nginx (Debian's) sits in front,
one port per forwarded address.
"""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from browsing import free_port
from playwright.sync_api import Browser, Page, expect

from assetmap.register.assets import FLAGS_TO_HIDE
from assetmap.storage import connect

from .test_browser import WAIT_MS, Server, map_frame

pytestmark = pytest.mark.browser

NGINX = os.environ.get("ASSETMAP_NGINX", "/usr/sbin/nginx")
FORWARDED = ("198.51.100.1", "198.51.100.2", "198.51.100.3")
"""Documentation addresses (RFC 5737), one per proxy port."""
THANKS = "Thank you. The neighbourhood team will look at it."
SERVER_BLOCK = """
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{app_port};
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For {address};
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host:$server_port;
            proxy_read_timeout 600s;
        }}
    }}
"""
NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    {servers}
}}
"""


@dataclass
class Nginx:
    """nginx in front of the app: each port forwards one fixed address as X-Forwarded-For,
    as a proxy does for a client from that address."""

    prefix: Path
    app_port: int
    addresses: tuple[str, ...]
    ports: list[int] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None

    def url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.ports[index]}"

    def start(self) -> None:
        self.ports = [free_port() for _ in self.addresses]
        servers = "".join(
            SERVER_BLOCK.format(port=port, app_port=self.app_port, address=address)
            for port, address in zip(self.ports, self.addresses, strict=True)
        )
        config = self.prefix / "nginx.conf"
        config.write_text(NGINX_CONF.format(prefix=self.prefix, servers=servers))
        self.process = subprocess.Popen(
            [
                NGINX,
                "-p",
                str(self.prefix),
                "-c",
                str(config),
                "-e",
                str(self.prefix / "error.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for index in range(len(self.ports)):
            self._wait_for(self.url(index))

    def _wait_for(self, url: str) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process and self.process.poll() is None, self._log()
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"nginx did not answer on {url}: {self._log()}")

    def _log(self) -> str:
        log = self.prefix / "error.log"
        return log.read_text() if log.exists() else "no error log"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Server]:
    """The app on a fresh demo database, trusting a proxy on loopback."""
    running = Server(db=tmp_path / "abuse.duckdb", env={"ASSETMAP_TRUSTED_PROXIES": "127.0.0.1"})
    yield running
    running.stop()


def behind_nginx(tmp_path: Path, server: Server, addresses: tuple[str, ...]) -> Nginx:
    if not Path(NGINX).exists():
        pytest.fail(f"nginx not found at {NGINX}: apt-get install -y nginx-light")
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    proxy = Nginx(prefix, server.port, addresses)
    proxy.start()
    return proxy


def report(page: Page, url: str, reason: str) -> str:
    """Report the first asset the Map page's form offers; return its name."""
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    map_frame(page)
    page.get_by_text("Report a problem with an asset").click()
    form = page.get_by_test_id("stForm")
    chosen = form.get_by_test_id("stSelectbox").inner_text().split("\n")[-1]
    form.get_by_label("What is wrong?").fill(reason)
    form.get_by_role("button", name="Send report").click()
    expect(page.get_by_text(THANKS)).to_be_visible()
    return chosen


def report_from_new_browsers(browser: Browser, urls: list[str]) -> set[str]:
    """Report from a fresh browser (a context of its own) per URL; the reported names."""
    names = set()
    for number, url in enumerate(urls):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            names.add(report(context.new_page(), url, f"report number {number}"))
        finally:
            context.close()
    return names


def reported_asset(db_path: Path) -> tuple[str, int, int]:
    """The one reported asset's status, with its reports and distinct reporters."""
    with connect(str(db_path)) as db:
        rows = db.rows(
            "SELECT a.status, count(*), count(DISTINCT r.reporter) FROM reports r "
            "JOIN assets a ON a.id = r.asset_id GROUP BY a.id, a.status"
        )
    assert len(rows) == 1, rows
    status, reports, reporters = rows[0]
    return str(status), int(reports), int(reporters)


def test_three_fresh_browsers_on_loopback_do_not_hide_an_asset(browser: Browser, tmp_path: Path):
    server = Server(db=tmp_path / "loopback.duckdb")
    server.start()
    try:
        names = report_from_new_browsers(browser, [server.url] * FLAGS_TO_HIDE)
    finally:
        server.stop()
    assert len(names) == 1
    assert reported_asset(server.db) == ("approved", FLAGS_TO_HIDE, 1)


def test_three_forwarded_addresses_from_a_trusted_proxy_hide_an_asset(
    browser: Browser, app: Server, tmp_path: Path
):
    app.start()
    proxy = behind_nginx(tmp_path, app, FORWARDED)
    try:
        names = report_from_new_browsers(browser, [proxy.url(i) for i in range(len(FORWARDED))])
    finally:
        proxy.stop()
        app.stop()
    assert len(names) == 1
    assert reported_asset(Path(app.db)) == ("hidden", FLAGS_TO_HIDE, FLAGS_TO_HIDE)


def test_three_tabs_behind_one_forwarded_address_do_not_hide_an_asset(
    browser: Browser, app: Server, tmp_path: Path
):
    app.start()
    proxy = behind_nginx(tmp_path, app, FORWARDED[:1])
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        tabs = [context.new_page() for _ in range(FLAGS_TO_HIDE)]
        names = {report(tab, proxy.url(0), f"tab {n}") for n, tab in enumerate(tabs)}
    finally:
        context.close()
        proxy.stop()
        app.stop()
    assert len(names) == 1
    assert reported_asset(Path(app.db)) == ("approved", FLAGS_TO_HIDE, 1)


def test_forwarded_addresses_from_an_untrusted_proxy_are_ignored(browser: Browser, tmp_path: Path):
    server = Server(db=tmp_path / "untrusted.duckdb")
    server.start()
    proxy = behind_nginx(tmp_path, server, FORWARDED)
    try:
        report_from_new_browsers(browser, [proxy.url(i) for i in range(len(FORWARDED))])
    finally:
        proxy.stop()
        server.stop()
    assert reported_asset(server.db) == ("approved", FLAGS_TO_HIDE, 1)
