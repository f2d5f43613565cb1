"""Reading asset rows from GeoJSON, GeoPackage and CSV files.

Readers return plain dicts of raw fields with `lon`/`lat`; validation happens after,
in one place, so every format gets the same messages. They read a file in batches of rows
(`row_batches`), so a file of a million rows never sits in memory whole.
"""

from __future__ import annotations

import codecs
import csv
import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from assetmap.i18n import gettext
from assetmap.io.files import ImportFileError, check_size, open_layer, read_layer
from assetmap.io.osm import assets_from_osm

SPATIAL_SUFFIXES = {".geojson", ".json", ".gpkg", ".zip", ".shp"}
OSM_SUFFIXES = (".osm.pbf", ".osm")
CSV_SUFFIXES = {".csv", ".txt"}
LON_NAMES = ("lon", "lng", "longitude", "x")
LAT_NAMES = ("lat", "latitude", "y")
CSV_ENCODINGS = ("utf-8-sig", "cp1252")
BATCH_ROWS = 20_000
"""Rows read, checked and stored at a time: large enough that each step runs at full speed,
small enough that memory does not grow with the file."""
SNIFF_CHARACTERS = 4096
WGS84 = "EPSG:4326"

Rows = list[dict[str, Any]]


def rows_from_file(
    path: Path,
    max_bytes: int | None = None,
    lon_column: str | None = None,
    lat_column: str | None = None,
) -> Rows:
    """Raw asset rows from GeoJSON, GeoPackage, (zipped) Shapefile, OSM or CSV, all at once
    (row_batches reads them a batch at a time)."""
    batches = row_batches(path, max_bytes, lon_column, lat_column)
    return [row for batch in batches for row in batch]


def row_batches(
    path: Path,
    max_bytes: int | None = None,
    lon_column: str | None = None,
    lat_column: str | None = None,
    size: int = BATCH_ROWS,
) -> Iterator[Rows]:
    """Raw asset rows from GeoJSON, GeoPackage, (zipped) Shapefile, OSM or CSV, `size` at a time.

    The file is refused before it is read when it is larger than `max_bytes`. For CSV,
    `lon_column` and `lat_column` name the coordinate columns (else lon/lat, x/y... are found).
    A problem with the file as a whole raises ImportFileError, before the first batch when it
    can be seen there (no such file, too large, unknown format, no coordinate system).
    """
    if not path.is_file():
        raise ImportFileError(gettext("There is no file at {path}.").format(path=path))
    check_size(path.name, path.stat().st_size, max_bytes)
    suffix = path.suffix.lower()
    if path.name.lower().endswith(OSM_SUFFIXES):
        return _in_batches(assets_from_osm(path), size)
    if suffix in SPATIAL_SUFFIXES:
        return _spatial_batches(path, size)
    if suffix in CSV_SUFFIXES:
        return _csv_batches(path, lon_column, lat_column, size)
    raise ImportFileError(
        gettext(
            "{name}: use a GeoJSON (.geojson), GeoPackage (.gpkg), zipped Shapefile (.zip), "
            "OpenStreetMap (.osm.pbf) or CSV (.csv) file."
        ).format(name=path.name)
    )


def _in_batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[Rows]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def read_map_file(path: Path, layer: str | None = None) -> gpd.GeoDataFrame:
    """A spatial file through GDAL, with a plain message when it cannot be read.

    Broken geometries are read as missing rather than failing the whole file, so the
    caller can name the features at fault.
    """
    try:
        frame = read_layer(path, layer)
    except Exception as error:
        raise _unreadable(path, error) from error
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.isna().all():
        raise _no_geometry(path)
    return frame


def _unreadable(path: Path, error: Exception) -> ImportFileError:
    return ImportFileError(
        gettext("{name} could not be read as a map file: {reason}").format(
            name=path.name, reason=str(error).splitlines()[0]
        )
    )


def _no_geometry(path: Path) -> ImportFileError:
    return ImportFileError(gettext("{name} has no usable geometry.").format(name=path.name))


def _spatial_batches(path: Path, size: int) -> Iterator[Rows]:
    """Each batch's features as rows, at a point of each geometry (a representative point of a
    line or polygon) in WGS84; a broken geometry is read as missing, so that its row is named."""
    located = False
    try:
        with open_layer(path, size) as (meta, batches):
            if meta["crs"] is None:
                raise ImportFileError(
                    gettext("{name} does not say which coordinate system it uses.").format(
                        name=path.name
                    )
                )
            geometry_name = meta["geometry_name"] or "wkb_geometry"
            for batch in batches:
                shapes = shapely.from_wkb(batch.column(geometry_name).to_numpy(False), "ignore")
                points = shapely.point_on_surface(
                    gpd.GeoSeries(shapes, crs=meta["crs"]).to_crs(WGS84).to_numpy()
                )
                rows = batch.drop_columns([geometry_name]).to_pylist()
                for row, point in zip(rows, points, strict=True):
                    if point is not None and not point.is_empty:
                        row["lon"], row["lat"] = point.x, point.y
                        located = True
                yield rows
    except ImportFileError:
        raise
    except Exception as error:
        raise _unreadable(path, error) from error
    if not located:
        raise _no_geometry(path)


def read_text(path: Path) -> str:
    """A text file in UTF-8 (with or without BOM) or, failing that, Windows-1252."""
    return path.read_bytes().decode(text_encoding(path))


def text_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file reads as it, else Windows-1252;
    read a megabyte at a time. A file that is neither, or holds NUL bytes, is not text."""
    not_text = ImportFileError(gettext("{name} is not a text file.").format(name=path.name))
    for encoding in CSV_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    if b"\x00" in chunk:
                        raise not_text
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise not_text


def _csv_head(path: Path) -> tuple[str, str]:
    """The file's encoding and its delimiter, found from its start."""
    encoding = text_encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        return encoding, sniff_delimiter(handle.read(SNIFF_CHARACTERS))


def csv_columns(path: Path) -> list[str]:
    """The header of a CSV file, for choosing the coordinate columns."""
    encoding, delimiter = _csv_head(path)
    with path.open(encoding=encoding, newline="") as handle:
        return [name.strip() for name in next(csv.reader(handle, delimiter=delimiter), [])]


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab, whichever the file uses (comma when unsure)."""
    try:
        return csv.Sniffer().sniff(text[:SNIFF_CHARACTERS], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _csv_batches(
    path: Path, lon_column: str | None, lat_column: str | None, size: int
) -> Iterator[Rows]:
    encoding, delimiter = _csv_head(path)
    with path.open(encoding=encoding, newline="") as handle:
        lines = csv.reader(handle, delimiter=delimiter)
        header = next(lines, None)
        first = next((line for line in lines if line), None)
    if not header or first is None:
        raise ImportFileError(gettext("{name} has no rows.").format(name=path.name))
    columns = {name.strip().lower(): name for name in header if name}
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
    return _csv_rows(path, encoding, delimiter, lon_column, lat_column, size)


def _csv_rows(
    path: Path, encoding: str, delimiter: str, lon_column: str, lat_column: str, size: int
) -> Iterator[Rows]:
    with path.open(encoding=encoding, newline="") as handle:
        for records in _in_batches(csv.DictReader(handle, delimiter=delimiter), size):
            rows = []
            for record in records:
                row = {key.strip(): (value or None) for key, value in record.items() if key}
                row["lon"], row["lat"] = record.get(lon_column), record.get(lat_column)
                rows.append(row)
            yield rows
