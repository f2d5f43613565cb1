"""Benchmark the map at 1,000, 10,000 and 100,000 assets against the usual approach (one folium
Marker with a Popup per asset), plus the real app at the largest size. Writes bench/scale.md.
Import and export at scale are bench/transfer.py's.

    make bench-scale            # or: python bench/scale.py [--sizes 1000 10000 100000]

Browser timings load the rendered map page from a local web server in Debian's Chromium.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import xstatic.pkg.jquery
from browsing import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Server,
    add_to_review,
    approve_to_visible,
    peak_memory_mb,
    wait_for_count,
)
from playwright.sync_api import sync_playwright

from assetmap.accounts import SYSTEM
from assetmap.config import tiles_from_setting
from assetmap.models import CATEGORIES, KINDS, validate_asset
from assetmap.register.assets import add_assets
from assetmap.render.mapping import MapScripts, build_asset_map, install_map_scripts
from assetmap.storage import connect

RUNS = 5
EXTENT = (24.78, 60.13, 25.25, 60.30)
RESULTS = Path(__file__).with_name("scale.md")
JQUERY = Path(xstatic.pkg.jquery.BASE_DIR) / "jquery.min.js"
"""folium's own popups need jQuery: the usual map loads it, Assetmap's maps do without."""


def synthetic(count: int, seed: int = 7) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    kinds = rng.choice(list(KINDS), count)
    lon = rng.uniform(EXTENT[0], EXTENT[2], count)
    lat = rng.uniform(EXTENT[1], EXTENT[3], count)
    return gpd.GeoDataFrame(
        {
            "id": [f"{i:032x}" for i in range(count)],
            "kind": kinds,
            "category": [next(iter(CATEGORIES[k])) for k in kinds],
            "sector": "public",
            "name": [f"Asset {i}" for i in range(count)],
            "lon": lon,
            "lat": lat,
            "area_name": "Area",
            "address": "Street 1",
            "description": "",
            "website": "",
            "source": "import",
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    )


def usual_map(assets: gpd.GeoDataFrame, scripts: MapScripts) -> folium.Map:
    """What most Streamlit + folium apps do: a Marker with an HTML Popup per asset."""
    fmap = folium.Map(location=[60.2, 25.0], zoom_start=11, tiles=None)
    leaflet = [script for script in scripts.js() if script[0] == "leaflet"]
    fmap.default_js = [*leaflet, ("jquery", f"{scripts.base_url}/{JQUERY.name}")]
    fmap.default_css = scripts.css()
    for row in assets.itertuples():
        folium.Marker(
            [row.lat, row.lon],
            popup=folium.Popup(f"<b>{row.name}</b><br>{row.kind}"),
            tooltip=row.name,
        ).add_to(fmap)
    return fmap


def our_map(assets: gpd.GeoDataFrame, scripts: MapScripts) -> folium.Map:
    areas = gpd.GeoDataFrame({"id": [], "name": []}, geometry=[], crs="EPSG:4326")
    return build_asset_map(assets, areas, tiles_from_setting("none"), scripts)


MapBuilder = Callable[[gpd.GeoDataFrame, MapScripts], folium.Map]
Row = tuple[int, str, float | None, float | None, float | None, float | None]
"""Assets, approach, build seconds, bytes per asset, seconds to ready and to a popup."""


def rendered(builder: MapBuilder, assets: gpd.GeoDataFrame, scripts: MapScripts) -> str:
    return builder(assets, scripts).get_root().render()


def median(work: Callable[[], object], runs: int = RUNS) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


READY_OURS = "() => document.querySelector('.leaflet-container[data-asset-count]') !== null"
READY_USUAL = "(n) => document.querySelectorAll('.leaflet-marker-icon').length >= Math.min(n, 1)"
FIRST_POPUP = """() => { const layer = window.assetmap
    ? window.assetmap.assets.getLayers()[0]
    : Object.values(window).find(v => v && v.openPopup && v.getLatLng);
  layer.openPopup(); return document.querySelector('.leaflet-popup-content') !== null; }"""


def browser_times(url: str, ours: bool, count: int) -> tuple[float, float]:
    ready, popup = [], []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(RUNS):
            page = browser.new_page()
            start = time.perf_counter()
            page.goto(url, timeout=300_000)
            page.wait_for_function(
                READY_OURS if ours else READY_USUAL, arg=None if ours else count, timeout=300_000
            )
            ready.append(time.perf_counter() - start)
            start = time.perf_counter()
            page.evaluate(FIRST_POPUP)
            popup.append(time.perf_counter() - start)
            page.close()
        browser.close()
    return statistics.median(ready), statistics.median(popup)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument(
        "--usual-up-to",
        type=int,
        default=10_000,
        help="the usual approach takes minutes beyond this; skip it above",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder)
        shutil.copyfile(JQUERY, install_map_scripts(site) / JQUERY.name)
        scripts = MapScripts("/vendor")
        server, port = serve(site)
        builders: list[tuple[str, MapBuilder]] = [("Assetmap", our_map), ("usual", usual_map)]
        for count in args.sizes:
            assets = synthetic(count)
            for name, builder in builders:
                if name == "usual" and count > args.usual_up_to:
                    rows.append((count, name, None, None, None, None))
                    continue
                build = median(
                    functools.partial(rendered, builder, assets, scripts),
                    runs=RUNS if count <= 10_000 else 3,
                )
                page = rendered(builder, assets, scripts)
                (site / f"{name}-{count}.html").write_text(page, encoding="utf-8")
                ready, popup = browser_times(
                    f"http://127.0.0.1:{port}/{name}-{count}.html", name == "Assetmap", count
                )
                rows.append((count, name, build, len(page.encode()) / count, ready, popup))
                print(rows[-1], flush=True)
        server.shutdown()
        server.server_close()
        extra = app_figures(app_database(max(args.sizes), Path(folder)))
    write(rows, extra, args.output)


def app_figures(db_path: Path) -> list[tuple[str, str]]:
    """Through the real app: map ready, an approved asset reaching an open map and a newly
    opened one, and the server's peak memory."""
    shown = add_to_review(db_path, RUNS)
    with Server(db=db_path) as server:
        url = server.url
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            ready = []
            for _ in range(RUNS):
                start = time.perf_counter()
                page.goto(url)
                wait_for_count(page, shown)
                ready.append(time.perf_counter() - start)
            page.close()
            live, opened = approve_to_visible(browser, url, shown, RUNS)
            browser.close()
        assert server.process is not None
        memory = peak_memory_mb(server.process.pid)
    return [
        (
            f"map page ready in Chromium through the app, {shown:,} assets (median)",
            f"{statistics.median(ready):.2f} s",
        ),
        (
            f"approve an asset on Review until it is on a map open elsewhere (median of {RUNS},"
            " slowest)",
            f"{statistics.median(live):.2f} s, {max(live):.2f} s",
        ),
        (
            "approve an asset on Review, then open the Map page, until it is there (the team's"
            " first map since the server started; the next time)",
            f"{opened[0]:.2f} s, {opened[1]:.2f} s",
        ),
        ("app server peak memory (VmHWM)", f"{memory:.0f} MB"),
    ]


