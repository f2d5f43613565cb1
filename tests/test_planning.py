"""Planning layers: areas and indicators from real files, coverage checked independently, gaps."""

import json
import math
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from libpysal import examples
from shapely.geometry import LineString, Point, box

from assetmap.analysis.choropleth import classify
from assetmap.analysis.coverage import coverage_by_area, reach_zone, straight_line_coverage
from assetmap.analysis.gaps import gap_table, need_score, thirds
from assetmap.analysis.walking import network_graph, walk_zone
from assetmap.cli import main
from assetmap.i18n import format_number
from assetmap.models import validate_asset
from assetmap.register.areas import AreaError, areas_from_file, list_areas, replace_areas
from assetmap.register.assets import add_assets
from assetmap.register.indicators import (
    IndicatorError,
    import_indicators,
    indicator_values,
    list_indicators,
)
from assetmap.register.planning import indicator_choropleth, need_and_supply, service_coverage
from assetmap.render.mapping import areas_to_map_features
from assetmap.storage import connect

from .conftest import ADMIN

COLUMBUS = Path(examples.get_path("columbus.shp"))
UTM35 = "EPSG:32635"  # the metric CRS estimate_utm_crs picks around Helsinki


@pytest.fixture
def columbus_csv(tmp_path: Path) -> Path:
    """The indicators, written straight from the shapefile's own table."""
    table = pyogrio.read_dataframe(COLUMBUS, read_geometry=False)
    path = tmp_path / "columbus.csv"
    table[["POLYID", "HOVAL", "INC", "CRIME"]].to_csv(path, index=False)
    return path


@pytest.fixture
def columbus_db(db_url: str, columbus_csv: Path) -> str:
    base = ["--db", str(db_url)]
    assert (
        main(
            [
                *base,
                "import-areas",
                str(COLUMBUS),
                "--id-field",
                "POLYID",
                "--name-field",
                "NEIG",
                "--crs",
                "EPSG:4326",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                *base,
                "import-indicators",
                str(columbus_csv),
                "--area-field",
                "POLYID",
                "--less-need",
                "INC",
                "--year",
                "1980",
                "--source",
                "Anselin (1988)",
            ]
        )
        == 0
    )
    return db_url


def test_crs_less_shapefile_gets_a_clear_message(db_url, capsys):
    args = [
        "--db",
        str(db_url),
        "import-areas",
        str(COLUMBUS),
        "--id-field",
        "POLYID",
        "--name-field",
        "NEIG",
    ]
    assert main(args) == 1
    assert "does not say which coordinate system" in capsys.readouterr().err
    with connect(str(db_url)) as db:
        assert list_areas(db).empty


def test_columbus_values_reach_the_export_and_the_map(columbus_db, tmp_path):
    source = pyogrio.read_dataframe(COLUMBUS, read_geometry=False).set_index("POLYID")
    out = tmp_path / "areas.geojson"
    assert main(["--db", str(columbus_db), "export", "areas", "-o", str(out)]) == 0
    exported = pyogrio.read_dataframe(out).set_index("id")
    assert len(exported) == 49
    for column in ("HOVAL", "INC", "CRIME"):
        for polyid, value in source[column].items():
            assert exported.loc[str(polyid), column] == pytest.approx(value, rel=1e-9)
    with connect(str(columbus_db)) as db:
        indicators = {i.key: i for i in list_indicators(db)}
        assert indicators["INC"].higher_is_need is False and indicators["CRIME"].year == 1980
        shape = indicator_choropleth(
            list_areas(db), indicator_values(db, "CRIME"), indicators["CRIME"]
        )
        features = areas_to_map_features(list_areas(db), shape.styles)["features"]
    for feature in features:
        crime = source.loc[int(feature["properties"]["id"]), "CRIME"]
        assert f"CRIME: {format_number(crime)}" in feature["properties"]["lines"][0]
    worst = max(features, key=lambda f: source.loc[int(f["properties"]["id"]), "CRIME"])
    assert worst["properties"]["lines"][1] == "Rank 1 of 49 by need"


