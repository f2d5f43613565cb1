"""Reading asset rows from GeoJSON, GeoPackage and CSV files.

Readers return plain dicts of raw fields with `lon`/`lat`; validation happens after,
in one place, so every format gets the same messages.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import geopandas as gpd

from assetmap.i18n import gettext
from assetmap.io.files import ImportFileError, check_size, read_layer
from assetmap.io.osm import assets_from_osm

SPATIAL_SUFFIXES = {".geojson", ".json", ".gpkg", ".zip", ".shp"}
OSM_SUFFIXES = (".osm.pbf", ".osm")
CSV_SUFFIXES = {".csv", ".txt"}
LON_NAMES = ("lon", "lng", "longitude", "x")
LAT_NAMES = ("lat", "latitude", "y")
CSV_ENCODINGS = ("utf-8-sig", "cp1252")


def rows_from_file(
    path: Path,
    max_bytes: int | None = None,
    lon_column: str | None = None,
    lat_column: str | None = None,
) -> list[dict[str, Any]]:
    """Raw asset rows from GeoJSON, GeoPackage, (zipped) Shapefile, OSM or CSV.

    The file is refused before it is read when it is larger than `max_bytes`. For CSV,
    `lon_column` and `lat_column` name the coordinate columns (else lon/lat, x/y... are found).
    """
    if not path.is_file():
        raise ImportFileError(gettext("There is no file at {path}.").format(path=path))
    check_size(path.name, path.stat().st_size, max_bytes)
    suffix = path.suffix.lower()
    if path.name.lower().endswith(OSM_SUFFIXES):
        return assets_from_osm(path)
    if suffix in SPATIAL_SUFFIXES:
        return _rows_from_spatial(path)
    if suffix in CSV_SUFFIXES:
        return _rows_from_csv(path, lon_column, lat_column)
    raise ImportFileError(
        gettext(
            "{name}: use a GeoJSON (.geojson), GeoPackage (.gpkg), zipped Shapefile (.zip), "
            "OpenStreetMap (.osm.pbf) or CSV (.csv) file."
        ).format(name=path.name)
    )


def read_map_file(path: Path, layer: str | None = None) -> gpd.GeoDataFrame:
    """A spatial file through GDAL, with a plain message when it cannot be read.

    Broken geometries are read as missing rather than failing the whole file, so the
    caller can name the features at fault.
    """
    try:
        frame = read_layer(path, layer)
    except Exception as error:
        raise ImportFileError(
            gettext("{name} could not be read as a map file: {reason}").format(
                name=path.name, reason=str(error).splitlines()[0]
            )
        ) from error
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.isna().all():
        raise ImportFileError(gettext("{name} has no usable geometry.").format(name=path.name))
    return frame


def _rows_from_spatial(path: Path) -> list[dict[str, Any]]:
    frame = read_map_file(path)
    if frame.crs is None:
        raise ImportFileError(
            gettext("{name} does not say which coordinate system it uses.").format(name=path.name)
        )
    points = frame.to_crs("EPSG:4326").geometry
    rows = []
    for record, geometry in zip(
        frame.drop(columns="geometry").to_dict("records"), points, strict=True
    ):
        row = {key: _clean(value) for key, value in record.items()}
        if geometry is not None and not geometry.is_empty:
            point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
            row["lon"], row["lat"] = point.x, point.y
        rows.append(row)
    return rows


def _clean(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def read_text(path: Path) -> str:
    """A text file in UTF-8 (with or without BOM) or, failing that, Windows-1252."""
    raw = path.read_bytes()
    for encoding in CSV_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(gettext("{name} is not a text file.").format(name=path.name))


def csv_columns(path: Path) -> list[str]:
    """The header of a CSV file, for choosing the coordinate columns."""
    text = read_text(path)
    delimiter = sniff_delimiter(text)
    return [
        name.strip() for name in next(csv.reader(text.splitlines()[:1], delimiter=delimiter), [])
    ]


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab, whichever the file uses (comma when unsure)."""
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _rows_from_csv(
    path: Path, lon_column: str | None = None, lat_column: str | None = None
) -> list[dict[str, Any]]:
    text = read_text(path)
    if "\x00" in text:
        raise ImportFileError(gettext("{name} is not a text file.").format(name=path.name))
    records = list(csv.DictReader(io.StringIO(text), delimiter=sniff_delimiter(text)))
    if not records:
        raise ImportFileError(gettext("{name} has no rows.").format(name=path.name))
    columns = {name.strip().lower(): name for name in records[0] if name}
    lon_column = columns.get((lon_column or "").lower()) or next(
        (columns[n] for n in LON_NAMES if n in columns), None
    )
    lat_column = columns.get((lat_column or "").lower()) or next(
        (columns[n] for n in LAT_NAMES if n in columns), None
    )
    if lon_column is None or lat_column is None:
        raise ImportFileError(
            gettext(
                "{name} needs a column with the longitude and one with the latitude "
                "(for example 'lon' and 'lat'); it has: {columns}."
            ).format(name=path.name, columns=", ".join(columns.values()))
        )
    rows = []
    for record in records:
        row = {key.strip(): (value or None) for key, value in record.items() if key}
        row["lon"], row["lat"] = record.get(lon_column), record.get(lat_column)
        rows.append(row)
    return rows
