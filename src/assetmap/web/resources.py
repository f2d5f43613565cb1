"""What one app process shares with every session: settings, the database, the map's scripts.

One database connection serves every session (each call takes its own cursor); the server's
routes share it too (assetmap.api.database).
"""

from __future__ import annotations

import streamlit as st

from assetmap.api import url_prefix as api_url_prefix
from assetmap.api.database import close_shared_database, shared_database
from assetmap.api.photos import photo_url
from assetmap.api.tiles import tile_url
from assetmap.config import PROJECT_DIR, ConfigError, Settings
from assetmap.render.mapping import MapScripts, install_map_scripts
from assetmap.storage import Database, DatabaseError

STATIC_DIR = PROJECT_DIR / "static"


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


@st.cache_resource(on_release=close_shared_database)
def _database(location: str) -> Database:
    """The process's database, which the server's routes share (assetmap.api.database)."""
    return shared_database(location)


def database() -> Database:
    """The shared database; stops the page with the reason when it cannot be opened."""
    try:
        return _database(settings().db)
    except DatabaseError as error:
        st.error(str(error))
        st.stop()
        raise


def url_prefix() -> str:
    """Where the app is served under its host: "/path" for server.baseUrlPath, else ""."""
    return api_url_prefix(str(st.get_option("server.baseUrlPath") or ""))


@st.cache_resource
def map_scripts() -> MapScripts:
    install_map_scripts(STATIC_DIR)
    return MapScripts(
        base_url=f"{url_prefix()}/app/static/vendor",
        tiles_url=tile_url(url_prefix()),
        photos_url=photo_url(url_prefix()),
    )
