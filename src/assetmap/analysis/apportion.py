"""A neighbourhood's figures estimated from the statistical units it overlaps.

A team's own neighbourhood (drawn or imported) rarely matches a statistical unit, so its
figures are apportioned from the units it overlaps, as tobler's area_interpolate does
(PySAL; Goodchild and Lam's areal weighting), with two differences that keep the figures
honest:

- A unit with no data ("None", NaN) is left out, never counted as 0: each estimate says
  how much of the target's area (or of its residents) has no data, and is itself "no data"
  when none of it has.
- A count is shared by the part of each unit inside the target (`a_ij / a_i`, tobler's
  `allocate_total=False`): a drawn neighbourhood that covers a tenth of a unit gets a tenth
  of its count, not all of it.

Counts (extensive variables): `v_j = sum_i v_i * a_ij / a_i`. Rates (intensive variables):
recomputed from their apportioned numerator and denominator counts where the units give
them, otherwise the units' rates averaged with weights `a_ij` (by area) or `p_i * a_ij / a_i`
(by residents, the residents of the overlapped part). Residents are taken as spread evenly
within each unit, so a count's share is the same by residents as by area; weighting by
residents changes the averaged rates and measures the part with no data in residents.

Areas are measured in metres: the units' own CRS when it is projected in metres (a national
grid such as EPSG:25833 or EPSG:28992), otherwise their UTM zone (coverage.metric_crs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from assetmap.analysis.coverage import metric_crs
from assetmap.i18n import format_share, gettext

NEGLIGIBLE_SHARE = 1e-9
"""No-data shares below this are rounding in the areas' sums, not missing data."""


@dataclass(frozen=True)
class Rate:
    """A rate (an intensive variable) the units give, with the counts it is made of where
    the units give those too: then the rate is `numerator / denominator * per`, recomputed
    from the counts apportioned to the target rather than averaged."""

    numerator: str | None = None
    denominator: str | None = None
    per: float = 1.0


def metric_crs_of(units_gdf: gpd.GeoDataFrame) -> CRS:
    """The CRS areas are measured in: the units' own when it is projected in metres, else
    their UTM zone."""
    crs = CRS.from_user_input(units_gdf.crs) if units_gdf.crs is not None else None
    if crs is None:
        raise ValueError("The statistical units have no CRS.")
    if crs.is_projected and all(axis.unit_name in ("metre", "meter") for axis in crs.axis_info):
        return crs
    return metric_crs(units_gdf)


def overlap_areas(
    units_gdf: gpd.GeoDataFrame, targets_gdf: gpd.GeoDataFrame, crs: CRS
) -> pd.DataFrame:
    """Every unit-target pair that shares some surface: positions `unit` and `target` (in
    the frames' order) and the shared `area_m2`, measured in `crs`."""
    return _overlaps(_metric_geometries(units_gdf, crs), _metric_geometries(targets_gdf, crs))


def _overlaps(units: np.ndarray, targets: np.ndarray) -> pd.DataFrame:
    target_at, unit_at = shapely.STRtree(units).query(targets, predicate="intersects")
    shared = shapely.area(shapely.intersection(units[unit_at], targets[target_at]))
    keep = shared > 0
    return pd.DataFrame({"unit": unit_at[keep], "target": target_at[keep], "area_m2": shared[keep]})


def _metric_geometries(frame: gpd.GeoDataFrame, crs: CRS) -> np.ndarray:
    geometries: np.ndarray = frame.to_crs(crs).geometry.to_numpy()
    invalid = ~shapely.is_valid(geometries)
    if invalid.any():
        geometries = geometries.copy()
        geometries[invalid] = shapely.make_valid(geometries[invalid])
    return geometries


@dataclass(frozen=True)
class _Overlaps:
    """The overlaps as arrays, with the units' and targets' own areas and the weights."""

    target: np.ndarray
    area: np.ndarray
    share: np.ndarray
    """The part of each unit inside the target, a_ij / a_i."""
    target_area: np.ndarray
    residents: np.ndarray | None
    """The residents of each overlap, p_i * a_ij / a_i (NaN where the unit has no count)."""
    targets: int

    def total(self, values: np.ndarray) -> np.ndarray:
        """Per target, the sum of `values` (one per overlap); NaN values are left out."""
        return np.bincount(
            self.target, weights=np.nan_to_num(values, nan=0.0), minlength=self.targets
        )


