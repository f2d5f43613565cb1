"""Gazetteer files: addresses, streets and named places to search, from an OpenStreetMap
extract or a national address register, as frames in the columns `GAZETTEER_COLUMNS`.

- OpenStreetMap (.osm.pbf, through GDAL's OSM driver): `addr:street` with `addr:housenumber`
  on nodes and on buildings (their representative point), named streets (`highway` lines,
  one entry a name, at the middle of its longest stretch) and named places (`place=*`, parks
  and squares).
- Kartverket's address CSV for Norway (Matrikkelen - Adresse, from Geonorge): semicolon
  separated, with `adressenavn`, `nummer`, `bokstav`, `postnummer`, `poststed`, and the point
  in `Nord` and `Øst` in the CRS that `EPSG-kode` names (4258, or 25832/25833/25835).
- BAG addresses for the Netherlands, as PDOK publishes them in its BAG GeoPackage
  (bag-light.gpkg: the layers `verblijfsobject`, `ligplaats` and `standplaats`, in
  EPSG:28992) or in CSV with the same columns (`openbare_ruimte_naam`, `huisnummer`,
  `huisletter`, `toevoeging`, `postcode`, `woonplaats_naam`) and the point in `x`/`y`
  (EPSG:28992) or `lon`/`lat`.

A national file is recognised by its columns, never by its name.
"""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from assetmap.i18n import gettext
from assetmap.io.files import ImportFileError
from assetmap.io.osm import parse_other_tags
from assetmap.models import GAZETTEER_COLUMNS

KARTVERKET_COLUMNS = ("adressenavn", "nummer", "bokstav", "Nord", "Øst", "EPSG-kode")
BAG_COLUMNS = ("openbare_ruimte_naam", "huisnummer", "huisletter", "toevoeging", "postcode")
BAG_LAYERS = ("verblijfsobject", "ligplaats", "standplaats")
BAG_CRS = "EPSG:28992"
PLACE_LEISURE = ("park", "garden", "square")
SOURCES = ("osm", "kartverket", "bag")
"""Where gazetteer entries come from; importing one source replaces its entries only."""


def _unreadable(path: Path, error: Exception) -> ImportFileError:
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    return ImportFileError(
        gettext("{name} could not be read as a gazetteer: {reason}").format(
            name=path.name, reason=reason
        )
    )


def _read(path: Path, layer: str) -> gpd.GeoDataFrame:
    import pyogrio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        # GDAL's OSM driver hands over broken rings as they are; shapely then refuses them.
        frame = pyogrio.read_dataframe(path, layer=layer, read_geometry=False)
        geometry = pyogrio.read_dataframe(path, layer=layer, columns=[], on_invalid="ignore")
    return gpd.GeoDataFrame(frame, geometry=geometry.geometry.to_numpy(), crs=4326)


def empty_gazetteer() -> pd.DataFrame:
    """A gazetteer with no entries, in the columns every gazetteer has."""
    numbers = ("lon", "lat")
    return pd.DataFrame(
        {c: pd.Series(dtype="float64" if c in numbers else "object") for c in GAZETTEER_COLUMNS}
    )


def _frame(rows: list[tuple[str, str, str, str, float, float]]) -> pd.DataFrame:
    if not rows:
        return empty_gazetteer()
    return pd.DataFrame(rows, columns=list(GAZETTEER_COLUMNS))


def gazetteer_from_osm(path: Path) -> pd.DataFrame:
    """Addresses, streets and named places in an OpenStreetMap extract."""
    try:
        points = _read(path, "points")
        lines = _read(path, "lines")
        polygons = _read(path, "multipolygons")
    except Exception as error:
        raise _unreadable(path, error) from error
    rows = _osm_addresses(points) + _osm_addresses(polygons)
    rows += _osm_streets(lines) + _osm_places(points) + _osm_places(polygons)
    return _frame(rows)


def _locality(tags: dict[str, str]) -> str:
    return " ".join(t for t in (tags.get("addr:postcode"), tags.get("addr:city")) if t)


