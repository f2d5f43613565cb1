"""Reading files of any kind, before their format matters: the error a person meets when a
file cannot be used, the size cap, and one layer of a spatial file through GDAL."""

from __future__ import annotations

import warnings
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import geopandas as gpd

from assetmap.errors import AssetmapError
from assetmap.i18n import gettext


class ImportFileError(AssetmapError, ValueError):
    """A file that cannot be read as assets, with the reason in plain words."""


def check_size(name: str, size: int, max_bytes: int | None) -> None:
    """Refuse a file over the upload cap before anything reads it."""
    if max_bytes is not None and size > max_bytes:
        raise ImportFileError(
            gettext("{name} is {size:.1f} MB; files may be at most {limit:.0f} MB.").format(
                name=name, size=size / 1_000_000, limit=max_bytes / 1_000_000
            )
        )


def read_layer(path: Path, layer: str | None = None) -> gpd.GeoDataFrame:
    """One layer of a spatial file through GDAL, broken geometries read as missing.

    GDAL is loaded on first use: it adds about 30 MB to a server that may only show maps.
    """
    import pyogrio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return pyogrio.read_dataframe(path, layer=layer, on_invalid="ignore")


def open_layer(path: Path, batch_size: int) -> AbstractContextManager[tuple[dict[str, Any], Any]]:
    """The first layer of a spatial file through GDAL as (its metadata, a pyarrow reader of
    record batches of `batch_size` features), geometries as WKB: read a batch at a time."""
    import pyogrio

    return pyogrio.open_arrow(path, batch_size=batch_size, use_pyarrow=True)  # type: ignore[no-any-return]
