"""Settings, read once from the environment.

Every setting has a documented module-level default that an environment variable
overrides, so a deployment configures Assetmap without touching code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path

from assetmap.errors import AssetmapError

PROJECT_DIR = Path(__file__).resolve().parents[2]

DATA_DIR = PROJECT_DIR / "data"
"""Where the default database lives. Override with ASSETMAP_DATA_DIR."""

DEFAULT_DB_NAME = "assetmap.duckdb"
"""The database file under DATA_DIR. ASSETMAP_DB overrides the whole location."""

DEMO_DIR = DATA_DIR / "demo"
"""The embedded demo municipality (central Helsinki, from OpenStreetMap)."""

OSM_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_TILES_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)

BASEMAP = "builtin"
"""ASSETMAP_BASEMAP: "builtin" (default: the vector base map the app serves itself, from
BUILTIN_BASEMAP), the path of another .pmtiles archive (`assetmap basemap build`), a preset of
RASTER_PRESETS ("osm", "kartverket", "pdok"), "none", or an XYZ raster URL with {z}/{x}/{y}
(then ASSETMAP_BASEMAP_ATTRIBUTION says whose it is). The older ASSETMAP_TILES is read when
ASSETMAP_BASEMAP is not set."""

BUILTIN_BASEMAP = DEMO_DIR / "basemap.pmtiles"
"""The built-in base map: central Helsinki, © OpenStreetMap contributors (ODbL)."""

RASTER_PRESETS: dict[str, tuple[str, str]] = {
    "osm": (OSM_TILES_URL, OSM_TILES_ATTRIBUTION),
    "kartverket": (
        "https://cache.kartverket.no/v1/wmts/1.0.0/topo/default/webmercator/{z}/{y}/{x}.png",
        '&copy; <a href="https://www.kartverket.no/">Kartverket</a>',
    ),
    "pdok": (
        "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png",
        'Kaartgegevens &copy; <a href="https://www.kadaster.nl/">Kadaster</a>',
    ),
}
"""Named raster tile services: (URL template, attribution). Each sends visitors' addresses to
its host; the built-in base map sends none."""

TILES = "osm"
"""ASSETMAP_TILES, the older setting: "osm", "none", or a tile URL template with {z}/{x}/{y}.
Read only when ASSETMAP_BASEMAP is not set."""

MAX_DISTANCE_FROM_AREAS_KM = 25.0
"""ASSETMAP_MAX_DISTANCE_KM: how far outside the mapped areas a new asset may lie."""


class ConfigError(AssetmapError, ValueError):
    """A setting that cannot be used, with what to set instead."""


@dataclass(frozen=True)
class TileSettings:
    """The base map: a URL template and its attribution, or no tiles at all."""

    url: str | None
    attribution: str
    archive: Path | None = None
    """A PMTiles archive of vector tiles the app serves itself (api/tiles.py); url is None."""


MAX_UPLOAD_MB = 20.0
"""ASSETMAP_MAX_UPLOAD_MB: the largest file an import accepts, checked before reading it."""

MAX_PHOTO_MB = 8.0
"""ASSETMAP_MAX_PHOTO_MB: the largest photo file accepted, checked before it is decoded. Streamlit's
own server.maxUploadSize (.streamlit/config.toml) caps every upload above this."""

PHOTOS_PER_ASSET = 3
"""ASSETMAP_PHOTOS_PER_ASSET: how many photos one asset may carry (waiting, shown or hidden)."""

TRUSTED_PROXIES = ""
"""ASSETMAP_TRUSTED_PROXIES: addresses or CIDR ranges (comma-separated) of the reverse proxies
whose X-Forwarded-For and X-Real-IP headers are believed; anyone else's are ignored."""

REPORTS_PER_HOUR = 10
"""ASSETMAP_REPORTS_PER_HOUR: reports one address may send in an hour (team members: any)."""

SUBMISSIONS_PER_HOUR = 20
"""ASSETMAP_SUBMISSIONS_PER_HOUR: new assets and links one address may send in an hour."""

LOGIN_IDLE_MINUTES = 480
"""ASSETMAP_LOGIN_IDLE_MINUTES: a login unused for this long ends (a working day)."""

LOGIN_MAX_HOURS = 168
"""ASSETMAP_LOGIN_MAX_HOURS: a login ends this long after it began, used or not (a week)."""

CHROMIUM = "/usr/bin/chromium"
"""ASSETMAP_CHROMIUM: the Chromium that prints posters to PDF (Debian's `chromium` package)."""


def chromium_path() -> str:
    """The Chromium to print with (ASSETMAP_CHROMIUM, else CHROMIUM)."""
    return os.environ.get("ASSETMAP_CHROMIUM", "").strip() or CHROMIUM


@dataclass(frozen=True)
class Limits:
    """How much one visitor's address may send, and how long a login lasts."""

    reports_per_hour: int = REPORTS_PER_HOUR
    submissions_per_hour: int = SUBMISSIONS_PER_HOUR
    login_idle: timedelta = timedelta(minutes=LOGIN_IDLE_MINUTES)
    login_max: timedelta = timedelta(hours=LOGIN_MAX_HOURS)


