"""The usual approach as a Streamlit page, for bench/page.py: one folium Marker with a Popup
per asset (bench/scale.py's usual_map), drawn through st_folium.

page.py runs it with `streamlit run` from a folder of its own, whose static/vendor holds
Leaflet and jQuery (so nothing loads from another host), with bench/ on PYTHONPATH and the
number of synthetic assets in USUAL_ASSETS.
"""

import os

import geopandas as gpd
import streamlit as st
from scale import synthetic, usual_map
from streamlit_folium import st_folium

from assetmap.render.mapping import MapScripts


@st.cache_data
def assets(count: int) -> gpd.GeoDataFrame:
    return synthetic(count)


st.title("Community assets")
fmap = usual_map(assets(int(os.environ["USUAL_ASSETS"])), MapScripts("/app/static/vendor"))
st_folium(fmap, height=600, use_container_width=True)