def test_zipped_shapefile_and_reprojection(tmp_path):
    frame = pyogrio.read_dataframe(COLUMBUS).set_crs("EPSG:4326").to_crs("EPSG:3857")
    pyogrio.write_dataframe(frame, tmp_path / "columbus.shp")
    archive = tmp_path / "columbus.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in tmp_path.glob("columbus.*"):
            if part.suffix != ".zip":
                zipped.write(part, part.name)
    areas = areas_from_file(archive, "POLYID", "NEIG")
    assert len(areas) == 49 and areas.crs == "EPSG:4326"
    assert areas.total_bounds == pytest.approx(
        pyogrio.read_dataframe(COLUMBUS).total_bounds, abs=1e-6
    )


def test_file_without_polygons_is_refused(tmp_path):
    points = gpd.GeoDataFrame({"id": ["a"], "name": ["A"]}, geometry=[Point(24.9, 60.1)], crs=4326)
    path = tmp_path / "points.geojson"
    points.to_file(path)
    with pytest.raises(AreaError, match="no usable polygon: a"):
        areas_from_file(path, "id", "name")


def test_duplicate_area_ids_change_nothing(demo_db, tmp_path):
    doubled = gpd.GeoDataFrame(
        {"code": ["x", "x"], "label": ["X", "Y"]},
        geometry=[box(24.9, 60.1, 25.0, 60.2)] * 2,
        crs=4326,
    )
    path = tmp_path / "doubled.gpkg"
    doubled.to_file(path)
    with pytest.raises(AreaError, match="repeated: x"):
        replace_areas(demo_db, areas_from_file(path, "code", "label"), ADMIN)
    assert len(list_areas(demo_db)) == 6


def test_missing_field_names_the_fields_there_are(tmp_path):
    with pytest.raises(AreaError, match="has no field CODE; it has: AREA, PERIMETER"):
        areas_from_file(COLUMBUS, "CODE", "NEIG", crs="EPSG:4326")


