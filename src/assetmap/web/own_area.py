"""The Planning page's "Your own neighbourhood": drawn on the map or imported, with its
figures estimated from the statistical areas it overlaps (register/estimates.py)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st
from shapely.geometry.base import BaseGeometry

from assetmap.i18n import gettext
from assetmap.register.areas import AreaError, level_label
from assetmap.register.estimates import OWN_LEVEL, keep_own_area, own_area_figures
from assetmap.render.mapping import build_asset_map
from assetmap.storage import data_version
from assetmap.web import drawing, login, memo, resources, widgets


def own_area_section(areas: gpd.GeoDataFrame, assets: gpd.GeoDataFrame) -> None:
    """Draw or import a neighbourhood over `areas` (one level) and show its estimates."""
    st.caption(
        gettext(
            "Draw your neighbourhood on the map with the outline button, or import it. Its "
            "figures are estimated from the statistical areas it overlaps; each says how."
        )
    )
    scripts = resources.map_scripts()
    fmap = build_asset_map(assets, areas, resources.settings().tiles, scripts, height=520)
    own = drawing.draw_area(fmap, scripts, key="own_area_map")
    imported = drawing.import_area("own_area_file")
    area = imported if imported is not None else own
    if area is None:
        return
    db = resources.database()
    # Worked out once per outline, areas and data: the page reruns on every choice elsewhere.
    figures = memo.remembered(
        "own_area_figures",
        (area.wkb, tuple(areas["id"]), data_version(db)),
        lambda: own_area_figures(db, areas, area),
    )
    if figures.empty:
        st.info(
            gettext(
                "No indicator has figures for these areas. Choose another level of areas, or "
                "import figures keyed by these areas' codes."
            )
        )
        return
    st.dataframe(
        figures,
        hide_index=True,
        width="stretch",
        column_config={
            gettext("Estimate"): st.column_config.NumberColumn(format="%.1f"),
            gettext("How"): st.column_config.TextColumn(width="large"),
        },
    )
    if login.current_actor().may("manage_layers"):
        _keep_form(area, figures)


def _keep_form(area: BaseGeometry, figures: pd.DataFrame) -> None:
    """Keep the neighbourhood, with its estimates, as an area of the team's own level."""
    with st.form("keep_own_area"):
        name = st.text_input(gettext("Name of the neighbourhood"), max_chars=100)
        if not st.form_submit_button(gettext("Keep it as one of our own neighbourhoods")):
            return
    try:
        keep_own_area(resources.database(), login.current_actor(), name, area, figures)
    except AreaError as error:
        st.error(widgets.plain(error.message))
    else:
        st.success(
            gettext(
                "Kept {name} with its estimates. Choose the level {level} to see it on the map."
            ).format(name=widgets.plain(name.strip()), level=level_label(OWN_LEVEL))
        )
