"""A neighbourhood of the team's own, imported on the Planning page: its figures estimated
from the demo's areas it overlaps, each with the method in plain words."""

from __future__ import annotations

import json
from dataclasses import replace

import geopandas as gpd
import pytest
from shapely.geometry import box, mapping

from assetmap.register.areas import list_areas
from assetmap.register.indicators import indicator_values, list_indicators, save_indicator

from .conftest import ADMIN
from .test_page_paths import press, signed_in, stored, uploader
from .test_pages import open_page, selectbox

TM35FIN = "EPSG:3067"


def shares_of(areas: gpd.GeoDataFrame, own) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The share of each area inside `own`, measured in Finland's own grid."""
    metric = areas.set_index("id").to_crs(TM35FIN).geometry
    inside = gpd.GeoSeries([own], crs="EPSG:4326").to_crs(TM35FIN).iloc[0]
    return {key: shape.intersection(inside).area / shape.area for key, shape in metric.items()}


IMPORT_LABEL = "Or import your neighbourhood (GeoJSON or GeoPackage, one area)"


def import_own(app, own) -> None:  # type: ignore[no-untyped-def]
    """Import `own` (a shapely area) on the Planning page's own-neighbourhood tab."""
    drawn = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": mapping(own)}],
    }
    uploader(app, IMPORT_LABEL).upload(
        "ours.geojson", json.dumps(drawn).encode(), "application/geo+json"
    ).run()


def test_an_imported_neighbourhood_gets_estimates_with_their_method(app_db):
    with stored(app_db) as db:
        areas = list_areas(db)
        residents = indicator_values(db, "population")
        need = indicator_values(db, "need_index")
    west, south, east, north = areas.total_bounds
    own = box(west, south, (west + east) / 2, (south + north) / 2)
    app = signed_in("views/planning.py")
    import_own(app, own)
    assert not app.exception, app.exception
    table = next(frame.value for frame in app.dataframe if "How" in frame.value)
    figures = table.set_index("Indicator")

    shares = shares_of(areas, own)
    counted = sum(residents[key] * share for key, share in shares.items())
    assert figures.at["Residents (illustrative)", "Estimate"] == pytest.approx(counted, rel=1e-3)
    assert "by share of area" in figures.at["Residents (illustrative)", "How"]
    # A rate is averaged, weighted by the residents of each overlapped part, not added up.
    people = {key: residents[key] * share for key, share in shares.items() if share > 0}
    averaged = sum(need[key] * n for key, n in people.items()) / sum(people.values())
    need_row = next(label for label in figures.index if "need" in label.lower())
    assert figures.at[need_row, "Estimate"] == pytest.approx(averaged, rel=1e-3)
    assert "averaged by share of residents" in figures.at[need_row, "How"]


def test_a_file_with_no_area_in_it_gets_a_reason_and_no_figures(app_db):
    app = signed_in("views/planning.py")
    uploader(app, IMPORT_LABEL).upload(
        "empty.geojson", b'{"type": "FeatureCollection", "features": []}', "application/geo+json"
    ).run()
    assert not app.exception, app.exception
    assert app.warning and "has no usable geometry" in app.warning[0].value
    assert not [frame for frame in app.dataframe if "How" in frame.value]


def test_a_derived_indicator_is_worked_out_on_the_layers_page_and_kept_with_its_formula(
    team_account,
):
    app_db = team_account
    app = signed_in("views/layers.py", "ada")
    selectbox(app, "Work out").select("per_km2").run()
    selectbox(app, "Of the indicator").select("population").run()
    press(app, "Work it out and keep it")
    assert not app.exception, app.exception
    assert "/ area in km²" in app.success[0].value
    with stored(app_db) as db:
        areas = list_areas(db).set_index("id")
        residents = indicator_values(db, "population")
        density = indicator_values(db, "population_per_km2")
        made = next(i for i in list_indicators(db) if i.key == "population_per_km2")
    km2 = areas.to_crs(TM35FIN).area / 1e6
    for key, value in density.items():
        assert value == pytest.approx(residents[key] / km2[key], rel=1e-3)
    assert made.formula == "Residents (illustrative) / area in km²" and not made.counts
    # The Planning page says how it was made.
    planning = signed_in("views/planning.py")
    selectbox(planning, "Indicator").select("population_per_km2").run()
    assert any("Worked out as Residents" in c.value for c in planning.caption)


