"""Documents a browser receives whole: the neighbourhood profile as one self-contained HTML file
(it opens and prints offline) and the relationship network as an SVG drawing, rendered from the
Jinja templates in templates/; and the style sheets in css/ that documents and pages use.

The templates escape every value (autoescape). User text reaches them only as data, never as
template source, so a name such as `{{7*7}}` stays those characters.
"""

from __future__ import annotations

import base64
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import networkx as nx
import pandas as pd
import shapely
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

from assetmap.accounts import Actor
from assetmap.i18n import gettext, language
from assetmap.register.actions import ACTION_STATUSES, STEPS
from assetmap.register.audit import action_words
from assetmap.register.privacy import ANYONE, released
from assetmap.register.profile import AreaProfile
from assetmap.render.mapping import KIND_COLOURS, legend_entries

_HERE = Path(__file__).parent
_CSS = _HERE / "css"
_TEMPLATES = Environment(
    loader=FileSystemLoader(_HERE / "templates"),
    autoescape=True,  # HTML and SVG alike, whatever a template's file name
    undefined=StrictUndefined,  # a value the code forgot fails here, not as a blank in a file
    trim_blocks=True,
    lstrip_blocks=True,
)


@functools.cache
def stylesheet(name: str) -> str:
    """The style sheet css/`name`, to inline into a document or a page (read once)."""
    return (_CSS / name).read_text(encoding="utf-8")


@functools.cache
def script(name: str) -> str:
    """The script js/`name`, to inline into a page (read once)."""
    return (_HERE / "js" / name).read_text(encoding="utf-8")


def template(name: str) -> Template:
    """The template templates/`name`, autoescaped."""
    return _TEMPLATES.get_template(name)


def style_element(name: str) -> str:
    """The style sheet css/`name` as a `<style>` element, for a page's markdown."""
    return f"<style>\n{stylesheet(name)}</style>"


@dataclass(frozen=True)
class _Table:
    headings: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class _Dot:
    x: str
    y: str
    colour: str
    name: str


@dataclass(frozen=True)
class Shape:
    """A base-map feature as an SVG path; `kind` names its style in profile.css."""

    kind: str
    d: str


@dataclass(frozen=True)
class _AreaMap:
    width: int
    height: int
    label: str
    polygons: list[str]
    dots: list[_Dot]
    shapes: tuple[Shape, ...] = ()


BASEMAP_DRAWN = {
    "water": "water",
    "green": "green",
    "buildings": "building",
    "railways": "railway",
    "roads": "road",
}
"""The base map's layers a profile draws under its area, bottom to top, and their styles."""


Projection = Callable[[float, float], tuple[float, float]]
"""(lon, lat) to (x, y) in a drawing's view box."""


def svg_path(geometry: shapely.Geometry, point: Projection) -> str:
    """SVG path data of a line or polygon (rings closed), through `point`."""
    rings = []
    for part in shapely.get_parts(geometry):
        lines = [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
        for line in lines:
            coords = [point(x, y) for x, y in line.coords]
            if len(coords) < 2:
                continue
            closed = "Z" if part.geom_type == "Polygon" else ""
            rings.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in coords) + closed)
    return "".join(rings)


def equirectangular(
    bounds: tuple[float, float, float, float], size: float, margin: float
) -> Projection:
    """The projection of a drawing that fits `bounds` (WGS84) into a square of `size` units,
    `margin` units from the top left: equirectangular, east-west scaled by the latitude, which
    keeps shapes true at a neighbourhood's scale."""
    min_lon, min_lat, max_lon, max_lat = bounds
    scale_x = math.cos(math.radians((min_lat + max_lat) / 2))
    span = max((max_lon - min_lon) * scale_x, max_lat - min_lat) or 1e-6

    def point(lon: float, lat: float) -> tuple[float, float]:
        return (
            margin + (lon - min_lon) * scale_x / span * size,
            margin + (max_lat - lat) / span * size,
        )

    return point


