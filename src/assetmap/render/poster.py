"""A poster of the map for the wall of a meeting room: one HTML page the size of the paper,
with the map drawn inline (the profile's drawing: documents.py, over the built-in base map),
numbered markers, their index, the legend, a scale bar, a north arrow, the attribution and a
QR code that opens the same map in the app. Printed to PDF by io/pdf.py.

Everything is inline and nothing is fetched, so the printing browser asks no server for
anything. User text reaches the template as data and is escaped there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import geopandas as gpd
import numpy as np
import segno
import shapely
from markupsafe import Markup

from assetmap.i18n import N_, gettext, language
from assetmap.models import kind_label
from assetmap.render.documents import (
    Shape,
    basemap_paths,
    equirectangular,
    stylesheet,
    svg_path,
    template,
)
from assetmap.render.mapping import KIND_COLOURS, legend_entries

Bounds = tuple[float, float, float, float]

PAPERS: dict[str, tuple[int, int]] = {
    "A4": (210, 297),
    "A3": (297, 420),
    "A2": (420, 594),
    "A1": (594, 841),
}
"""ISO 216 sizes in millimetres, portrait (width, height)."""
ORIENTATIONS: dict[str, str] = {"portrait": N_("Portrait"), "landscape": N_("Landscape")}
INDEX_SIZES = (1.0, 0.85, 0.7)
"""The index's text, as a share of its usual size, smaller when that lets it list every asset."""
INDEX_LINE_MM = 2.5 * 1.35
INDEX_COLUMN_MM = 50.0
UNITS_PER_MM = 4
"""The map's view box in quarter millimetres: lines and text come out the same on any paper."""
MARGIN_MM = 10
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Paper:
    size: str = "A3"
    orientation: str = "landscape"

    def __post_init__(self) -> None:
        if self.size not in PAPERS or self.orientation not in ORIENTATIONS:
            raise ValueError(f"no such paper: {self.size} {self.orientation}")

    @property
    def millimetres(self) -> tuple[int, int]:
        """(width, height) of the sheet."""
        short, long = PAPERS[self.size]
        return (long, short) if self.orientation == "landscape" else (short, long)

    @property
    def scale(self) -> float:
        """Text and marks grow with the paper: 1 on A4, √2 per size up."""
        return math.sqrt(PAPERS[self.size][0] / PAPERS["A4"][0])

    def map_millimetres(self) -> tuple[float, float]:
        """(width, height) of the map on this sheet; the rest holds title, legend and index."""
        width, height = self.millimetres
        inner_w, inner_h = width - 2 * MARGIN_MM, height - 2 * MARGIN_MM
        # The title above, and the attribution's line below the map.
        left = inner_h - 26 * self.scale
        if self.orientation == "landscape":
            return inner_w * 0.72, left
        return inner_w, left * 0.66

    def index_space(self) -> tuple[float, float]:
        """(width, height) in millimetres left for the index beside or below the map, and
        beside the legend and QR code."""
        width, height = self.millimetres
        inner_w, inner_h = width - 2 * MARGIN_MM, height - 2 * MARGIN_MM
        map_w, map_h = self.map_millimetres()
        gap = 4 * self.scale
        if self.orientation == "landscape":
            return inner_w - map_w - gap, map_h - 80 * self.scale
        return inner_w - 70 * self.scale, inner_h - map_h - 30 * self.scale

    def index_layout(self, count: int) -> tuple[int, int, float]:
        """(entries listed, columns, text size) of an index of `count` assets: the largest
        text that lists them all, else the smallest, listing what fits."""
        width, height = self.index_space()
        for size in INDEX_SIZES:
            columns = max(1, int(width // (INDEX_COLUMN_MM * self.scale * size)))
            lines = max(1, int(height // (INDEX_LINE_MM * self.scale * size)))
            if columns * lines >= count or size == INDEX_SIZES[-1]:
                return min(count, columns * lines), columns, size
        raise AssertionError("unreachable: the last size always returns")


@dataclass(frozen=True)
class _Marker:
    number: int
    x: str
    y: str
    colour: str
    name: str


@dataclass(frozen=True)
class _Entry:
    number: int
    name: str
    kind: str
    colour: str


@dataclass(frozen=True)
class _ScaleBar:
    x: str
    y: str
    length: str
    label: str


@dataclass(frozen=True)
class _PosterMap:
    width: int
    height: int
    width_mm: str
    height_mm: str
    label: str
    shapes: tuple[Shape, ...]
    areas: list[str]
    links: list[str]
    markers: list[_Marker]
    radius: str
    font: str
    scale_bar: _ScaleBar
    north: str


def fit_bounds(bounds: Bounds, width: float, height: float) -> Bounds:
    """`bounds` widened to the `width`:`height` shape of the map, about the same centre."""
    min_lon, min_lat, max_lon, max_lat = bounds
    scale_x = math.cos(math.radians((min_lat + max_lat) / 2)) or 1e-6
    span_x = max((max_lon - min_lon) * scale_x, 1e-6)
    span_y = max(max_lat - min_lat, 1e-6)
    if span_x / span_y < width / height:
        span_x = span_y * width / height
    else:
        span_y = span_x * height / width
    centre_lon, centre_lat = (min_lon + max_lon) / 2, (min_lat + max_lat) / 2
    half_lon, half_lat = span_x / scale_x / 2, span_y / 2
    return (
        centre_lon - half_lon,
        centre_lat - half_lat,
        centre_lon + half_lon,
        centre_lat + half_lat,
    )


def numbered(assets_gdf: gpd.GeoDataFrame, bounds: Bounds, limit: int) -> gpd.GeoDataFrame:
    """The assets inside `bounds`, by name, with their `number` (1, 2, …), at most `limit`."""
    min_lon, min_lat, max_lon, max_lat = bounds
    inside = assets_gdf[
        assets_gdf["lon"].between(min_lon, max_lon) & assets_gdf["lat"].between(min_lat, max_lat)
    ]
    order = inside["name"].astype(str).str.casefold().argsort(kind="stable")
    chosen = inside.iloc[order.to_numpy()[:limit]].reset_index(drop=True)
    return chosen.assign(number=np.arange(1, len(chosen) + 1))


def _spread(points: list[tuple[float, float]], step: float) -> list[tuple[float, float]]:
    """Markers at one spot (people in the same block) set around it, so each number reads."""
    seen: dict[tuple[int, int], int] = {}
    spread = []
    for x, y in points:
        key = (round(x), round(y))
        n = seen.get(key, 0)
        seen[key] = n + 1
        if n:
            angle = n * 2.4  # the golden angle: each next one where there is room
            reach = step * math.sqrt(n)
            x, y = x + reach * math.cos(angle), y + reach * math.sin(angle)
        spread.append((x, y))
    return spread


def _nice_length(metres: float) -> float:
    """The longest of 1, 2 or 5 times a power of ten metres, not over `metres`."""
    power = 10.0 ** math.floor(math.log10(metres))
    return max(step * power for step in (1, 2, 5) if step * power <= metres)


def _distance_label(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def _poster_map(
    paper: Paper,
    bounds: Bounds,
    shown: gpd.GeoDataFrame,
    areas_gdf: gpd.GeoDataFrame,
    links: gpd.GeoDataFrame | None,
    basemap: dict[str, gpd.GeoDataFrame] | None,
) -> _PosterMap:
    map_w, map_h = paper.map_millimetres()
    width, height = round(map_w * UNITS_PER_MM), round(map_h * UNITS_PER_MM)
    point = equirectangular(bounds, max(width, height), 0)
    box = shapely.box(*bounds)
    areas = [svg_path(g, point) for g in areas_gdf.geometry if g is not None and g.intersects(box)]
    lines = [] if links is None else [svg_path(g, point) for g in links.geometry if g is not None]
    radius = 2.4 * paper.scale * UNITS_PER_MM
    places = _spread(
        [point(lon, lat) for lon, lat in zip(shown["lon"], shown["lat"], strict=True)], radius * 1.6
    )
    markers = [
        _Marker(int(row.number), f"{x:.1f}", f"{y:.1f}", KIND_COLOURS[row.kind], str(row.name))
        for row, (x, y) in zip(shown.itertuples(), places, strict=True)
    ]
    min_lon, min_lat, max_lon, max_lat = bounds
    metres_across = (
        (max_lon - min_lon) * math.cos(math.radians((min_lat + max_lat) / 2)) * METRES_PER_DEGREE
    )
    metres = _nice_length(metres_across / 5)
    margin = 6 * paper.scale * UNITS_PER_MM
    scale_bar = _ScaleBar(
        f"{margin:.1f}",
        f"{height - margin:.1f}",
        f"{metres / metres_across * width:.1f}",
        _distance_label(metres),
    )
    north = f"translate({width - margin:.1f},{margin * 1.6:.1f}) scale({paper.scale:.3f})"
    return _PosterMap(
        width,
        height,
        f"{map_w:.1f}",
        f"{map_h:.1f}",
        gettext("Map of the assets shown, numbered as in the index"),
        basemap_paths(basemap, point),
        areas,
        lines,
        markers,
        f"{radius:.1f}",
        f"{radius * 1.1:.1f}",
        scale_bar,
        north,
    )


def qr_svg(address: str) -> Markup:
    """`address` as a QR code, inline SVG drawn from its modules (no text of ours inside)."""
    code = segno.make(address, error="m", micro=False)
    return Markup(code.svg_inline(scale=4, border=2, dark="#000", light="#fff", omitsize=True))


def poster_html(
    paper: Paper,
    title: str,
    subtitle: str,
    made: datetime,
    bounds: Bounds,
    assets_gdf: gpd.GeoDataFrame,
    areas_gdf: gpd.GeoDataFrame,
    address: str,
    attribution: str,
    basemap: dict[str, gpd.GeoDataFrame] | None = None,
    links: gpd.GeoDataFrame | None = None,
) -> str:
    """The poster on `paper`: the map of `bounds` (fitted to the map's shape) with the assets
    in it, numbered by name. `assets_gdf` must be what the reader may take out
    (privacy.released); `address` is the link the QR code opens; `attribution` plain text."""
    map_w, map_h = paper.map_millimetres()
    fitted = fit_bounds(bounds, map_w, map_h)
    inside = numbered(assets_gdf, fitted, len(assets_gdf))
    limit, columns, index_size = paper.index_layout(len(inside))
    shown = inside.iloc[:limit]
    entries = [
        _Entry(int(row.number), str(row.name), kind_label(row.kind), KIND_COLOURS[row.kind])
        for row in shown.itertuples()
    ]
    more = ""
    if len(inside) > len(shown):
        more = gettext(
            "The index lists the first {shown} of the {total} assets on this map, by name. "
            "Choose fewer kinds or a smaller view for the rest."
        ).format(shown=len(shown), total=len(inside))
    width, height = paper.millimetres
    text = {
        "legend": gettext("Kinds of asset"),
        "index": gettext("Index"),
        "scan": gettext("Scan to open this map in the app"),
        "made": gettext("Made {date}").format(date=f"{made:%Y-%m-%d}"),
        "none": gettext("No asset is shown on this map."),
        "north": gettext("N"),
    }
    return template("poster.html").render(
        lang=language(),
        title=title,
        subtitle=subtitle,
        text=text,
        css=Markup(stylesheet("poster.css")),
        page_width=width,
        page_height=height,
        font_scale=f"{paper.scale:.3f}",
        index_size=f"{index_size:.2f}",
        index_columns=columns,
        orientation=paper.orientation,
        map=_poster_map(paper, fitted, shown, areas_gdf, links, basemap),
        legend=legend_entries(),
        entries=entries,
        more=more,
        qr=qr_svg(address),
        address=address,
        attribution=attribution,
    )
