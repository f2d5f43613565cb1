"""streamlit-folium's internals, as the bridge uses them.

The live map sends st_folium's component arguments itself (assetmap.web.folium_bridge). These
tests fail when an upgrade of streamlit-folium changes what the bridge relies on: the private
functions and their parameters, or what st_folium itself would send for our maps.
"""

from __future__ import annotations

import inspect
from typing import Any

import folium
import geopandas as gpd
import pytest
import streamlit_folium
from shapely.geometry import Point, box
from streamlit.components.v1.custom_component import CustomComponent

from assetmap.config import tiles_from_setting
from assetmap.render.mapping import MapScripts, build_asset_map, picked_point_layer
from assetmap.web.folium_bridge import component_arguments, layer_script, show_folium_map

PRIVATE_PARAMETERS = {
    "_get_html": ["fig"],
    "_get_header": ["fig"],
    "_get_map_string": ["fig"],
    "_get_feature_group_string": ["feature_group_to_add", "map", "idx"],
    "get_full_id": ["m"],
    "generate_js_hash": ["js_string", "key", "return_on_hover"],
}


@pytest.mark.parametrize("name", PRIVATE_PARAMETERS)
def test_the_functions_the_bridge_calls_take_what_it_passes(name):
    parameters = inspect.signature(getattr(streamlit_folium, name)).parameters
    assert list(parameters) == PRIVATE_PARAMETERS[name]


def test_the_component_is_the_one_the_browser_tests_find():
    component = streamlit_folium._component_func
    assert isinstance(component, CustomComponent)
    # tests/test_browser.py and bench/scale.py find the map's frame by this title.
    assert component.name == "streamlit_folium.st_folium"


def small_map() -> folium.Map:
    """An asset map as the app draws it: one area, one asset, base-map tiles.

    Each test makes it twice, one for st_folium and one for the bridge: both rework the map
    they render, and a deep copy of a map does not render the same.
    """
    asset = gpd.GeoDataFrame(
        [
            {
                "id": "a1",
                "kind": "place",
                "category": "park",
                "sector": "public",
                "name": "Park",
                "source": "resident",
            }
        ],
        geometry=[Point(24.94, 60.17)],
        crs="EPSG:4326",
    )
    asset["lon"], asset["lat"], asset["area_name"] = 24.94, 60.17, "Kluuvi"
    areas = gpd.GeoDataFrame(
        {"id": ["k"], "name": ["Kluuvi"]},
        geometry=[box(24.93, 60.16, 24.96, 60.18)],
        crs="EPSG:4326",
    )
    tiles = tiles_from_setting("osm")
    return build_asset_map(asset, areas, tiles, MapScripts("/app/static/vendor"), height=420)


def sent_by_st_folium(
    monkeypatch: pytest.MonkeyPatch, fmap: folium.Map, **options: Any
) -> dict[str, Any]:
    """The arguments st_folium passes its component for `fmap`, on_change left out: the
    bridge sets none, since nothing reads a map's state from st.session_state."""
    sent: dict[str, Any] = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.update(kwargs))
    streamlit_folium.st_folium(fmap, **options)
    assert callable(sent.pop("on_change"))
    return sent


def test_the_bridge_sends_what_st_folium_sends_for_our_maps(monkeypatch):
    fmap, twin = small_map(), small_map()
    expected = sent_by_st_folium(
        monkeypatch,
        twin,
        key="asset_map",
        height=420,
        use_container_width=True,
        returned_objects=[],
    )
    assert component_arguments(fmap, "asset_map", 420) == expected


def test_a_picked_spot_is_sent_as_st_folium_sends_an_added_layer(monkeypatch):
    fmap, twin = small_map(), small_map()
    expected = sent_by_st_folium(
        monkeypatch,
        twin,
        key="asset_map",
        height=420,
        use_container_width=True,
        returned_objects=["last_clicked"],
        feature_group_to_add=picked_point_layer(24.94, 60.17),
    )
    # What live_map.pick_map puts in place of the map's own arguments.
    picking = {
        "returned_objects": ["last_clicked"],
        "default": {"last_clicked": None},
        "feature_group": layer_script(picked_point_layer(24.94, 60.17)),
    }
    assert {**component_arguments(fmap, "asset_map", 420), **picking} == expected


def test_maps_made_anew_are_sent_by_st_folium_itself(monkeypatch):
    fmap = small_map()
    expected = sent_by_st_folium(
        monkeypatch,
        small_map(),
        key="meeting_map",
        height=760,
        use_container_width=True,
        returned_objects=["center", "zoom"],
    )
    sent: dict[str, Any] = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.update(kwargs))
    show_folium_map(fmap, "meeting_map", 760, ("center", "zoom"))
    sent.pop("on_change")
    assert sent == expected
