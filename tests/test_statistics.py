"""Indicators from the publishers' own files: SSB's JSON-stat and PC-Axis, CBS's OData and CSV.

Each file in tests/data keeps the structure the publisher serves (see tests/data/README.md);
its codes match the areas made here: Norwegian municipalities and Amsterdam's
gemeente, wijk and buurten.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from shapely.geometry import box

from assetmap.cli import main
from assetmap.io.statistics import CBS_CSV, CBS_ODATA, JSON_STAT, PC_AXIS, read_statistics
from assetmap.register.areas import replace_areas
from assetmap.register.indicators import (
    IndicatorError,
    commit_indicators,
    import_indicators,
    indicator_values,
    list_indicators,
    preview_indicators,
)
from assetmap.storage import Database, connect
from assetmap.storage.duckdb_file import DuckDBSession

from .conftest import ADMIN, duckdb_only
from .test_page_paths import press, signed_in, stored, unescaped, uploader

DATA = Path(__file__).parent / "data"
SSB_JSON = DATA / "ssb_06913_befolkning.json"
SSB_PX = DATA / "ssb_07459_befolkning.px"
CBS_JSON = DATA / "cbs_85984NED_typeddataset.json"
CBS_FILE = DATA / "cbs_85984NED_untypeddataset.csv"
AREA_IDS = ["0301", "5001", "3201", "4601", "GM0363", "WK036300", "BU03630000", "BU03630001"]
ROUNDING = "Statistics Norway rounds small counts at random to 0 or 3"


def make_areas(db: Database) -> None:
    frame = gpd.GeoDataFrame(
        {"id": AREA_IDS, "name": AREA_IDS},
        geometry=[box(i, 0, i + 1, 1) for i in range(len(AREA_IDS))],
        crs=4326,
    )
    replace_areas(db, frame, ADMIN)


@pytest.fixture
def areas_db(db: Database) -> Database:
    make_areas(db)
    return db


def values(db: Database, key: str) -> dict[str, Any]:
    """The stored values, with no data as None (NaN in the frame)."""
    return {
        area: None if math.isnan(value) else value
        for area, value in indicator_values(db, key).items()
    }


def test_json_stat_keeps_values_no_data_and_the_files_metadata(areas_db):
    report = import_indicators(areas_db, ADMIN, SSB_JSON)
    assert report.indicators == ["Folketallet1", "Fodte2"]
    assert report.matched_areas == 4 and report.unmatched_keys == ["2100"]
    assert values(areas_db, "Folketallet1") == {
        "0301": 709037.0, "5001": 212660.0, "3201": 129358.0, "4601": 289330.0,
    }  # fmt: skip
    # Bærum's births for 2024 are ".." in the file: stored as no data, not as 0.
    assert values(areas_db, "Fodte2") == {
        "0301": 7613.0, "5001": 2198.0, "3201": None, "4601": 2936.0,
    }  # fmt: skip
    births = {i.key: i for i in list_indicators(areas_db)}["Fodte2"]
    assert (births.label, births.unit, births.year) == ("Levendefødte", "personer", 2024)
    assert births.source == "Statistisk sentralbyrå, table 06913, updated 2024-02-21"
    assert births.note.startswith("Fra 1.1.2024 gjelder ny regioninndeling.")
    assert ROUNDING in births.note


def test_json_stat_status_makes_no_data_and_a_real_zero_stays_zero():
    [table] = read_statistics(SSB_JSON)
    assert table.format == JSON_STAT and table.region == "Region"
    # Svalbard: 2023 is ":" (confidential), 2024 a real 0.
    assert table.cells[("2100", "Fodte2", "2023")] is None
    assert table.cells[("2100", "Fodte2", "2024")] == 0.0


def test_several_times_give_one_indicator_per_year(areas_db):
    preview = preview_indicators(
        areas_db, SSB_JSON, measures=["Folketallet1"], times=["2023", "2024"]
    )
    assert [(i.key, i.label, i.year) for i in preview.indicators] == [
        ("Folketallet1_2023", "Befolkning 1. januar 2023", 2023),
        ("Folketallet1_2024", "Befolkning 1. januar 2024", 2024),
    ]
    assert list_indicators(areas_db) == []  # a preview writes nothing
    commit_indicators(areas_db, ADMIN, preview)
    assert values(areas_db, "Folketallet1_2023")["0301"] == 699827.0


def test_a_json_stat_collection_offers_each_dataset(areas_db, tmp_path):
    dataset = json.loads(SSB_JSON.read_text(encoding="utf-8"))
    second = {**dataset, "label": "The same, once more", "extension": {}}
    collection = {
        "version": "2.0",
        "class": "collection",
        "link": {"item": [dataset, second]},
    }
    path = tmp_path / "collection.json"
    path.write_text(json.dumps(collection), encoding="utf-8")
    preview = preview_indicators(areas_db, path, table=1)
    assert preview.tables == 2 and preview.table.title == "The same, once more"
    with pytest.raises(IndicatorError, match="holds 2 tables"):
        preview_indicators(areas_db, path, table=2)


def test_pc_axis_in_windows_1252_with_a_sex_dimension(areas_db):
    [table] = read_statistics(SSB_PX)
    assert table.format == PC_AXIS and table.region == "region"
    assert table.dimension("region").label_of("5001") == "5001 Trondheim - Tråante"
    assert "– se ssb.no for detaljer." in table.note  # the dash is Windows-1252's own
    report = import_indicators(areas_db, ADMIN, SSB_PX)
    assert report.indicators == ["Personer1_1", "Personer1_2"]
    assert report.unmatched_keys == ["5605"]  # Sør-Varanger has no area here
    assert values(areas_db, "Personer1_2") == {"0301": 354916.0, "5001": 105566.0, "3201": 65017.0}
    women = {i.key: i for i in list_indicators(areas_db)}["Personer1_2"]
    assert (women.label, women.unit, women.year) == ("Personer, Kvinner", "personer", 2024)
    assert women.source == "Statistisk sentralbyrå, table 07459, updated 2024-02-21"
    # The file says how SSB rounds; it is kept, and not said twice.
    assert "avrundet til 0 eller 3" in women.note and ROUNDING not in women.note


def test_pc_axis_missing_markers_are_no_data():
    [table] = read_statistics(SSB_PX)
    assert table.cells[("5605", "1", "Personer1", "2024")] is None  # ".."
    assert table.cells[("5605", "2", "Personer1", "2024")] is None  # "-"
    assert table.cells[("5605", "1", "Personer1", "2023")] == 5242.0


def test_cbs_odata_and_cbs_csv_give_the_same_indicators(areas_db):
    [odata] = read_statistics(CBS_JSON)
    [csv] = read_statistics(CBS_FILE)
    assert (odata.format, csv.format) == (CBS_ODATA, CBS_CSV)
    assert odata.region == csv.region == "WijkenEnBuurten"
    preview = preview_indicators(areas_db, CBS_JSON)
    from_csv = preview_indicators(areas_db, CBS_FILE)
    assert [(i.key, i.label, dict(i.values)) for i in preview.indicators] == [
        (i.key, i.label, dict(i.values)) for i in from_csv.indicators
    ]
    assert preview.unmatched == ["BU03630002"]
    report = preview.report().set_index("Key")
    assert report.loc["Mannen_6", "Areas with a value"] == 3
    assert report.loc["Mannen_6", "No data"] == 1
    # CBS's files give no units: "Aantal inwoners" is taken for a count by its label.
    assert report["Count"].to_dict() == {
        "AantalInwoners_5": True,
        "Mannen_6": False,
        "Vrouwen_7": False,
        "GemiddeldeHuishoudensgrootte_32": False,
        "GemiddeldeWOZWaardeVanWoningen_35": False,
    }
    assert report.loc["AantalInwoners_5", "Label"] == "Aantal inwoners"

    commit_indicators(areas_db, ADMIN, preview)
    assert values(areas_db, "AantalInwoners_5") == {
        "GM0363": 931298.0, "WK036300": 4185.0, "BU03630000": 1150.0, "BU03630001": 520.0,
    }  # fmt: skip
    # null in OData, "x" and "." in the CSV: no data, never 0.
    assert values(areas_db, "Mannen_6")["BU03630001"] is None
    assert values(areas_db, "GemiddeldeHuishoudensgrootte_32") == {
        "GM0363": 1.8, "WK036300": 1.4, "BU03630000": 1.4, "BU03630001": None,
    }  # fmt: skip


def test_cbs_odata_v4_observations(areas_db, tmp_path):
    observations = {
        "@odata.context": "https://odata4.cbs.nl/CBS/85984NED/$metadata#Observations",
        "value": [
            {"Id": 1, "Measure": "M000352", "ValueAttribute": "None", "Value": 1150.0,
             "StringValue": None, "WijkenEnBuurten": "BU03630000"},
            {"Id": 2, "Measure": "M000352", "ValueAttribute": "Confidential", "Value": None,
             "StringValue": None, "WijkenEnBuurten": "BU03630001"},
            {"Id": 3, "Measure": "M000352", "ValueAttribute": "None", "Value": 9.0,
             "StringValue": None, "WijkenEnBuurten": "BU99999999"},
        ],
    }  # fmt: skip
    path = tmp_path / "observations.json"
    path.write_text(json.dumps(observations), encoding="utf-8")
    report = import_indicators(areas_db, ADMIN, path)
    assert report.indicators == ["M000352"] and report.unmatched_keys == ["BU99999999"]
    assert values(areas_db, "M000352") == {"BU03630000": 1150.0, "BU03630001": None}
    assert list_indicators(areas_db)[0].source == "CBS 85984NED"


def test_a_bad_file_leaves_the_stored_indicators_as_they_were(areas_db, tmp_path):
    import_indicators(areas_db, ADMIN, SSB_JSON)
    before = values(areas_db, "Folketallet1")
    broken = json.loads(SSB_JSON.read_text(encoding="utf-8"))
    broken["value"] = broken["value"][:-1]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(IndicatorError, match="has 19 values where its dimensions make 20"):
        import_indicators(areas_db, ADMIN, path)
    broken = {**json.loads(SSB_JSON.read_text(encoding="utf-8")), "size": [5, 2]}
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(IndicatorError, match=r"broken\.json could not be read"):
        import_indicators(areas_db, ADMIN, path)
    assert values(areas_db, "Folketallet1") == before
    assert [i.key for i in list_indicators(areas_db)] == ["Folketallet1", "Fodte2"]


@duckdb_only
def test_a_failure_while_writing_leaves_nothing_behind(areas_db, monkeypatch):
    """Several indicators go in one transaction: when the last fails, none stays."""
    written = DuckDBSession.insert_rows
    calls = []

    def failing(self: DuckDBSession, table: str, columns: Any, rows: Any) -> None:
        calls.append(table)
        if calls.count("indicator_values") == 2:
            raise RuntimeError("the disk is full")
        written(self, table, columns, rows)

    monkeypatch.setattr(DuckDBSession, "insert_rows", failing)
    with pytest.raises(RuntimeError, match="the disk is full"):
        import_indicators(areas_db, ADMIN, SSB_JSON)
    monkeypatch.undo()
    assert list_indicators(areas_db) == []
    assert areas_db.rows("SELECT count(*) FROM indicator_values") == [(0,)]


def test_choices_that_the_file_does_not_have_are_named(areas_db):
    with pytest.raises(IndicatorError, match="has no 1999; it has: 2023, 2024"):
        preview_indicators(areas_db, SSB_JSON, times=["1999"])
    with pytest.raises(IndicatorError, match="no column or dimension Kommune"):
        preview_indicators(areas_db, SSB_JSON, region="Kommune")


def test_cli_previews_with_dry_run_then_imports_several_years(db_url, capsys):
    with connect(db_url) as db:
        make_areas(db)
    base = ["--db", db_url, "import-indicators", str(SSB_PX)]
    assert main([*base, "--dry-run", "--time", "2023", "--time", "2024"]) == 0
    printed = capsys.readouterr()
    assert printed.out.startswith("PC-Axis: 07459: Befolkning,\n")
    assert "Region codes from region: 3 match an area." in printed.out
    assert "Personer1_2_2023" in printed.out and "Dry run: nothing was imported." in printed.out
    assert "1 codes match no area and will not be imported: 5605" in printed.err
    with connect(db_url) as db:
        assert list_indicators(db) == []

    assert main([*base, "--time", "2023", "--time", "2024", "--category", "kjønn=1"]) == 0
    assert "Imported Personer1_1_2023, Personer1_1_2024 for 3 areas." in capsys.readouterr().out
    with connect(db_url) as db:
        assert values(db, "Personer1_1_2023") == {
            "0301": 349588.0,
            "5001": 105921.0,
            "3201": 64088.0,
        }
        assert {i.key: i.year for i in list_indicators(db)} == {
            "Personer1_1_2023": 2023,
            "Personer1_1_2024": 2024,
        }


def test_layers_page_previews_a_px_file_and_imports_the_chosen_years(team_account):
    with stored(team_account) as db:
        make_areas(db)
    app = signed_in("views/layers.py", "ada")
    uploader(app, "Indicator file").upload(
        "07459.px", SSB_PX.read_bytes(), "application/octet-stream"
    ).run()
    assert not app.exception, app.exception
    shown = " ".join(m.value for m in app.markdown)
    assert "Format: PC-Axis." in shown and "3 of 4 region codes match an area." in shown
    assert "These rows match no area: 5605." in app.warning[0].value
    preview = app.dataframe[0].value
    assert list(preview["Key"]) == ["Personer1_1", "Personer1_2"]
    assert list(preview["No data"]) == [0, 0]

    years = next(m for m in app.multiselect if m.label == "år")
    assert years.value == ["2024"]
    years.set_value(["2023", "2024"]).run()
    assert list(app.dataframe[0].value["Key"]) == [
        "Personer1_1_2023", "Personer1_1_2024", "Personer1_2_2023", "Personer1_2_2024",
    ]  # fmt: skip
    with stored(team_account) as db:
        assert not any(i.key.startswith("Personer1") for i in list_indicators(db))  # not yet

    press(app, "Import indicators")
    assert not app.exception, app.exception
    assert "Imported: Personer1_1_2023" in unescaped(app.success[0].value)
    with stored(team_account) as db:
        saved = {i.key: i for i in list_indicators(db) if i.key.startswith("Personer1")}
        assert values(db, "Personer1_2_2024") == {
            "0301": 354916.0, "5001": 105566.0, "3201": 65017.0,
        }  # fmt: skip
    assert set(saved) == {
        "Personer1_1_2023",
        "Personer1_1_2024",
        "Personer1_2_2023",
        "Personer1_2_2024",
    }
    assert saved["Personer1_2_2023"].label == "Personer, Kvinner 2023"
    assert "avrundet til 0 eller 3" in saved["Personer1_2_2023"].note


def test_a_plain_csv_keyed_by_municipality_number_keeps_its_leading_zero(areas_db, tmp_path):
    path = tmp_path / "kommuner.csv"
    path.write_text("kommune;innbyggere\n0301;709 037\n5001;212 660\n9999;1\n", encoding="utf-8")
    report = import_indicators(areas_db, ADMIN, path)
    assert report.unmatched_keys == ["9999"]
    assert values(areas_db, "innbyggere") == {"0301": 709037.0, "5001": 212660.0}


def test_layers_page_names_what_is_wrong_with_a_broken_file(team_account):
    with stored(team_account) as db:
        before = {i.key for i in list_indicators(db)}
    app = signed_in("views/layers.py", "ada")
    broken = SSB_PX.read_bytes().replace(b'4794 "-";', b";")  # the last row cut off
    uploader(app, "Indicator file").upload("07459.px", broken, "application/octet-stream").run()
    assert not app.exception, app.exception
    assert "07459.px has 14 values where its dimensions make 16." in app.error[0].value
    assert not any(b.label == "Import indicators" for b in app.button)
    with stored(team_account) as db:
        assert {i.key for i in list_indicators(db)} == before


def test_statistics_finlands_municipality_codes_match_the_bare_codes_of_the_areas(db, tmp_path):
    replace_areas(
        db,
        gpd.GeoDataFrame(
            {"id": ["091", "049"], "name": ["Helsinki", "Espoo"]},
            geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
            crs=4326,
        ),
        ADMIN,
    )
    # The shape of Statistics Finland's PxWeb JSON-stat 2.0 (table 11ra), cut to three regions.
    dataset = {
        "version": "2.0",
        "class": "dataset",
        "label": "Väestö alueittain",
        "source": "Tilastokeskus",
        "id": ["Alue", "Tiedot"],
        "size": [3, 1],
        "role": {"geo": ["Alue"], "metric": ["Tiedot"]},
        "dimension": {
            "Alue": {
                "label": "Alue",
                "category": {
                    "index": {"SSS": 0, "KU091": 1, "KU049": 2},
                    "label": {"SSS": "KOKO MAA", "KU091": "Helsinki", "KU049": "Espoo"},
                },
            },
            "Tiedot": {
                "label": "Tiedot",
                "category": {"index": {"vaesto": 0}, "label": {"vaesto": "Väkiluku"}},
            },
        },
        "value": [5603851, 674500, 318507],
    }
    path = tmp_path / "11ra.json"
    path.write_text(json.dumps(dataset), encoding="utf-8")
    preview = preview_indicators(db, path)
    assert preview.matched == ["091", "049"] and preview.unmatched == ["SSS"]
    commit_indicators(db, ADMIN, preview)
    (key,) = [i.key for i in list_indicators(db)]
    assert values(db, key) == {"091": 674500.0, "049": 318507.0}
