"""Folium maps of assets and areas, with self-hosted Leaflet and no template injection.

Leaflet, jQuery and Leaflet.markercluster come from the XStatic packages and are served
by the app itself (Streamlit static serving), so the map works offline and sends no
visitor's address to a CDN. User text reaches the browser only as JSON data read by
our scripts, which build popups and tooltips with `textContent`: it is never HTML and
never part of a Jinja template, so neither `<img onerror>` nor `{{ 7*1913 }}` runs.
"""

from __future__ import annotations

import html
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import xstatic.pkg.jquery
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from branca.element import MacroElement
from jinja2 import Template

from assetmap.choropleth import NO_DATA_COLOUR
from assetmap.config import TileSettings
from assetmap.i18n import N_, gettext
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
    "jquery": (xstatic.pkg.jquery.BASE_DIR, ("jquery.min.js",)),
    "markercluster": (
        xstatic.pkg.leaflet_markercluster.BASE_DIR,
        ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"),
    ),
}

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


def install_map_scripts(static_dir: Path) -> Path:
    """Copy the Leaflet files from the XStatic packages into the app's static folder."""
    target = static_dir / VENDOR_DIR
    for package, (source_dir, names) in _VENDOR_FILES.items():
        for name in names:
            source, copy = Path(source_dir) / name, target / package / name
            if not copy.exists() or copy.stat().st_size != source.stat().st_size:
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, copy)
    return target


@dataclass(frozen=True)
class MapScripts:
    """Where the browser finds the self-hosted scripts, e.g. "/app/static/vendor"."""

    base_url: str

    def js(self) -> list[tuple[str, str]]:
        return [
            ("leaflet", f"{self.base_url}/leaflet/leaflet.js"),
            ("jquery", f"{self.base_url}/jquery/jquery.min.js"),
            ("markercluster", f"{self.base_url}/markercluster/leaflet.markercluster.js"),
        ]

    def css(self) -> list[tuple[str, str]]:
        return [
            ("leaflet_css", f"{self.base_url}/leaflet/leaflet.css"),
            ("markercluster_css", f"{self.base_url}/markercluster/MarkerCluster.css"),
            (
                "markercluster_default_css",
                f"{self.base_url}/markercluster/MarkerCluster.Default.css",
            ),
        ]


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


class _Script(MacroElement):
    """A script of our own; its data arrive as `this.<name>`, already safe JSON."""

    def __init__(self, script: str, **data: Any):
        super().__init__()
        self._name = "AssetmapScript"
        self._template = Template("{% macro script(this, kwargs) %}" + script + "{% endmacro %}")
        for key, value in data.items():
            setattr(self, key, value if isinstance(value, SafeJson) else safe_json(value))


_ICON_PATH_JS = "L.Icon.Default.imagePath = {{ this.image_path }};"

_FIT_JS = """
(function () {
  const map = {{ this._parent.get_name() }};
  const bounds = {{ this.bounds }};
  let fitted = false;
  function fit() {
    map.invalidateSize();
    if (!fitted && map.getSize().x > 0) {
      map.fitBounds(bounds, {padding: [10, 10]});
      fitted = true;
    }
  }
  // A map drawn while hidden (a closed tab) has no size yet: fit it once it is shown.
  new ResizeObserver(fit).observe(map.getContainer());
  fit();
})();
"""

_ATTRIBUTION_JS = (
    "{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text }});"
)

_AREAS_JS = """
(function () {
  const map = {{ this._parent.get_name() }};
  function style(feature) {
    const fill = feature.properties.fill;
    if (fill === undefined) {
      return {color: "#444", weight: 2, dashArray: "6 4", fillColor: "#888", fillOpacity: 0.05};
    }
    const noData = fill === {{ this.no_data }};
    return {color: noData ? "#777" : "#333", weight: 1, dashArray: noData ? "4 4" : null,
            fillColor: fill, fillOpacity: noData ? 0.4 : 0.75};
  }
  const layer = L.geoJSON({{ this.data }}, {
    style: style,
    onEachFeature: (feature, shape) => {
      const label = document.createElement("div");
      const title = document.createElement("strong");
      title.textContent = feature.properties.name;
      label.appendChild(title);
      for (const text of feature.properties.lines || []) {
        const line = document.createElement("div");
        line.textContent = text;
        label.appendChild(line);
      }
      shape.bindTooltip(label, {sticky: true});
    },
  }).addTo(map);
  window.assetmap = Object.assign(window.assetmap || {}, {map: map, areas: layer});
})();
"""

