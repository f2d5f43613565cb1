"""Imports and exports: every format read back with GDAL, round trips, HSDS validity, bad files."""

import json
from pathlib import Path

import pyogrio
import pytest

from assetmap.cli import main
from assetmap.config import DEMO_DIR
from assetmap.io.readers import rows_from_file
from assetmap.register import importing
from assetmap.register.assets import AssetFilter, approve_assets, list_assets, register_asset
from assetmap.register.importing import (
    ImportRejectedError,
    commit_import,
    import_rows,
    preview_import,
)
from assetmap.storage import connect

from .conftest import ADMIN, DEMO_ASSET_COUNT, TEAM, VISITOR
from .hsds_schemas import hsds_validator

PERSON = {
    "kind": "person",
    "category": "skill",
    "name": "Ola, fixes bikes",
    "lon": 24.946,
    "lat": 60.171,
    "consent": True,
}


@pytest.fixture
def demo_file(db_url: str) -> str:
    assert main(["--db", str(db_url), "load-demo", "--minimal"]) == 0
    return db_url


def export(db_url: str, out: Path, *extra: str) -> Path:
    assert main(["--db", str(db_url), "export", *extra, "-o", str(out)]) == 0
    return out


def stored(db_url: str):
    with connect(str(db_url)) as db:
        return list_assets(db).set_index("id")


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_every_asset_export_reads_back_with_gdal(demo_file, tmp_path, fmt):
    out = export(demo_file, tmp_path / f"assets.{fmt}", "assets", "--format", fmt)
    options = {"X_POSSIBLE_NAMES": "lon", "Y_POSSIBLE_NAMES": "lat"} if fmt == "csv" else {}
    read = pyogrio.read_dataframe(out, **options).set_index("id")
    expected = stored(demo_file)
    assert len(read) == DEMO_ASSET_COUNT and set(read.index) == set(expected.index)
    joined = read.join(expected[["lon", "lat", "name", "category"]].add_suffix("_db"))
    assert (joined.geometry.x - joined["lon_db"]).abs().max() < 1e-7
    assert (joined.geometry.y - joined["lat_db"]).abs().max() < 1e-7
    assert (joined["name"] == joined["name_db"]).all()
    assert (joined["category"] == joined["category_db"]).all()


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_area_exports_carry_the_indicators(demo_file, tmp_path, fmt):
    out = export(demo_file, tmp_path / f"areas.{fmt}", "areas", "--format", fmt)
    read = pyogrio.read_dataframe(out, **({"GEOM_POSSIBLE_NAMES": "wkt"} if fmt == "csv" else {}))
    read = read.set_index("id")
    assert len(read) == 6
    assert float(read.loc["kluuvi", "population"]) == 520.0
    assert read.geometry.notna().all()


def test_geojson_polygons_are_wound_as_rfc7946_says(demo_file, tmp_path):
    from shapely.geometry import shape

    collection = json.loads(export(demo_file, tmp_path / "areas.geojson", "areas").read_text())
    for feature in collection["features"]:
        polygon = shape(feature["geometry"])
        assert polygon.exterior.is_ccw
    assert "crs" not in collection


def test_export_import_export_is_identical(demo_file, tmp_path):
    first = export(demo_file, tmp_path / "first.geojson", "assets")
    fresh = tmp_path / "fresh.duckdb"
    assert (
        main(
            [
                "--db",
                str(fresh),
                "import-areas",
                str(DEMO_DIR / "areas.geojson"),
                "--id-field",
                "id",
                "--name-field",
                "name",
            ]
        )
        == 0
    )
    assert main(["--db", str(fresh), "import-assets", str(first), "--status", "approved"]) == 0
    second = export(fresh, tmp_path / "second.geojson", "assets")
    assert json.loads(second.read_text()) == json.loads(first.read_text())


