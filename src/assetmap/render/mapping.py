"""Folium maps of assets and areas, with self-hosted scripts and no template injection.

Leaflet comes from the XStatic package and the map's own script from js/ (map_data.js and
map.js); the app serves both itself (Streamlit static serving), so the map works offline and
sends no visitor's address to a CDN. Each map's folium script only calls into that script
with JSON arguments. User text reaches the browser only as that data, and our script builds
popups and tooltips with `textContent`: it is never HTML and never part of a Jinja template,
so neither `<img onerror>` nor `{{ 7*1913 }}` runs.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import xstatic.pkg.leaflet
from branca.element import MacroElement
from jinja2 import Template

from assetmap.analysis.choropleth import NO_DATA_COLOUR
from assetmap.config import OSM_TILES_ATTRIBUTION, TileSettings
from assetmap.i18n import N_, gettext
from assetmap.io.basemap import DEFAULT_MAX_ZOOM, BasemapError, open_archive
from assetmap.models import (
    CATEGORIES,
    KINDS,
    SECTORS,
    WHEELCHAIR,
    Extent,
    field_label,
    text_or_empty,
)

KIND_COLOURS: dict[str, str] = {
    "person": "#E69F00",
    "association": "#0072B2",
    "place": "#009E73",
    "institution": "#CC79A7",
}
"""Okabe-Ito colours: distinguishable with the common colour-vision deficiencies."""

VENDOR_DIR = "vendor"
RENDERER_DIR = Path(__file__).parent / "vendor" / "protomaps-leaflet"
"""protomaps-leaflet 5.1.0 (BSD-3-Clause, from npm), which draws the built-in vector base map."""
DRAW_DIR = Path(__file__).parent / "vendor" / "leaflet-draw"
"""Leaflet.draw 1.0.4 (MIT, from npm): the tools for drawing a neighbourhood (web/drawing.py)."""
_VENDOR_FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "leaflet": (
        xstatic.pkg.leaflet.BASE_DIR,
        (
            "leaflet.js",
            "leaflet.css",
            "images/layers.png",
            "images/layers-2x.png",
            "images/marker-icon.png",
            "images/marker-icon-2x.png",
            "images/marker-shadow.png",
        ),
    ),
    "protomaps-leaflet": (str(RENDERER_DIR), ("protomaps-leaflet.js", "LICENSE")),
    "leaflet-draw": (
        str(DRAW_DIR),
        (
            "leaflet.draw.js",
            "leaflet.draw.css",
            "images/spritesheet.png",
            "images/spritesheet-2x.png",
            "images/spritesheet.svg",
            "LICENSE",
        ),
    ),
}
OWN_DIR = "assetmap"
"""Where the map's own scripts go beside the vendor files, named by their content."""
_OWN_SCRIPTS = tuple(
    Path(__file__).parent / "js" / name for name in ("map_data.js", "map.js", "basemap.js")
)
"""The map's own scripts, in the order the browser runs them (after Leaflet); the last,
the built-in base map's styles, only on maps that draw it."""
_BASEMAP_SCRIPTS = 1

COORDINATE_SCALE = 1_000_000
DETAIL_LIMIT = 5_000
"""Above this many assets, popups leave out address, opening hours and the other details."""
SUMMARY_FIELDS = (
    "id",
    "version",
    "name",
    "kind",
    "category",
    "lon",
    "lat",
    "source",
    "consent_renew_by",
)
"""The stored fields a map without details needs (area_name comes with every list): what it
draws, the versions it compares, and consent, which decides whether a person is shown."""

OSM_DATA_ATTRIBUTION = N_(
    'Data &copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
    "contributors (ODbL)"
)
OSM_CREDIT = N_(
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors (ODbL)'
)
"""OpenStreetMap's credit for a base map made from it, which covers its data on the map too."""
PHOTO_LABEL = N_("Photo")
PHOTOS_LABEL = N_("Photos")
POPUP_FIELDS = (
    "sector",
    "address",
    "opening_hours",
    "wheelchair",
    "languages",
    "phone",
    "email",
    "description",
)


