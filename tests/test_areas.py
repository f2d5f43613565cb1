import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

from assetmap.register.areas import (
    AreaError,
    area_ids_for_points,
    clean_areas,
    list_areas,
    replace_areas,
)
from assetmap.register.assets import get_asset, register_asset

from .conftest import ADMIN, VISITOR


def squares() -> gpd.GeoDataFrame:
    """Two unit-ish squares side by side: west [24.90, 24.92], east [24.92, 24.94]."""
    return gpd.GeoDataFrame(
        {"id": ["west", "east"], "name": ["West", "East"]},
        geometry=[box(24.90, 60.10, 24.92, 60.12), box(24.92, 60.10, 24.94, 60.12)],
        crs="EPSG:4326",
    )


def test_points_fall_in_the_area_that_covers_them():
    ids = area_ids_for_points(
        pd.Series([24.91, 24.93, 25.5]), pd.Series([60.11, 60.11, 60.11]), squares()
    )
    assert ids.tolist() == ["west", "east", None]


def test_point_on_a_shared_border_gets_one_area_deterministically():
    ids = area_ids_for_points(pd.Series([24.92]), pd.Series([60.11]), squares())
    assert ids.tolist() == ["east"]  # the smallest id of those covering it


def test_no_areas_means_no_assignment():
    empty = squares().iloc[0:0]
    assert area_ids_for_points(pd.Series([24.91]), pd.Series([60.11]), empty).tolist() == [None]


def test_areas_are_reprojected_to_wgs84():
    finnish = squares().to_crs("EPSG:3067")
    cleaned = clean_areas(finnish)
    assert cleaned.crs == "EPSG:4326"
    assert cleaned.geometry.iloc[0].bounds == pytest.approx((24.90, 60.10, 24.92, 60.12), abs=1e-6)


def test_invalid_polygon_is_repaired():
    bowtie = Polygon([(24.90, 60.10), (24.92, 60.12), (24.92, 60.10), (24.90, 60.12)])
    areas = gpd.GeoDataFrame({"id": ["b"], "name": ["Bowtie"]}, geometry=[bowtie], crs="EPSG:4326")
    cleaned = clean_areas(areas)
    assert cleaned.geometry.iloc[0].is_valid and cleaned.geometry.iloc[0].area > 0


def test_duplicate_ids_are_refused():
    doubled = squares().assign(id=["same", "same"])
    with pytest.raises(AreaError, match="repeated: same"):
        clean_areas(doubled)


def test_areas_without_crs_are_refused():
    with pytest.raises(AreaError, match="coordinate reference system"):
        clean_areas(squares().set_crs(None, allow_override=True))


def test_replacing_areas_reassigns_assets(db):
    replace_areas(db, squares(), ADMIN)
    asset = register_asset(
        db, {"kind": "place", "category": "park", "name": "P", "lon": 24.91, "lat": 60.11}, VISITOR
    )
    assert asset.area_id == "west"
    moved = squares().assign(id=["left", "right"])
    replace_areas(db, moved, ADMIN)
    assert get_asset(db, str(asset.id)).area_id == "left"
    assert list_areas(db)["id"].tolist() == ["right", "left"]  # ordered by name: East, West
