"""What the Map page receives in Chromium, through the real app, at 10,000, 100,000 and
1,000,000 approved assets, against the usual approach (a folium Marker with a Popup per asset,
through st_folium) at 10,000: issue 22's figures. Writes bench/page.md.

    python bench/page.py [--sizes 10000 100000 1000000] [--usual 10000]

Chromium's DevTools Protocol reports every websocket frame the page receives and every HTTP
response's body; the static libraries are left out (EXCLUDED). Each size's database is
seeded once and kept in bench/.cache/, under its size and the schema's last migration.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from browsing import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Server,
    add_to_review,
    approve_to_visible,
    peak_memory_mb,
    wait_for_count,
)
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright
from scale import JQUERY, synthetic
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from assetmap.accounts import SYSTEM
from assetmap.models import validate_asset
from assetmap.register.assets import add_assets
from assetmap.render.mapping import install_map_scripts
from assetmap.storage import connect
from assetmap.storage.migrations import MIGRATIONS

RESULTS = Path(__file__).with_name("page.md")
CACHE = Path(__file__).with_name(".cache")
USUAL_PAGE = Path(__file__).with_name("usual_page.py")
SEED_CHUNK = 100_000
"""Assets stored per add_assets call (one transaction each) while seeding."""
VIEWPORT: ViewportSize = {"width": 1400, "height": 1000}
QUIET = 1.0
"""A load ends when the map is ready and nothing has arrived for this many seconds."""
LONGEST_SETTLE = 15.0

EXCLUDED = (
    ("/static/", "Streamlit's own frontend bundle (its JS, CSS, fonts and images)"),
    (
        "/app/static/vendor/",
        "every file of the app's static vendor/ folder: Leaflet, protomaps-leaflet,"
        " Leaflet.draw, the map's own scripts (render/js), and jQuery for the usual approach",
    ),
    (
        "/component/streamlit_folium.st_folium/",
        "streamlit-folium's frontend bundle (the component frame's index.html, JS and CSS)",
    ),
)
"""Paths whose HTTP responses are static libraries, not counted: each with what it is."""

USUAL_COUNT = (
    "() => { const f = document.querySelector('iframe[title=\"streamlit_folium.st_folium\"]');"
    " const d = f && f.contentDocument;"
    " return d ? d.querySelectorAll('.leaflet-marker-icon').length : 0; }"
)
"""How many markers the usual approach's map has drawn."""


def seeded(count: int, cache: Path) -> Path:
    """A DuckDB file of `count` approved synthetic assets (bench/scale.py's), made once per
    size and schema and kept in `cache`."""
    path = cache / f"assets-{count}-{MIGRATIONS[-1].__name__}.duckdb"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f"building-{path.name}")
    for leftover in (building, building.with_name(building.name + ".wal")):
        leftover.unlink(missing_ok=True)
    start = time.perf_counter()
    assets = synthetic(count).drop(columns="geometry").assign(status="approved", consent=True)
    with connect(str(building)) as db:
        for first in range(0, count, SEED_CHUNK):
            records = assets.iloc[first : first + SEED_CHUNK].to_dict("records")
            add_assets(db, [validate_asset(record) for record in records], SYSTEM)
    building.rename(path)
    print(f"seeded {count:,} assets in {time.perf_counter() - start:.0f} s: {path}", flush=True)
    return path


def excluded(url: str) -> bool:
    if not url.startswith("http"):
        return True  # data: and blob: URLs travel nowhere
    path = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
    return path.startswith(tuple(prefix for prefix, _ in EXCLUDED))