def _copy_if_changed(source: Path, copy: Path) -> None:
    """Copy `source` unless `copy` holds the same bytes already (a size can stay the same
    when the content changes). The copy appears whole or not at all: a server may be reading."""
    content = source.read_bytes()
    if copy.is_file() and copy.read_bytes() == content:
        return
    copy.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=copy.parent, prefix=".", delete=False) as temporary:
        temporary.write(content)
    os.chmod(temporary.name, 0o644)  # readable like any copied file, not only by its owner
    os.replace(temporary.name, copy)


def hashed_name(source: Path) -> str:
    """The name a script is served under: map.js as map.<12 hex digits of its SHA-256>.js.
    New content gets a new name, so a browser never runs a copy it kept from before."""
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    return f"{source.stem}.{digest}{source.suffix}"


@functools.cache
def _own_scripts() -> tuple[tuple[Path, str], ...]:
    """(source, served name) of the map's own scripts, worked out once per process so that the
    copies and the URLs agree."""
    return tuple((source, hashed_name(source)) for source in _OWN_SCRIPTS)


def install_map_scripts(static_dir: Path) -> Path:
    """Copy Leaflet (from its XStatic package) and the map's own scripts into the app's
    static folder; returns the folder they are in (MapScripts.base_url serves it)."""
    target = static_dir / VENDOR_DIR
    for package, (source_dir, names) in _VENDOR_FILES.items():
        for name in names:
            _copy_if_changed(Path(source_dir) / name, target / package / name)
    for source, served in _own_scripts():
        _copy_if_changed(source, target / OWN_DIR / served)
    return target


@dataclass(frozen=True)
class MapScripts:
    """Where the browser finds the self-hosted scripts, e.g. "/app/static/vendor"."""

    base_url: str
    tiles_url: str = ""
    """The built-in base map's tiles, "/tiles/{z}/{x}/{y}.mvt" (api/tiles.py); "" for none."""
    photos_url: str = ""
    """Approved photos, "/photos/{id}.jpg" (api/photos.py); "" for a map without them."""

    def js(self, vector_tiles: bool = False) -> list[tuple[str, str]]:
        """The scripts a map loads; with `vector_tiles`, the base map's renderer and styles."""
        scripts = [("leaflet", f"{self.base_url}/leaflet/leaflet.js")]
        if vector_tiles:
            renderer = f"{self.base_url}/protomaps-leaflet/protomaps-leaflet.js"
            scripts.append(("protomaps_leaflet", renderer))
        own = _own_scripts() if vector_tiles else _own_scripts()[:-_BASEMAP_SCRIPTS]
        return scripts + [
            (f"assetmap_{source.stem}", f"{self.base_url}/{OWN_DIR}/{served}")
            for source, served in own
        ]

    def css(self) -> list[tuple[str, str]]:
        return [("leaflet_css", f"{self.base_url}/leaflet/leaflet.css")]

    def draw_js(self) -> list[tuple[str, str]]:
        """Leaflet.draw's script, under the name folium's Draw plugin gives it."""
        return [("leaflet_draw_js", f"{self.base_url}/leaflet-draw/leaflet.draw.js")]

    def draw_css(self) -> list[tuple[str, str]]:
        return [("leaflet_draw_css", f"{self.base_url}/leaflet-draw/leaflet.draw.css")]


_ESCAPES = str.maketrans({c: f"\\u{ord(c):04x}" for c in "{}<>&'"})


def _has_mapping(data: Any) -> bool:
    if isinstance(data, dict):
        return True
    return any(_has_mapping(item) for item in data if isinstance(item, dict | list | tuple))


def safe_json(data: Any) -> str:
    """JSON that stays inert in a <script> and through folium's second Jinja pass.

    folium renders a rendered script again as a template, so `{{ 7*1913 }}` in a
    resident's text would be evaluated. Inside JSON strings, braces and HTML
    specials become \\u escapes, which the browser's JSON parser turns back into text.
    JSON puts braces only around objects and the other specials only inside strings, so
    anything without an object inside is escaped as a whole: long columns in one go.
    """
    if isinstance(data, dict):
        members = (f"{safe_json(str(key))}:{safe_json(value)}" for key, value in data.items())
        return "{" + ",".join(members) + "}"
    if isinstance(data, list | tuple) and _has_mapping(data):
        return "[" + ",".join(safe_json(item) for item in data) + "]"
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)


