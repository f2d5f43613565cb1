"""A neighbourhood's figures apportioned from statistical units, checked against tobler
(PySAL's areal interpolation) and against sums worked out by hand."""

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import CRS
from scipy.sparse import csr_matrix
from shapely.geometry import box
from tobler.area_weighted import area_interpolate

from assetmap.analysis.apportion import (
    Rate,
    apportion,
    method_statement,
    metric_crs_of,
    overlap_areas,
)

GRID = "EPSG:25833"
"""Geonorge's grunnkretser come in it: metres, so areas are measured as they come."""
EXTENT = box(270_000, 7_038_000, 274_000, 7_042_000)
"""4 km by 4 km of Trondheim, in EPSG:25833."""


@pytest.fixture(scope="module")
def units() -> gpd.GeoDataFrame:
    """Twenty irregular units (Voronoi cells) tiling EXTENT, with counts and a rate."""
    rng = np.random.default_rng(21)
    x0, y0, x1, y1 = EXTENT.bounds
    points = shapely.points(rng.uniform(x0, x1, 20), rng.uniform(y0, y1, 20))
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=EXTENT)
    geometries = [cell.intersection(EXTENT) for cell in shapely.get_parts(cells)]
    residents = rng.integers(50, 2_000, len(geometries)).astype(float)
    return gpd.GeoDataFrame(
        {
            "residents": residents,
            "jobs": rng.integers(0, 500, len(geometries)).astype(float),
            "elderly": np.round(residents * rng.uniform(0.05, 0.3, len(geometries))),
            "income": rng.uniform(300_000, 700_000, len(geometries)),
        },
        geometry=geometries,
        crs=GRID,
    )


@pytest.fixture(scope="module")
def covering_targets() -> gpd.GeoDataFrame:
    """Neighbourhoods that together cover EXTENT: a grid turned by 30° and cut to it."""
    centre = EXTENT.centroid
    cells = [
        shapely.affinity.rotate(box(x, y, x + 1_300, y + 900), 30, origin=centre)
        for x in np.arange(centre.x - 4_000, centre.x + 4_000, 1_300)
        for y in np.arange(centre.y - 4_000, centre.y + 4_000, 900)
    ]
    pieces = [cell.intersection(EXTENT) for cell in cells]
    pieces = [piece for piece in pieces if piece.area > 0]
    return gpd.GeoDataFrame(
        {"name": [f"n{i}" for i in range(len(pieces))]}, geometry=pieces, crs=GRID
    )


def wide(table: pd.DataFrame) -> pd.DataFrame:
    """apportion's rows as one column per variable, one row per target."""
    return table.pivot(index="target", columns="variable", values="value")


def test_counts_and_rates_follow_toblers_formula_to_1e9(units, covering_targets):
    """The same overlaps, given to tobler as its table: its allocation and ours agree."""
    crs = CRS(GRID)
    pairs = overlap_areas(units, covering_targets, crs)
    table = csr_matrix(
        (pairs["area_m2"], (pairs["unit"], pairs["target"])),
        shape=(len(units), len(covering_targets)),
    )
    theirs = area_interpolate(
        units,
        covering_targets,
        extensive_variables=["residents", "jobs"],
        intensive_variables=["income"],
        table=table,
        allocate_total=False,
    )
    ours = wide(
        apportion(units, covering_targets, ["residents", "jobs"], {"income": Rate()}, crs=crs)
    )
    for variable in ("residents", "jobs", "income"):
        np.testing.assert_allclose(ours[variable], theirs[variable], rtol=0, atol=1e-9)


