"""Planning layers: choropleths, service coverage and need-versus-supply gaps for the stored
areas, indicators and assets. Reads through the storage modules, computes with the pure ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from assetmap.analysis.choropleth import NO_DATA_COLOUR, class_colours, classify, colours, ranks
from assetmap.analysis.coverage import (
    coverage_by_area,
    metric_crs,
    reach_zone,
    with_population,
    zone_to_wgs84,
)
from assetmap.analysis.gaps import gap_table, need_score, supply_score
from assetmap.analysis.walking import lines_to_metric, network_graph, walk_zone
from assetmap.errors import AssetmapError
from assetmap.i18n import format_number, gettext
from assetmap.register.areas import area_ids_in_level, list_areas
from assetmap.register.assets import AssetFilter, list_assets
from assetmap.register.disclosure import released_assets
from assetmap.register.indicators import Indicator, indicator_values, list_indicators
from assetmap.register.network import walk_network
from assetmap.register.privacy import ANYONE
from assetmap.storage import Database

DEFAULT_DISTANCE_M = 800.0


class PlanningError(AssetmapError, ValueError):
    """A planning question that cannot be answered with the data at hand, and why."""


@dataclass(frozen=True)
class Choropleth:
    styles: pd.DataFrame
    """Indexed by area id: `fill` colour and tooltip `lines`."""
    legend: list[tuple[str, str]]
    """(colour, "low – high") per class, then the no-data entry."""


def _number(value: float, unit: str) -> str:
    return f"{format_number(value)} {unit}".strip()


def indicator_choropleth(
    areas_gdf: gpd.GeoDataFrame,
    values: pd.Series,
    indicator: Indicator,
    *,
    method: str = "quantiles",
    palette: str = "YlGnBu",
    k: int = 5,
) -> Choropleth:
    by_area = values.reindex(areas_gdf["id"].astype(str))
    classes = classify(by_area, method, k)
    fills = colours(classes, palette)
    rank = ranks(by_area, indicator.higher_is_need)
    known = int(by_area.notna().sum())
    lines = []
    for area_id in by_area.index:
        value = by_area[area_id]
        if pd.isna(value):
            lines.append([gettext("No data")])
            continue
        rank_text = gettext("Rank {rank} of {n} by need").format(rank=int(rank[area_id]), n=known)
        lines.append([f"{gettext(indicator.label)}: {_number(value, indicator.unit)}", rank_text])
    styles = pd.DataFrame({"fill": fills.to_numpy(), "lines": lines}, index=by_area.index)
    legend = [
        (colour, f"{_number(low, '')} – {_number(high, indicator.unit)}")
        for colour, (low, high) in zip(
            class_colours(classes, palette), classes.ranges(), strict=True
        )
    ]
    if known < len(by_area):
        legend.append((NO_DATA_COLOUR, gettext("No data")))
    return Choropleth(styles, legend)


def areas_with_indicators(db: Database) -> gpd.GeoDataFrame:
    """The areas with one column per indicator, for exports."""
    areas = list_areas(db)
    for indicator in list_indicators(db):
        areas[indicator.key] = areas["id"].map(indicator_values(db, indicator.key))
    return areas


def population_indicator(db: Database) -> Indicator | None:
    return next((i for i in list_indicators(db) if i.is_population), None)


def service_coverage(
    db: Database,
    categories: tuple[str, ...],
    distance_m: float = DEFAULT_DISTANCE_M,
    network: bool = False,
    *,
    level: str | None = None,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Coverage per area of `level` (by default, the level assets are counted in) by approved
    assets of `categories`, and the covered zone (WGS84).

    The services are where anyone may see them (privacy.released): the table and the zone
    are downloaded and drawn for visitors, and must not give away where a person lives.
    """
    areas = list_areas(db, level)
    if areas.empty:
        raise PlanningError(gettext("There are no areas yet: import neighbourhood boundaries."))
    if not categories:
        raise PlanningError(gettext("Choose at least one category of service."))
    if distance_m < 0:
        raise PlanningError(gettext("The distance cannot be negative."))
    services = released_assets(db, ANYONE, AssetFilter(categories=categories))
    crs = metric_crs(areas)
    services_m = services.to_crs(crs).geometry
    if network:
        lines = walk_network(db)
        if lines.empty:
            raise PlanningError(gettext("No walking network is loaded."))
        zone = walk_zone(network_graph(lines_to_metric(lines, crs)), services_m, distance_m)
    else:
        zone = reach_zone(services_m, distance_m)
    coverage = coverage_by_area(areas, zone, crs)
    population = population_indicator(db)
    if population is not None:
        coverage = with_population(coverage, indicator_values(db, population.key))
    return coverage, zone_to_wgs84(zone, crs)


def need_and_supply(
    db: Database,
    need_keys: tuple[str, ...],
    measure: str,
    coverage: pd.DataFrame | None = None,
    *,
    level: str | None = None,
) -> pd.DataFrame:
    """The gap table: need, supply, their thirds, colours and priority per area of `level`."""
    if not need_keys:
        raise PlanningError(gettext("Choose at least one need indicator."))
    areas = list_areas(db, level)
    ids = areas["id"].astype(str)
    indicators = {i.key: i for i in list_indicators(db)}
    table = pd.DataFrame({key: indicator_values(db, key).reindex(ids) for key in need_keys})
    need = need_score(table, {key: indicators[key].higher_is_need for key in need_keys})
    approved = list_assets(db)
    placed = area_ids_in_level(db, approved, level)
    counts = placed.value_counts().reindex(ids, fill_value=0).astype(float)
    population = population_indicator(db)
    if measure == "per_1000_residents" and population is None:
        raise PlanningError(gettext("Assets per 1,000 residents needs a population indicator."))
    if measure == "coverage" and coverage is None:
        raise PlanningError(gettext("Work out service coverage first."))
    area_km2 = areas.to_crs(metric_crs(areas)).area.set_axis(ids) / 1e6
    supply = supply_score(
        counts,
        measure,
        population=indicator_values(db, population.key) if population else None,
        area_km2=area_km2,
        coverage_share=coverage.set_index("area_id")["coverage_share"]
        if coverage is not None
        else None,
    )
    return gap_table(need, supply, areas["name"].set_axis(ids))