def app_database(count: int, folder: Path) -> Path:
    """A DuckDB file holding `count` approved synthetic assets, for app_figures."""
    path = folder / "scale.duckdb"
    with connect(str(path)) as db:
        records = synthetic(count).drop(columns="geometry").assign(status="approved", consent=True)
        add_assets(db, [validate_asset(r) for r in records.to_dict("records")], SYSTEM)
    return path


def write(rows: list[Row], extra: list[tuple[str, str]], output: Path) -> None:
    def cell(value: float | None, fmt: str, unit: str) -> str:
        return "skipped (minutes)" if value is None else f"{format(value, fmt)} {unit}"

    lines = [
        "# Map at scale: Assetmap against the usual approach",
        "",
        f"{datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} cores. Medians of {RUNS} runs "
        "(3 for 100,000-asset builds). Browser: Debian's Chromium, page from a local server.",
        "",
        "| assets | approach | server build + render | payload per asset | map ready in Chromium |"
        " first popup |",
        "| --- | --- | --- | --- | --- | --- |",
        *[
            f"| {count:,} | {name} | {cell(build, '.2f', 's')} | {cell(size, '.0f', 'B')} | "
            f"{cell(ready, '.2f', 's')} | {cell(popup, '.3f', 's')} |"
            for count, name, build, size, ready, popup in rows
        ],
        "",
        *[f"- {what}: {figure}" for what, figure in extra],
        "",
        "The last four figures drive the real app (`assetmap serve`) in Chromium.",
        "",
    ]
    output.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