def test_counts_equal_toblers_own_interpolation_to_1e9():
    """tobler measuring the overlaps itself: on a 100 m grid every shared area is a whole
    number of square metres, which its single-precision table holds exactly. (Its weights
    for rates are single precision too, 1 / float32 sums: those agree to 1e-7.)"""
    squares = [
        box(x, y, x + 100, y + 100)
        for x in range(270_000, 270_500, 100)
        for y in range(7_038_000, 7_038_400, 100)
    ]
    rng = np.random.default_rng(7)
    grid = gpd.GeoDataFrame(
        {
            "residents": rng.integers(0, 400, len(squares)).astype(float),
            "share_elderly": rng.uniform(0, 0.4, len(squares)),
        },
        geometry=squares,
        crs=GRID,
    )
    drawn = gpd.GeoDataFrame(
        geometry=[
            box(270_037, 7_038_013, 270_311, 7_038_277),
            box(270_250, 7_038_150, 270_480, 7_038_390),
        ],
        crs=GRID,
    )
    theirs = area_interpolate(grid, drawn, ["residents"], ["share_elderly"], allocate_total=False)
    ours = wide(apportion(grid, drawn, ["residents"], {"share_elderly": Rate()}))
    np.testing.assert_allclose(ours["residents"], theirs["residents"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours["share_elderly"], theirs["share_elderly"], rtol=1e-7)


def test_irregular_overlaps_agree_with_toblers_single_precision_table(units, covering_targets):
    """tobler keeps the shared areas as float32: within that precision it measures as we do."""
    theirs = area_interpolate(units, covering_targets, ["residents"], allocate_total=False)
    ours = wide(apportion(units, covering_targets, ["residents"]))
    np.testing.assert_allclose(ours["residents"], theirs["residents"], rtol=1e-6)


def test_the_apportioned_total_is_the_source_total_when_the_targets_cover_the_units(
    units, covering_targets
):
    ours = wide(apportion(units, covering_targets, ["residents", "jobs"]))
    for variable in ("residents", "jobs"):
        assert math.isclose(ours[variable].sum(), units[variable].sum(), rel_tol=1e-12)


def test_a_unit_without_data_is_left_out_and_its_share_of_the_area_said(units):
    with_gap = units.assign(jobs=units["jobs"].astype(object))
    with_gap.loc[0, "jobs"] = None
    neighbourhood = gpd.GeoDataFrame(geometry=[units.geometry[0].buffer(150)], crs=GRID)
    row = apportion(with_gap, neighbourhood, ["jobs"]).iloc[0]
    pairs = overlap_areas(units, neighbourhood, CRS(GRID)).set_index("unit")
    shares = pairs["area_m2"] / units.area.reindex(pairs.index)
    expected = (units["jobs"].reindex(pairs.index) * shares).drop(0).sum()
    assert row["value"] == pytest.approx(expected, rel=1e-12)
    gap = 1 - pairs["area_m2"].drop(0).sum() / neighbourhood.area[0]  # some lies outside too
    assert row["no_data_share"] == pytest.approx(gap, rel=1e-12)
    assert row["units"] == len(pairs) - 1
    assert row["method"] == (
        f"Estimated from {len(pairs) - 1} statistical areas by share of area. "
        f"{round(gap * 100)}% of its area has no data."
    )


def test_no_data_anywhere_is_no_data_not_zero(units):
    empty = units.assign(jobs=np.nan)
    outside = box(280_000, 7_050_000, 281_000, 7_051_000)
    targets = gpd.GeoDataFrame(geometry=[units.geometry[3], outside], crs=GRID)
    rows = apportion(empty, targets, ["jobs"], {"income": Rate()})
    jobs = rows[rows["variable"] == "jobs"]
    assert jobs["value"].isna().all() and (jobs["no_data_share"] == 1).all()
    assert set(jobs["method"]) == {"No data where it lies."}
    income = rows[rows["variable"] == "income"].set_index("target")["value"]
    assert income[0] == pytest.approx(units.at[3, "income"]) and math.isnan(income[1])


def test_the_part_outside_every_unit_counts_as_no_data(units):
    half_out = box(273_500, 7_039_000, 274_500, 7_040_000)
    row = apportion(units, gpd.GeoDataFrame(geometry=[half_out], crs=GRID), ["jobs"]).iloc[0]
    assert row["no_data_share"] == pytest.approx(0.5, rel=1e-12)
    assert row["method"].endswith("50% of its area has no data.")


def test_a_rate_is_recomputed_from_its_counts_where_the_units_give_them(units):
    neighbourhood = gpd.GeoDataFrame(geometry=[box(271_000, 7_039_000, 272_500, 7_040_200)])
    neighbourhood = neighbourhood.set_crs(GRID)
    rows = apportion(
        units,
        neighbourhood,
        ["elderly", "residents"],
        {"elderly_share": Rate(numerator="elderly", denominator="residents", per=100)},
    ).set_index("variable")
    expected = rows.at["elderly", "value"] / rows.at["residents", "value"] * 100
    assert rows.at["elderly_share", "value"] == pytest.approx(expected, rel=1e-12)
    assert rows.at["elderly_share", "how"] == "counts"
    assert "recomputed from its two counts" in rows.at["elderly_share", "method"]


def test_rates_weighted_by_residents_use_the_residents_of_each_overlapped_part(units):
    neighbourhood = gpd.GeoDataFrame(geometry=[box(271_000, 7_039_000, 272_500, 7_040_200)])
    neighbourhood = neighbourhood.set_crs(GRID)
    row = apportion(units, neighbourhood, rates={"income": Rate()}, population="residents")
    row = row.iloc[0]
    pairs = overlap_areas(units, neighbourhood, CRS(GRID)).set_index("unit")
    residents = units["residents"].reindex(pairs.index) * pairs["area_m2"]
    residents /= units.area.reindex(pairs.index)
    expected = (units["income"].reindex(pairs.index) * residents).sum() / residents.sum()
    assert row["value"] == pytest.approx(expected, rel=1e-12)
    assert (row["how"], row["weighting"]) == ("population", "population")
    assert row["method"] == (
        f"Estimated from {len(pairs)} statistical areas: their rates averaged by share of "
        "residents."
    )


def test_without_every_resident_count_a_rate_goes_by_area_and_says_so(units):
    gaps = units.assign(residents=units["residents"].where(units.index != 0))
    neighbourhood = gpd.GeoDataFrame(geometry=[units.geometry[0].buffer(100)], crs=GRID)
    by_residents = apportion(gaps, neighbourhood, rates={"income": Rate()}, population="residents")
    by_area = apportion(units, neighbourhood, rates={"income": Rate()})
    assert by_residents.at[0, "value"] == pytest.approx(by_area.at[0, "value"], rel=1e-12)
    assert by_residents.at[0, "residents_missing"]
    assert "Resident counts are missing or zero where it lies" in by_residents.at[0, "method"]


def test_areas_in_degrees_are_measured_in_metres(units):
    in_degrees = units.to_crs("EPSG:4326")
    assert metric_crs_of(units) == CRS(GRID)
    assert metric_crs_of(in_degrees).is_projected
    drawn = gpd.GeoDataFrame(geometry=[box(271_000, 7_039_000, 272_500, 7_040_200)], crs=GRID)
    projected = apportion(units, drawn, ["residents"]).at[0, "value"]
    measured = apportion(in_degrees, drawn.to_crs("EPSG:4326"), ["residents"]).at[0, "value"]
    assert measured == pytest.approx(projected, rel=1e-3)


def test_small_shares_of_no_data_are_not_shown_as_zero():
    statement = method_statement(3, "count", "area", 0.001)
    assert statement.endswith("<1% of its area has no data.")
    assert method_statement(1, "count", "area", 0.0) == (
        "Estimated from one statistical area by share of area."
    )
