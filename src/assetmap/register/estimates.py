"""A neighbourhood of the team's own drawing, with its figures estimated from the stored
indicators of the statistical areas it overlaps (the maths: analysis/apportion.py)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from assetmap.accounts import Actor, require
from assetmap.analysis.apportion import Rate, apportion
from assetmap.analysis.derived import AREA_KM2, DERIVATIONS, area_km2, formula_text, ratio_parts
from assetmap.i18n import gettext
from assetmap.register.areas import OWN_AREA_NOTE, AreaError, list_areas, replace_level
from assetmap.register.indicators import (
    VALUE_COLUMNS,
    Indicator,
    indicator_values,
    list_indicators,
)
from assetmap.storage import Database

OWN_LEVEL = "own"
"""The level a team's own neighbourhoods are kept in, beside the statistical areas."""


def own_area_figures(db: Database, units: gpd.GeoDataFrame, area: BaseGeometry) -> pd.DataFrame:
    """Each indicator with figures for `units` (the areas of one level, WGS84), estimated
    for `area` (WGS84), indexed by its key: its label, the estimate (NaN: no data), its unit,
    and how it was made in plain words. Counts take their share of each unit; a rate derived
    from counts (derive_indicator) is recomputed from its counts' estimates; other rates are
    averaged, by residents when the areas have a population indicator."""
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
    table[AREA_KM2] = area_km2(units).to_numpy()
    with_data = {i.key: i for i in shown}
    figures = apportion(
        table,
        gpd.GeoDataFrame(geometry=[area], crs="EPSG:4326"),
        counts=[i.key for i in shown if i.counts],
        rates={i.key: _rate(i, with_data) for i in shown if not i.counts},
        population=population,
    ).set_index("variable")
    return pd.DataFrame(
        [(i.label, figures.at[i.key, "value"], i.unit, figures.at[i.key, "method"]) for i in shown],
        columns=columns,
        index=[i.key for i in shown],
    )


def _rate(indicator: Indicator, shown: dict[str, Indicator]) -> Rate:
    """How a rate is estimated: from the two counts it was derived from when both have figures
    here (derive_indicator names it after the count and the derivation, and stores the formula
    with their labels), else averaged."""
    for derivation_key, derivation in DERIVATIONS.items():
        counted = shown.get(indicator.key.removesuffix(f"_{derivation_key}"))
        parts = ratio_parts(derivation.formula)
        if not indicator.formula or counted is None or counted is indicator or not parts:
            continue
        _, divisor, per = parts
        if counted.counts and divisor == AREA_KM2:
            return Rate(counted.key, AREA_KM2, per)
        for other in shown.values():
            labels = {"value": counted.label, divisor: other.label}
            made_so = formula_text(derivation.formula, labels) == indicator.formula
            if counted.counts and other.counts and made_so:
                return Rate(counted.key, other.key, per)
    return Rate()


_UNDECOMPOSED = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l", "ĳ": "ij"})
"""Letters that Unicode does not split into a base letter and an accent."""


def _slug(name: str) -> str:
    """An id from a name: its letters without accents, or a digest of a name with none."""
    spelled = name.lower().translate(_UNDECOMPOSED)
    plain = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    return slug or hashlib.sha256(name.encode()).hexdigest()[:10]


def keep_own_area(
    db: Database, actor: Actor, name: str, area: BaseGeometry, figures: pd.DataFrame
) -> str:
    """Keep `area` as one of the team's own neighbourhoods (level OWN_LEVEL), named `name`,
    with its estimated `figures` (own_area_figures) as its indicator values, in one
    transaction; one of the same name is replaced. Returns its id."""
    require(actor, "manage_layers")
    shown_name = name.strip()
    if not shown_name:
        raise AreaError(gettext("Give your neighbourhood a name."))
    area_id = f"own-{_slug(shown_name)}"
    kept = list_areas(db, level=OWN_LEVEL)
    kept = kept[kept["id"] != area_id][["id", "name", "note", "geometry"]]
    new = gpd.GeoDataFrame(
        {"id": [area_id], "name": [shown_name], "note": [OWN_AREA_NOTE]},
        geometry=[area],
        crs="EPSG:4326",
    )
    estimates = figures.iloc[:, 1].astype(float).dropna()
    with db.transaction() as session:
        replace_level(session, pd.concat([kept, new], ignore_index=True), OWN_LEVEL)
        session.execute("DELETE FROM indicator_values WHERE area_id = ?", (area_id,))
        session.insert_rows(
            "indicator_values",
            VALUE_COLUMNS,
            [(str(key), area_id, float(value)) for key, value in estimates.items()],
        )
    return area_id