def basemap_paths(
    basemap: dict[str, gpd.GeoDataFrame] | None,
    point: Projection,
) -> tuple[Shape, ...]:
    """The base map's features as paths, in drawing order; paths apart from streets."""
    shapes = []
    for layer, style in BASEMAP_DRAWN.items():
        frame = (basemap or {}).get(layer)
        if frame is None:
            continue
        kinds = frame["kind"] if "kind" in frame else pd.Series("", index=frame.index)
        for kind, geometry in zip(kinds, frame.geometry, strict=True):
            d = "" if geometry is None or geometry.is_empty else svg_path(geometry, point)
            if d:
                shapes.append(Shape("path" if kind == "path" else style, d))
    return tuple(shapes)


def _area_map(
    profile: AreaProfile,
    drawn: gpd.GeoDataFrame,
    width: int,
    height: int,
    basemap: dict[str, gpd.GeoDataFrame] | None = None,
) -> _AreaMap:
    """The area and the `drawn` assets in view-box coordinates: equirectangular, scaled by
    latitude."""
    point = equirectangular(profile.geometry.bounds, min(width, height) - 20, 10)
    polygons = [
        " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(*c) for c in polygon.exterior.coords))
        for polygon in shapely.get_parts(profile.geometry)
    ]
    dots = []
    for row in drawn.itertuples():
        x, y = point(row.lon, row.lat)
        dots.append(_Dot(f"{x:.1f}", f"{y:.1f}", KIND_COLOURS[row.kind], str(row.name)))
    shapes = basemap_paths(basemap, point)
    label = gettext("Map of the area and its assets")
    return _AreaMap(width, height, label, polygons, dots, shapes)


def profile_map_svg(
    profile: AreaProfile,
    drawn: gpd.GeoDataFrame,
    width: int = 640,
    height: int = 420,
    basemap: dict[str, gpd.GeoDataFrame] | None = None,
) -> str:
    """The area and the `drawn` assets as inline SVG, as the profile file draws them, over
    `basemap` (io.basemap.basemap_shapes) when given."""
    template = _TEMPLATES.get_template("area_map.svg")
    return template.render(map=_area_map(profile, drawn, width, height, basemap))


def _cell(value: object) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", "\u202f")
    if isinstance(value, pd.Timestamp | datetime):
        return f"{value:%Y-%m-%d}"
    return str(value)


def _table(frame: pd.DataFrame) -> _Table:
    rows = [[_cell(value) for value in row] for row in frame.itertuples(index=False)]
    return _Table([str(column) for column in frame.columns], rows)


def profile_tables(profile: AreaProfile) -> dict[str, pd.DataFrame]:
    """The profile's tables, their headings and words in the reader's language: what the
    page shows is what the printable file prints."""

    def shown(frame: pd.DataFrame, headings: dict[str, str]) -> pd.DataFrame:
        return frame.reindex(columns=list(headings)).rename(columns=headings)

    steps = [gettext(STEPS[s]) if s in STEPS else str(s) for s in profile.actions["step"]]
    statuses = [
        gettext(ACTION_STATUSES[s]) if s in ACTION_STATUSES else str(s)
        for s in profile.actions["status"]
    ]
    return {
        "counts": shown(
            profile.counts,
            {"kind": gettext("Kind"), "category": gettext("Category"), "n": gettext("Number")},
        ),
        "indicators": shown(
            profile.indicators,
            {
                "indicator": gettext("Indicator"),
                "value": gettext("Value"),
                "unit": gettext("Unit"),
                "rank": gettext("Rank by need"),
            },
        ),
        "connectors": shown(
            profile.connectors, {"name": gettext("Asset"), "links": gettext("Links")}
        ),
        "recent": shown(
            profile.recent.assign(actions=profile.recent["actions"].map(action_words)),
            {"changed": gettext("Date"), "name": gettext("Asset"), "actions": gettext("What")},
        ),
        "actions": shown(
            profile.actions.assign(step=steps, status=statuses),
            {
                "step": gettext("Step"),
                "text": gettext("Text"),
                "owner": gettext("Owner"),
                "due_date": gettext("Due"),
                "status": gettext("Status"),
            },
        ),
    }


