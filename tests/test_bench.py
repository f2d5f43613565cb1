"""The benchmarks run (at a small size): their figures are in bench/, never asserted here."""

import re
import subprocess
import sys

from .conftest import PROJECT_DIR

# In a process of its own, as `make bench` runs it: the benchmark drives Chromium through
# Playwright's sync API, which cannot start beside the tests' own Playwright.
SMALL_SCALE_RUN = """
import sys
sys.path.insert(0, "bench")
import scale
scale.RUNS = 1
scale.main(["--sizes", "200", "--usual-up-to", "200", "--output", sys.argv[1]])
"""


def test_scale_benchmark_runs_at_a_small_size(tmp_path):
    out = tmp_path / "scale.md"
    subprocess.run(
        [sys.executable, "-c", SMALL_SCALE_RUN, str(out)], cwd=PROJECT_DIR, check=True, timeout=900
    )
    table = out.read_text()
    assert "| 200 | Assetmap |" in table and "| 200 | usual |" in table
    assert "approve an asset on Review until it is on a map open elsewhere" in table
    assert "approve an asset on Review, then open the Map page" in table


def test_basemap_benchmark_runs_at_a_small_size(tmp_path):
    out = tmp_path / "basemap.md"
    command = [sys.executable, "bench/basemap.py", "--buildings", "300", "--runs", "1"]
    command += ["--no-demo", "--output", str(out)]
    subprocess.run(command, cwd=PROJECT_DIR, check=True, capture_output=True, timeout=300)
    table = out.read_text()
    assert "| town, " in table and " buildings (.osm.pbf) |" in table
    assert " buildings (.osm) |" in table
    assert "| 15/" in table and "| 13/" in table


def test_page_benchmark_runs_at_a_small_size(tmp_path):
    out = tmp_path / "page.md"
    command = [sys.executable, "bench/page.py", "--sizes", "300", "--usual", "300", "--idle", "1"]
    # Approve to visible runs in bench/scale.py's test, through the same helper.
    command += ["--runs", "0", "--cache", str(tmp_path / "cache"), "--output", str(out)]
    subprocess.run(command, cwd=PROJECT_DIR, check=True, capture_output=True, timeout=300)
    table = out.read_text()
    rows = {
        cells[1]: cells
        for line in table.splitlines()
        if line.startswith("| 300 | ")
        and (cells := [c.strip() for c in line.split("|")[1:-1]])
        and cells[2].endswith("frames)")
    }
    assert set(rows) == {"Assetmap", "usual"}
    for cells in rows.values():
        first_load, idle = cells[2], cells[7]
        assert float(first_load.split()[0]) > 0 and first_load.split()[1] in ("kB", "MB")
        assert idle.split()[0].replace(",", "").isdigit() and idle.split()[1] == "B"
    assert "whole page at 300 assets, against the usual approach" in table
    assert " times less on the first load, " in table
    ours = next(line for line in table.split("## Times")[1].splitlines() if "| Assetmap |" in line)
    assert ours.startswith("| 300 | Assetmap | ") and ours.endswith(" MB |")


def test_transfer_benchmark_runs_at_a_small_size(tmp_path):
    out = tmp_path / "transfer.md"
    command = [sys.executable, "bench/transfer.py", "--sizes", "150", "--output", str(out)]
    subprocess.run(command, cwd=PROJECT_DIR, check=True, capture_output=True, timeout=300)
    table = out.read_text()
    assert "| 150 | " in table and " MB |" in table
    assert "the command's floor" in table
    by_quarter = re.search(r"\| 150 \| (\d+), (\d+), (\d+), (\d+) MB \| ", table)
    assert by_quarter and int(by_quarter.group(4)) > 50