def test_hsds_export_is_valid_and_leaves_people_out(demo_file, tmp_path):
    with connect(str(demo_file)) as db:
        person = register_asset(db, PERSON, VISITOR)
        approve_assets(db, [str(person.id)], TEAM)
    out = export(demo_file, tmp_path / "hsds.json", "assets", "--format", "hsds")
    package = json.loads(out.read_text())
    checks = {
        "organizations": "compiled/organization.json",
        "services": "compiled/service.json",
        "service_at_locations": "compiled/service_at_location.json",
        "locations": "location.json",
    }
    for key, schema in checks.items():
        validator = hsds_validator(schema)
        assert package[key], key
        for record in package[key]:
            errors = sorted(validator.iter_errors(record), key=str)
            assert not errors, (key, record, errors[0].message)
    names = {
        record["name"] for key in checks if key != "service_at_locations" for record in package[key]
    }
    assert "Ola, fixes bikes" not in names
    assert len(package["locations"]) == DEMO_ASSET_COUNT
    ids = {record["id"] for record in package["organizations"]}
    assert all(s["organization_id"] in ids for s in package["services"])


def test_norwegian_semicolon_csv_with_decimal_commas(demo_db, tmp_path):
    path = tmp_path / "lag.csv"
    path.write_text(
        "navn;type;kategori;lengdegrad;breddegrad;beskrivelse\n"
        "Bygdelag for Ærø og Åsane;association;residents_group;24,9461;60,1712;"
        "Møtes på tirsdager\n",
        encoding="utf-8-sig",
    )
    rows = rows_from_file(path, lon_column="lengdegrad", lat_column="breddegrad")
    renamed = [
        {
            "name": r["navn"],
            "kind": r["type"],
            "category": r["kategori"],
            "description": r["beskrivelse"],
            "lon": r["lon"],
            "lat": r["lat"],
        }
        for r in rows
    ]
    assert import_rows(demo_db, renamed, ADMIN).added == 1
    found = list_assets(demo_db, AssetFilter(statuses=("pending",)))
    assert found["name"].item() == "Bygdelag for Ærø og Åsane"
    assert found["description"].item() == "Møtes på tirsdager"
    assert found["lon"].item() == pytest.approx(24.9461)


def test_windows_1252_file_keeps_every_character(db_url, tmp_path):
    path = tmp_path / "verenigingen.csv"
    name = "Café Eëndracht & IJsclub Ærøskøbing"
    text = f"name;kind;category;lon;lat\n{name};association;sports_club;24,94;60,17\n"
    path.write_bytes(text.encode("cp1252"))
    assert main(["--db", str(db_url), "import-assets", str(path)]) == 0
    with connect(str(db_url)) as db:
        names = list_assets(db, AssetFilter(statuses=("pending",)))["name"].tolist()
    assert names == [name]


def test_preview_reports_each_row_and_writes_nothing(demo_db):
    rows = [
        {"name": "Fine", "kind": "place", "category": "park", "lon": 24.94, "lat": 60.17},
        {"name": "", "kind": "place", "category": "park", "lon": 24.94, "lat": 60.17},
        {"name": "Far", "kind": "place", "category": "park", "lon": 200, "lat": 60.17},
    ]
    preview = preview_import(demo_db, rows)
    report = preview.report()
    assert report[["row", "field"]].values.tolist() == [[2, "name"], [3, "lon"]]
    with pytest.raises(ImportRejectedError):
        commit_import(demo_db, preview, ADMIN)
    assert list_assets(demo_db, AssetFilter(statuses=("pending",))).empty


def test_duplicates_are_skipped_or_merged(demo_db):
    library = list_assets(demo_db, AssetFilter(categories=("library",))).iloc[0]
    near = {
        "name": library["name"].upper(),
        "kind": "institution",
        "category": "library",
        "lon": library["lon"] + 0.0003,
        "lat": library["lat"],
        "phone": "+358 9 123 456",
        "description": "Open to everyone",
    }
    far = {**near, "lon": library["lon"] + 0.01}
    preview = preview_import(demo_db, [near, far])
    assert list(preview.duplicates) == [1]
    assert "within 50 m" in preview.duplicates[1].reason
    report = commit_import(demo_db, preview, ADMIN, on_duplicate="merge")
    assert (report.added, report.merged, report.skipped_duplicates) == (1, 1, 0)
    merged = (
        list_assets(demo_db, AssetFilter(statuses=("approved",))).set_index("id").loc[library["id"]]
    )
    assert merged["description"] == "Open to everyone" and merged["phone"] == "+358 9 123 456"
    assert merged["lon"] == library["lon"]  # the reviewed location stays
    again = import_rows(demo_db, [near], ADMIN)
    assert (again.added, again.skipped_duplicates) == (0, 1)


