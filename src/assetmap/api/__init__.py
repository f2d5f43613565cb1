"""The app server's own routes, served beside Streamlit's by st.App (see server.py)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from assetmap.api.console import console_routes
from assetmap.api.data_version import data_version_routes
from assetmap.api.database import shared_database
from assetmap.api.hsds import hsds_routes
from assetmap.api.login import login_routes
from assetmap.api.map_data import map_data_routes
from assetmap.api.ogc import ogc_routes
from assetmap.api.photos import photo_routes
from assetmap.api.tiles import tile_routes
from assetmap.config import Settings
from assetmap.storage import Database


def url_prefix(base_url_path: str) -> str:
    """Where the app is served under its host ("/path" for server.baseUrlPath "path/", or "")."""
    base_path = base_url_path.strip("/")
    return f"/{base_path}" if base_path else ""


def _app_database() -> Database:
    return shared_database(Settings.from_env().db)


def routes(prefix: str = "") -> list[BaseRoute]:
    """Every route, under `prefix` (see url_prefix), on the database the pages use."""
    return [
        *login_routes(_app_database, prefix),
        *hsds_routes(_app_database, prefix),
        *ogc_routes(_app_database, prefix),
        *console_routes(prefix),
        *tile_routes(prefix),
        *photo_routes(_app_database, prefix),
        *map_data_routes(_app_database, prefix),
        *data_version_routes(_app_database, prefix),
    ]
