"""Neighbourhood profiles: one area's assets, indicators, coverage, gaps, connectors, recent
changes and action log, on a page and as a self-contained HTML file that prints cleanly and
opens offline (no script, no font, no image from elsewhere).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import geopandas as gpd
import pandas as pd
import shapely

from assetmap.accounts import Actor
from assetmap.actions import STEPS, entries_for
from assetmap.areas import list_areas, shown_note
from assetmap.choropleth import ranks
from assetmap.connections import key_connectors, key_person_risks, link_graph
from assetmap.db import Database
from assetmap.i18n import gettext
from assetmap.indicators import indicator_values, list_indicators
from assetmap.links import list_links, public_links
from assetmap.mapping import KIND_COLOURS
from assetmap.models import CATEGORIES, KINDS
from assetmap.planning import PlanningError, need_and_supply, service_coverage
from assetmap.privacy import ANYONE, released

RECENT_DAYS = 30
PROFILE_SERVICES = ("library", "community_hall", "health_centre")
PROFILE_DISTANCE_M = 800.0
SELECT_RECENT = """
    SELECT resource_id, max(last_action_date) AS changed,
           string_agg(DISTINCT last_action_type, ', ') AS actions
    FROM audit_log WHERE resource_type = 'asset' AND last_action_date >= ?
    GROUP BY resource_id ORDER BY changed DESC
"""


@dataclass(frozen=True)
class AreaProfile:
    area_id: str
    name: str
    note: str
    geometry: shapely.Geometry
    assets: gpd.GeoDataFrame
    counts: pd.DataFrame
    indicators: pd.DataFrame
    coverage_share: float | None
    gap: str
    connectors: pd.DataFrame
    risks: pd.DataFrame
    recent: pd.DataFrame
    actions: pd.DataFrame


def _counts(assets: gpd.GeoDataFrame) -> pd.DataFrame:
    rows = [
        {"kind": gettext(KINDS[kind]), "category": gettext(CATEGORIES[kind][category]), "n": n}
        for (kind, category), n in assets.groupby(["kind", "category"]).size().items()
    ]
    return pd.DataFrame(rows, columns=["kind", "category", "n"])


def _indicators(db: Database, area_id: str) -> pd.DataFrame:
    rows = []
    for indicator in list_indicators(db):
        values = indicator_values(db, indicator.key)
        if area_id not in values.index:
            continue
        rank = ranks(values, indicator.higher_is_need)
        rows.append(
            {
                "indicator": gettext(indicator.label),
                "value": values[area_id],
                "unit": indicator.unit,
                "rank": f"{int(rank[area_id])} / {values.notna().sum()}",
            }
        )
    return pd.DataFrame(rows, columns=["indicator", "value", "unit", "rank"])


def _gap(db: Database, area_id: str) -> str:
    needs = tuple(i.key for i in list_indicators(db) if not i.is_population)
    try:
        table = need_and_supply(db, needs, "per_km2")
    except PlanningError:
        return ""
    if area_id not in table.index or pd.isna(table.at[area_id, "need_third"]):
        return ""
    need = int(table.at[area_id, "need_third"])
    supply = int(table.at[area_id, "supply_third"])
    words = {1: gettext("low"), 2: gettext("middle"), 3: gettext("high")}
    summary = gettext("Need {need}, assets per km² {supply}, compared with the other areas.")
    return summary.format(need=words[need], supply=words[supply])


Coverage = Callable[[tuple[str, ...], float], pd.DataFrame]
"""Service coverage per area for categories within a distance (the app passes its cached one)."""


def area_profile(
    db: Database,
    area_id: str,
    visible: gpd.GeoDataFrame,
    now: datetime,
    *,
    coverage_of: Coverage | None = None,
) -> AreaProfile:
    """Everything about one area that the viewer may see (`visible` is what they may see)."""
    areas = list_areas(db).set_index("id")
    area = areas.loc[area_id]
    here = visible[visible["area_id"] == area_id]
    links = public_links(list_links(db), visible, now.date())
    graph = link_graph(visible, links)
    local = [n for n, data in graph.nodes(data=True) if data["area_id"] == area_id]
    connectors = key_connectors(
        graph.subgraph(set(local) | {other for node in local for other in graph.neighbors(node)})
    )
    risks = key_person_risks(graph)
    try:
        if coverage_of is None:
            coverage, _ = service_coverage(db, PROFILE_SERVICES, PROFILE_DISTANCE_M)
        else:
            coverage = coverage_of(PROFILE_SERVICES, PROFILE_DISTANCE_M)
        share = float(coverage.set_index("area_id").at[area_id, "coverage_share"])
    except PlanningError:
        share = None
    recent = db.frame(SELECT_RECENT, (now - timedelta(days=RECENT_DAYS),))
    recent = recent[recent["resource_id"].isin(here["id"])].merge(
        here[["id", "name"]], left_on="resource_id", right_on="id"
    )[["changed", "name", "actions"]]
    return AreaProfile(
        area_id=area_id,
        name=str(area["name"]),
        note=shown_note(str(area["note"])),
        geometry=area.geometry,
        assets=here,
        counts=_counts(here),
        indicators=_indicators(db, area_id),
        coverage_share=share,
        gap=_gap(db, area_id),
        connectors=connectors,
        risks=risks[risks["area_id"] == area_id],
        recent=recent,
        actions=entries_for(db, area_id),
    )


def _svg_map(
    profile: AreaProfile, drawn: gpd.GeoDataFrame, width: int = 640, height: int = 420
) -> str:
    """The area and the `drawn` assets as inline SVG: equirectangular, scaled by latitude."""
    min_lon, min_lat, max_lon, max_lat = profile.geometry.bounds
    scale_x = math.cos(math.radians((min_lat + max_lat) / 2))
    span = max((max_lon - min_lon) * scale_x, max_lat - min_lat) or 1e-6
    size = min(width, height) - 20

    def point(lon: float, lat: float) -> tuple[float, float]:
        return (10 + (lon - min_lon) * scale_x / span * size, 10 + (max_lat - lat) / span * size)

    paths = []
    for polygon in shapely.get_parts(profile.geometry):
        coords = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (point(*c) for c in polygon.exterior.coords)
        )
        paths.append(f'<polygon points="{coords}" class="area"/>')
    dots = []
    for row in drawn.itertuples():
        x, y = point(row.lon, row.lat)
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{KIND_COLOURS[row.kind]}">'
            f"<title>{html.escape(str(row.name))}</title></circle>"
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{html.escape(gettext("Map of the area and its assets"))}">'
        + "".join(paths)
        + "".join(dots)
        + "</svg>"
    )


def _table(frame: pd.DataFrame, headings: dict[str, str]) -> str:
    if frame.empty:
        return f"<p>{html.escape(gettext('Nothing yet.'))}</p>"
    head = "".join(f"<th>{html.escape(label)}</th>" for label in headings.values())
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(row[key]))}</td>" for key in headings) + "</tr>"
        for _, row in frame.iterrows()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: object) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", "\u202f")
    if isinstance(value, pd.Timestamp | datetime):
        return f"{value:%Y-%m-%d}"
    return str(value)


PRINT_CSS = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #1a1a1a;
       line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 2px solid #ddd; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 0.3rem 0.5rem;
       border-bottom: 1px solid #ddd; } svg { width: 100%; max-width: 40rem; }
.area { fill: #e8f1f8; stroke: #333; stroke-width: 2; } .note { color: #555; }
.legend span { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 50%;
       margin: 0 0.3rem 0 1rem; vertical-align: middle; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } h2 { break-after: avoid; }
       table, svg { break-inside: avoid; } }
"""


