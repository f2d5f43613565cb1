"""Derived indicators: each computed from the very formula that is stored and shown."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from assetmap.analysis.derived import (
    DERIVATIONS,
    FormulaError,
    derive,
    evaluate,
    formula_inputs,
    formula_text,
    ratio_parts,
)


@pytest.fixture
def areas() -> gpd.GeoDataFrame:
    """Three areas in EPSG:25833: 1 km², 2 km² and 0.5 km², one without residents' data."""
    return gpd.GeoDataFrame(
        {
            "id": ["a", "b", "c"],
            "jobs": [120.0, 30.0, 5.0],
            "population": [2_400.0, 0.0, None],
            "households": [1_000.0, 400.0, 50.0],
        },
        geometry=[
            box(270_000, 7_038_000, 271_000, 7_039_000),
            box(271_000, 7_038_000, 273_000, 7_039_000),
            box(273_000, 7_038_000, 273_500, 7_039_000),
        ],
        crs="EPSG:25833",
    ).set_index("id")


def test_the_formulas_are_stored_as_people_read_them():
    assert DERIVATIONS["per_1000_residents"].formula == "value / residents × 1000"
    assert DERIVATIONS["per_km2"].formula == "value / area_km2"
    assert DERIVATIONS["share_of_total"].formula == "value / total × 100"
    assert formula_inputs("value / residents × 1000") == ["value", "residents"]


def test_per_1000_residents_gives_no_data_where_no_one_lives_or_the_count_is_missing(areas):
    per_1000 = derive("per_1000_residents", areas, {"value": "jobs", "residents": "population"})
    assert per_1000["a"] == pytest.approx(50.0)
    assert np.isnan(per_1000["b"]) and np.isnan(per_1000["c"])  # 0 residents; none counted
    assert per_1000.name == "per_1000_residents"


def test_per_km2_measures_each_area_from_its_geometry(areas):
    density = derive("per_km2", areas, {"value": "jobs"})
    assert density.tolist() == pytest.approx([120.0, 15.0, 10.0], rel=1e-12)
    given = derive(
        "per_km2", areas.assign(km2=[2.0, 3.0, 5.0]), {"value": "jobs", "area_km2": "km2"}
    )
    assert given.tolist() == [60.0, 10.0, 1.0]


def test_share_of_a_total(areas):
    share = derive("share_of_total", areas, {"value": "jobs", "total": "households"})
    assert share.tolist() == pytest.approx([12.0, 7.5, 10.0])


def test_formulas_follow_the_usual_precedence_and_brackets():
    x = pd.Series([2.0, 4.0])
    y = pd.Series([1.0, 3.0])
    assert evaluate("x + y × 2", {"x": x, "y": y}).tolist() == [4.0, 10.0]
    assert evaluate("(x + y) * 2", {"x": x, "y": y}).tolist() == [6.0, 14.0]
    assert evaluate("x / y / 2", {"x": x, "y": y}).tolist() == pytest.approx([1.0, 2 / 3])
    assert evaluate("x - y - 1", {"x": x, "y": y}).tolist() == [0.0, 0.0]


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("value / residents ×", "incomplete"),
        ("value / (residents", "incomplete"),
        ("value residents", "incomplete"),
        ("value ^ 2", r"cannot be read at “\^ 2”"),
        ("__import__('os')", "cannot be read"),
        ("value / households", "needs households, which is not given"),
    ],
)
def test_a_formula_that_cannot_be_worked_out_says_why(formula, message):
    with pytest.raises(FormulaError, match=message):
        evaluate(formula, {"value": pd.Series([1.0]), "residents": pd.Series([2.0])})


def test_the_formula_is_shown_with_the_inputs_names():
    formula = DERIVATIONS["per_1000_residents"].formula
    assert formula_text(formula) == "value / residents × 1000"
    assert formula_text(formula, {"value": "Jobs"}) == "Jobs / residents × 1000"
    assert formula_text("(value + total) / area_km2") == "(value + total) / area in km²"


def test_a_ratio_of_two_names_is_told_apart_from_other_formulas():
    assert ratio_parts(DERIVATIONS["per_1000_residents"].formula) == ("value", "residents", 1000)
    assert ratio_parts(DERIVATIONS["per_km2"].formula) == ("value", "area_km2", 1.0)
    assert ratio_parts("value / total * 100") == ("value", "total", 100.0)
    assert ratio_parts("value - total") is None
    assert ratio_parts("(value + total) / residents") is None
    assert ratio_parts("value / residents × total") is None
