"""Boundaries from the national publishers (Geonorge, CBS, Helsinki) and levels of areas side
by side, read from the small files in tests/data that keep the publishers' layout."""

from __future__ import annotations

import shutil
from math import nan
from pathlib import Path

import geopandas as gpd
import pytest
from pyproj import Transformer
from shapely.geometry import box

from assetmap.cli import main
from assetmap.io.boundaries import boundary_layout, municipality_key
from assetmap.register.areas import (
    AreaError,
    area_ids_in_level,
    area_levels,
    areas_from_file,
    list_areas,
    place_assets_in_level,
    remove_area_level,
    replace_areas,
)
from assetmap.register.assets import approve_assets, list_assets, register_asset
from assetmap.register.indicators import import_indicators
from assetmap.storage import connect, migrations

from .conftest import ADMIN, TEAM
from .test_page_paths import press, signed_in, stored, typed, uploader
from .test_pages import open_page, selectbox

DATA = Path(__file__).parent / "data"
GRUNNKRETSER = DATA / "grunnkretser_trondheim.gpkg"
WIJKEN_EN_BUURTEN = DATA / "wijkenbuurten_utrecht.gpkg"
TRONDHEIM = {"50010101", "50010102", "50010201", "50010301"}
UTRECHT_BUURTEN = {"BU03440600", "BU03440601", "BU03440700", "BU03440701"}


def levels_of(db) -> dict[str, tuple[bool, int]]:  # type: ignore[no-untyped-def]
    return {each.level: (each.places_assets, each.areas) for each in area_levels(db)}


def test_the_grunnkrets_layer_is_found_beside_its_border_lines():
    layout = boundary_layout(GRUNNKRETSER)
    assert layout.layers == ("grunnkrets",)  # grunnkretsgrense holds lines, not areas
    assert (layout.id_field, layout.name_field) == ("grunnkretsnummer", "grunnkretsnavn")
    assert layout.municipality_fields == ("kommunenummer", "kommunenavn")
    assert layout.level == "grunnkrets"


def test_grunnkretser_keep_their_codes_and_come_in_wgs84():
    areas = areas_from_file(GRUNNKRETSER).set_index("id")
    assert set(areas.index) == TRONDHEIM | {"50310101"}
    assert areas.at["50010201", "name"] == "Bakklandet"
    # Projected back from the file's own EPSG:25833 corners, independently of the app.
    source = gpd.read_file(GRUNNKRETSER, layer="grunnkrets").set_index("grunnkretsnummer")
    to_wgs84 = Transformer.from_crs("EPSG:25833", "EPSG:4326", always_xy=True)
    x, y = source.geometry["50010201"].exterior.coords[0]
    corner = to_wgs84.transform(x, y)
    assert areas.crs == "EPSG:4326"
    assert any(
        abs(lon - corner[0]) < 1e-9 and abs(lat - corner[1]) < 1e-9
        for lon, lat in areas.geometry["50010201"].exterior.coords
    )
    assert areas.geometry["50010201"].bounds == pytest.approx(
        (10.402, 63.426, 10.408, 63.429), abs=1e-6
    )


@pytest.mark.parametrize("wanted", [["5001"], ["Trondheim"], ["trondheim", "9999"]])
def test_the_municipality_filter_takes_codes_or_names(wanted):
    assert set(areas_from_file(GRUNNKRETSER, municipalities=wanted)["id"]) == TRONDHEIM


def test_a_municipality_filter_that_matches_nothing_says_what_there_is():
    with pytest.raises(AreaError, match="is in 0301; it has: 5001, 5031"):
        areas_from_file(GRUNNKRETSER, municipalities=["0301"])


def test_geonorge_gml_is_read_as_the_geopackage_is(tmp_path):
    gml = tmp_path / "Basisdata_5001_Trondheim_25833_Grunnkretser_GML.gml"
    shutil.copy(DATA / "grunnkretser_trondheim.gml", gml)  # GDAL writes a .gfs beside it
    assert boundary_layout(gml).level == "grunnkrets"
    areas = areas_from_file(gml, municipalities=["5001"]).set_index("id")
    from_gpkg = areas_from_file(GRUNNKRETSER, municipalities=["5001"]).set_index("id")
    assert areas["name"].to_dict() == from_gpkg["name"].to_dict()
    assert areas.geometry["50010101"].bounds == pytest.approx(
        from_gpkg.geometry["50010101"].bounds, abs=1e-6
    )


