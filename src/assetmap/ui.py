"""The only module besides pages/ that imports streamlit: shared resources and widgets.

One database connection serves every session (each call takes its own cursor), and
data for the map is cached on the data version that every write bumps, so a page never
shows stale data after an edit and never re-queries when nothing changed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import geopandas as gpd
import streamlit as st

from assetmap.areas import list_areas
from assetmap.assets import AssetFilter, count_by_status, list_assets
from assetmap.config import PROJECT_DIR, ConfigError, Settings
from assetmap.db import Database, DatabaseError, connect, data_version
from assetmap.i18n import gettext
from assetmap.mapping import LEGEND_TITLE, MapScripts, install_map_scripts, legend_entries
from assetmap.models import Problem

STATIC_DIR = PROJECT_DIR / "static"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


@st.cache_resource
def _settings() -> Settings:
    return Settings.from_env()


def settings() -> Settings:
    """The deployment's settings; stops the page with the reason when one is wrong."""
    try:
        return _settings()
    except ConfigError as error:
        st.error(str(error))
        st.stop()
        raise


@st.cache_resource
def _database(location: str) -> Database:
    return connect(location)


def database() -> Database:
    """The shared database; stops the page with the reason when it cannot be opened."""
    try:
        return _database(settings().db)
    except DatabaseError as error:
        st.error(str(error))
        st.stop()
        raise


@st.cache_resource
def map_scripts() -> MapScripts:
    install_map_scripts(STATIC_DIR)
    base_path = str(st.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base_path}" if base_path else ""
    return MapScripts(base_url=f"{prefix}/app/static/vendor")


@st.cache_data(max_entries=64, show_spinner=False)
def _assets(
    _db: Database, location: str, version: int, asset_filter: AssetFilter
) -> gpd.GeoDataFrame:
    return list_assets(_db, asset_filter)


@st.cache_data(max_entries=8, show_spinner=False)
def _areas(_db: Database, location: str, version: int) -> gpd.GeoDataFrame:
    return list_areas(_db)


def assets(asset_filter: AssetFilter) -> gpd.GeoDataFrame:
    db = database()
    return _assets(db, db.location, data_version(db), asset_filter)


def areas() -> gpd.GeoDataFrame:
    db = database()
    return _areas(db, db.location, data_version(db))


def status_counts() -> dict[str, int]:
    return count_by_status(database())


def plain(text: object) -> str:
    """User text made safe for st.markdown: no markdown, links or HTML take effect."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text).replace("\n", " "))


def show_problems(problems: Iterable[Problem]) -> None:
    st.error("\n".join(f"- {plain(problem)}" for problem in problems))


def legend() -> None:
    swatches = "".join(
        f'<div><span style="display:inline-block;width:0.9em;height:0.9em;border-radius:50%;'
        f'background:{colour};border:1px solid #1a1a1a;margin-right:0.4em"></span>'
        f"{html.escape(label)}</div>"
        for label, colour in legend_entries()
    )
    st.markdown(f"**{plain(gettext(LEGEND_TITLE))}**")
    st.markdown(swatches, unsafe_allow_html=True)