class SafeJson(str):
    """Text that safe_json made already (or a placeholder for it): goes into a script as is."""


class _Call(MacroElement):
    """One call into the map's script (js/map.js) for the map it is added to: the only
    script a map renders through folium's templates. The arguments arrive as `this.<name>`,
    already safe JSON, so they stay data through both of folium's Jinja passes."""

    def __init__(self, function: str, *arguments: Any, on_map: bool = True):
        super().__init__()  # type: ignore[no-untyped-call]  # folium's is not annotated
        self._name = "AssetmapCall"
        names = [f"argument{i}" for i in range(len(arguments))]
        passed = ["{{ this._parent.get_name() }}"] if on_map else []
        passed += [f"{{{{ this.{name} }}}}" for name in names]
        call = f"window.assetmap.{function}({', '.join(passed)});"
        self._template = Template("{% macro script(this, kwargs) %}" + call + "{% endmacro %}")
        for name, value in zip(names, arguments, strict=True):
            setattr(self, name, value if isinstance(value, SafeJson) else safe_json(value))


def _shown_value(field: str, kind: str, value: Any) -> str:
    text = text_or_empty(value)
    if not text:
        return ""
    if field == "category":
        return gettext(CATEGORIES.get(kind, {}).get(text, text))
    if field == "sector":
        return gettext(SECTORS.get(text, text))
    if field == "wheelchair":
        return "" if text == "unknown" else gettext(WHEELCHAIR.get(text, text))
    return text


TRANSLATED_FIELDS = ("category", "sector", "wheelchair")


def _shown_column(frame: pd.DataFrame, field: str) -> np.ndarray:
    """`_shown_value` for a whole column: labels once per distinct (kind, value), not per row."""
    if field not in frame:
        return np.full(len(frame), "", dtype=object)
    if field not in TRANSLATED_FIELDS:
        values: np.ndarray = frame[field].fillna("").astype(str).to_numpy(dtype=object)
        return values
    grouped = frame.groupby(["kind", field], dropna=False, sort=False)
    shown = [_shown_value(field, str(kind), value) for kind, value in grouped.size().index]
    labels: np.ndarray = np.asarray(shown, dtype=object)[grouped.ngroup().to_numpy()]
    return labels