def test_oslo_codes_keep_their_leading_zero_when_stored_as_numbers(tmp_path):
    path = (
        tmp_path / "grunnkretser_oslo.geojson"
    )  # as exported by a tool that took them for numbers
    gpd.GeoDataFrame(
        {"grunnkretsnummer": [3010101], "grunnkretsnavn": ["Sentrum"], "kommunenummer": [301]},
        geometry=[box(10.74, 59.91, 10.75, 59.92)],
        crs="EPSG:4326",
    ).to_file(path)
    assert areas_from_file(path, municipalities=["0301"])["id"].tolist() == ["03010101"]


def test_cbs_buurten_are_the_default_layer_and_water_is_left_out():
    layout = boundary_layout(WIJKEN_EN_BUURTEN)
    assert layout.layers == ("gemeenten", "wijken", "buurten")
    assert (layout.layer, layout.id_field, layout.level) == ("buurten", "buurtcode", "buurt")
    areas = areas_from_file(WIJKEN_EN_BUURTEN)
    assert "BU03440799" not in set(areas["id"])  # water only
    assert set(areas["id"]) == UTRECHT_BUURTEN | {"BU03560100"}
    lon, lat = areas.union_all().centroid.coords[0]
    assert 5.08 < lon < 5.14 and 52.02 < lat < 52.10  # Utrecht and Nieuwegein, from RD New


@pytest.mark.parametrize("wanted", ["GM0344", "0344", "344", "Utrecht"])
def test_cbs_municipality_codes_match_with_or_without_their_prefix(wanted):
    assert set(areas_from_file(WIJKEN_EN_BUURTEN, municipalities=[wanted])["id"]) == (
        UTRECHT_BUURTEN
    )


def test_a_chosen_cbs_layer_gives_its_own_level_and_codes():
    layout = boundary_layout(WIJKEN_EN_BUURTEN, "wijken")
    assert (layout.id_field, layout.name_field, layout.level) == ("wijkcode", "wijknaam", "wijk")
    wijken = areas_from_file(WIJKEN_EN_BUURTEN, layer="wijken", municipalities=["GM0344"])
    assert wijken.set_index("id")["name"].to_dict() == {
        "WK034406": "Binnenstad",
        "WK034407": "Zuid",
    }


