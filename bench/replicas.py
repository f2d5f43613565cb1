"""Load test: three `streamlit run server.py` processes (the pages and the app's own routes)
share one PostgreSQL; thirty residents add assets
through the browser at the same time. Checks that no write is lost or duplicated and writes
the figures to bench/replicas.md.

    ASSETMAP_TEST_POSTGRES=$(scripts/test-postgres) .venv/bin/python bench/replicas.py

Every writer is a Chromium page (Playwright) on one of the three servers, in turn. In each
round all of them open the Add form, then all fill it in and press "Send for review" at once.
The database is a fresh schema on the server named by ASSETMAP_TEST_POSTGRES, dropped at
the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import psycopg
from browsing import CHROMIUM, CHROMIUM_ARGS, PROJECT_DIR, Server
from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright

from assetmap.accounts import SYSTEM, visitor
from assetmap.demo import load_demo
from assetmap.register.assets import AssetFilter, list_assets, register_asset
from assetmap.register.audit import history
from assetmap.storage import connect, data_version
from assetmap.storage.postgres import with_schema

RESULTS = Path(__file__).with_name("replicas.md")
NAME_PREFIX = "Load writer"
DIRECT_EACH = 10


def replica(url: str) -> Server:
    """One `streamlit run server.py` process (the pages and the app's own routes) on `url`."""
    # Every writer's browser connects from loopback, one address: lift its hourly limit.
    limit = {"ASSETMAP_SUBMISSIONS_PER_HOUR": "1000000"}
    return Server(db=url, env=limit, streamlit_run=True)


async def open_form(page, base_url: str, opening: asyncio.Semaphore) -> None:  # type: ignore[no-untyped-def]
    """Load the Add page (a few at a time: the browser shares the machine with the servers)."""
    async with opening:
        await page.goto(f"{base_url}/add")
        await page.get_by_role("button", name="Send for review").wait_for()


async def add_asset(page, number: int, round_number: int) -> float:  # type: ignore[no-untyped-def]
    """Fill in the form and send it; the seconds from Send to the thank-you."""
    name = f"{NAME_PREFIX} {number:02d} asset {round_number}"
    await page.get_by_label("Longitude (east–west)").fill(f"{24.935 + number * 0.0005:.5f}")
    await page.get_by_label("Latitude (north–south)").fill(f"{60.165 + round_number * 0.0005:.5f}")
    await page.get_by_role("textbox", name="Name", exact=True).fill(name)
    start = time.perf_counter()
    await page.get_by_role("button", name="Send for review").click()
    try:
        await page.get_by_text(f"“{name}” is saved and waits for review").wait_for()
    except PlaywrightTimeout:
        await page.screenshot(path=str(PROJECT_DIR / f"test-artifacts/writer-{number}.png"))
        raise
    return time.perf_counter() - start


async def run_writers(ports: list[int], writers: int, rounds: int) -> tuple[list[float], float]:
    """Each round, every writer opens the Add form, then all of them send it at once."""
    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = []
        for _ in range(writers):
            context = await browser.new_context(viewport={"width": 1200, "height": 900})
            pages.append(await context.new_page())
            pages[-1].set_default_timeout(300_000)
        opening = asyncio.Semaphore(4)
        latencies, sending = [], 0.0
        for round_number in range(rounds):
            await asyncio.gather(
                *(
                    open_form(page, f"http://127.0.0.1:{ports[n % len(ports)]}", opening)
                    for n, page in enumerate(pages)
                )
            )
            start = time.perf_counter()
            latencies += await asyncio.gather(
                *(add_asset(page, n, round_number) for n, page in enumerate(pages))
            )
            sending += time.perf_counter() - start
        await browser.close()
    return latencies, sending


DIRECT_PREFIX = "Direct writer"


def direct_writes(url: str, writers: int, each: int) -> tuple[list[float], float]:
    """The storage layer alone: `writers` threads, each with its own connection pool (as
    separate processes would have), registering `each` assets as fast as they can."""

    def write(number: int) -> list[float]:
        latencies = []
        with connect(url) as db:
            for item in range(each):
                start = time.perf_counter()
                register_asset(
                    db,
                    {
                        "kind": "place",
                        "category": "park",
                        "lon": 24.94,
                        "lat": 60.17,
                        "name": f"{DIRECT_PREFIX} {number:02d} asset {item}",
                    },
                    visitor(f"direct writer {number}"),
                )
                latencies.append(time.perf_counter() - start)
        return latencies

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=writers) as pool:
        results = list(pool.map(write, range(writers)))
    return [latency for latencies in results for latency in latencies], (
        time.perf_counter() - start
    )