def map_lookup(values: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Distinct values once, and each row's index into them: short payloads for long columns."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return [str(u) for u in uniques], codes


_ROW_COLUMNS = ("x", "y", "k", "c", "a", "n")
"""The columns of assets_to_map_data with one value per row, as arrays (_map_columns)."""


def payload_rows(frame: pd.DataFrame, details: bool) -> dict[str, Any]:
    """What a map's payload carries for each of the frame's rows, before lookups: kind codes
    ("k"), category and area labels ("category", "area"), names ("n"); the first approved
    photo of each ("p", "" for none) when any has one; with `details`, popup details ("d")
    and websites ("w")."""
    rows: dict[str, Any] = {
        "k": pd.Categorical(frame["kind"], categories=list(KINDS)).codes,
        "category": _shown_column(frame, "category"),
        "area": _shown_column(frame, "area_name"),
        "n": _shown_column(frame, "name"),
    }
    if "photo_ids" in frame and frame["photo_ids"].astype(bool).any():
        # The payload never names a photo waiting for review (assets.SELECT_ASSETS reads
        # approved ones only).
        rows["p"] = [ids.split(",")[0] if ids else "" for ids in frame["photo_ids"]]
    if details:
        # Column by column: labels once per distinct value, not once per asset and field.
        columns = [(field_label(field), _shown_column(frame, field)) for field in POPUP_FIELDS]
        rows["d"] = [
            [[label, shown[row]] for label, shown in columns if shown[row]]
            for row in range(len(frame))
        ]
        rows["w"] = _shown_column(frame, "website").tolist()
    return rows


def payload_header(
    base: list[float], categories: list[str], areas: list[str], photos: bool
) -> dict[str, Any]:
    """What a map's payload carries once: the coordinates' scale and south-west corner, and
    the labels of kinds, categories, areas and fields."""
    labels = {name: field_label(name) for name in ("kind", "category", "area", "website")}
    if photos:
        labels["photo"] = gettext(PHOTO_LABEL)
    kinds = list(KINDS)
    return {
        "scale": COORDINATE_SCALE,
        "base": base,
        "kinds": kinds,
        "kl": [gettext(KINDS[k]) for k in kinds],
        "cl": categories,
        "al": areas,
        "labels": labels,
    }


def _map_columns(frame: pd.DataFrame, details: bool | None) -> dict[str, Any]:
    """assets_to_map_data's content, with the _ROW_COLUMNS as numpy arrays."""
    base = [float(frame["lon"].min()), float(frame["lat"].min())] if len(frame) else [0.0, 0.0]
    rows = payload_rows(frame, details if details is not None else len(frame) <= DETAIL_LIMIT)
    categories, category_codes = map_lookup(rows.pop("category"))
    areas, area_codes = map_lookup(rows.pop("area"))
    return {
        **payload_header(base, categories, areas, "p" in rows),
        "x": np.rint((frame["lon"].to_numpy() - base[0]) * COORDINATE_SCALE).astype(np.int64),
        "y": np.rint((frame["lat"].to_numpy() - base[1]) * COORDINATE_SCALE).astype(np.int64),
        "c": category_codes,
        "a": area_codes,
        **rows,
    }


def assets_to_map_data(assets_gdf: gpd.GeoDataFrame, details: bool | None = None) -> dict[str, Any]:
    """What the map draws, column by column and compactly encoded.

    Coordinates travel as integer steps of 1e-6 degrees (10 cm) from the south-west corner;
    kinds, categories and areas as indexes into lists of translated labels. Popups carry all
    details up to DETAIL_LIMIT assets (unless `details` says otherwise); beyond that, name,
    kind, category and area.
    """
    data = _map_columns(assets_gdf, details)
    for column in _ROW_COLUMNS:
        data[column] = data[column].tolist()
    return data


def assets_to_map_json(assets_gdf: gpd.GeoDataFrame, details: bool | None = None) -> SafeJson:
    """The map's payload as the script reads it."""
    return SafeJson(safe_json(assets_to_map_data(assets_gdf, details)))


def changes_html(
    payload_name: str, hidden: np.ndarray, fresh: gpd.GeoDataFrame, details: bool
) -> str:
    """What shows `fresh` on an open map drawn from an older payload: a hidden element the
    map watches (AssetLayer.watch in js/map.js), so that the map's own megabytes are not sent again.

    It carries every change since that payload, not only the newest, so a map that opens
    now and one open for an hour end up the same.
    """
    rows = None
    if len(fresh):
        rows = assets_to_map_data(fresh, details)
        rows["keys"] = [f"{i}:{v}" for i, v in zip(fresh["id"], fresh["version"], strict=True)]
    # safe_json leaves no < or > in the text: the page's sanitiser drops attributes with tags.
    changes = html.escape(safe_json({"hidden": hidden.tolist(), "rows": rows}), quote=True)
    name = html.escape(payload_name, quote=True)
    return f'<div hidden data-for="{name}" data-assetmap-changes="{changes}"></div>'


def areas_to_map_features(
    areas_gdf: gpd.GeoDataFrame, styles: pd.DataFrame | None = None
) -> dict[str, Any]:
    """Area outlines, or with `styles` (indexed by area id: `fill`, `lines`) a choropleth."""
    collection: dict[str, Any] = areas_gdf[["id", "name", "geometry"]].to_geo_dict(drop_id=True)
    if styles is not None:
        for feature in collection["features"]:
            area_id = feature["properties"]["id"]
            if area_id in styles.index:
                feature["properties"]["fill"] = styles.at[area_id, "fill"]
                feature["properties"]["lines"] = list(styles.at[area_id, "lines"])
    return collection


BASEMAP_STYLES = ("light", "contrast")
"""The built-in base map's styles (js/basemap.js): quiet under the assets, or high contrast."""


def base_map(
    extent: Extent | None,
    tiles: TileSettings,
    scripts: MapScripts,
    height: int = 600,
    basemap_style: str = "light",
) -> folium.Map:
    """An empty map fitted to `extent`, with the configured tiles and local scripts: a raster
    tile layer, or the built-in vector base map in `basemap_style` (BASEMAP_STYLES)."""
    vector = tiles.archive is not None and bool(scripts.tiles_url)
    fmap = folium.Map(
        location=[0, 0],
        zoom_start=2,
        tiles=None,
        control_scale=True,
        height=height,
        prefer_canvas=True,
    )
    fmap.default_js = scripts.js(vector_tiles=vector)
    fmap.default_css = scripts.css()
    if tiles.url:
        folium.TileLayer(tiles=tiles.url, attr=_credit(tiles), max_zoom=19).add_to(fmap)
    if vector and tiles.archive is not None:
        basemap = {
            "url": scripts.tiles_url,
            "style": basemap_style if basemap_style in BASEMAP_STYLES else "light",
            "attribution": _credit(tiles),
            "maxDataZoom": _archive_max_zoom(tiles.archive),
        }
        _Call("addBasemap", basemap).add_to(fmap)
    _Call("iconImages", f"{scripts.base_url}/leaflet/images/", on_map=False).add_to(fmap)
    if extent is not None:
        min_lon, min_lat, max_lon, max_lat = extent
        _Call("fitBounds", [[min_lat, min_lon], [max_lat, max_lon]]).add_to(fmap)
    return fmap


def add_draw_texts(fmap: folium.Map, texts: dict[str, Any]) -> None:
    """Leaflet.draw's words (in L.drawLocal's shape) for `fmap`: add before its Draw control,
    which reads them when it is made."""
    _Call("drawTexts", texts, on_map=False).add_to(fmap)


def _credit(tiles: TileSettings) -> str:
    """The base map's credit: OpenStreetMap's own in the reader's language."""
    return gettext(OSM_CREDIT) if tiles.attribution == OSM_TILES_ATTRIBUTION else tiles.attribution


def _credits_osm(tiles: TileSettings, scripts: MapScripts) -> bool:
    """Whether the base map drawn carries OpenStreetMap's credit."""
    drawn = bool(tiles.url) or (tiles.archive is not None and bool(scripts.tiles_url))
    return drawn and tiles.attribution == OSM_TILES_ATTRIBUTION


def _archive_max_zoom(archive: Path) -> int:
    """The deepest zoom the archive holds: the renderer draws deeper zooms from it."""
    try:
        return open_archive(archive).max_zoom
    except (OSError, BasemapError):
        return DEFAULT_MAX_ZOOM


@dataclass(frozen=True)
class FetchedAssets:
    """Assets a map fetches from `url` (api/map_data.py) instead of carrying them in its
    script, so that megabytes of payload never pass through folium's templates nor travel
    with the script: where they lie, for the map's first view, and whether any came from
    OpenStreetMap, whose data the map then credits."""

    url: str
    bounds: tuple[float, float, float, float] | None
    osm: bool


def build_asset_map(
    assets: gpd.GeoDataFrame | FetchedAssets,
    areas_gdf: gpd.GeoDataFrame,
    tiles: TileSettings,
    scripts: MapScripts,
    *,
    height: int = 600,
    area_styles: pd.DataFrame | None = None,
    zone_gdf: gpd.GeoDataFrame | None = None,
    link_lines: dict[str, Any] | None = None,
    watch: str | None = None,
    basemap_style: str = "light",
    open_row: int | None = None,
) -> folium.Map:
    """The map of assets over area outlines (or a choropleth, and a covered zone), with the
    popup of the payload's `open_row` open when given.

    With `watch`, the map shows the changes that changes_html gives for the payload of that
    name.
    """
    if isinstance(assets, FetchedAssets):
        payload, bounds, osm = assets.url, assets.bounds, assets.osm
    else:
        payload, bounds = assets_to_map_json(assets), _bounds(assets)
        osm = has_osm_data(assets)
    fmap = base_map(_extent(areas_gdf, bounds), tiles, scripts, height, basemap_style)
    if not areas_gdf.empty:
        features = areas_to_map_features(areas_gdf, area_styles)
        _Call("addAreas", features, NO_DATA_COLOUR).add_to(fmap)
    if zone_gdf is not None and not zone_gdf.empty:
        _Call("addZone", zone_gdf.to_geo_dict(drop_id=True)).add_to(fmap)
    if link_lines and link_lines["features"]:
        _Call("addLinks", link_lines).add_to(fmap)
    _Call("addAssets", payload, KIND_COLOURS, watch, scripts.photos_url).add_to(fmap)
    if open_row is not None:
        _Call("openAsset", open_row).add_to(fmap)
    if osm and not _credits_osm(tiles, scripts):
        _Call("addAttribution", gettext(OSM_DATA_ATTRIBUTION)).add_to(fmap)
    return fmap


def _extent(
    areas_gdf: gpd.GeoDataFrame, bounds: tuple[float, float, float, float] | None
) -> tuple[float, float, float, float] | None:
    """What a new map shows: the areas, else the assets' `bounds`, else nothing in particular."""
    if not areas_gdf.empty:
        return tuple(areas_gdf.total_bounds)
    return bounds


def has_osm_data(assets_gdf: pd.DataFrame) -> bool:
    """Whether any of the assets came from OpenStreetMap, whose data a map must then credit."""
    return "source" in assets_gdf and bool((assets_gdf["source"] == "osm").any())


def _bounds(assets_gdf: gpd.GeoDataFrame) -> tuple[float, float, float, float] | None:
    """Where the assets lie, by lon and lat (a map's assets may come without shapely points)."""
    if assets_gdf.empty:
        return None
    lon, lat = assets_gdf["lon"], assets_gdf["lat"]
    return float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())


