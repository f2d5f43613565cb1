"""Neighbourhood profiles: one area's assets, indicators, coverage, gaps, connectors, recent
changes and action log, gathered for the page and for the downloadable file (documents.py
renders that file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import geopandas as gpd
import pandas as pd
import shapely

from assetmap.analysis.choropleth import ranks
from assetmap.analysis.connections import key_connectors, key_person_risks, link_graph
from assetmap.i18n import gettext
from assetmap.io.photos import thumbnail
from assetmap.models import CATEGORIES, KINDS
from assetmap.register.actions import entries_for
from assetmap.register.areas import area_ids_in_level, list_areas, shown_note
from assetmap.register.indicators import indicator_values, list_indicators
from assetmap.register.links import list_links, public_links
from assetmap.register.photos import public_photo
from assetmap.register.planning import PlanningError, need_and_supply, service_coverage
from assetmap.storage import Database

RECENT_DAYS = 30
PROFILE_PHOTOS = 12
"""A profile shows the first approved photo of at most this many of its assets."""
PROFILE_PHOTO_SIDE = 480
"""Pixels of a profile photo's longest side: enough to print, small enough to inline."""
PROFILE_SERVICES = ("library", "community_hall", "health_centre")
PROFILE_DISTANCE_M = 800.0
SELECT_RECENT = """
    SELECT resource_id, max(last_action_date) AS changed,
           string_agg(DISTINCT last_action_type, ', ') AS actions
    FROM audit_log WHERE resource_type = 'asset' AND last_action_date >= ?
    GROUP BY resource_id ORDER BY changed DESC
"""


@dataclass(frozen=True)
class ProfilePhoto:
    """An asset's photo as a profile shows it: a small JPEG, and the asset's name."""

    name: str
    data: bytes


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
    photos: tuple[ProfilePhoto, ...] = ()


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
                # A derived figure says how it was made.
                "indicator": gettext(indicator.label)
                + (f" ({indicator.formula})" if indicator.formula else ""),
                "value": values[area_id],
                "unit": indicator.unit,
                "rank": f"{int(rank[area_id])} / {values.notna().sum()}",
            }
        )
    return pd.DataFrame(rows, columns=["indicator", "value", "unit", "rank"])


def _gap(db: Database, area_id: str, level: str | None) -> str:
    needs = tuple(i.key for i in list_indicators(db) if not i.is_population)
    try:
        table = need_and_supply(db, needs, "per_km2", level=level)
    except PlanningError:
        return ""
    if area_id not in table.index or pd.isna(table.at[area_id, "need_third"]):
        return ""
    need = int(table.at[area_id, "need_third"])
    supply = int(table.at[area_id, "supply_third"])
    words = {1: gettext("low"), 2: gettext("middle"), 3: gettext("high")}
    summary = gettext("Need {need}, assets per km² {supply}, compared with the other areas.")
    return summary.format(need=words[need], supply=words[supply])


def _photos(db: Database, here: gpd.GeoDataFrame, now: datetime) -> tuple[ProfilePhoto, ...]:
    """The first photo of each asset that anyone may see (privacy.photo_is_public, through
    photos.public_photo: never one waiting for review, whoever reads the profile)."""
    found = []
    for name, ids in zip(here["name"], here.get("photo_ids", pd.Series(dtype=str)), strict=False):
        photo = public_photo(db, str(ids).split(",")[0], now) if ids else None
        if photo is not None:
            found.append(ProfilePhoto(str(name), thumbnail(photo.data, PROFILE_PHOTO_SIDE)))
        if len(found) == PROFILE_PHOTOS:
            break
    return tuple(found)


Coverage = Callable[[tuple[str, ...], float], pd.DataFrame]
"""Service coverage per area for categories within a distance (the app passes its cached one)."""


def area_profile(
    db: Database,
    area_id: str,
    visible: gpd.GeoDataFrame,
    now: datetime,
    *,
    coverage_of: Coverage | None = None,
    level: str | None = None,
) -> AreaProfile:
    """Everything about one area of `level` (by default, the level assets are counted in)
    that the viewer may see (`visible` is what they may see)."""
    areas = list_areas(db, level).set_index("id")
    area = areas.loc[area_id]
    visible = visible.assign(area_id=area_ids_in_level(db, visible, level))
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
            coverage, _ = service_coverage(db, PROFILE_SERVICES, PROFILE_DISTANCE_M, level=level)
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
        gap=_gap(db, area_id, level),
        connectors=connectors,
        risks=risks[risks["area_id"] == area_id],
        recent=recent,
        actions=entries_for(db, area_id),
        photos=_photos(db, here, now),
    )
