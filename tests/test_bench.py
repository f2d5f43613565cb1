"""The benchmarks run (at a small size): their figures are in bench/, never asserted here."""

import importlib.util

from .conftest import PROJECT_DIR


def load(name: str, monkeypatch):  # type: ignore[no-untyped-def]
    # As when run as a script, a benchmark imports its shared module (browsing) from beside it.
    monkeypatch.syspath_prepend(str(PROJECT_DIR / "bench"))
    spec = importlib.util.spec_from_file_location(name, PROJECT_DIR / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_scale_benchmark_runs_at_a_small_size(tmp_path, monkeypatch):
    scale = load("scale", monkeypatch)
    scale.RUNS = 1
    out = tmp_path / "scale.md"
    scale.main(["--sizes", "200", "--usual-up-to", "200", "--output", str(out)])
    table = out.read_text()
    assert "| 200 | Assetmap |" in table and "| 200 | usual |" in table
    assert "GeoJSON export of 200 assets" in table
    assert "approve an asset on Review until it is on a map open elsewhere" in table
    assert "approve an asset on Review, then open the Map page" in table