def _osm_addresses(frame: gpd.GeoDataFrame) -> list[tuple[str, str, str, str, float, float]]:
    tagged = frame[frame["other_tags"].fillna("").str.contains("addr:housenumber", regex=False)]
    rows = []
    for text, geometry in zip(tagged["other_tags"], tagged.geometry, strict=True):
        tags = parse_other_tags(text)
        street = tags.get("addr:street") or tags.get("addr:place")
        number = tags.get("addr:housenumber")
        if not street or not number or geometry is None or geometry.is_empty:
            continue
        point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
        for one in number.split(";"):
            rows.append(("address", street, one.strip(), _locality(tags), point.x, point.y))
    return rows


def _osm_streets(lines: gpd.GeoDataFrame) -> list[tuple[str, str, str, str, float, float]]:
    named = lines[lines["highway"].notna() & lines["name"].notna() & lines.geometry.notna()]
    rows = []
    for name, group in named.groupby("name"):
        longest = group.geometry.iloc[int(np.argmax(shapely.length(group.geometry.to_numpy())))]
        middle = longest.interpolate(0.5, normalized=True)
        rows.append(("street", str(name), "", "", middle.x, middle.y))
    return rows


def _osm_places(frame: gpd.GeoDataFrame) -> list[tuple[str, str, str, str, float, float]]:
    place = frame["place"].notna()
    if "leisure" in frame.columns:
        place |= frame["leisure"].isin(PLACE_LEISURE)
    chosen = frame[place & frame["name"].notna() & frame.geometry.notna()]
    rows = []
    for name, geometry in zip(chosen["name"], chosen.geometry, strict=True):
        point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
        rows.append(("place", str(name), "", "", point.x, point.y))
    return rows


def gazetteer_from_register(path: Path) -> tuple[str, pd.DataFrame]:
    """A national address register's file: ("kartverket" or "bag", its addresses)."""
    if path.suffix.lower() == ".gpkg":
        return "bag", _bag_geopackage(path)
    try:
        header = _csv_header(path)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise _unreadable(path, error) from error
    if all(column in header for column in KARTVERKET_COLUMNS):
        return "kartverket", _kartverket(path)
    if all(column in header for column in BAG_COLUMNS):
        return "bag", _bag_csv(path)
    raise ImportFileError(
        gettext(
            "{name} is neither Kartverket's address CSV (with the columns {kartverket}) nor "
            "a BAG address file (with the columns {bag})."
        ).format(
            name=path.name, kartverket=", ".join(KARTVERKET_COLUMNS), bag=", ".join(BAG_COLUMNS)
        )
    )


def _csv_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        first = file.readline()
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return next(csv.reader([first], delimiter=delimiter))