@dataclass
class Received:
    """What one page receives, as Chromium's DevTools Protocol reports it: each websocket
    frame's payload and each HTTP response's body as it came over the wire."""

    frames: list[bytes] = field(default_factory=list)
    responses: list[tuple[str, int]] = field(default_factory=list)
    """URL and body bytes of each finished response that is counted."""
    left_out: int = 0
    """Body bytes of the static libraries' responses."""
    last: float = field(default_factory=time.perf_counter)
    """When the last response or frame arrived."""
    _started: dict[str, tuple[str, int]] = field(default_factory=dict)

    def attach(self, page: Page) -> None:
        session = page.context.new_cdp_session(page)
        session.on("Network.webSocketFrameReceived", self._frame)
        session.on("Network.responseReceived", self._response)
        session.on("Network.loadingFinished", self._finished)
        session.send("Network.enable")

    def _frame(self, event: dict[str, Any]) -> None:
        frame = event["response"]
        data = frame["payloadData"]
        payload = base64.b64decode(data) if frame["opcode"] == 2 else data.encode()
        self.frames.append(payload)
        if ForwardMsg.FromString(payload).WhichOneof("type") != "session_status_changed":
            self.last = time.perf_counter()

    def _response(self, event: dict[str, Any]) -> None:
        response = event["response"]
        # What arrived with the headers, before the body.
        self._started[event["requestId"]] = (response["url"], int(response["encodedDataLength"]))

    def _finished(self, event: dict[str, Any]) -> None:
        url, headers = self._started.pop(event["requestId"], ("", 0))
        body = max(int(event["encodedDataLength"]) - headers, 0)
        if excluded(url):
            self.left_out += body
        else:
            self.responses.append((url, body))
        self.last = time.perf_counter()

    def total(self) -> int:
        return sum(map(len, self.frames)) + sum(body for _, body in self.responses)

    def settle(self, page: Page) -> None:
        """Wait until nothing has arrived for QUIET seconds (at most LONGEST_SETTLE)."""
        deadline = time.perf_counter() + LONGEST_SETTLE
        while time.perf_counter() < deadline and time.perf_counter() - self.last < QUIET:
            page.wait_for_timeout(100)


@dataclass
class Load:
    """One load of a page: seconds until the map was ready, and what it received by the time
    nothing more arrived."""

    seconds: float
    received: Received
    idle_bytes: int | None = None
    idle_frames: list[bytes] = field(default_factory=list)
    idle_cpu: float | None = None
    """Seconds of CPU the server spent meanwhile."""


def cpu_seconds(pid: int) -> float:
    """The CPU time process `pid` has used so far, all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(
    page: Page, url: str, ready: Callable[[Page], None], idle: float = 0, server: int = 0
) -> Load:
    """Open `url` on `page` until `ready` and then quiet; with `idle`, then stay that many
    seconds and count what arrives meanwhile, and the CPU time process `server` spends."""
    received = Received()
    received.attach(page)
    start = time.perf_counter()
    page.goto(url, timeout=600_000)
    ready(page)
    seconds = time.perf_counter() - start
    received.settle(page)
    done = Load(seconds, received)
    if idle:
        total, frames, responses = received.total(), len(received.frames), len(received.responses)
        cpu = cpu_seconds(server)
        page.wait_for_timeout(idle * 1000)
        done.idle_cpu = cpu_seconds(server) - cpu
        done.idle_bytes = received.total() - total
        done.idle_frames = received.frames[frames:]
        del received.frames[frames:]
        del received.responses[responses:]
    return done


@dataclass
class Figures:
    assets: int
    approach: str
    first: Load
    next: Load
    fresh: Load
    memory_mb: float
    live: list[float] = field(default_factory=list)
    opened: list[float] = field(default_factory=list)

    @property
    def per_asset(self) -> float:
        """Per asset on a load that receives everything (the fresh context: its browser keeps
        nothing yet), on a warm server."""
        return self.fresh.received.total() / self.assets

    @property
    def cached_per_asset(self) -> float:
        """Per asset on the next load, which takes what the browser kept from its cache."""
        return self.next.received.total() / self.assets

    @property
    def first_over_fresh(self) -> float:
        """What the first load after the server starts receives, over what a load with the
        same empty browser cache receives once the server is warm."""
        return self.first.received.total() / max(self.fresh.received.total(), 1)


def page_loads(
    browser: Browser, server: Server, ready: Callable[[Page], None], idle: float
) -> tuple[Load, Load, Load]:
    """The first load after the server started (then left idle), the next one in the same
    browser context (its HTTP cache warm), and one in a fresh context."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    url = server.url
    assert server.process is not None
    first = load(page, url, ready, idle, server.process.pid)
    page.close()
    page = context.new_page()
    second = load(page, url, ready)
    context.close()
    context = browser.new_context(viewport=VIEWPORT)
    fresh = load(context.new_page(), url, ready)
    context.close()
    return first, second, fresh


