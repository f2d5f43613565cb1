"""Benchmark importing and exporting assets at scale through the `assetmap` command: the time
and the peak memory of `assetmap import-assets` of a GeoJSON file, and of `assetmap export
assets` to GeoJSON, at 100,000 and 1,000,000 assets. Writes bench/transfer.md.

    make bench                 # or: python bench/transfer.py [--sizes 100000 1000000]

Each command runs in a process of its own, on a DuckDB file holding the minimal demo (its
areas), and its peak memory is the process's own (ru_maxrss from wait4). The figures beside
them are issue 22's targets.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pyogrio
import scale

RESULTS = Path(__file__).with_name("transfer.md")
IMPORT_TARGET_S = {1_000_000: 180.0}
EXPORT_TARGET_S = {1_000_000: 30.0}


def synthetic(count: int) -> gpd.GeoDataFrame:
    """bench/scale.py's `count` assets spread over Helsinki, as a file to import would have
    them: a source id and consent each, none of the fields the app fills in itself."""
    found = scale.synthetic(count)[["kind", "category", "sector", "name", "address", "geometry"]]
    return found.assign(consent="yes", source_id=[f"bench/{i}" for i in range(count)])


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    quarters_mb: tuple[float, ...] = ()
    """The highest resident memory sampled in each quarter of the run: flat when the memory
    stops growing while the file goes in or out."""


def run(*args: str) -> Run:
    """`assetmap ARGS` in a process of its own: its time, its peak resident memory, and its
    resident memory by quarter of the run (sampled every SAMPLE_S)."""
    command = [sys.executable, "-m", "assetmap.cli", *args]
    environment = {**os.environ, "ASSETMAP_MAX_UPLOAD_MB": "100000"}
    start = time.perf_counter()
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)
    samples: list[tuple[float, float]] = []
    while (found := os.wait4(process.pid, os.WNOHANG))[0] == 0:
        samples.append((time.perf_counter() - start, resident_mb(process.pid)))
        time.sleep(SAMPLE_S)
    _, status, usage = found
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return Run(seconds, usage.ru_maxrss / 1024, by_quarter(samples, seconds))


SAMPLE_S = 0.05


def resident_mb(pid: int) -> float:
    """VmRSS of a running process, 0 once it has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    return int(status.split("VmRSS:")[1].split()[0]) / 1024 if "VmRSS:" in status else 0.0


def by_quarter(samples: list[tuple[float, float]], seconds: float) -> tuple[float, ...]:
    quarters = [0.0] * 4
    for moment, megabytes in samples:
        quarter = min(3, int(4 * moment / seconds))
        quarters[quarter] = max(quarters[quarter], megabytes)
    return tuple(quarters)


@dataclass(frozen=True)
class Row:
    count: int
    imported: Run
    exported: Run


def write_file(count: int, path: Path) -> None:
    pyogrio.write_dataframe(synthetic(count), path, driver="GeoJSON")


def measure(count: int, folder: Path) -> Row:
    source = folder / f"assets-{count}.geojson"
    # Written by a process of its own: a child's peak memory counts its parent's at the fork,
    # and a million assets in a frame would be counted in every command's peak.
    subprocess.run([sys.executable, __file__, "--write-file", str(count), str(source)], check=True)
    db = folder / f"transfer-{count}.duckdb"
    subprocess.run(
        [sys.executable, "-m", "assetmap.cli", "--db", str(db), "load-demo", "--minimal"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    imported = run("--db", str(db), "import-assets", str(source), "--status", "approved")
    source.unlink()
    out = folder / f"export-{count}.geojson"
    exported = run("--db", str(db), "export", "assets", "-o", str(out))
    written = pyogrio.read_info(out)["features"]
    if written < count:
        raise RuntimeError(f"the export of {count:,} assets holds {written:,} (GDAL read it)")
    out.unlink()
    db.unlink()
    return Row(count, imported, exported)


def idle_peak(folder: Path) -> Run:
    """The command's own floor: an export of the demo's few areas."""
    db = folder / "floor.duckdb"
    subprocess.run(
        [sys.executable, "-m", "assetmap.cli", "--db", str(db), "load-demo", "--minimal"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    floor = run("--db", str(db), "export", "areas", "-o", str(folder / "areas.geojson"))
    db.unlink()
    return floor


def quarters(run: Run) -> str:
    return ", ".join(f"{megabytes:.0f}" for megabytes in run.quarters_mb) + " MB"


def target(targets: dict[int, float], count: int) -> str:
    return f"within {targets[count]:.0f} s" if count in targets else ""


def write(rows: list[Row], floor: Run, output: Path) -> None:
    lines = [
        "# Import and export at scale",
        "",
        f"{datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} cores, DuckDB file. Each figure is one "
        "run of the `assetmap` command in a process of its own (`python bench/transfer.py`); "
        "peak memory is the process's resident peak (ru_maxrss). The import reads, checks and "
        "stores the file a batch at a time in one transaction; the export reads, releases "
        "(privacy.released) and writes a batch at a time, the database sorting a range of "
        "names at a time (`assets.SORT_PART`); both keep DuckDB within `cli.BATCH_MEMORY_MB`. "
        "What one transaction must keep grows with the file: DuckDB's index of the new "
        "assets' ids (about 70 MB a million).",
        "",
        "| assets | import of a GeoJSON file | target | import peak memory "
        "| GeoJSON export | target | export peak memory |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *[
            f"| {row.count:,} | {row.imported.seconds:.1f} s "
            f"| {target(IMPORT_TARGET_S, row.count)} | {row.imported.peak_mb:.0f} MB "
            f"| {row.exported.seconds:.1f} s | {target(EXPORT_TARGET_S, row.count)} "
            f"| {row.exported.peak_mb:.0f} MB |"
            for row in rows
        ],
        "",
        "Resident memory while the file goes in or out: the highest sampled in each quarter of "
        "the run.",
        "",
        "| assets | import, by quarter | export, by quarter |",
        "| --- | --- | --- |",
        *[
            f"| {row.count:,} | {quarters(row.imported)} | {quarters(row.exported)} |"
            for row in rows
        ],
        "",
        f"- the command's floor, an export of the demo's areas: {floor.peak_mb:.0f} MB peak "
        f"memory, {floor.seconds:.1f} s",
        "- issue 22's target for memory: flat, the peak at 1,000,000 close to the peak at 100,000",
        "",
    ]
    output.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--write-file", nargs=2, metavar=("COUNT", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.write_file:
        write_file(int(args.write_file[0]), Path(args.write_file[1]))
        return
    with tempfile.TemporaryDirectory() as folder:
        floor = idle_peak(Path(folder))
        rows = []
        for count in args.sizes:
            rows.append(measure(count, Path(folder)))
            print(rows[-1], flush=True)
    write(rows, floor, args.output)


if __name__ == "__main__":
    main()