def profile_html(profile: AreaProfile, generated: datetime, reader: Actor = ANYONE) -> str:
    """The profile as one HTML file with everything inline: it opens and prints offline.

    The file leaves the app, so its map draws the assets as `reader` may take them out
    (privacy.released): people at the centre of their block, whatever the page showed.
    """
    e = html.escape
    legend = "".join(
        f'<span style="background:{colour}"></span>{e(gettext(KINDS[kind]))}'
        for kind, colour in KIND_COLOURS.items()
    )
    coverage = (
        gettext(
            "{share:.0%} of the area is within 800 m of a library, community hall or health centre."
        ).format(share=profile.coverage_share)
        if profile.coverage_share is not None
        else ""
    )
    actions = profile.actions.assign(
        step=[
            gettext(STEPS[step]) if step in STEPS else str(step) for step in profile.actions["step"]
        ]
    )
    sections = [
        f"<h1>{e(profile.name)}</h1>",
        f'<p class="note">{e(profile.note)} {e(gettext("Made"))} {generated:%Y-%m-%d %H:%M}</p>',
        _svg_map(profile, released(profile.assets, reader, generated)),
        f'<p class="legend">{legend}</p>',
        f"<h2>{e(gettext('Assets'))}</h2>",
        _table(
            profile.counts,
            {"kind": gettext("Kind"), "category": gettext("Category"), "n": gettext("Number")},
        ),
        f"<h2>{e(gettext('Indicators'))}</h2>",
        _table(
            profile.indicators,
            {
                "indicator": gettext("Indicator"),
                "value": gettext("Value"),
                "unit": gettext("Unit"),
                "rank": gettext("Rank by need"),
            },
        ),
        f"<h2>{e(gettext('Coverage and gaps'))}</h2>",
        f"<p>{e(coverage)}</p>",
        f"<p>{e(profile.gap)}</p>",
        f"<h2>{e(gettext('Who connects whom'))}</h2>",
        _table(profile.connectors, {"name": gettext("Asset"), "links": gettext("Links")}),
        f"<h2>{e(gettext('Recent changes'))}</h2>",
        _table(
            profile.recent,
            {"changed": gettext("Date"), "name": gettext("Asset"), "actions": gettext("What")},
        ),
        f"<h2>{e(gettext('Action log'))}</h2>",
        _table(
            actions,
            {
                "step": gettext("Step"),
                "text": gettext("Text"),
                "owner": gettext("Owner"),
                "due_date": gettext("Due"),
                "status": gettext("Status"),
            },
        ),
    ]
    title = e(gettext("Neighbourhood profile: {name}").format(name=profile.name))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{PRINT_CSS}</style></head><body>{''.join(sections)}</body></html>"
    )