_LINKS_JS = """
(function () {
  const map = {{ this._parent.get_name() }};
  const lines = L.geoJSON({{ this.data }}, {
    style: {color: "#D55E00", weight: 2.5, opacity: 0.8},
    onEachFeature: (feature, line) => {
      const label = document.createElement("span");
      label.textContent = feature.properties.label;
      line.bindTooltip(label, {sticky: true});
    },
  }).addTo(map);
  window.assetmap = Object.assign(window.assetmap || {}, {links: lines});
})();
"""

_ZONE_JS = """
(function () {
  const map = {{ this._parent.get_name() }};
  const zone = L.geoJSON({{ this.data }}, {
    interactive: false,
    style: {color: "#0072B2", weight: 1, fillColor: "#56B4E9", fillOpacity: 0.35},
  }).addTo(map);
  window.assetmap = Object.assign(window.assetmap || {}, {zone: zone});
})();
"""

_ASSETS_JS = """
(function () {
  const map = {{ this._parent.get_name() }};
  const colours = {{ this.colours }};
  const base = {{ this.data }};
  const baseCount = base.n.length;
  const RADIUS = 7;
  // Rows 0..baseCount-1 are the payload's; the rest are `changes`, the assets added or
  // changed since (apply). A changed asset is hidden among the first and shown again after.
  let changes = null, hidden = new Uint8Array(baseCount), count = baseCount;
  function locate(i) {
    return i < baseCount ? [base, i] : [changes, i - baseCount];
  }
  function shown(i) {
    return i >= baseCount || !hidden[i];
  }
  function cell(row, tag, text) {
    const element = document.createElement(tag);
    element.textContent = text;
    row.appendChild(element);
  }
  function text(value) {
    const element = document.createElement("span");
    element.textContent = value;
    return element;
  }
  function popupContent(i) {
    const [data, j] = locate(i);
    const root = document.createElement("div");
    root.className = "assetmap-popup";
    const title = document.createElement("strong");
    title.textContent = data.n[j];
    root.appendChild(title);
    const table = document.createElement("table");
    const rows = [[data.labels.kind, data.kl[data.k[j]]],
                  [data.labels.category, data.cl[data.c[j]]]];
    if (data.al[data.a[j]]) rows.push([data.labels.area, data.al[data.a[j]]]);
    for (const [label, value] of rows.concat(data.d ? data.d[j] : [])) {
      const row = table.insertRow();
      cell(row, "th", label);
      cell(row, "td", value);
    }
    const website = data.w ? data.w[j] : "";
    if (/^https?:\\/\\//i.test(website)) {
      const row = table.insertRow();
      cell(row, "th", data.labels.website);
      const link = document.createElement("a");
      link.href = website;
      link.textContent = website;
      link.target = "_blank";
      link.rel = "noopener noreferrer nofollow";
      row.insertCell().appendChild(link);
    }
    root.appendChild(table);
    return root;
  }
  function latLng(i) {
    const [data, j] = locate(i);
    return L.latLng(data.base[1] + data.y[j] / data.scale, data.base[0] + data.x[j] / data.scale);
  }
  // Each kind's circle drawn once, then copied: far cheaper than 100,000 paths to rasterise.
  function sprite(colour, ratio) {
    const side = 2 * (RADIUS + 2), canvas = document.createElement("canvas");
    canvas.width = canvas.height = side * ratio;
    const context = canvas.getContext("2d");
    context.scale(ratio, ratio);
    context.beginPath();
    context.arc(side / 2, side / 2, RADIUS, 0, 2 * Math.PI);
    context.globalAlpha = 0.9;
    context.fillStyle = colour;
    context.fill();
    context.globalAlpha = 1;
    context.lineWidth = 1.5;
    context.strokeStyle = "#1a1a1a";
    context.stroke();
    return canvas;
  }
  // One canvas for every asset, drawn from the arrays: no Leaflet object per asset.
  const AssetLayer = L.Layer.extend({
    onAdd: function (map) {
      this._canvas = L.DomUtil.create("canvas", "leaflet-zoom-animated");
      this.getPane().appendChild(this._canvas);
      this._world = this._project(0, baseCount, new Float64Array(2 * baseCount));
      this._baseWorld = this._world;
      this._screen = new Float32Array(2 * baseCount);
      this._popup = L.popup({maxWidth: 320});
      this._tooltip = L.tooltip({direction: "top", offset: [0, -RADIUS]});
      this._draw();
    },
    onRemove: function () {
      L.DomUtil.remove(this._canvas);
    },
    getEvents: function () {
      return {moveend: this._draw, viewreset: this._draw, zoomanim: this._animateZoom,
              click: this._click, mousemove: this._hover};
    },
    _project: function (from, to, world) {
      for (let i = from; i < to; i++) {
        const point = this._map.project(latLng(i), 0);
        world[2 * i] = point.x;
        world[2 * i + 1] = point.y;
      }
      return world;
    },
    // The assets added or changed since the payload was made (all of them, each time), and
    // the payload's rows they replace: the map updates where it is, without a reload. When
    // the change only adds assets, only those are drawn.
    apply: function (next) {
      const rows = next.rows && next.rows.n.length ? next.rows : null;
      const keys = rows ? rows.keys : [], hiddenKey = next.hidden.join(",");
      const keySet = new Set(keys);
      const before = this._applied || {hidden: "", keys: new Set()};
      const onlyAdded = before.hidden === hiddenKey && [...before.keys].every(
        (key) => keySet.has(key));
      hidden = new Uint8Array(baseCount);
      for (const i of next.hidden) hidden[i] = 1;
      changes = rows;
      count = baseCount + keys.length;
      this._world = new Float64Array(2 * count);
      this._world.set(this._baseWorld);
      this._project(baseCount, count, this._world);
      const screen = new Float32Array(2 * count);
      screen.set(this._screen.subarray(0, 2 * baseCount));
      this._screen = screen;
      if (onlyAdded) {
        keys.forEach((key, j) => before.keys.has(key) || this._paint(baseCount + j));
      } else {
        this._draw();
      }
      this._applied = {hidden: hiddenKey, keys: keySet};
      map.getContainer().dataset.assetCount = String(count - next.hidden.length);
    },
    // Changes arrive beside the map in the page (see changes_html), for the payload named
    // `for`; a map drawn from another payload is about to be replaced and leaves them alone.
    watch: function (name) {
      let seen = null;
      const look = () => {
        const found = window.parent.document.querySelector(
          `[data-assetmap-changes][data-for="${name}"]`);
        const text = found ? found.dataset.assetmapChanges : null;
        if (text && text !== seen) {
          seen = text;
          this.apply(JSON.parse(text));
        }
      };
      look();
      new window.parent.MutationObserver(look).observe(
        window.parent.document.body, {childList: true, subtree: true, attributes: true,
                                      attributeFilter: ["data-assetmap-changes"]});
    },
    _draw: function () {
      // A quarter of the view extra on every side, so panning shows assets before it ends.
      const map = this._map, view = map.getSize(), ratio = window.devicePixelRatio || 1;
      const margin = view.divideBy(4).round(), size = view.add(margin.multiplyBy(2));
      const topLeft = map.containerPointToLayerPoint(margin.multiplyBy(-1));
      this._topLeft = map.layerPointToLatLng(topLeft);
      L.DomUtil.setPosition(this._canvas, topLeft);
      this._canvas.width = size.x * ratio;
      this._canvas.height = size.y * ratio;
      this._canvas.style.width = size.x + "px";
      this._canvas.style.height = size.y + "px";
      const context = this._canvas.getContext("2d");
      context.scale(ratio, ratio);
      // Changes come in the same list of kinds as the payload, so one sprite per kind serves.
      this._frame = {
        context: context,
        size: size,
        scale: map.getZoomScale(map.getZoom(), 0),
        origin: map.getPixelOrigin().add(topLeft),
        sprites: base.kinds.map((kind) => sprite(colours[kind] || "#777777", ratio)),
      };
      for (let i = 0; i < count; i++) this._paint(i);
    },
    _paint: function (i) {
      const {context, size, scale, origin, sprites} = this._frame, half = RADIUS + 2;
      const x = Math.round(this._world[2 * i] * scale - origin.x);
      const y = Math.round(this._world[2 * i + 1] * scale - origin.y);
      this._screen[2 * i] = x;
      this._screen[2 * i + 1] = y;
      if (x < -half || y < -half || x > size.x + half || y > size.y + half) return;
      if (!shown(i)) return;
      const kind = i < baseCount ? base.k[i] : changes.k[i - baseCount];
      context.drawImage(sprites[kind], x - half, y - half, 2 * half, 2 * half);
    },
    _animateZoom: function (event) {
      const map = this._map;
      const offset = map._latLngToNewLayerPoint(this._topLeft, event.zoom, event.center);
      L.DomUtil.setTransform(this._canvas, offset, map.getZoomScale(event.zoom));
    },
    _nearest: function (containerPoint) {
      const point = this._map.containerPointToLayerPoint(containerPoint).subtract(
        this._map.latLngToLayerPoint(this._topLeft));
      let found = -1, best = (RADIUS + 2) * (RADIUS + 2);
      for (let i = 0; i < count; i++) {
        const dx = this._screen[2 * i] - point.x;
        const dy = this._screen[2 * i + 1] - point.y;
        const distance = dx * dx + dy * dy;
        if (distance <= best && shown(i)) {
          best = distance;
          found = i;
        }
      }
      return found;
    },
    _click: function (event) {
      const i = this._nearest(event.containerPoint);
      if (i >= 0) this.openPopup(i);
    },
    _hover: function (event) {
      const i = this._nearest(event.containerPoint);
      this._map.getContainer().style.cursor = i >= 0 ? "pointer" : "";
      if (i >= 0) this.openTooltip(i);
      else this._map.closeTooltip(this._tooltip);
    },
    openPopup: function (i) {
      this._popup.setLatLng(latLng(i)).setContent(popupContent(i)).openOn(this._map);
    },
    openTooltip: function (i) {
      const [data, j] = locate(i);
      this._tooltip.setLatLng(latLng(i)).setContent(text(data.n[j]));
      this._map.openTooltip(this._tooltip);
    },
    // Marker-like handles, made on demand, for scripts and tests that want one asset.
    getLayers: function () {
      const layer = this, map = this._map;
      const rows = Array.from({length: count}, (_, i) => i).filter(shown);
      return rows.map((i) => {
        const [data, j] = locate(i);
        return {
          feature: {properties: {name: data.n[j], kind: data.kinds[data.k[j]]}},
          getLatLng: () => latLng(i),
          openPopup: () => layer.openPopup(i),
          closePopup: () => map.closePopup(layer._popup),
          getPopup: () => layer._popup,
          openTooltip: () => layer.openTooltip(i),
          closeTooltip: () => map.closeTooltip(layer._tooltip),
          getTooltip: () => layer._tooltip,
        };
      });
    },
  });
  const layer = new AssetLayer().addTo(map);
  map.getContainer().dataset.assetCount = String(count);
  if ({{ this.watch }}) layer.watch({{ this.watch }});
  window.assetmap = Object.assign(window.assetmap || {}, {map: map, assets: layer});
})();
"""


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