def _read_csv(path: Path) -> pd.DataFrame:
    delimiter = ";" if ";" in _csv_header(path)[0] or _semicolons(path) else ","
    try:
        return pd.read_csv(
            path, sep=delimiter, dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except (ValueError, UnicodeDecodeError) as error:
        raise _unreadable(path, error) from error


def _semicolons(path: Path) -> bool:
    with path.open(encoding="utf-8-sig", newline="") as file:
        first = file.readline()
    return first.count(";") > first.count(",")


def _coordinate(values: pd.Series, path: Path, column: str) -> np.ndarray:
    numbers = pd.to_numeric(values.str.replace(",", ".", regex=False), errors="coerce")
    if numbers.isna().any():
        row = int(np.flatnonzero(numbers.isna().to_numpy())[0]) + 2
        raise ImportFileError(
            gettext("{name}, row {row}: {column} is not a number.").format(
                name=path.name, row=row, column=column
            )
        )
    return np.asarray(numbers, dtype=np.float64)


def _to_wgs84(x: np.ndarray, y: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    lon, lat = transformer.transform(x, y)
    return np.asarray(lon), np.asarray(lat)


def _kartverket(path: Path) -> pd.DataFrame:
    table = _read_csv(path)
    east = _coordinate(table["Øst"], path, "Øst")
    north = _coordinate(table["Nord"], path, "Nord")
    lon, lat = np.empty(len(table)), np.empty(len(table))
    for code in table["EPSG-kode"].unique():
        rows = (table["EPSG-kode"] == code).to_numpy()
        if not code.strip().isdigit():
            raise ImportFileError(
                gettext("{name}: {code} is not an EPSG code.").format(name=path.name, code=code)
            )
        lon[rows], lat[rows] = _to_wgs84(east[rows], north[rows], f"EPSG:{code.strip()}")
    locality = (table.get("postnummer", "") + " " + table.get("poststed", "")).str.strip()
    return _addresses(table["adressenavn"], table["nummer"] + table["bokstav"], locality, lon, lat)


def _bag_number(table: pd.DataFrame) -> pd.Series:
    number = table["huisnummer"].astype(str).str.replace(r"\.0$", "", regex=True)
    number = number + table["huisletter"].fillna("").astype(str)
    addition = table["toevoeging"].fillna("").astype(str)
    return number.where(addition == "", number + "-" + addition)


def _bag_locality(table: pd.DataFrame) -> pd.Series:
    postcode = table["postcode"].fillna("").astype(str)
    town = table.get("woonplaats_naam", pd.Series("", index=table.index)).fillna("").astype(str)
    return (postcode + " " + town).str.strip()


def _bag_csv(path: Path) -> pd.DataFrame:
    table = _read_csv(path)
    if {"x", "y"} <= set(table.columns):
        x, y = _coordinate(table["x"], path, "x"), _coordinate(table["y"], path, "y")
        lon, lat = _to_wgs84(x, y, BAG_CRS)
    elif {"lon", "lat"} <= set(table.columns):
        lon, lat = _coordinate(table["lon"], path, "lon"), _coordinate(table["lat"], path, "lat")
    else:
        raise ImportFileError(
            gettext("{name} has no coordinates: x and y (EPSG:28992), or lon and lat.").format(
                name=path.name
            )
        )
    return _addresses(
        table["openbare_ruimte_naam"], _bag_number(table), _bag_locality(table), lon, lat
    )


def _bag_geopackage(path: Path) -> pd.DataFrame:
    import pyogrio

    try:
        layers = {name for name, _ in pyogrio.list_layers(path)}
        present = [layer for layer in BAG_LAYERS if layer in layers]
        if not present:
            raise ValueError(
                gettext("no BAG address layer ({layers})").format(layers=", ".join(BAG_LAYERS))
            )
        frames = []
        for layer in present:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                frame = pyogrio.read_dataframe(path, layer=layer, on_invalid="ignore")
            frames.append(frame.to_crs(4326) if frame.crs else frame.set_crs(BAG_CRS).to_crs(4326))
    except Exception as error:
        raise _unreadable(path, error) from error
    table = pd.concat(frames, ignore_index=True)
    missing = [column for column in BAG_COLUMNS if column not in table.columns]
    if missing:
        raise ImportFileError(
            gettext("{name} lacks the BAG columns {columns}.").format(
                name=path.name, columns=", ".join(missing)
            )
        )
    points = shapely.point_on_surface(table.geometry.to_numpy())
    return _addresses(
        table["openbare_ruimte_naam"],
        _bag_number(table),
        _bag_locality(table),
        shapely.get_x(points),
        shapely.get_y(points),
    )


def _addresses(
    name: pd.Series, number: pd.Series, locality: pd.Series, lon: np.ndarray, lat: np.ndarray
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "kind": "address",
            "name": name.fillna("").astype(str).str.strip().to_numpy(),
            "number": number.fillna("").astype(str).str.strip().to_numpy(),
            "locality": locality.fillna("").astype(str).to_numpy(),
            "lon": np.asarray(lon, dtype=np.float64),
            "lat": np.asarray(lat, dtype=np.float64),
        }
    )
    return frame[(frame["name"] != "") & np.isfinite(frame["lon"]) & np.isfinite(frame["lat"])]


def write_gazetteer_csv(entries: pd.DataFrame, path: Path) -> None:
    """A gazetteer as a small CSV (the demo ships one): its columns, each entry once."""
    frame = entries.loc[:, list(GAZETTEER_COLUMNS)].copy()
    frame[["lon", "lat"]] = frame[["lon", "lat"]].round(7)
    frame = frame.drop_duplicates().sort_values(["kind", "name", "number", "locality"])
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def gazetteer_from_csv(path: Path) -> pd.DataFrame:
    """A gazetteer written by `write_gazetteer_csv`."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        frame["lon"] = frame["lon"].astype(float)
        frame["lat"] = frame["lat"].astype(float)
        return frame.loc[:, list(GAZETTEER_COLUMNS)]
    except (KeyError, ValueError, UnicodeDecodeError) as error:
        raise _unreadable(path, error) from error
