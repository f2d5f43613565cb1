"""The Planning page's "Your own neighbourhood": drawn on the map or imported, with its
figures estimated from the statistical areas it overlaps (register/estimates.py)."""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from assetmap.i18n import gettext
from assetmap.register.estimates import own_area_figures
from assetmap.render.mapping import build_asset_map
from assetmap.web import drawing, resources


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
    figures = own_area_figures(resources.database(), areas, area)
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
