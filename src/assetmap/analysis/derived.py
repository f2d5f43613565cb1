"""Derived indicators: per 1,000 residents, per km², a share of a total.

Each is defined once, by its formula (DERIVATIONS): the text stored beside the figure and
shown in a profile is the very text the figure is computed from, so the two cannot drift
apart. A formula names the columns of the area table it reads (`value`, `residents`,
`total`, `area_km2`), which the caller maps to the table's own columns; it knows numbers,
names, `+ - * /`, the multiplication sign and brackets, and nothing else. A division by zero
or a missing input gives "no data" (NaN), never 0 or infinity.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NoReturn

import geopandas as gpd
import pandas as pd

from assetmap.analysis.apportion import metric_crs_of
from assetmap.errors import AssetmapError
from assetmap.i18n import N_, gettext


class FormulaError(AssetmapError, ValueError):
    """A formula that cannot be read, or an input it names that the table lacks."""


@dataclass(frozen=True)
class Derivation:
    """A derived indicator: its label, its formula and the unit of what it gives."""

    label: str
    formula: str
    unit: str


DERIVATIONS: dict[str, Derivation] = {
    "per_1000_residents": Derivation(
        N_("Per 1,000 residents"), "value / residents × 1000", N_("per 1,000 residents")
    ),
    "per_km2": Derivation(N_("Per km²"), "value / area_km2", N_("per km²")),
    "share_of_total": Derivation(N_("Share of a total"), "value / total × 100", "%"),
}
"""The derived indicators, by key (labels and units translated where shown)."""

INPUT_LABELS: dict[str, str] = {
    "value": N_("value"),
    "residents": N_("residents"),
    "total": N_("total"),
    "area_km2": N_("area in km²"),
}
"""What each name in the formulas stands for, as a profile shows it."""

AREA_KM2 = "area_km2"
"""The one input the table need not hold: worked out from its geometry when missing."""

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([a-z_][a-z0-9_]*)|([-+×*/()]))")


def _tokens(formula: str) -> list[str]:
    tokens, position = [], 0
    text = formula.strip()
    while position < len(text):
        found = _TOKEN.match(text, position)
        if found is None:
            raise FormulaError(
                gettext("The formula {formula} cannot be read at “{rest}”.").format(
                    formula=formula, rest=text[position:].strip()
                )
            )
        tokens.append(found.group().strip())
        position = found.end()
    return tokens


def formula_inputs(formula: str) -> list[str]:
    """The names a formula reads, in their order, each once."""
    names = [token for token in _tokens(formula) if re.fullmatch(r"[a-z_][a-z0-9_]*", token)]
    return list(dict.fromkeys(names))


def ratio_parts(formula: str) -> tuple[str, str, float] | None:
    """A formula of the form `a / b` or `a / b * k` (either sign of multiplication) as
    (a, b, k): a rate made of two counts, which an estimate for another area can recompute
    from the two (analysis/apportion.Rate); None for any other formula."""
    tokens = _tokens(formula)
    name = r"[a-z_][a-z0-9_]*"
    if len(tokens) not in (3, 5) or tokens[1] != "/":
        return None
    if not (re.fullmatch(name, tokens[0]) and re.fullmatch(name, tokens[2])):
        return None
    if len(tokens) == 3:
        return tokens[0], tokens[2], 1.0
    if tokens[3] in ("×", "*") and tokens[4][0].isdigit():
        return tokens[0], tokens[2], float(tokens[4])
    return None


class _Reader:
    """Reads a formula's tokens by the usual precedence (times and / before + and -), left to
    right, with each name taken from `inputs`."""

    def __init__(self, formula: str, inputs: Mapping[str, pd.Series]) -> None:
        self.formula = formula
        self.tokens = _tokens(formula)
        self.at = 0
        self.inputs = inputs

    def read(self) -> pd.Series | float:
        result = self._sum()
        if self.at != len(self.tokens):
            self._fail()
        return result

    def _next(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _fail(self) -> NoReturn:
        raise FormulaError(
            gettext("The formula {formula} is incomplete or has a token too many.").format(
                formula=self.formula
            )
        )

    def _sum(self) -> pd.Series | float:
        result = self._product()
        while self._next() in ("+", "-"):
            operator = self.tokens[self.at]
            self.at += 1
            right = self._product()
            result = result + right if operator == "+" else result - right
        return result

    def _product(self) -> pd.Series | float:
        result = self._factor()
        while self._next() in ("×", "*", "/"):
            operator = self.tokens[self.at]
            self.at += 1
            right = self._factor()
            result = result * right if operator != "/" else _divide(result, right)
        return result

    def _factor(self) -> pd.Series | float:
        token = self._next()
        self.at += 1
        if token == "(":
            inner = self._sum()
            if self._next() != ")":
                self._fail()
            self.at += 1
            return inner
        if token is not None and token[0].isdigit():
            return float(token)
        if token is not None and token in self.inputs:
            return self.inputs[token]
        if token is not None and re.fullmatch(r"[a-z_][a-z0-9_]*", token):
            raise FormulaError(
                gettext("The formula {formula} needs {name}, which is not given.").format(
                    formula=self.formula, name=token
                )
            )
        self._fail()


def _divide(numerator: pd.Series | float, denominator: pd.Series | float) -> pd.Series | float:
    """numerator / denominator, no data (NaN) where the denominator is 0."""
    if isinstance(denominator, pd.Series):
        return numerator / denominator.where(denominator != 0)
    return numerator / denominator if denominator != 0 else float("nan")


def evaluate(formula: str, inputs: Mapping[str, pd.Series]) -> pd.Series:
    """The formula worked out over `inputs` (a series for each name it reads, aligned)."""
    result = _Reader(formula, inputs).read()
    if not isinstance(result, pd.Series):
        index = next(iter(inputs.values())).index if inputs else pd.RangeIndex(1)
        return pd.Series(result, index=index, dtype=float)
    return result.astype(float)


def area_km2(areas_gdf: gpd.GeoDataFrame) -> pd.Series:
    """Each area's surface in km², measured in its own CRS when that is in metres (a
    national grid), else in its UTM zone."""
    surface: pd.Series = areas_gdf.to_crs(metric_crs_of(areas_gdf)).area / 1e6
    return surface


def derive(key: str, table: pd.DataFrame, columns: Mapping[str, str]) -> pd.Series:
    """The derived indicator `key` (DERIVATIONS) for each row of the area table.

    `columns` maps each name the formula reads to a column of `table`, for example
    {"value": "jobs", "residents": "population"}. `area_km2`, unless mapped or in the
    table, is measured from the table's geometry.
    """
    formula = DERIVATIONS[key].formula
    inputs: dict[str, pd.Series] = {}
    for name in formula_inputs(formula):
        column = columns.get(name, name)
        if column in table:
            inputs[name] = pd.to_numeric(table[column], errors="coerce").astype(float)
        elif name == AREA_KM2 and isinstance(table, gpd.GeoDataFrame):
            inputs[name] = area_km2(table)
    return evaluate(formula, inputs).rename(key)


def formula_text(formula: str, labels: Mapping[str, str] | None = None) -> str:
    """The formula as a profile shows it: each name as its label (`labels`, else
    INPUT_LABELS translated), so that "value / residents" reads "Jobs / residents"."""
    names = {name: gettext(label) for name, label in INPUT_LABELS.items()} | dict(labels or {})
    shown = [names.get(token, token) for token in _tokens(formula)]
    text = " ".join(shown)
    return text.replace("( ", "(").replace(" )", ")")
