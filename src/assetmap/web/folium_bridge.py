"""The one door to streamlit-folium: every call to its private functions is here.

The live map sends st_folium's component arguments itself, worked out once and reused by
every session (see component_arguments), so it leans on streamlit-folium's internals: how it
turns a map into header, html and script, how it keys the component, and how it scripts an
added layer. tests/test_folium_bridge.py checks those internals against what st_folium itself
sends, and fails when an upgrade changes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import folium
import streamlit_folium


def show_folium_map(
    fmap: folium.Map,
    key: str,
    height: int,
    returned_objects: Iterable[str],
    centre: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> Any:
    """`fmap` as wide as its container, sent anew on each run, looking at `centre` (lat, lon)
    and `zoom` when given; returns what it reports (its `returned_objects`)."""
    return streamlit_folium.st_folium(
        fmap,
        key=key,
        returned_objects=list(returned_objects),
        use_container_width=True,
        height=height,
        center=centre,
        zoom=zoom,
    )


def component_arguments(fmap: folium.Map, key: str, height: int) -> dict[str, Any]:
    """What st_folium(fmap, key=key, height=height, use_container_width=True,
    returned_objects=[]) sends its frontend, worked out ahead.

    st_folium renders the whole map on every run: at 100,000 assets that is most of a second
    and a copy of the 4 MB payload per session. Our maps have no feature groups, layer
    controls or colour maps, so the arguments are the map's header, html and script, its
    own scripts and styles, and a key that changes with the script. Unlike st_folium, no
    on_change: nothing reads the map's state from st.session_state.
    """
    fmap.get_root().render()
    body, header = streamlit_folium._get_html(fmap), streamlit_folium._get_header(fmap)
    script = streamlit_folium._get_map_string(fmap)
    return {
        "script": script,
        "header": header,
        "html": body,
        "id": streamlit_folium.get_full_id(fmap),
        "key": streamlit_folium.generate_js_hash(script, key, False),
        "height": height,
        "width": None,
        "returned_objects": [],
        "default": {},
        "zoom": None,
        "center": None,
        "feature_group": None,
        "return_on_hover": False,
        "layer_control": None,
        "pixelated": False,
        "css_links": [href for _, href in fmap.default_css],
        "js_links": [src for _, src in fmap.default_js],
        "wrap_longitude": False,
    }


def show_component(arguments: dict[str, Any]) -> Any:
    """Send st_folium's frontend these arguments (component_arguments, with changes);
    returns what the map reports."""
    return streamlit_folium._component_func(**arguments)


def layer_script(layer: folium.FeatureGroup) -> str:
    """streamlit-folium's own script for a layer drawn on top of a sent map (the component's
    `feature_group` argument), without rendering that map again."""
    # The map it adds to is a stand-in: the script names the sent map as map_div.
    script: str = streamlit_folium._get_feature_group_string(
        layer, map=folium.Map(tiles=None), idx=0
    )
    return script
