"""The national publishers' boundary files, recognised from their layers and columns.

Geonorge's grunnkretser (GeoPackage, GML, FGDB: a polygon layer `grunnkrets` or
`grunnkretser_omrade` beside a line layer of its borders), CBS's Wijk- en Buurtkaart
(GeoPackage layers `gemeenten`, `wijken`, `buurten`) and Helsinki's statistical areas
(`tunnus`, `nimi_fi`, `kunta`) each say which column holds the official code, which the
name and which the municipality. Anything else is read as before: the caller names the
columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assetmap.i18n import N_, gettext
from assetmap.io.files import ImportFileError

POLYGON_WORDS = ("Polygon", "Surface", "Unknown", "Geometry")
"""Geometry types GDAL reports for a layer that may hold areas (not a layer of border lines)."""


@dataclass(frozen=True)
class BoundaryProduct:
    """One publisher's boundary layer: the columns it names its areas by."""

    key: str
    label: str
    code_fields: tuple[str, ...]
    name_fields: tuple[str, ...]
    municipality_fields: tuple[str, ...]
    level: str | None
    """The level its areas belong to; None: named after the layer (Helsinki's several)."""
    water_field: str | None = None
    """A column saying "JA" for areas that are only water (CBS), which are left out."""
    code_digits: int | None = None
    """How many digits a code has: GDAL reads a GML file without its schema, or a Shapefile,
    as numbers, and Oslo's 03010101 would lose its leading zero."""


PRODUCTS = (
    BoundaryProduct(
        "grunnkretser",
        N_("Grunnkretser (Geonorge)"),
        ("grunnkretsnummer", "grunnkrets"),
        ("grunnkretsnavn", "gkretsnavn"),
        ("kommunenummer", "kommunenavn", "komm"),
        "grunnkrets",
        code_digits=8,
    ),
    BoundaryProduct(
        "buurten",
        N_("Buurten (CBS Wijk- en Buurtkaart)"),
        ("buurtcode",),
        ("buurtnaam",),
        ("gemeentecode", "gemeentenaam"),
        "buurt",
        "water",
    ),
    BoundaryProduct(
        "wijken",
        N_("Wijken (CBS Wijk- en Buurtkaart)"),
        ("wijkcode",),
        ("wijknaam",),
        ("gemeentecode", "gemeentenaam"),
        "wijk",
        "water",
    ),
    BoundaryProduct(
        "gemeenten",
        N_("Gemeenten (CBS Wijk- en Buurtkaart)"),
        ("gemeentecode",),
        ("gemeentenaam",),
        ("gemeentecode", "gemeentenaam"),
        "gemeente",
        "water",
    ),
    BoundaryProduct(
        "helsinki",
        N_("Statistical areas (Helsinki)"),
        ("tunnus", "kokotunnus"),
        ("nimi_fi", "nimi", "name_fi"),
        ("kunta", "kuntanro", "kunta_nro"),
        None,
    ),
)
"""Finest first within each country: a `buurten` layer also has `wijkcode` and `gemeentecode`."""

HELSINKI_LEVELS = {
    "pienalue": "pienalue",
    "osaalue": "osa-alue",
    "osa_alue": "osa-alue",
    "osa-alue": "osa-alue",
    "peruspiiri": "peruspiiri",
    "suurpiiri": "suurpiiri",
}
"""Helsinki's divisions, by a word in the layer's name, finest first."""


@dataclass(frozen=True)
class BoundaryLayout:
    """What a boundary file is: its area layers, the one to read and the columns found in it."""

    layers: tuple[str, ...]
    layer: str
    fields: tuple[str, ...]
    product: BoundaryProduct | None
    id_field: str | None
    name_field: str | None
    municipality_fields: tuple[str, ...]
    water_field: str | None
    level: str | None


def boundary_layout(path: Path, layer: str | None = None) -> BoundaryLayout:
    """The area layers of `path`, the one to read (`layer`, else the finest recognised one,
    else the first) and the code, name and municipality columns found in it."""
    import pyogrio

    try:
        listed = pyogrio.list_layers(path)
    except Exception as error:
        raise ImportFileError(
            gettext("{name} could not be read as a map file: {reason}").format(
                name=path.name, reason=str(error).splitlines()[0]
            )
        ) from error
    every = tuple(str(name) for name, _ in listed)
    polygonal = tuple(
        str(name)
        for name, kind in listed
        if kind is None or any(word in str(kind) for word in POLYGON_WORDS)
    )
    # A file without polygons is read all the same, to name the features that are no areas.
    layers = polygonal or every
    if not layers:
        raise ImportFileError(gettext("{name} has no usable geometry.").format(name=path.name))
    try:
        fields = {name: _fields(path, name) for name in layers}
    except Exception as error:
        raise ImportFileError(
            gettext("{name} could not be read as a map file: {reason}").format(
                name=path.name, reason=str(error).splitlines()[0]
            )
        ) from error
    if layer is not None and layer not in layers:
        raise ImportFileError(
            gettext("{name} has no layer of areas called {layer}; it has: {layers}.").format(
                name=path.name, layer=layer, layers=", ".join(layers)
            )
        )
    chosen = layer or _finest_recognised(fields) or layers[0]
    return _layout(layers, chosen, fields[chosen])


def _fields(path: Path, layer: str) -> tuple[str, ...]:
    import pyogrio

    return tuple(str(field) for field in pyogrio.read_info(path, layer=layer)["fields"])


def _finest_recognised(fields: dict[str, tuple[str, ...]]) -> str | None:
    for product in PRODUCTS:
        for layer, names in fields.items():
            if _found(names, product.code_fields) and _found(names, product.name_fields):
                return layer
    return None


def _found(fields: tuple[str, ...], wanted: tuple[str, ...]) -> str | None:
    """The first of `wanted` among `fields`, matched without regard to case."""
    by_case = {field.casefold(): field for field in fields}
    return next((by_case[name] for name in wanted if name in by_case), None)


def _layout(layers: tuple[str, ...], layer: str, fields: tuple[str, ...]) -> BoundaryLayout:
    for product in PRODUCTS:
        id_field = _found(fields, product.code_fields)
        name_field = _found(fields, product.name_fields)
        if id_field and name_field:
            municipality = tuple(
                found
                for wanted in product.municipality_fields
                if (found := _found(fields, (wanted,))) is not None
            )
            water = _found(fields, (product.water_field,)) if product.water_field else None
            return BoundaryLayout(
                layers,
                layer,
                fields,
                product,
                id_field,
                name_field,
                municipality,
                water,
                product.level or _helsinki_level(layer),
            )
    return BoundaryLayout(layers, layer, fields, None, None, None, (), None, None)


def _helsinki_level(layer: str) -> str:
    lowered = layer.casefold()
    return next(
        (level for word, level in HELSINKI_LEVELS.items() if word in lowered), lowered.strip()
    )


def municipality_key(value: object) -> str:
    """A municipality as a filter compares it: CBS's `GM0344`, `0344` and `344` alike, as are
    `091` and `91`; names without regard to case."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().casefold()
    if text.startswith("gm") and text[2:].isdigit():
        text = text[2:]
    if text.isdigit():
        return text.lstrip("0") or "0"
    return text
