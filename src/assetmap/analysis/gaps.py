"""Need against supply: which areas have high need and few community assets.

Need is the average of the chosen indicators, each rescaled to 0 (least need among the
areas) to 1 (most need), with indicators where a higher value means less need (income,
say) turned around. Supply is assets per 1,000 residents, per km², or service coverage.
Both are cut into thirds (low, middle, high) and crossed into a 3x3 bivariate map.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from assetmap.i18n import N_

SUPPLY_MEASURES: dict[str, str] = {
    "per_1000_residents": N_("Assets per 1,000 residents"),
    "per_km2": N_("Assets per km²"),
    "coverage": N_("Share of the area within reach of a service"),
}
BIVARIATE_COLOURS: dict[tuple[int, int], str] = {
    (1, 1): "#e8e8e8", (1, 2): "#b5c0da", (1, 3): "#6c83b5",
    (2, 1): "#b8d6be", (2, 2): "#90b2b3", (2, 3): "#567994",
    (3, 1): "#73ae80", (3, 2): "#5a9178", (3, 3): "#2a5a5b",
}  # fmt: skip
"""(need third, supply third) -> colour, Joshua Stevens' green-blue bivariate scheme."""

THIRDS = {1: N_("low"), 2: N_("middle"), 3: N_("high")}
METHOD = N_(
    "Need is the average of the chosen indicators, each rescaled so that the area with the "
    "least need scores 0 and the one with the most need scores 1. Indicators where a higher "
    "value means less need, such as income, are turned around. Supply counts the approved "
    "community assets in each area, per 1,000 residents or per km², or measures how much of the "
    "area is within reach of a chosen service. Both are split into thirds across the areas, low, "
    "middle and high. Priority areas are those in the highest third for need and the lowest "
    "third for supply; within them, the greater the need and the smaller the supply, the higher "
    "they rank. The scores compare these areas with each other, not with any national standard."
)


def need_score(indicators: pd.DataFrame, higher_is_need: dict[str, bool]) -> pd.Series:
    """0 to 1 per area: the mean of min-max rescaled indicators, direction-aware."""
    rescaled = []
    for key in indicators.columns:
        values = indicators[key].astype(float)
        spread = values.max() - values.min()
        scaled = (values - values.min()) / spread if spread > 0 else values * 0 + 0.5
        rescaled.append(scaled if higher_is_need.get(key, True) else 1 - scaled)
    return pd.concat(rescaled, axis=1).mean(axis=1, skipna=True).rename("need")


def supply_score(
    asset_counts: pd.Series,
    measure: str,
    population: pd.Series | None = None,
    area_km2: pd.Series | None = None,
    coverage_share: pd.Series | None = None,
) -> pd.Series:
    """Supply per area by the chosen measure (NaN where the measure cannot be computed)."""
    if measure == "per_1000_residents":
        if population is None:
            raise ValueError("Assets per 1,000 residents needs a population indicator.")
        residents = population.reindex(asset_counts.index).astype(float)
        return (asset_counts / residents.where(residents > 0) * 1000).rename("supply")
    if measure == "per_km2":
        assert area_km2 is not None
        surface = area_km2.reindex(asset_counts.index).astype(float)
        return (asset_counts / surface.where(surface > 0)).rename("supply")
    assert coverage_share is not None
    return coverage_share.reindex(asset_counts.index).astype(float).rename("supply")


def thirds(values: pd.Series) -> pd.Series:
    """1, 2 or 3 by rank among the known values (ties share a third); NaN stays NaN."""
    ranked = values.rank(method="average", pct=True)
    return pd.Series(np.ceil(ranked * 3).clip(1, 3), index=values.index)


def gap_table(need: pd.Series, supply: pd.Series, names: pd.Series) -> pd.DataFrame:
    """Need and supply with their thirds, colour and priority, most urgent first."""
    table = pd.DataFrame({"area_name": names, "need": need, "supply": supply})
    table["need_third"] = thirds(table["need"])
    table["supply_third"] = thirds(table["supply"])
    table["colour"] = [
        BIVARIATE_COLOURS.get((int(n), int(s)), "#ffffff")
        if pd.notna(n) and pd.notna(s)
        else "#ffffff"
        for n, s in zip(table["need_third"], table["supply_third"], strict=True)
    ]
    table["priority"] = (table["need_third"] == 3) & (table["supply_third"] == 1)
    supply_rank = table["supply"].rank(pct=True)
    table["urgency"] = table["need"] - supply_rank
    return table.sort_values(["priority", "urgency"], ascending=[False, False])