def _popup_rows(record: dict[str, Any]) -> list[list[str]]:
    """The popup's rows after kind, category and area."""
    kind = str(record["kind"])
    rows = []
    for field in POPUP_FIELDS:
        shown = _shown_value(field, kind, record.get(field))
        if shown:
            rows.append([field_label(field), shown])
    return rows


TRANSLATED_FIELDS = ("category", "sector", "wheelchair")


def _shown_column(frame: pd.DataFrame, field: str) -> np.ndarray:
    """`_shown_value` for a whole column: labels once per distinct (kind, value), not per row."""
    if field not in frame:
        return np.full(len(frame), "", dtype=object)
    if field not in TRANSLATED_FIELDS:
        return frame[field].fillna("").astype(str).to_numpy(dtype=object)
    grouped = frame.groupby(["kind", field], dropna=False, sort=False)
    shown = [_shown_value(field, str(kind), value) for kind, value in grouped.size().index]
    return np.asarray(shown, dtype=object)[grouped.ngroup().to_numpy()]


def _lookup(values: np.ndarray) -> tuple[list[str], list[int]]:
    """Distinct values once, and each row's index into them: short JSON for long columns."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return [str(u) for u in uniques], codes.tolist()


def assets_to_map_data(assets_gdf: gpd.GeoDataFrame, details: bool | None = None) -> dict[str, Any]:
    """What the map draws, column by column and compactly encoded.

    Coordinates travel as integer steps of 1e-6 degrees (10 cm) from the south-west corner;
    kinds, categories and areas as indexes into lists of translated labels. Popups carry all
    details up to DETAIL_LIMIT assets (unless `details` says otherwise); beyond that, name,
    kind, category and area.
    """
    frame = assets_gdf
    base = [float(frame["lon"].min()), float(frame["lat"].min())] if len(frame) else [0.0, 0.0]
    kinds = list(KINDS)
    categories, category_codes = _lookup(_shown_column(frame, "category"))
    areas, area_codes = _lookup(_shown_column(frame, "area_name"))
    data: dict[str, Any] = {
        "scale": COORDINATE_SCALE,
        "base": base,
        "x": np.rint((frame["lon"].to_numpy() - base[0]) * COORDINATE_SCALE).astype(int).tolist(),
        "y": np.rint((frame["lat"].to_numpy() - base[1]) * COORDINATE_SCALE).astype(int).tolist(),
        "kinds": kinds,
        "kl": [gettext(KINDS[k]) for k in kinds],
        "k": pd.Categorical(frame["kind"], categories=kinds).codes.tolist(),
        "cl": categories,
        "c": category_codes,
        "al": areas,
        "a": area_codes,
        "n": _shown_column(frame, "name").tolist(),
        "labels": {name: field_label(name) for name in ("kind", "category", "area", "website")},
    }
    if details if details is not None else len(frame) <= DETAIL_LIMIT:
        records = frame.drop(columns="geometry").to_dict("records")
        data["d"] = [_popup_rows(record) for record in records]
        data["w"] = [text_or_empty(record.get("website")) for record in records]
    return data


def assets_to_map_json(assets_gdf: gpd.GeoDataFrame, details: bool | None = None) -> SafeJson:
    """The map's payload as the script reads it."""
    return SafeJson(safe_json(assets_to_map_data(assets_gdf, details)))