def _coverage_sentence(share: float | None) -> str:
    if share is None:
        return ""
    return gettext(
        "{share:.0%} of the area is within 800 m of a library, community hall or health centre."
    ).format(share=share)


def profile_html(
    profile: AreaProfile,
    generated: datetime,
    reader: Actor = ANYONE,
    basemap: dict[str, gpd.GeoDataFrame] | None = None,
) -> str:
    """The profile as one HTML file with everything inline: it opens and prints offline.

    The file leaves the app, so its map draws the assets as `reader` may take them out
    (privacy.released): people at the centre of their block, whatever the page showed.
    """
    text = {
        "nothing": gettext("Nothing yet."),
        "made": gettext("Made"),
        "assets": gettext("Assets"),
        "indicators": gettext("Indicators"),
        "coverage_and_gaps": gettext("Coverage and gaps"),
        "connectors": gettext("Who connects whom"),
        "recent": gettext("Recent changes"),
        "action_log": gettext("Action log"),
        "photos": gettext("Photos"),
    }
    return _TEMPLATES.get_template("profile.html").render(
        lang=language(),
        title=gettext("Neighbourhood profile: {name}").format(name=profile.name),
        # Our own file, not user text: inlined as it is (escaping would break quotes in CSS).
        css=Markup(stylesheet("profile.css")),
        text=text,
        name=profile.name,
        note=profile.note,
        generated=f"{generated:%Y-%m-%d %H:%M}",
        map=_area_map(profile, released(profile.assets, reader, generated), 640, 420, basemap),
        legend=legend_entries(),
        photos=[
            (photo.name, "data:image/jpeg;base64," + base64.b64encode(photo.data).decode())
            for photo in profile.photos
        ],
        coverage=_coverage_sentence(profile.coverage_share),
        gap=profile.gap,
        **{name: _table(table) for name, table in profile_tables(profile).items()},
    )


@dataclass(frozen=True)
class _Line:
    x1: str
    y1: str
    x2: str
    y2: str


@dataclass(frozen=True)
class _Node:
    x: str
    y: str
    label_x: str
    label_y: str
    colour: str
    name: str


def graph_svg(
    graph: nx.Graph, colours: dict[str, str], title: str, width: int = 720, height: int = 480
) -> str:
    """The linked part of the graph as an SVG drawing (spring layout), labels escaped; empty
    when nothing is linked."""
    linked = graph.subgraph([n for n, d in graph.degree() if d > 0])
    if linked.number_of_nodes() == 0:
        return ""
    layout = nx.spring_layout(linked, seed=7)
    xs = [p[0] for p in layout.values()]
    ys = [p[1] for p in layout.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def at(node: str) -> tuple[float, float]:
        x, y = layout[node]
        return 40 + (x - min(xs)) / span_x * (width - 80), 30 + (y - min(ys)) / span_y * (
            height - 60
        )

    lines = []
    for a, b in linked.edges():
        (x1, y1), (x2, y2) = at(a), at(b)
        lines.append(_Line(f"{x1:.1f}", f"{y1:.1f}", f"{x2:.1f}", f"{y2:.1f}"))
    nodes = []
    for node, data in linked.nodes(data=True):
        x, y = at(node)
        colour = colours.get(data["kind"], "#777")
        nodes.append(
            _Node(f"{x:.1f}", f"{y:.1f}", f"{x + 9:.1f}", f"{y + 4:.1f}", colour, str(data["name"]))
        )
    return _TEMPLATES.get_template("network.svg").render(
        width=width, height=height, title=title, lines=lines, nodes=nodes
    )