def assetmap_figures(
    browser: Browser, count: int, seed: Path, folder: Path, idle: float, runs: int
) -> Figures:
    """Assetmap serving a copy of the `seed` database of `count` assets."""
    db_path = folder / seed.name
    shutil.copyfile(seed, db_path)
    shown = add_to_review(db_path, runs) if runs else count
    with Server(db=db_path) as server:
        first, second, fresh = page_loads(
            browser, server, lambda page: wait_for_count(page, shown), idle
        )
        live, opened = approve_to_visible(browser, server.url, shown, runs) if runs else ([], [])
        assert server.process is not None
        memory = peak_memory_mb(server.process.pid)
    db_path.unlink()
    return Figures(count, "Assetmap", first, second, fresh, memory, live, opened)


def usual_figures(browser: Browser, count: int, folder: Path, idle: float) -> Figures:
    site = folder / "usual"
    site.mkdir()
    script = site / USUAL_PAGE.name
    shutil.copyfile(USUAL_PAGE, script)
    shutil.copyfile(JQUERY, install_map_scripts(site / "static") / JQUERY.name)
    environment = {"USUAL_ASSETS": str(count), "PYTHONPATH": str(USUAL_PAGE.parent)}
    options = ("--server.enableStaticServing", "true", "--server.headless", "true")
    usual = Server(db="", env=environment, streamlit_run=True, script=script, options=options)

    def ready(page: Page) -> None:
        page.wait_for_function(f"() => ({USUAL_COUNT})() >= {count}", timeout=600_000)

    with usual:
        first, second, fresh = page_loads(browser, usual, ready, idle)
        assert usual.process is not None
        memory = peak_memory_mb(usual.process.pid)
    shutil.rmtree(site)
    return Figures(count, "usual", first, second, fresh, memory)


def megabytes(count: int) -> str:
    return f"{count / 1e6:.2f} MB" if count >= 100_000 else f"{count / 1e3:.1f} kB"


def frame_contents(payload: bytes) -> str:
    """What a Streamlit message (ForwardMsg) carries, for the table of largest items."""
    message = ForwardMsg.FromString(payload)
    kind = message.WhichOneof("type") or "?"
    if kind != "delta":
        return kind
    delta = message.delta
    what = delta.WhichOneof("type") or "?"
    if what != "new_element":
        return f"delta {what}"
    element = delta.new_element.WhichOneof("type") or "?"
    if element != "component_instance":
        return f"element {element}"
    instance = delta.new_element.component_instance
    arguments = json.loads(instance.json_args or "{}")
    parts = sorted(((len(json.dumps(v)), k) for k, v in arguments.items()), reverse=True)
    sizes = ", ".join(f"{name} {megabytes(size)}" for size, name in parts[:3])
    return f"component {instance.component_name} ({sizes})"


def breakdown(received: Received) -> str:
    """Frames and HTTP responses of a load, and the messages that carry a map."""
    maps = [len(frame) for frame in received.frames if frame_contents(frame).startswith("comp")]
    return (
        f"{len(received.frames)} frames, {megabytes(sum(map(len, received.frames)))}; "
        f"{len(received.responses)} counted HTTP responses, "
        f"{megabytes(sum(body for _, body in received.responses))} "
        f"({megabytes(received.left_out)} of static libraries left out); "
        f"{len(maps)} map component message(s): {', '.join(map(megabytes, maps)) or 'none'}"
    )


def largest(received: Received, shown: int = 5) -> list[str]:
    items = [(len(frame), "frame", frame_contents(frame)) for frame in received.frames]
    items += [(body, "HTTP", url.split("/", 3)[3][:80]) for url, body in received.responses]
    items.sort(key=lambda item: -item[0])
    return [f"{megabytes(size)}, {how}: {what}" for size, how, what in items[:shown]]