def test_a_derived_rate_is_recomputed_for_the_own_neighbourhood_from_its_two_counts(
    team_account,
):
    app = signed_in("views/layers.py", "ada")
    selectbox(app, "Work out").select("per_km2").run()
    selectbox(app, "Of the indicator").select("population").run()
    press(app, "Work it out and keep it")
    with stored(team_account) as db:
        areas = list_areas(db)
        residents = indicator_values(db, "population")
    west, south, east, north = areas.total_bounds
    own = box(west, south, (west + east) / 2, (south + north) / 2)
    planning = signed_in("views/planning.py", "ada")
    import_own(planning, own)
    assert not planning.exception, planning.exception
    figures = next(f.value for f in planning.dataframe if "How" in f.value).set_index("Indicator")

    # Residents in the part of each area inside, over the km² of those parts: not an average
    # of the areas' densities.
    shares = shares_of(areas, own)
    km2 = areas.set_index("id").to_crs(TM35FIN).area / 1e6
    people = sum(residents[key] * share for key, share in shares.items())
    surface = sum(km2[key] * share for key, share in shares.items() if key in residents)
    row = "Residents (illustrative), per km²"
    assert figures.at[row, "Estimate"] == pytest.approx(people / surface, rel=1e-3)
    assert "the rate recomputed from its two counts" in figures.at[row, "How"]


def test_a_rate_per_residents_needs_an_indicator_of_residents(team_account):
    app_db = team_account
    with stored(app_db) as db:
        save_indicator(
            db,
            ADMIN,
            replace(
                next(i for i in list_indicators(db) if i.key == "population"), is_population=False
            ),
        )
    app = signed_in("views/layers.py", "ada")
    selectbox(app, "Work out").select("per_1000_residents").run()
    selectbox(app, "Of the indicator").select("need_index").run()
    press(app, "Work it out and keep it")
    assert "needs an indicator of residents" in app.error[0].value
    with stored(app_db) as db:
        assert "need_index_per_1000_residents" not in {i.key for i in list_indicators(db)}


def test_an_admin_keeps_the_neighbourhood_with_its_estimates_and_maps_them(team_account):
    with stored(team_account) as db:
        west, south, east, north = list_areas(db).total_bounds
    own = box(west, south, (west + east) / 2, (south + north) / 2)
    app = signed_in("views/planning.py", "ada")
    import_own(app, own)
    table = next(frame.value for frame in app.dataframe if "How" in frame.value)
    estimate = table.set_index("Indicator").at["Residents (illustrative)", "Estimate"]
    next(w for w in app.text_input if w.label == "Name of the neighbourhood").input("Ørnenes torg")
    press(app, "Keep it as one of our own neighbourhoods")
    assert not app.exception, app.exception
    assert "Kept Ørnenes torg" in app.success[0].value
    with stored(team_account) as db:
        kept = list_areas(db, level="own")
        assert kept["name"].tolist() == ["Ørnenes torg"]
        area_id = kept["id"].item()
        assert area_id == "own-ornenes-torg"
        assert indicator_values(db, "population")[area_id] == pytest.approx(estimate)
        # The statistical areas and the assets' placing are as they were.
        assert len(list_areas(db, level="neighbourhoods")) == 6
    # The kept neighbourhood is a level of its own, mapped like any other.
    app.run()
    selectbox(app, "Level of areas").select("own").run()
    selectbox(app, "Indicator").select("population").run()
    assert not app.exception, app.exception
    values = next(frame.value for frame in app.dataframe if "Value" in frame.value)
    assert values["Area"].tolist() == ["Ørnenes torg"]


def test_a_visitor_sees_the_estimates_but_cannot_keep_them(app_db):
    with stored(app_db) as db:
        west, south, east, north = list_areas(db).total_bounds
    app = open_page("views/planning.py")
    import_own(app, box(west, south, east, north))
    assert [frame for frame in app.dataframe if "How" in frame.value]
    assert not [b for b in app.button if b.label == "Keep it as one of our own neighbourhoods"]
