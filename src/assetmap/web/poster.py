"""The "Poster (PDF)" of the Map and Meeting pages: the current view and filters on A4 to A1,
made on the server (render/poster.py, printed by io/pdf.py) from what the person may take
out of the app (caches.released_assets), with a QR code of the page's address."""

from __future__ import annotations

import geopandas as gpd
import streamlit as st
from markupsafe import Markup

from assetmap.config import OSM_TILES_ATTRIBUTION
from assetmap.i18n import gettext
from assetmap.io.pdf import PrintError, html_to_pdf
from assetmap.models import KINDS, SECTORS, categories_for, kind_label
from assetmap.register.assets import AssetFilter
from assetmap.register.links import links_to_lines
from assetmap.render.mapping import OSM_DATA_ATTRIBUTION
from assetmap.render.permalink import MapAddress, address_to_params, view_bounds
from assetmap.render.poster import ORIENTATIONS, PAPERS, Paper, fit_bounds, poster_html
from assetmap.storage import utc_now
from assetmap.web import caches, map_address
from assetmap.web.resources import settings


def _subtitle(address: MapAddress, area_names: dict[str, str]) -> str:
    """The filters in words, for the line under the title."""
    categories = categories_for(KINDS)
    parts = [
        (gettext("Kind"), [kind_label(kind) for kind in address.kinds]),
        (gettext("Category"), [categories.get(c, c) for c in address.categories]),
        (gettext("Sector"), [gettext(SECTORS[s]) for s in address.sectors]),
        (gettext("Area"), [area_names.get(a, a) for a in address.areas]),
        (gettext("Search"), [f"“{address.text}”"] if address.text else []),
    ]
    return " · ".join(f"{label}: {', '.join(values)}" for label, values in parts if values)


def _bounds(
    address: MapAddress, page: str, assets_gdf: gpd.GeoDataFrame, areas_gdf: gpd.GeoDataFrame
) -> tuple[float, float, float, float]:
    """What the page's map shows: as it reported, else the address's view on an ordinary
    screen, else all the areas (or assets)."""
    reported = map_address.latest_bounds(page)
    if reported is not None:
        return reported
    if address.view is not None:
        return view_bounds(address.view)
    shown = areas_gdf if not areas_gdf.empty else assets_gdf
    if shown.empty:
        return (-180.0, -85.0, 180.0, 85.0)
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in shown.total_bounds)
    return (min_lon, min_lat, max_lon, max_lat)


def _attribution(assets_gdf: gpd.GeoDataFrame) -> str:
    """The base map's and the data's credits as plain text."""
    tiles = settings().tiles
    credits = [tiles.attribution or ""]
    # One OpenStreetMap credit for base map and data, as on the map.
    if (assets_gdf.get("source") == "osm").any() and tiles.attribution != OSM_TILES_ATTRIBUTION:
        credits.append(gettext(OSM_DATA_ATTRIBUTION))
    return " · ".join(Markup(credit).striptags() for credit in credits if credit)


def make_poster(
    address: MapAddress,
    page: str,
    title: str,
    paper: Paper,
    with_links: bool,
    asset_filter: AssetFilter | None = None,
) -> bytes:
    """The poster of `address` as the page `page` shows it, as PDF bytes; `asset_filter` when
    the page shows other assets than the address's filters say."""
    assets_gdf = caches.released_assets(asset_filter or address.asset_filter())
    areas_gdf = caches.areas()
    map_w, map_h = paper.map_millimetres()
    bounds = fit_bounds(_bounds(address, page, assets_gdf, areas_gdf), map_w, map_h)
    links = None
    if with_links:
        lines = links_to_lines(caches.visible_links(assets_gdf), assets_gdf)
        if lines["features"]:
            links = gpd.GeoDataFrame.from_features(lines["features"], crs="EPSG:4326")
    area_names = dict(zip(areas_gdf["id"], areas_gdf["name"], strict=True))
    html = poster_html(
        paper,
        title,
        _subtitle(address, area_names),
        utc_now(),
        bounds,
        assets_gdf,
        areas_gdf,
        map_address.link(address, page),
        _attribution(assets_gdf),
        caches.basemap_around(bounds),
        links,
    )
    return html_to_pdf(html)


def poster_download(
    address: MapAddress,
    page: str,
    title: str,
    with_links: bool,
    asset_filter: AssetFilter | None = None,
) -> None:
    """Paper, orientation and a button that makes the poster, then its download."""
    with st.expander(gettext("Poster (PDF)"), icon=":material/print:"):
        left, right = st.columns(2)
        size = left.selectbox(
            gettext("Paper"),
            list(PAPERS),
            index=1,
            key=f"{page}_paper",
            placeholder=gettext("Choose an option"),  # never shown; not Streamlit's English
        )
        # The words themselves are the options: a translating format_func on a chosen value
        # is judged again in the reader's thread by Streamlit's test runner.
        orientations = {gettext(label): name for name, label in ORIENTATIONS.items()}
        orientation = orientations[
            right.radio(
                gettext("Orientation"),
                list(orientations),
                index=1,
                horizontal=True,
                key=f"{page}_orientation",
            )
        ]
        paper = Paper(size, orientation)
        wanted = (tuple(sorted(address_to_params(address).items())), size, orientation, with_links)
        if st.button(gettext("Make the poster"), key=f"{page}_make_poster"):
            with st.spinner(gettext("Making the poster. This takes a few seconds…")):
                try:
                    pdf = make_poster(address, page, title, paper, with_links, asset_filter)
                except PrintError as error:
                    st.error(error.message)
                    return
            st.session_state[f"{page}_poster"] = (wanted, pdf)
        made = st.session_state.get(f"{page}_poster")
        if made is not None and made[0] == wanted:
            st.download_button(
                gettext("Download the poster"),
                made[1],
                file_name=f"poster-{size}-{orientation}.pdf",
                mime="application/pdf",
                type="primary",
                on_click="ignore",
                key=f"{page}_poster_download",
            )