def lost_and_duplicated(names: pd.Series, prefix: str, expected: int) -> tuple[int, int]:
    counts = Counter(name for name in names if name.startswith(prefix))
    return expected - len(counts), sum(n - 1 for n in counts.values())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--writers", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3, help="assets each writer adds")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    server = os.environ.get("ASSETMAP_TEST_POSTGRES")
    if not server:
        sys.exit(
            "Set ASSETMAP_TEST_POSTGRES to a PostgreSQL URL (scripts/test-postgres prints one)."
        )
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    url = with_schema(server, schema)
    replicas = []
    try:
        with connect(url) as db:
            load_demo(db, SYSTEM)
            version_before = data_version(db)
        replicas = [replica(url) for _ in range(args.replicas)]
        for started in replicas:
            started.launch()
        for started in replicas:
            started.wait_ready()
        ports = [started.port for started in replicas]
        latencies, elapsed = asyncio.run(run_writers(ports, args.writers, args.rounds))
        direct_latencies, direct_elapsed = direct_writes(url, args.writers, DIRECT_EACH)
        with connect(url) as db:
            stored = list_assets(db, AssetFilter(statuses=()))
            version_after = data_version(db)
            mine = stored[stored["name"].str.startswith(NAME_PREFIX)]
            creations = sum(
                set(history(db, asset_id)["last_action_type"]) == {"create"}
                for asset_id in mine["id"]
            )
    finally:
        for started in replicas:
            started.stop()
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")
    expected = args.writers * args.rounds
    lost, duplicated = lost_and_duplicated(stored["name"], NAME_PREFIX, expected)
    direct_expected = args.writers * DIRECT_EACH
    direct_lost, direct_duplicated = lost_and_duplicated(
        stored["name"], DIRECT_PREFIX, direct_expected
    )
    percentile_95 = statistics.quantiles(latencies, n=20)[-1]
    figures = {
        "replicas (streamlit run processes)": str(args.replicas),
        "concurrent writers (Chromium pages)": str(args.writers),
        "submissions sent": str(expected),
        "lost writes": str(lost),
        "duplicated writes": str(duplicated),
        "stored assets with exactly their creation in the audit trail": str(creations),
        "data version raised by (browser and direct writes)": str(version_after - version_before),
        "rounds (every writer sends once per round, all at once)": str(args.rounds),
        "time sending (first Send to last thank-you, summed over rounds)": f"{elapsed:.1f} s",
        "throughput": f"{expected / elapsed:.1f} submissions/s",
        "Send → confirmation, median": f"{statistics.median(latencies):.2f} s",
        "Send → confirmation, 95th percentile": f"{percentile_95:.2f} s",
        f"direct: {args.writers} threads × {DIRECT_EACH} register_asset calls": str(
            direct_expected
        ),
        "direct: lost writes": str(direct_lost),
        "direct: duplicated writes": str(direct_duplicated),
        "direct: throughput": f"{direct_expected / direct_elapsed:.0f} writes/s",
        "direct: one write, median": f"{statistics.median(direct_latencies) * 1000:.0f} ms",
    }
    write(figures, args.output)
    if {figures[key] for key in figures if "lost" in key or "duplicated" in key} != {"0"}:
        sys.exit("Writes were lost or duplicated: see the table.")


def write(figures: dict[str, str], output: Path) -> None:
    lines = [
        "# Several app processes on one PostgreSQL: load test",
        "",
        f"{datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} cores, PostgreSQL on loopback, "
        "Debian's Chromium on the same machine. `bench/replicas.py`.",
        "",
        "| figure | value |",
        "| --- | --- |",
        *[f"| {what} | {value} |" for what, value in figures.items()],
        "",
        "The browser figures share the machine's cores between the Chromium pages, the app",
        "processes and PostgreSQL, so they mostly measure that contention; the direct figures",
        "time the storage layer alone (each write queues on the advisory lock, then commits).",
        "",
    ]
    output.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