def write(figures: list[Figures], idle: float, runs: int, load_before: float, output: Path) -> None:
    def row(f: Figures) -> str:
        first, second, fresh = f.first.received, f.next.received, f.fresh.received
        return (
            f"| {f.assets:,} | {f.approach} | {megabytes(first.total())} ({len(first.frames)} "
            f"frames) | {megabytes(second.total())} ({len(second.frames)} frames) | "
            f"{megabytes(fresh.total())} | {f.per_asset:.1f} B ({f.cached_per_asset:.1f} B) | "
            f"{f.first_over_fresh:.2f} | {f.first.idle_bytes:,} B "
            f"({len(f.first.idle_frames)} frames), server CPU {f.first.idle_cpu:.2f} s |"
        )

    def timing(f: Figures) -> str:
        live = (
            f"{statistics.median(f.live):.2f} s, {max(f.live):.2f} s" if f.live else "not measured"
        )
        opened = f"{f.opened[0]:.2f} s, {f.opened[1]:.2f} s" if f.opened else "not measured"
        return (
            f"| {f.assets:,} | {f.approach} | {f.first.seconds:.2f} s | {f.next.seconds:.2f} s "
            f"| {f.fresh.seconds:.2f} s | {live} | {opened} | {f.memory_mb:,.0f} MB |"
        )

    ours = {f.assets: f for f in figures if f.approach == "Assetmap"}
    usual = [f for f in figures if f.approach == "usual"]
    lines = [
        "# What the Map page receives: Assetmap at scale, against the usual approach",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, load average "
        f"{load_before:.1f} before and {os.getloadavg()[0]:.1f} after; written by `python "
        "bench/page.py` (`make bench`). Times are provisional when other work loaded the "
        "machine; bytes hardly depend on it, except that a slow browser can be sent the map "
        "again (see the map component messages below).",
        "",
        "Counted, in Debian's Chromium through Chrome's DevTools Protocol: the payload of every "
        "websocket frame the page receives (Streamlit's messages, as the browser has them after "
        "any compression) and the body of every HTTP response, as it came over the wire (a "
        "response from the browser's cache counts 0), for the page and its frames. Left out, "
        "as static libraries, the HTTP responses under:",
        "",
        *[f"- `{prefix}`: {what}" for prefix, what in EXCLUDED],
        "",
        "A load lasts until the map has drawn every asset (for Assetmap, the data-asset-count "
        f"map.js sets; for the usual approach, the markers) and then nothing has arrived for "
        f"{QUIET:.0f} s. The first load is the first after the server starts; the next is a new "
        "page in the same browser context (its HTTP cache warm, as for a returning visitor); "
        "the fresh context has an empty cache but a warm server. Idle: what the first load's "
        f"page receives in the {idle:.0f} s after that, while the live map waits for changes "
        "(a request held open, answered only when the data change), and the CPU time the "
        "server spends meanwhile. Per asset: the fresh context's bytes over the assets, a "
        "load that receives everything (in brackets, the next load's, which takes the map's "
        "payload from the browser's cache). First / fresh: the first load after the server "
        "starts over the fresh context's, both with an empty browser cache.",
        "",
        "## Whole page",
        "",
        "| assets | approach | first load after the server starts | next load | fresh context "
        f"| per asset | first / fresh | idle {idle:.0f} s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        *[row(f) for f in figures],
        "",
        "## Times and memory",
        "",
        "Map ready: from opening the page until the map has drawn every asset. Approve to "
        f"visible: approving one pending asset on Review until a Map page open in another tab "
        f"shows it (median of {runs}, slowest), and until the Map page opened after approving "
        "shows it (the team's first map since the server started, then the next). Server peak: "
        "VmHWM of the server's process and its children, at the end.",
        "",
        "| assets | approach | map ready, first load | next load | fresh context | approve to "
        "visible on an open map | approve, then open the map | server peak |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        *[timing(f) for f in figures],
        "",
        "## Against issue 22's targets",
        "",
        "| figure | target | measured | met |",
        "| --- | --- | --- | --- |",
        *targets(ours, usual, idle),
        "",
        "## Where the bytes go: the largest items of each first load",
        "",
    ]
    for f in figures:
        lines += [
            f"- {f.assets:,}, {f.approach}, first load: {breakdown(f.first.received)}. Largest:",
            *[f"  - {item}" for item in largest(f.first.received)],
            f"  - next load: {breakdown(f.next.received)}",
            f"  - fresh context: {breakdown(f.fresh.received)}",
        ]
        if f.first.idle_frames:
            kinds = Counter(frame_contents(frame) for frame in f.first.idle_frames)
            lines.append(
                f"  - left idle: {len(f.first.idle_frames)} frames, {f.first.idle_bytes:,} B: "
                + ", ".join(f"{what} {times}" for what, times in kinds.most_common())
            )
    lines.append("")
    output.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


