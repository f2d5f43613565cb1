"""The `assetmap` command: load, import and export, with exports read back by GDAL."""

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import Point

from assetmap.cli import main
from assetmap.register.assets import AssetFilter, list_assets, register_asset
from assetmap.storage import connect

from .conftest import DEMO_ASSET_COUNT, VISITOR


@pytest.fixture
def demo_file(db_url):
    assert main(["--db", db_url, "load-demo", "--minimal"]) == 0
    return db_url


def stored_assets(db_url, asset_filter=None):
    with connect(str(db_url)) as db:
        return list_assets(db, asset_filter)


def test_export_reads_back_with_gdal(demo_file, tmp_path):
    out = tmp_path / "assets.geojson"
    assert (
        main(["--db", str(demo_file), "export", "assets", "--format", "geojson", "-o", str(out)])
        == 0
    )
    exported = pyogrio.read_dataframe(out).set_index("id")
    stored = stored_assets(demo_file).set_index("id")
    assert len(exported) == DEMO_ASSET_COUNT
    assert set(exported.index) == set(stored.index)
    joined = exported.join(stored[["lon", "lat", "name"]].add_suffix("_db"))
    assert (joined.geometry.x - joined["lon_db"]).abs().max() < 1e-7
    assert (joined.geometry.y - joined["lat_db"]).abs().max() < 1e-7
    assert (joined["name"] == joined["name_db"]).all()


def test_export_is_rfc7946(demo_file, tmp_path):
    out = tmp_path / "assets.geojson"
    main(["--db", str(demo_file), "export", "assets", "-o", str(out)])
    collection = json.loads(out.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    lon, lat = collection["features"][0]["geometry"]["coordinates"]
    assert 24 < lon < 26 and 60 < lat < 61  # lon first, WGS84
    assert all(isinstance(f["id"], str) for f in collection["features"])


def test_export_filters_and_only_approved_by_default(demo_file, tmp_path):
    with connect(str(demo_file)) as db:
        pending = register_asset(
            db,
            {"kind": "place", "category": "park", "name": "New park", "lon": 24.946, "lat": 60.171},
            VISITOR,
        )
    out = tmp_path / "parks.geojson"
    args = [
        "--db",
        str(demo_file),
        "export",
        "assets",
        "--kind",
        "place",
        "--category",
        "park",
        "--area",
        "kluuvi",
        "-o",
        str(out),
    ]
    assert main(args) == 0
    exported = pyogrio.read_dataframe(out)
    expected = stored_assets(demo_file, AssetFilter(categories=("park",), area_ids=("kluuvi",)))
    assert sorted(exported["id"]) == sorted(expected["id"]) and len(expected) > 0
    assert pending.id not in set(exported["id"])


def test_import_geojson_csv_and_gpkg(db_url, tmp_path, capsys):
    frame = gpd.GeoDataFrame(
        {
            "name": ["Kallio library", "Choir"],
            "kind": ["institution", "association"],
            "category": ["library", "cultural_group"],
        },
        geometry=[Point(24.95, 60.17), Point(24.94, 60.168)],
        crs="EPSG:4326",
    )
    pyogrio.write_dataframe(frame.to_crs("EPSG:3067"), tmp_path / "a.gpkg")
    moved = frame.set_geometry(frame.translate(xoff=0.01))  # the same names, 550 m east
    pyogrio.write_dataframe(moved, tmp_path / "a.geojson", driver="GeoJSON")
    pyogrio.write_dataframe(frame, tmp_path / "again.geojson", driver="GeoJSON")
    (tmp_path / "a.csv").write_text(
        "name;kind;category;lon;lat\nPark;place;park;24,946;60,17\n", encoding="utf-8"
    )
    for name, status in (("a.gpkg", "approved"), ("a.geojson", "pending"), ("a.csv", "approved")):
        assert (
            main(["--db", str(db_url), "import-assets", str(tmp_path / name), "--status", status])
            == 0
        )
    every = stored_assets(db_url, AssetFilter(statuses=()))
    assert len(every) == 5
    capsys.readouterr()
    assert main(["--db", str(db_url), "import-assets", str(tmp_path / "again.geojson")]) == 0
    assert "skipped 2 already present" in capsys.readouterr().out
    assert len(stored_assets(db_url, AssetFilter(statuses=()))) == 5
    gpkg_library = every[(every["name"] == "Kallio library") & (every["status"] == "approved")]
    assert gpkg_library["lon"].item() == pytest.approx(24.95, abs=1e-7)
    assert every[every["name"] == "Park"]["lon"].item() == pytest.approx(24.946)


def test_bad_import_exits_non_zero_with_one_line_and_writes_nothing(demo_file, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "name,kind,category,lon,lat\nOK,place,park,24.94,60.17\nSwapped,place,park,60.17,24.94\n"
    )
    assert main(["--db", str(demo_file), "import-assets", str(bad)]) == 1
    error = capsys.readouterr().err
    assert (
        error.startswith("assetmap: error: Nothing was imported: row 2") and error.count("\n") == 1
    )
    assert len(stored_assets(demo_file, AssetFilter(statuses=("pending",)))) == 0


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "pretend.geojson", "could not be read as a map file"),
        (b"just,some\ncolumns,here\n", "nocoords.csv", "needs a column with the longitude"),
        (b"hello", "notes.docx", "use a GeoJSON"),
    ],
)
def test_unreadable_files_get_a_clear_message(db_url, tmp_path, capsys, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["--db", str(db_url), "import-assets", str(path)]) == 1
    assert message in capsys.readouterr().err


def test_console_script_and_env_variable(demo_file, tmp_path):
    env = {"ASSETMAP_DB": str(demo_file), "PATH": ""}
    console_script = Path(sys.executable).parent / "assetmap"
    result = subprocess.run(
        [str(console_script), "export", "assets", "-o", "-"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["features"]) == DEMO_ASSET_COUNT


def test_missing_database_directory_is_created(tmp_path):
    target = tmp_path / "new" / "place.duckdb"
    assert main(["--db", str(target), "load-demo", "--minimal"]) == 0
    assert target.exists()
