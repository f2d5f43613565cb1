"""Benchmark the live data service at 100,000 assets: GDAL's own OGC API - Features client
against `assetmap export`, conditional requests, and the server's memory while it pages.
Writes bench/ogc.md.

    make bench            # or: python bench/ogc.py [--count 100000]

Everything runs against a real `assetmap serve` on loopback, read by pyogrio (GDAL's OAPIF
driver), as QGIS reads it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyogrio
from browsing import ASSETMAP, Server
from scale import EXTENT, synthetic

from assetmap.accounts import SYSTEM
from assetmap.models import validate_asset
from assetmap.register.assets import add_assets
from assetmap.storage import connect

RUNS = 5
RESULTS = Path(__file__).with_name("ogc.md")


def timed(work: Callable[[], object], runs: int = RUNS) -> tuple[float, object]:
    """The median time of `runs` calls, and the last call's result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def thousand_item_bbox(count: int) -> tuple[float, float, float, float]:
    """A box over 1,000 of `count` assets spread evenly over EXTENT (a square share of it)."""
    side = (1_000 / count) ** 0.5
    min_lon, min_lat, max_lon, max_lat = EXTENT
    return (
        min_lon,
        min_lat,
        min_lon + (max_lon - min_lon) * side,
        min_lat + (max_lat - min_lat) * side,
    )


def load(db_path: Path, count: int) -> None:
    records = synthetic(count).drop(columns="geometry").assign(status="approved", consent=True)
    with connect(str(db_path)) as db:
        add_assets(db, [validate_asset(r) for r in records.to_dict("records")], SYSTEM)


def export_seconds(db_path: Path, folder: Path) -> float:
    """`assetmap export assets` of the whole set, as a planner runs it (a whole process)."""
    output = folder / "export.geojson"
    command = [ASSETMAP, "--db", str(db_path), "export", "assets", "-o", str(output)]
    seconds, _ = timed(lambda: subprocess.run(command, check=True, capture_output=True), runs=3)
    return seconds


def status_and_seconds(url: str, headers: dict[str, str]) -> tuple[int, float, int]:
    request = urllib.request.Request(url, headers=headers)
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=300) as answer:
            size = len(answer.read())
            return answer.status, time.perf_counter() - start, size
    except urllib.error.HTTPError as answer:
        return answer.code, time.perf_counter() - start, 0


def vm_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def service_figures(db_path: Path, count: int) -> list[tuple[str, str]]:
    box = thousand_item_bbox(count)
    with Server(db=db_path) as server:
        assert server.process is not None
        pid = server.process.pid
        source = f"OAPIF:{server.url}/ogc"
        items = f"{server.url}/ogc/collections/assets/items"
        start = time.perf_counter()
        status, _, _ = status_and_seconds(f"{items}?limit=1", {})
        first = time.perf_counter() - start
        assert status == 200
        rss_before = vm_kb(pid, "VmRSS")

        page, frame = timed(
            lambda: pyogrio.read_dataframe(source, layer="assets", bbox=box, PAGE_SIZE="1000")
        )
        in_box = len(frame)  # type: ignore[arg-type]
        raw_page, _ = timed(lambda: status_and_seconds(f"{items}?limit=1000", {}))
        whole, everything = timed(
            lambda: pyogrio.read_dataframe(source, layer="assets", PAGE_SIZE="10000"), runs=3
        )
        assert len(everything) == count, len(everything)  # type: ignore[arg-type]
        rss_after = vm_kb(pid, "VmRSS")
        peak = vm_kb(pid, "VmHWM")

        gzip = {"Accept-Encoding": "gzip"}
        _, _, plain_size = status_and_seconds(f"{items}?limit=1000", {})
        _, _, gzip_size = status_and_seconds(f"{items}?limit=1000", gzip)
        with urllib.request.urlopen(f"{items}?limit=1000") as answer:
            tag = answer.headers["ETag"]
        condition = {"If-None-Match": tag}
        repeats = [status_and_seconds(f"{items}?limit=1000", condition) for _ in range(20)]
        assert all(status == 304 for status, _, _ in repeats)
        not_modified = statistics.median(seconds for _, seconds, _ in repeats)
    return [
        (f"first request after the server started ({count:,} assets read once)", f"{first:.2f} s"),
        (
            f"a bbox of {in_box:,} assets through GDAL (OAPIF, one page of 1,000)",
            f"{page:.3f} s",
        ),
        ("one page of 1,000 assets over HTTP (urllib)", f"{raw_page:.3f} s"),
        (
            f"the whole collection through GDAL ({count:,} assets, pages of 10,000)",
            f"{whole:.1f} s",
        ),
        (
            "a page of 1,000, plain against gzipped",
            f"{plain_size / 1e6:.2f} MB, {gzip_size / 1e6:.2f} MB",
        ),
        ("a repeat with If-None-Match (304, median of 20)", f"{not_modified * 1000:.1f} ms"),
        (
            "server memory: after the first request, after paging everything, peak (VmHWM)",
            f"{rss_before / 1024:.0f} MB, {rss_after / 1024:.0f} MB, {peak / 1024:.0f} MB",
        ),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    count = parser.parse_args(argv).count
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        db_path = folder / "ogc.duckdb"
        load(db_path, count)
        export = export_seconds(db_path, folder)
        figures = service_figures(db_path, count)
    page = float(figures[1][1].split()[0])
    lines = [
        "# The live data service at scale",
        "",
        f"{datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} cores, {count:,} approved assets."
        f" Medians of {RUNS} runs (3 for the whole collection and the export), against a real"
        " `assetmap serve` on loopback, read by GDAL's OAPIF driver through pyogrio.",
        "",
        "| what | figure |",
        "| --- | --- |",
        f"| `assetmap export assets` of all {count:,} (GeoJSON, the whole process) |"
        f" {export:.2f} s |",
        *[f"| {what} | {figure} |" for what, figure in figures],
        "",
        f"A 1,000-item bbox page takes {page / export:.1%} of the whole export's time"
        " (target: at most 10%).",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