def apportion(
    units_gdf: gpd.GeoDataFrame,
    targets_gdf: gpd.GeoDataFrame,
    counts: Sequence[str] = (),
    rates: Mapping[str, Rate] | None = None,
    population: str | None = None,
    crs: CRS | None = None,
) -> pd.DataFrame:
    """Each target's estimate of the units' `counts` and `rates`, one row per target and
    variable.

    `units_gdf` holds one column per count and rate (NaN or None for no data), and with
    `population` a column of residents per unit, which weights the rates by residents
    rather than by area; a target where some overlapped unit lacks a resident count (or
    where no one lives) is weighted by area, and its statement says so.

    Columns: `target` (the label in `targets_gdf`'s index), `variable`, `value` (NaN: no
    data), `kind` ("count", "rate"), `how` ("area" or "population": the weights; "counts":
    a rate recomputed from its counts), `units` (how many units with data it is estimated
    from), `no_data_share` (0 to 1, of the target's area, or of its residents when
    `weighting` is "population"), `weighting` ("area", "population"), `residents_missing`
    (a rate that residents were to weight, averaged by area for lack of them) and `method`, the
    statement in plain words, in the current language.
    """
    crs = crs if crs is not None else metric_crs_of(units_gdf)
    units_m = _metric_geometries(units_gdf, crs)
    targets_m = _metric_geometries(targets_gdf, crs)
    pairs = _overlaps(units_m, targets_m)
    unit = pairs["unit"].to_numpy()
    area = pairs["area_m2"].to_numpy()
    share = area / shapely.area(units_m)[unit]
    overlaps = _Overlaps(
        target=pairs["target"].to_numpy(),
        area=area,
        share=share,
        target_area=shapely.area(targets_m),
        residents=None if population is None else _numbers(units_gdf, population)[unit] * share,
        targets=len(targets_gdf),
    )
    weighting = _weighting(overlaps)
    estimates = [
        _estimate(overlaps, weighting, variable, _numbers(units_gdf, variable)[unit])
        for variable in counts
    ]
    for variable, rate in (rates or {}).items():
        if rate.numerator is not None and rate.denominator is not None:
            numerators = _numbers(units_gdf, rate.numerator)[unit]
            denominators = _numbers(units_gdf, rate.denominator)[unit]
            estimates.append(
                _estimate(overlaps, weighting, variable, numerators, denominators, rate.per)
            )
        else:
            values = _numbers(units_gdf, variable)[unit]
            estimates.append(_estimate(overlaps, weighting, variable, values, weighted=True))
    if not estimates:
        return pd.DataFrame(columns=[*COLUMNS, "method"])
    table = pd.concat(estimates, ignore_index=True)
    table["residents_missing"] = (
        (population is not None) & (table["how"] == "area") & (table["kind"] == "rate")
    )
    table["target"] = targets_gdf.index.to_numpy()[table["target"].to_numpy()]
    table["method"] = [
        method_statement(*row) for row in table[list(STATEMENT_COLUMNS)].itertuples(index=False)
    ]
    return table


COLUMNS = (
    "target",
    "variable",
    "value",
    "kind",
    "how",
    "units",
    "no_data_share",
    "weighting",
    "residents_missing",
)
STATEMENT_COLUMNS = ("units", "kind", "how", "no_data_share", "weighting", "residents_missing")
"""The columns method_statement reads, in its order."""


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column as floats, with None and anything else that is no number as NaN."""
    numbers: np.ndarray = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    return numbers


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is not above 0."""
    ratio: np.ndarray = np.divide(
        numerator, denominator, out=np.full(len(numerator), np.nan), where=denominator > 0
    )
    return ratio


def _weighting(overlaps: _Overlaps) -> np.ndarray:
    """Per target, "population" where residents were given, every overlapped unit has a
    count of them and someone lives in the overlap; else "area"."""
    if overlaps.residents is None:
        return np.full(overlaps.targets, "area", dtype=object)
    missing = overlaps.total(np.isnan(overlaps.residents).astype(float))
    residents = overlaps.total(overlaps.residents)
    weighting: np.ndarray = np.where((missing == 0) & (residents > 0), "population", "area")
    return weighting.astype(object)