@dataclass(frozen=True)
class MapChanges:
    """How the assets now differ from a map's payload: the payload rows to hide (gone or
    changed since) and the ids of the assets to draw again (new or changed since)."""

    hidden: np.ndarray
    fresh: pd.Index

    def __len__(self) -> int:
        return len(self.hidden) + len(self.fresh)


def map_changes(drawn: pd.Series, now: pd.Series) -> MapChanges:
    """Compare version by asset id: `drawn` in payload order, `now` as the assets are now."""
    # Only `drawn`'s index is looked up: it lives as long as its map, and so does its hash table.
    position = drawn.index.get_indexer(now.index)
    known = position >= 0
    same = known.copy()
    same[known] = drawn.to_numpy()[position[known]] == now.to_numpy()[known]
    stale = np.ones(len(drawn), dtype=bool)
    stale[position[same]] = False
    return MapChanges(hidden=np.flatnonzero(stale), fresh=now.index[~same])


def changes_html(
    payload_name: str, hidden: np.ndarray, fresh: gpd.GeoDataFrame, details: bool
) -> str:
    """What shows `fresh` on an open map drawn from an older payload: a hidden element the
    map watches (see _ASSETS_JS), so that the map's own megabytes are not sent again.

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
    collection = areas_gdf[["id", "name", "geometry"]].to_geo_dict(drop_id=True)
    if styles is not None:
        for feature in collection["features"]:
            area_id = feature["properties"]["id"]
            if area_id in styles.index:
                feature["properties"]["fill"] = styles.at[area_id, "fill"]
                feature["properties"]["lines"] = list(styles.at[area_id, "lines"])
    return collection


def base_map(
    extent: Extent | None, tiles: TileSettings, scripts: MapScripts, height: int = 600
) -> folium.Map:
    """An empty map fitted to `extent`, with the configured tiles and local scripts."""
    fmap = folium.Map(
        location=[0, 0],
        zoom_start=2,
        tiles=None,
        control_scale=True,
        height=height,
        prefer_canvas=True,
    )
    fmap.default_js = scripts.js()
    fmap.default_css = scripts.css()
    if tiles.url:
        folium.TileLayer(tiles=tiles.url, attr=tiles.attribution, max_zoom=19).add_to(fmap)
    _Script(_ICON_PATH_JS, image_path=f"{scripts.base_url}/leaflet/images/").add_to(fmap)
    if extent is not None:
        min_lon, min_lat, max_lon, max_lat = extent
        _Script(_FIT_JS, bounds=[[min_lat, min_lon], [max_lat, max_lon]]).add_to(fmap)
    return fmap


def build_asset_map(
    assets_gdf: gpd.GeoDataFrame,
    areas_gdf: gpd.GeoDataFrame,
    tiles: TileSettings,
    scripts: MapScripts,
    height: int = 600,
    area_styles: pd.DataFrame | None = None,
    zone_gdf: gpd.GeoDataFrame | None = None,
    link_lines: dict[str, Any] | None = None,
    assets_json: SafeJson | None = None,
    watch: str | None = None,
) -> folium.Map:
    """The map of assets over area outlines (or a choropleth, and a covered zone).

    `assets_json` is the assets' payload when the caller made it (assets_to_map_json), or a
    placeholder the caller swaps for it in the rendered script, so that megabytes of payload
    never pass through folium's templates. With `watch`, the map shows the changes that
    changes_html gives for the payload of that name.
    """
    shown = areas_gdf if not areas_gdf.empty else assets_gdf
    extent = None if shown.empty else tuple(shown.total_bounds)
    fmap = base_map(extent, tiles, scripts, height)  # type: ignore[arg-type]
    if not areas_gdf.empty:
        features = areas_to_map_features(areas_gdf, area_styles)
        _Script(_AREAS_JS, data=features, no_data=NO_DATA_COLOUR).add_to(fmap)
    if zone_gdf is not None and not zone_gdf.empty:
        _Script(_ZONE_JS, data=zone_gdf.to_geo_dict(drop_id=True)).add_to(fmap)
    if link_lines and link_lines["features"]:
        _Script(_LINKS_JS, data=link_lines).add_to(fmap)
    _Script(
        _ASSETS_JS,
        data=assets_json or assets_to_map_json(assets_gdf),
        colours=KIND_COLOURS,
        watch=watch,
    ).add_to(fmap)
    if (assets_gdf.get("source") == "osm").any():
        _Script(_ATTRIBUTION_JS, text=gettext(OSM_DATA_ATTRIBUTION)).add_to(fmap)
    return fmap


LEGEND_TITLE = N_("Kinds of asset")


def legend_entries() -> list[tuple[str, str]]:
    """(translated kind label, colour) for the legend drawn beside the map."""
    return [(gettext(KINDS[kind]), colour) for kind, colour in KIND_COLOURS.items()]


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
    return pd.DataFrame(columns)