@dataclass(frozen=True)
class Settings:
    db: str
    data_dir: Path
    tiles: TileSettings
    max_distance_km: float
    max_upload_bytes: int
    trusted_proxies: tuple[IPv4Network | IPv6Network, ...] = ()
    limits: Limits = Limits()
    max_photo_bytes: int = int(MAX_PHOTO_MB * 1_000_000)
    photos_per_asset: int = PHOTOS_PER_ASSET

    @classmethod
    def from_env(cls, db: str | None = None) -> Settings:
        """Read the settings; an explicit `db` (the CLI's --db) wins over ASSETMAP_DB."""
        data_dir = Path(os.environ.get("ASSETMAP_DATA_DIR", DATA_DIR))
        database = db or os.environ.get("ASSETMAP_DB") or str(data_dir / DEFAULT_DB_NAME)
        return cls(
            db=database,
            data_dir=data_dir,
            tiles=tiles_from_environment(),
            max_distance_km=float(
                os.environ.get("ASSETMAP_MAX_DISTANCE_KM", MAX_DISTANCE_FROM_AREAS_KM)
            ),
            max_upload_bytes=int(
                float(os.environ.get("ASSETMAP_MAX_UPLOAD_MB", MAX_UPLOAD_MB)) * 1_000_000
            ),
            trusted_proxies=networks_from_setting(
                os.environ.get("ASSETMAP_TRUSTED_PROXIES", TRUSTED_PROXIES)
            ),
            limits=Limits(
                reports_per_hour=_whole_number("ASSETMAP_REPORTS_PER_HOUR", REPORTS_PER_HOUR),
                submissions_per_hour=_whole_number(
                    "ASSETMAP_SUBMISSIONS_PER_HOUR", SUBMISSIONS_PER_HOUR
                ),
                login_idle=timedelta(
                    minutes=_whole_number("ASSETMAP_LOGIN_IDLE_MINUTES", LOGIN_IDLE_MINUTES)
                ),
                login_max=timedelta(
                    hours=_whole_number("ASSETMAP_LOGIN_MAX_HOURS", LOGIN_MAX_HOURS)
                ),
            ),
            max_photo_bytes=int(
                float(os.environ.get("ASSETMAP_MAX_PHOTO_MB", MAX_PHOTO_MB)) * 1_000_000
            ),
            photos_per_asset=_whole_number("ASSETMAP_PHOTOS_PER_ASSET", PHOTOS_PER_ASSET),
        )


def _whole_number(name: str, default: int) -> int:
    value = os.environ.get(name, str(default)).strip()
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1: {value!r}")
    return int(value)


def networks_from_setting(value: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """Turn ASSETMAP_TRUSTED_PROXIES ("127.0.0.1, 10.0.0.0/8") into networks."""
    networks = []
    for part in value.replace(";", ",").split(","):
        if not part.strip():
            continue
        try:
            networks.append(ip_network(part.strip(), strict=False))
        except ValueError as error:
            raise ConfigError(
                f"ASSETMAP_TRUSTED_PROXIES takes addresses or CIDR ranges, comma-separated: "
                f"{part.strip()!r} is neither"
            ) from error
    return tuple(networks)


def tiles_from_environment() -> TileSettings:
    """The base map: ASSETMAP_BASEMAP, else the older ASSETMAP_TILES, else the built-in one."""
    attribution = os.environ.get("ASSETMAP_BASEMAP_ATTRIBUTION") or os.environ.get(
        "ASSETMAP_TILES_ATTRIBUTION"
    )
    if "ASSETMAP_BASEMAP" in os.environ:
        return tiles_from_setting(os.environ["ASSETMAP_BASEMAP"], attribution)
    return tiles_from_setting(os.environ.get("ASSETMAP_TILES", BASEMAP), attribution)


def tiles_from_setting(value: str, attribution: str | None = None) -> TileSettings:
    """Turn the ASSETMAP_BASEMAP (or ASSETMAP_TILES) value into tile settings."""
    choice = value.strip()
    if choice.lower() == "none":
        return TileSettings(url=None, attribution="")
    if choice.lower() == "builtin":
        return TileSettings(url=None, attribution=OSM_TILES_ATTRIBUTION, archive=BUILTIN_BASEMAP)
    if choice.lower() in RASTER_PRESETS:
        url, preset_attribution = RASTER_PRESETS[choice.lower()]
        return TileSettings(url=url, attribution=attribution or preset_attribution)
    if choice.lower().endswith(".pmtiles"):
        archive = Path(choice).expanduser()
        if not archive.is_file():
            raise ConfigError(f"ASSETMAP_BASEMAP names a base map that is not there: {choice}")
        return TileSettings(
            url=None, attribution=attribution or OSM_TILES_ATTRIBUTION, archive=archive
        )
    if "{z}" not in choice or "{x}" not in choice or "{y}" not in choice:
        raise ConfigError(
            "ASSETMAP_BASEMAP (or ASSETMAP_TILES) must be 'builtin', 'none', a preset "
            f"({', '.join(RASTER_PRESETS)}), a .pmtiles file or a URL with {{z}}, {{x}} and "
            f"{{y}}: {value!r}"
        )
    if not attribution:
        raise ConfigError(
            "A custom tile server needs ASSETMAP_BASEMAP_ATTRIBUTION "
            "(who made the base map, as its licence asks)."
        )
    return TileSettings(url=choice, attribution=attribution)