def _estimate(
    overlaps: _Overlaps,
    weighting: np.ndarray,
    variable: str,
    values: np.ndarray,
    denominators: np.ndarray | None = None,
    per: float = 1.0,
    weighted: bool = False,
) -> pd.DataFrame:
    """One row per target for `variable`, from each overlap's unit value: a count; with
    `denominators`, a rate recomputed from its counts; `weighted`, a rate averaged."""
    known = ~np.isnan(values)
    if denominators is not None:
        known &= ~np.isnan(denominators)
        numerator = overlaps.total(np.where(known, values * overlaps.share, 0.0))
        denominator = overlaps.total(np.where(known, denominators * overlaps.share, 0.0))
        value = _ratio(numerator, denominator) * per
        kind, how = "rate", np.full(overlaps.targets, "counts", dtype=object)
    elif weighted:
        residents = overlaps.residents if overlaps.residents is not None else overlaps.area
        by_residents = weighting[overlaps.target] == "population"
        weights = np.where(by_residents, np.nan_to_num(residents), overlaps.area)
        total = overlaps.total(np.where(known, values * weights, 0.0))
        value = _ratio(total, overlaps.total(np.where(known, weights, 0.0)))
        kind, how = "rate", weighting
    else:
        value = overlaps.total(np.where(known, values * overlaps.share, 0.0))
        kind, how = "count", np.full(overlaps.targets, "area", dtype=object)
    units = overlaps.total(known.astype(float)).astype(int)
    return pd.DataFrame(
        {
            "target": np.arange(overlaps.targets),
            "variable": variable,
            "value": np.where(units > 0, value, np.nan),
            "kind": kind,
            "how": how,
            "units": units,
            "no_data_share": _no_data_share(overlaps, weighting, known),
            "weighting": weighting,
        }
    )


def _no_data_share(overlaps: _Overlaps, weighting: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Per target, the share of its area with no data (whether a unit without a value or no
    unit lies there), or of its residents where weighted by population."""
    with_data = overlaps.total(np.where(known, overlaps.area, 0.0))
    share = 1.0 - _ratio(with_data, overlaps.target_area)
    if overlaps.residents is not None:
        residents = np.nan_to_num(overlaps.residents)
        with_data = overlaps.total(np.where(known, residents, 0.0))
        by_residents = 1.0 - _ratio(with_data, overlaps.total(residents))
        share = np.where(weighting == "population", by_residents, share)
    share = np.clip(np.nan_to_num(share, nan=1.0), 0.0, 1.0)
    share[share < NEGLIGIBLE_SHARE] = 0.0
    return share


def method_statement(
    units: int,
    kind: str,
    how: str,
    no_data_share: float,
    weighting: str = "area",
    residents_missing: bool = False,
) -> str:
    """How one estimate (a row of `apportion`'s table) was made, in plain words."""
    if units == 0:
        return gettext("No data where it lies.")
    sources = (
        gettext("one statistical area")
        if units == 1
        else gettext("{n} statistical areas").format(n=units)
    )
    if kind == "count":
        first = gettext("Estimated from {units} by share of area.")
    elif how == "counts":
        first = gettext(
            "Estimated from {units}: the rate recomputed from its two counts, each estimated "
            "by share of area."
        )
    elif how == "population":
        first = gettext("Estimated from {units}: their rates averaged by share of residents.")
    else:
        first = gettext("Estimated from {units}: their rates averaged by share of area.")
    sentences = [first.format(units=sources)]
    if residents_missing:
        sentences.append(
            gettext("Resident counts are missing or zero where it lies, so it goes by area.")
        )
    if no_data_share > 0:
        shown = format_share(no_data_share) if no_data_share >= 0.005 else "<" + format_share(0.01)
        if weighting == "population":
            text = gettext("{share} of its residents live where there is no data.")
        else:
            text = gettext("{share} of its area has no data.")
        sentences.append(text.format(share=shown))
    return " ".join(sentences)