def test_a_file_in_batches_finds_duplicates_across_them_and_keeps_all_or_nothing(
    demo_file, tmp_path, monkeypatch
):
    """Read, checked and stored three rows at a time: a row repeating one of an earlier batch
    is found, and a bad row in the last batch leaves none of the earlier ones stored."""
    monkeypatch.setattr(importing, "BATCH_ROWS", 3)
    lines = ["name,kind,category,lon,lat,source_id"]
    lines += [f"Park {i},place,park,{24.93 + i * 0.002},60.17,p{i}" for i in range(7)]
    lines += ["PARK 1,place,park,24.9321,60.1701,", "Park 1,place,park,24.99,60.17,p1"]
    path = tmp_path / "parks.csv"
    path.write_text("\n".join([*lines, "Broken,place,park,200,60.17,"]) + "\n", "utf-8")
    with connect(str(demo_file)) as db:
        preview = importing.preview_file(db, path)
        assert (preview.rows, preview.fresh, preview.problem_rows) == (10, 7, 1)
        assert sorted(preview.duplicates) == [8, 9]
        assert "within 50 m" in preview.duplicates[8].reason
        assert "same source record" in preview.duplicates[9].reason
        assert not preview.duplicates[8].stored  # an earlier row of the file, not the map's
        with pytest.raises(ImportRejectedError, match="row 10"):
            importing.import_assets_file(db, path, ADMIN, max_bytes=None)
        assert list_assets(db, AssetFilter(statuses=("pending",), text="Park")).empty
        path.write_text("\n".join(lines) + "\n", "utf-8")
        report = importing.import_assets_file(db, path, ADMIN)
        assert (report.added, report.skipped_duplicates) == (7, 2)
        stored = list_assets(db, AssetFilter(statuses=("pending",), text="Park"))
        assert sorted(stored["source_id"]) == [f"p{i}" for i in range(7)]


def test_a_preview_lists_the_first_problems_and_counts_them_all(demo_db, monkeypatch):
    monkeypatch.setattr(importing, "PROBLEMS_KEPT", 2)
    rows = [{"name": "", "kind": "place", "category": "park", "lon": 24.94, "lat": 60.17}] * 4
    preview = preview_import(demo_db, rows)
    assert (sorted(preview.problems), preview.problem_rows) == ([1, 2], 4)
    with pytest.raises(ImportRejectedError, match=r"\(and 2 more\)"):
        import_rows(demo_db, rows, ADMIN)


def test_osm_extract_and_zipped_shapefile_import(db_url, tmp_path):
    from .test_osm import OSM_XML

    osm = tmp_path / "tiny.osm"
    osm.write_text(OSM_XML, encoding="utf-8")
    assert main(["--db", str(db_url), "import-assets", str(osm), "--status", "approved"]) == 0
    with connect(str(db_url)) as db:
        imported = list_assets(db)
    assert set(imported["source_id"]) == {"node/1", "way/20"} and set(imported["source"]) == {"osm"}
    shp = tmp_path / "parks.shp"
    pyogrio.write_dataframe(imported[["name", "kind", "category", "geometry"]].to_crs(3067), shp)
    import zipfile

    archive = tmp_path / "parks.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in tmp_path.glob("parks.*"):
            if part != archive:
                zipped.write(part, part.name)
    rows = rows_from_file(archive)
    assert sorted(round(r["lon"], 6) for r in rows) == sorted(imported["lon"].round(6))


def test_bad_files_get_a_clear_report_and_nothing_is_written(demo_file, tmp_path, capsys):
    big = tmp_path / "huge.csv"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    cases = {
        big: "files may be at most 20 MB",
        tmp_path / "nocoords.csv": "needs a column with the longitude",
        tmp_path / "range.csv": "row 1: Latitude: Latitude must be between -90 and 90",
        tmp_path / "fake.gpkg": "could not be read as a map file",
    }
    (tmp_path / "nocoords.csv").write_text("name;kind\nA;place\n")
    (tmp_path / "range.csv").write_text("name,kind,category,lon,lat\nA,place,park,24.9,91\n")
    (tmp_path / "fake.gpkg").write_text("this is not a geopackage")
    for path, message in cases.items():
        assert main(["--db", str(demo_file), "import-assets", str(path)]) == 1
        assert message in capsys.readouterr().err
    with connect(str(demo_file)) as db:
        assert list_assets(db, AssetFilter(statuses=("pending",))).empty