def targets(ours: dict[int, Figures], usual: list[Figures], idle: float) -> list[str]:
    def line(figure: str, target: str, measured: str, met: bool) -> str:
        return f"| {figure} | {target} | {measured} | {'yes' if met else 'no'} |"

    lines = []
    for other in usual:
        if other.assets in ours:
            mine = ours[other.assets]
            first = other.first.received.total() / max(mine.first.received.total(), 1)
            fresh = other.fresh.received.total() / max(mine.fresh.received.total(), 1)
            lines.append(
                line(
                    f"whole page at {other.assets:,} assets, against the usual approach",
                    "at least 20 times less",
                    f"{first:.1f} times less on the first load, {fresh:.1f} in a fresh context",
                    min(first, fresh) >= 20,
                )
            )
    for count, most in ((100_000, 25), (1_000_000, 15)):
        if count in ours:
            per = ours[count].per_asset
            lines.append(
                line(
                    f"whole page at {count:,} assets",
                    f"at most {most} B per asset",
                    f"{per:.1f} B",
                    per <= most,
                )
            )
    for count, f in ours.items():
        lines.append(
            line(
                f"live refresh with nothing changed, {count:,} assets",
                "0 bytes",
                f"{f.first.idle_bytes:,} B in {idle:.0f} s",
                f.first.idle_bytes == 0,
            )
        )
        lines.append(
            line(
                f"first load after the server starts, {count:,} assets",
                "at most 1.3 times the next load (in a fresh context, whose cache is as empty)",
                f"{f.first_over_fresh:.2f} times",
                f.first_over_fresh <= 1.3,
            )
        )
    if 100_000 in ours and 1_000_000 in ours:
        for which, ready in (
            ("fresh context", lambda f: f.fresh.seconds),
            ("next load", lambda f: f.next.seconds),
        ):
            ratio = ready(ours[1_000_000]) / ready(ours[100_000])
            lines.append(
                line(
                    f"map ready in Chromium at 1,000,000 ({which})",
                    "at most 2 times the 100,000 figure",
                    f"{ready(ours[1_000_000]):.2f} s, {ratio:.1f} times",
                    ratio <= 2,
                )
            )
    if 1_000_000 in ours:
        memory = ours[1_000_000].memory_mb
        lines.append(
            line("server peak at 1,000,000", "under 1 GB", f"{memory:,.0f} MB", memory < 1024)
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument(
        "--usual", type=int, nargs="*", default=[10_000], help="sizes for the usual approach"
    )
    parser.add_argument("--idle", type=float, default=5.0, help="seconds left idle")
    parser.add_argument(
        "--runs", type=int, default=3, help="approvals timed on an open map (0: no approvals)"
    )
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    seeds = {count: seeded(count, args.cache) for count in args.sizes}
    load_before = os.getloadavg()[0]
    figures = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for count, seed in seeds.items():
            figures.append(
                assetmap_figures(browser, count, seed, Path(folder), args.idle, args.runs)
            )
            print(f"{count:,} assets: {figures[-1].next.received.total():,} B", flush=True)
        for count in args.usual:
            figures.append(usual_figures(browser, count, Path(folder), args.idle))
        browser.close()
    write(figures, args.idle, args.runs, load_before, args.output)


if __name__ == "__main__":
    main()