def test_text_in_a_numeric_column_imports_nothing(columbus_db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("POLYID;NEWVALUE\n1;1,5\n2;2,5\n3;unknown\n4;3\n", encoding="utf-8")
    with connect(str(columbus_db)) as db, pytest.raises(IndicatorError) as caught:
        import_indicators(db, ADMIN, bad, "POLYID")
    assert "Row 4, column NEWVALUE: 'unknown' is not a number" in str(caught.value)
    with connect(str(columbus_db)) as db:
        assert "NEWVALUE" not in {i.key for i in list_indicators(db)}


def test_nordic_csv_with_decimal_commas_and_unmatched_rows(demo_db, tmp_path):
    nordic = tmp_path / "statistikk.csv"
    rows = "område;Inntekt før skatt;Andel\nkluuvi;412 300,5;0,25\nhakaniemi;1 250;0,5\nmars;1;1\n"
    nordic.write_bytes(rows.encode("cp1252"))
    report = import_indicators(demo_db, ADMIN, nordic, "område")
    assert report.unmatched_keys == ["mars"] and report.matched_areas == 2
    income = indicator_values(demo_db, "Inntekt før skatt")
    assert income["kluuvi"] == 412300.5 and income["hakaniemi"] == 1250.0
    assert indicator_values(demo_db, "Andel")["kluuvi"] == 0.25


def squares_and_services() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Three 1 km squares side by side near Helsinki, built in the metric CRS itself."""
    x0, y0 = 385_000, 6_672_000
    areas = gpd.GeoDataFrame(
        {"id": ["part", "none", "all"], "name": ["Part", "None", "All"]},
        geometry=[box(x0 + i * 1000, y0, x0 + (i + 1) * 1000, y0 + 1000) for i in range(3)],
        crs=UTM35,
    )
    services = gpd.GeoDataFrame(
        geometry=[Point(x0 + 500, y0 + 500), Point(x0 + 2500, y0 + 500)], crs=UTM35
    )
    return areas.to_crs(4326), services.to_crs(4326)


def test_coverage_matches_geometry_known_exactly():
    areas, services = squares_and_services()
    result, zone = straight_line_coverage(areas, services, 300)
    share = result.set_index("area_id")["coverage_share"]
    assert share["part"] == pytest.approx(math.pi * 300**2 / 1_000_000, rel=2e-3)
    assert share["none"] == pytest.approx(0.0, abs=1e-9)
    assert share["all"] == pytest.approx(math.pi * 300**2 / 1_000_000, rel=2e-3)
    wide, _ = straight_line_coverage(areas, services, 800)  # beyond the half-diagonal 707 m
    assert wide.set_index("area_id")["coverage_share"]["all"] == pytest.approx(1.0, abs=1e-9)
    assert wide.set_index("area_id")["coverage_share"]["none"] > 0  # 800 m reaches next door
    zero, zone_zero = straight_line_coverage(areas, services, 0)
    assert (zero["coverage_share"] == 0).all() and zone_zero.geometry.iloc[0].is_empty
    assert zone.crs == "EPSG:4326"


def test_coverage_with_no_services_is_zero():
    areas, services = squares_and_services()
    result, _ = straight_line_coverage(areas, services.iloc[0:0], 500)
    assert (result["coverage_share"] == 0).all()


def test_walking_along_a_path_reaches_exactly_the_walked_length():
    path = LineString([(0, 0), (1000, 0)])
    graph = network_graph([path])
    service = gpd.GeoSeries([Point(0, 10)], crs=UTM35)
    zone = walk_zone(graph, service, 400)
    strip = 50
    assert zone.area == pytest.approx(400 * 2 * strip + math.pi * strip**2, rel=2e-3)
    assert zone.bounds[2] == pytest.approx(400 + strip, abs=0.5)


def test_cli_coverage_csv(demo_db, db_url, tmp_path):
    demo_db.close()
    out = tmp_path / "coverage.csv"
    args = [
        "--db",
        str(db_url),
        "coverage",
        "--category",
        "library",
        "--category",
        "community_hall",
        "--distance",
        "300",
        "-o",
        str(out),
    ]
    assert main(args) == 0
    table = pd.read_csv(out)
    assert {"area_id", "area_name", "coverage_share"} <= set(table.columns)
    assert len(table) == 6 and table["coverage_share"].between(0, 1).all()
    assert main([*args[:-2], "--network", "-o", str(tmp_path / "walk.csv")]) == 0
    walked = pd.read_csv(tmp_path / "walk.csv").set_index("area_id")["coverage_share"]
    assert (walked <= table.set_index("area_id")["coverage_share"] + 1e-9).all()


def test_need_is_direction_aware_and_rescaled():
    table = pd.DataFrame(
        {"income": [10.0, 20.0, 30.0], "crime": [3.0, 2.0, 1.0]}, index=["a", "b", "c"]
    )
    need = need_score(table, {"income": False, "crime": True})
    assert need.tolist() == [1.0, 0.5, 0.0]


def test_priority_areas_are_high_need_and_low_supply():
    need = pd.Series([0.9, 0.8, 0.1, 0.5, 0.2, 0.7], index=list("abcdef"))
    supply = pd.Series([1.0, 9.0, 1.5, 5.0, 7.0, 2.0], index=list("abcdef"))
    table = gap_table(need, supply, pd.Series(list("ABCDEF"), index=list("abcdef")))
    assert table.index[0] == "a" and bool(table.loc["a", "priority"])
    assert not table.loc["b", "priority"]
    assert thirds(pd.Series([1, 2, 3, 4, 5, 6])).tolist() == [1, 1, 2, 2, 3, 3]


def test_demo_has_every_planning_view(demo_db):
    coverage, zone = service_coverage(demo_db, ("library",), 800)
    assert "covered_population" in coverage and not zone.empty
    table = need_and_supply(demo_db, ("need_index",), "per_1000_residents")
    assert table["priority"].any()
    assert {"Residents (illustrative)", "Need index (illustrative)"} <= {
        i.label for i in list_indicators(demo_db)
    }


def test_classification_handles_no_data_and_few_values():
    values = pd.Series([1.0, 2.0, None, 2.0])
    classes = classify(values, "natural_breaks", 5)
    assert classes.of_value.tolist()[2] == -1 and len(classes.bounds) == 2


def test_reach_zone_of_nothing_is_empty():
    assert reach_zone(gpd.GeoSeries([], crs=UTM35), 100).is_empty
    areas, _ = squares_and_services()
    assert (
        coverage_by_area(areas, reach_zone(gpd.GeoSeries([], crs=UTM35), 100), UTM35)[
            "coverage_share"
        ]
        .eq(0)
        .all()
    )


def test_imported_assets_fall_into_imported_areas(columbus_db):
    with connect(str(columbus_db)) as db:
        centre = list_areas(db).set_index("id").geometry["1"].representative_point()
        asset = validate_asset(
            {"kind": "place", "category": "park", "name": "P", "lon": centre.x, "lat": centre.y}
        )
        add_assets(db, [asset], ADMIN)
        assert json.loads(json.dumps(db.rows("SELECT area_id FROM assets")))[0][0] == "1"