def test_helsinki_statistical_areas_are_recognised(tmp_path):
    path = tmp_path / "Piirijako_osaalue.gpkg"
    gpd.GeoDataFrame(
        {"tunnus": ["101", "102"], "nimi_fi": ["Vironniemi", "Ullanlinna"], "kunta": [91, 91]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs="EPSG:4326",
    ).to_crs("EPSG:3879").to_file(path, layer="Piirijako_osaalue")
    layout = boundary_layout(path)
    assert (layout.id_field, layout.name_field, layout.level) == ("tunnus", "nimi_fi", "osa-alue")
    assert set(areas_from_file(path, municipalities=["091"])["id"]) == {"101", "102"}


def test_municipality_keys():
    assert {municipality_key(v) for v in ("GM0344", "0344", 344.0, " 344 ")} == {"344"}
    assert municipality_key("Utrecht") == municipality_key("UTRECHT")


def test_a_file_the_app_does_not_know_still_needs_its_columns(tmp_path):
    path = tmp_path / "own.geojson"
    gpd.GeoDataFrame({"code": ["a"]}, geometry=[box(0, 0, 1, 1)], crs=4326).to_file(path)
    with pytest.raises(AreaError, match="say which field holds the area id"):
        areas_from_file(path)


def test_levels_live_side_by_side_and_an_import_replaces_only_its_own(demo_db):
    before = list_assets(demo_db)[["id", "area_id"]]
    replace_areas(demo_db, areas_from_file(WIJKEN_EN_BUURTEN), ADMIN, "buurt")
    replace_areas(demo_db, areas_from_file(WIJKEN_EN_BUURTEN, layer="wijken"), ADMIN, "wijk")
    assert levels_of(demo_db) == {
        "neighbourhoods": (True, 6),
        "buurt": (False, 5),
        "wijk": (False, 3),
    }
    replace_areas(
        demo_db, areas_from_file(WIJKEN_EN_BUURTEN, municipalities=["Utrecht"]), ADMIN, "buurt"
    )
    assert levels_of(demo_db) == {
        "neighbourhoods": (True, 6),
        "buurt": (False, 4),
        "wijk": (False, 3),
    }
    assert set(list_areas(demo_db, "buurt")["id"]) == UTRECHT_BUURTEN
    assert len(list_areas(demo_db)) == 6  # the level assets are counted in
    after = list_assets(demo_db)[["id", "area_id"]]
    assert after.sort_values("id").to_numpy().tolist() == (
        before.sort_values("id").to_numpy().tolist()
    )


def test_an_area_code_already_in_another_level_changes_nothing(demo_db):
    replace_areas(demo_db, areas_from_file(WIJKEN_EN_BUURTEN, layer="wijken"), ADMIN, "wijk")
    again = areas_from_file(WIJKEN_EN_BUURTEN, layer="wijken")
    with pytest.raises(AreaError, match=r"WK034406 \(Wijken\)"):
        replace_areas(demo_db, again, ADMIN, "districts")
    assert levels_of(demo_db) == {"neighbourhoods": (True, 6), "wijk": (False, 3)}


UTRECHT_ASSETS = {
    "Bibliotheek Neude": (5.1205, 52.0935),
    "Buurthuis Bleekstraat": (5.127, 52.0865),
}


def test_assets_are_counted_in_one_level_and_found_in_the_others(db):
    for name, (lon, lat) in UTRECHT_ASSETS.items():
        asset = {"kind": "association", "category": "cultural_group", "lon": lon, "lat": lat}
        approve_assets(db, [str(register_asset(db, {**asset, "name": name}, TEAM).id)], TEAM)
    replace_areas(db, areas_from_file(WIJKEN_EN_BUURTEN, layer="wijken"), ADMIN, "wijk")
    replace_areas(db, areas_from_file(WIJKEN_EN_BUURTEN), ADMIN, "buurt")
    assets = list_assets(db).set_index("name")
    assert assets["area_id"].to_dict() == {
        "Bibliotheek Neude": "WK034406",
        "Buurthuis Bleekstraat": "WK034407",
    }
    in_buurten = area_ids_in_level(db, assets, "buurt")
    assert in_buurten.to_dict() == {
        "Bibliotheek Neude": "BU03440601",
        "Buurthuis Bleekstraat": "BU03440701",
    }

    place_assets_in_level(db, "buurt", ADMIN)
    assert list_assets(db).set_index("name")["area_id"].to_dict() == in_buurten.to_dict()
    assert levels_of(db) == {"buurt": (True, 5), "wijk": (False, 3)}
    assert set(list_areas(db)["id"]) == set(list_areas(db, "buurt")["id"])


def test_removing_the_last_level_leaves_the_assets_in_no_area(db):
    asset = {"kind": "association", "category": "cultural_group", "name": "Koor", "lon": 5.1205}
    approve_assets(db, [str(register_asset(db, {**asset, "lat": 52.0935}, TEAM).id)], TEAM)
    replace_areas(db, areas_from_file(WIJKEN_EN_BUURTEN, layer="wijken"), ADMIN, "wijk")
    replace_areas(db, areas_from_file(WIJKEN_EN_BUURTEN), ADMIN, "buurt")
    with pytest.raises(AreaError, match="count them in another level"):
        remove_area_level(db, "wijk", ADMIN)
    assert remove_area_level(db, "buurt", ADMIN) == 5
    assert list_assets(db)["area_id"].tolist() == ["WK034406"]
    assert remove_area_level(db, "wijk", ADMIN) == 3
    assert area_levels(db) == [] and list_assets(db)["area_id"].isna().all()


def test_areas_stored_before_levels_become_the_neighbourhoods_assets_are_counted_in(
    db_url, monkeypatch
):
    earlier = [m for m in migrations.MIGRATIONS if m.__name__ < "m011"]
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", earlier)
        with connect(db_url) as old, old.transaction() as session:
            session.execute(
                "INSERT INTO areas VALUES ('k', 'Kallio', '', ?, 24.9, 60.1, 25.0, 60.2)",
                (box(24.9, 60.1, 25.0, 60.2).wkb,),
            )
    with connect(db_url) as upgraded:
        assert levels_of(upgraded) == {"neighbourhoods": (True, 1)}
        assert list_areas(upgraded)["name"].tolist() == ["Kallio"]


def test_import_areas_command_recognises_the_file_and_filters_the_municipality(db_url, capsys):
    base = ["--db", db_url, "import-areas", str(WIJKEN_EN_BUURTEN)]
    assert main([*base, "--municipality", "GM0344"]) == 0
    assert main([*base, "--layer", "wijken", "--municipality", "Utrecht"]) == 0
    printed = capsys.readouterr().out
    assert "Imported 4 areas into level buurt (layer buurten, code buurtcode)." in printed
    assert "  buurt: 4 areas; assets are counted in this level" in printed
    assert "  wijk: 2 areas" in printed
    with connect(db_url) as db:
        assert set(list_areas(db)["id"]) == UTRECHT_BUURTEN
        assert set(list_areas(db, "wijk")["id"]) == {"WK034406", "WK034407"}


def test_layers_page_imports_a_cbs_layer_beside_the_neighbourhoods(team_account):
    app = signed_in("views/layers.py", "ada")
    content = WIJKEN_EN_BUURTEN.read_bytes()
    uploader(app, "Boundary file").upload("wijkenbuurten_2024_v1.gpkg", content, "").run()
    assert not app.exception, app.exception
    assert "Buurten (CBS Wijk- en Buurtkaart)" in app.info[0].value
    assert selectbox(app, "Field with the area id").value == "buurtcode"
    selectbox(app, "Layer").select("wijken").run()
    assert selectbox(app, "Field with the area id").value == "wijkcode"
    typed(app, "Only these municipalities (codes or names, separated by commas)", "0344")
    press(app, "Replace the areas")
    assert not app.exception, app.exception
    assert "Imported 2 areas." in app.success[0].value
    with stored(team_account) as db:
        assert levels_of(db) == {"neighbourhoods": (True, 6), "wijk": (False, 2)}
        assert list_areas(db, "wijk").set_index("id")["name"].to_dict() == {
            "WK034406": "Binnenstad",
            "WK034407": "Zuid",
        }
        assert list_assets(db)["area_id"].notna().all()

    selectbox(app, "Count assets in").select("wijk")
    press(app, "Count assets in this level")
    assert not app.exception, app.exception
    with stored(team_account) as db:
        assert levels_of(db) == {"neighbourhoods": (False, 6), "wijk": (True, 2)}
        assert list_assets(db)["area_id"].isna().all()  # the demo is in Helsinki

    selectbox(app, "Remove the areas of").select("wijk")
    press(app, "Remove these areas")
    assert "count them in another level before removing it" in app.error[0].value
    selectbox(app, "Remove the areas of").select("neighbourhoods")
    press(app, "Remove these areas")
    assert not app.exception, app.exception
    with stored(team_account) as db:
        assert levels_of(db) == {"wijk": (True, 2)}
        assert list_areas(db, "neighbourhoods").empty


def test_planning_page_shows_the_level_chosen(app_db, tmp_path):
    app = open_page("views/planning.py")
    assert not any(s.label == "Level of areas" for s in app.selectbox)
    figures = tmp_path / "kerncijfers.csv"
    figures.write_text("area_id;inwoners\nBU03440600;1205\nBU03440601;2310\n", "utf-8")
    with stored(app_db) as db:
        replace_areas(
            db, areas_from_file(WIJKEN_EN_BUURTEN, municipalities=["344"]), ADMIN, "buurt"
        )
        import_indicators(db, ADMIN, figures, "area_id")
    app = open_page("views/planning.py")
    level = selectbox(app, "Level of areas")
    assert level.options == ["Neighbourhoods", "Buurten"]
    level.select("buurt").run()
    assert not app.exception, app.exception
    tab = next(t for t in app.tabs if t.label == "Indicators")
    assert selectbox(app, "Indicator").options == ["inwoners"]  # the demo's are neighbourhoods'
    shown = tab.dataframe[0].value.set_index("Area")["Value"]
    assert shown.to_dict() == pytest.approx(
        {"Domplein e.o.": 1205, "Neude": 2310, "Lange Nieuwstraat": nan, "Bleekstraat": nan},
        nan_ok=True,
    )


def test_profile_page_offers_the_areas_of_the_level_chosen(app_db):
    with stored(app_db) as db:
        replace_areas(db, areas_from_file(WIJKEN_EN_BUURTEN, layer="wijken"), ADMIN, "wijk")
    app = open_page("views/profile.py")
    selectbox(app, "Level of areas").select("wijk").run()
    assert not app.exception, app.exception
    area = selectbox(app, "Area")
    assert set(area.options) == {"Binnenstad", "Zuid", "Centrum"}
    area.select("WK034407").run()
    assert not app.exception, app.exception
    assert any(d.label.startswith("Download") and "profile-WK034407.html" in d.label
               for d in app.get("download_button"))  # fmt: skip