def open_popup_script(row: int) -> str:
    """The script that opens the popup of the payload's `row` on a map already drawn (the
    component's `feature_group`, run once when it changes): a call into js/map.js."""
    return f"window.assetmap.openAsset(null, {int(row)});"


def go_to_script(lat: float, lon: float, zoom: float) -> str:
    """The script that moves a map already drawn to a spot (run with the spot's layer, as the
    component's `feature_group`, once when it changes): a call into js/map.js."""
    return f"window.assetmap.goTo(null, {float(lat)!r}, {float(lon)!r}, {float(zoom)!r});"


LEGEND_TITLE = N_("Kinds of asset")


def legend_entries() -> list[tuple[str, str]]:
    """(colour, translated kind label) for the legends beside the map and in the profile."""
    return [(colour, gettext(KINDS[kind])) for kind, colour in KIND_COLOURS.items()]


def location_from_click(map_state: dict[str, Any] | None) -> tuple[float, float] | None:
    """(lon, lat) of the last click that st_folium reported, rounded to about 10 cm."""
    clicked = (map_state or {}).get("last_clicked")
    if not clicked:
        return None
    return round(float(clicked["lng"]), 6), round(float(clicked["lat"]), 6)


def picked_point_layer(lon: float, lat: float) -> folium.FeatureGroup:
    """The chosen spot on the add-asset map, drawn without rebuilding the map."""
    group = folium.FeatureGroup(name="picked")
    folium.CircleMarker(
        [lat, lon],
        radius=9,
        color="#1a1a1a",
        weight=2,
        fill=True,
        fill_color="#D55E00",
        fill_opacity=0.9,
    ).add_to(group)
    return group


