"""A neighbourhood of the team's own drawing, with its figures estimated from the stored
indicators of the statistical areas it overlaps (the maths: analysis/apportion.py)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from assetmap.analysis.apportion import Rate, apportion
from assetmap.i18n import gettext
from assetmap.register.indicators import indicator_values, list_indicators
from assetmap.storage import Database


def own_area_figures(db: Database, units: gpd.GeoDataFrame, area: BaseGeometry) -> pd.DataFrame:
    """Each indicator with figures for `units` (the areas of one level, WGS84), estimated
    for `area` (WGS84): its label, the estimate (NaN: no data), its unit, and how it was
    made in plain words. Counts take their share of each unit; rates are averaged, by
    residents when the areas have a population indicator."""
    table = units[["id", "geometry"]].copy()
    shown = []
    for indicator in list_indicators(db):
        values = indicator_values(db, indicator.key).reindex(units["id"].astype(str))
        if values.notna().any():
            table[indicator.key] = values.to_numpy(dtype="float64")
            shown.append(indicator)
    columns = [gettext("Indicator"), gettext("Estimate"), gettext("Unit"), gettext("How")]
    if not shown:
        return pd.DataFrame(columns=columns)
    population = next((i.key for i in shown if i.is_population), None)
    figures = apportion(
        table,
        gpd.GeoDataFrame(geometry=[area], crs="EPSG:4326"),
        counts=[i.key for i in shown if i.counts],
        rates={i.key: Rate() for i in shown if not i.counts},
        population=population,
    ).set_index("variable")
    return pd.DataFrame(
        [(i.label, figures.at[i.key, "value"], i.unit, figures.at[i.key, "method"]) for i in shown],
        columns=columns,
    )
