"""Classifying an indicator into colour classes for a choropleth, with its legend.

Pure functions: values in, class bounds and colours out. Classification by quantiles,
natural breaks (Fisher-Jenks) or equal intervals (mapclassify); palettes are ColorBrewer
sequential schemes that stay readable with colour-vision deficiencies.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from assetmap.i18n import N_

METHODS: dict[str, str] = {
    "quantiles": N_("Quantiles (equal numbers of areas)"),
    "natural_breaks": N_("Natural breaks (Fisher-Jenks)"),
    "equal_interval": N_("Equal intervals"),
}
PALETTES: dict[str, list[str]] = {
    "YlGnBu": ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
    "OrRd": ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"],
    "Purples": ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"],
}
PALETTE_LABELS: dict[str, str] = {
    "YlGnBu": N_("Yellow, green and blue"),
    "OrRd": N_("Orange and red"),
    "Purples": N_("Shades of purple"),
}
"""Each palette as people choose it (ColorBrewer's names are codes and English)."""
NO_DATA_COLOUR = "#ffffff"
"""White with a dashed grey outline on the map, and named in the legend."""

_CLASSIFIERS = {
    "quantiles": "Quantiles",
    "natural_breaks": "FisherJenks",
    "equal_interval": "EqualInterval",
}
"""Methods and their mapclassify class names."""


@dataclass(frozen=True)
class Classes:
    """Upper bounds of each class, and each value's class (-1 for no data)."""

    lower: float
    bounds: list[float]
    of_value: pd.Series

    def ranges(self) -> list[tuple[float, float]]:
        lows = [self.lower, *self.bounds[:-1]]
        return list(zip(lows, self.bounds, strict=True))


def classify(values: pd.Series, method: str = "quantiles", k: int = 5) -> Classes:
    """Split the known values into at most `k` classes (fewer when there are fewer values)."""
    known = values.dropna().astype(float)
    if known.empty:
        return Classes(np.nan, [], pd.Series(-1, index=values.index))
    k = max(1, min(k, known.nunique()))
    if k == 1:
        bounds = [float(known.max())]
        classes = pd.Series(0, index=known.index)
    else:
        with warnings.catch_warnings():
            # mapclassify suggests numba for speed; a few hundred areas do not need it.
            warnings.filterwarnings("ignore", message="Numba not installed")
            # Imported here: it brings scikit-learn and SciPy (about 100 MB), which the app
            # process should hold only once someone draws a choropleth.
            import mapclassify

            classifier = getattr(mapclassify, _CLASSIFIERS[method])(known.to_numpy(), k=k)
        bounds = [float(b) for b in classifier.bins]
        classes = pd.Series(classifier.yb, index=known.index)
    of_value = classes.reindex(values.index).fillna(-1).astype(int)
    return Classes(float(known.min()), bounds, of_value)


def class_colours(classes: Classes, palette: str = "YlGnBu") -> list[str]:
    """One colour per class, the palette spread over them; a class no value falls in (equal
    intervals leave some empty) keeps its colour, so the legend never shows it as no data."""
    scheme = PALETTES[palette]
    count = len(classes.bounds)
    return [scheme[round(i * (len(scheme) - 1) / max(1, count - 1))] for i in range(count)]


def colours(classes: Classes, palette: str = "YlGnBu") -> pd.Series:
    """A fill colour per value: its class's colour, white for no data."""
    picks = class_colours(classes, palette)
    return classes.of_value.map(lambda c: NO_DATA_COLOUR if c < 0 else picks[c])


def ranks(values: pd.Series, higher_is_need: bool = True) -> pd.Series:
    """1 for the area with the most need by this indicator, counting down; NaN for no data."""
    return values.rank(ascending=not higher_is_need, method="min")
