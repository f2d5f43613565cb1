"""The benchmarks run (at a small size): their figures are in bench/, never asserted here."""

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


def test_transfer_benchmark_runs_at_a_small_size(tmp_path):
    out = tmp_path / "transfer.md"
    command = [sys.executable, "bench/transfer.py", "--sizes", "150", "--output", str(out)]
    subprocess.run(command, cwd=PROJECT_DIR, check=True, capture_output=True, timeout=300)
    table = out.read_text()
    assert "| 150 | " in table and " MB |" in table
    assert "the command's floor" in table