def found_place_layer(lon: float, lat: float, label: str) -> folium.FeatureGroup:
    """A searched address or place on the asset map: a ring with its name, drawn on top
    without rebuilding the map."""
    group = folium.FeatureGroup(name="found")
    folium.CircleMarker(
        [lat, lon],
        radius=12,
        color="#1a1a1a",
        weight=3,
        fill=False,
        tooltip=folium.Tooltip(html.escape(label), permanent=True),
    ).add_to(group)
    return group


TABLE_FIELDS = ("name", "kind", "category", "sector", "area_name", "address", "opening_hours")


def assets_to_table(assets_gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """The assets as a readable table with translated labels: the map's text alternative."""
    kinds = {kind: gettext(label) for kind, label in KINDS.items()}
    columns = {
        field_label(field): (
            assets_gdf["kind"].map(kinds).to_numpy(dtype=object)
            if field == "kind"
            else _shown_column(assets_gdf, field)
        )
        for field in TABLE_FIELDS
    }
    if "photo_ids" in assets_gdf:
        # How many approved photos each has: a waiting photo is never counted here.
        ids = assets_gdf["photo_ids"].fillna("").astype(str)
        columns[gettext(PHOTOS_LABEL)] = (ids.str.count(",") + 1).where(ids != "", 0).to_numpy()
    return pd.DataFrame(columns)
