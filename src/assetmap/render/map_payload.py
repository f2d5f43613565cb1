"""A map's payload as one binary transfer, gathered batch by batch, and what the map drew.

A million assets read as one frame held 300 MB, and making the payload of it 200 MB more
(Python strings for every name and area). MapRows keeps only what the payload carries, in
typed arrays, while the assets are read a batch at a time: about 100 MB for a million.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from assetmap.render.mapping import (
    COORDINATE_SCALE,
    has_osm_data,
    map_lookup,
    payload_header,
    payload_rows,
)

MAP_BINARY_TYPE = "application/octet-stream"
_BINARY_MAGIC = b"AMB1"
_BAND = 4096
"""The payload's rows go west to east in bands of latitude this many steps (about 450 m)
high, so that one row's coordinates differ little from the last's."""


def map_order(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """The rows in the order of the binary payload: by band of latitude, west to east."""
    x = np.rint(lon * COORDINATE_SCALE).astype(np.int64)
    y = np.rint(lat * COORDINATE_SCALE).astype(np.int64)
    return np.lexsort((x, y // _BAND))


class _Lookup:
    """Distinct labels in the order they first came, over every batch, and each row's index
    into them."""

    def __init__(self) -> None:
        self._index: dict[str, int] = {}
        self._codes: list[np.ndarray] = []

    def add(self, values: np.ndarray) -> None:
        labels, codes = map_lookup(values)
        known = [self._index.setdefault(label, len(self._index)) for label in labels]
        self._codes.append(np.asarray(known, dtype=np.int64)[codes])

    @property
    def labels(self) -> list[str]:
        return list(self._index)

    def codes(self) -> np.ndarray:
        return np.concatenate(self._codes) if self._codes else np.zeros(0, np.int64)


class MapRows:
    """A map's assets as its binary payload and its DrawnVersions need them, added a frame
    (a batch of assets, with the columns of mapping.SUMMARY_FIELDS at least) at a time.
    Popups carry the details (mapping.POPUP_FIELDS) when `details`."""

    def __init__(self, details: bool) -> None:
        self.details = details
        self._lon: list[np.ndarray] = []
        self._lat: list[np.ndarray] = []
        self._kinds: list[np.ndarray] = []
        self._ids: list[np.ndarray] = []
        self._versions: list[np.ndarray] = []
        self._names: list[pa.Array] = []
        self._categories = _Lookup()
        self._areas = _Lookup()
        self._photos: list[str] = []
        self._popups: list[Any] = []
        self._websites: list[str] = []
        self.osm = False
        """Whether any asset came from OpenStreetMap, whose data the map must then credit."""

    def add(self, frame: pd.DataFrame) -> None:
        rows = payload_rows(frame, self.details)
        self._lon.append(frame["lon"].to_numpy(dtype=np.float64, copy=True))
        self._lat.append(frame["lat"].to_numpy(dtype=np.float64, copy=True))
        self._kinds.append(np.asarray(rows["k"], dtype=np.uint8))
        self._ids.append(_id_bytes(frame["id"]).copy())
        self._versions.append(frame["version"].to_numpy(dtype=np.int64, copy=True))
        self._names.append(pa.array(rows["n"], type=pa.string()))
        self._categories.add(rows["category"])
        self._areas.add(rows["area"])
        photos = rows.get("p")
        self._photos += photos if photos is not None else [""] * len(frame)
        if self.details:
            self._popups += rows["d"]
            self._websites += rows["w"]
        self.osm = self.osm or has_osm_data(frame)

    def __len__(self) -> int:
        return sum(len(lon) for lon in self._lon)

    def bounds(self) -> tuple[float, float, float, float] | None:
        """West, south, east and north of the assets; None for none."""
        if not len(self):
            return None
        lon, lat = np.concatenate(self._lon), np.concatenate(self._lat)
        return float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())

    def located(self, ids: Sequence[str]) -> pd.DataFrame:
        """Id, lon and lat of those of `ids` among the rows: where the map draws them (for a
        visitor, where privacy put them), for lines between linked assets."""
        if not len(self) or not len(ids):
            return pd.DataFrame({"id": [], "lon": [], "lat": []})
        drawn = np.concatenate(self._ids)
        found = np.flatnonzero(np.isin(drawn, _id_bytes(ids)))
        return pd.DataFrame(
            {
                "id": [bytes(key).decode() for key in drawn[found]],
                "lon": np.concatenate(self._lon)[found],
                "lat": np.concatenate(self._lat)[found],
            }
        )

    def binary(self) -> tuple[bytes, np.ndarray]:
        """The payload, and the rows as added in the payload's order (map_order), which the
        map's row numbers follow.

        "AMB1", the length of a JSON header (uint32), the header (labels, details, photos,
        the row count), then, each from a multiple of its size, little-endian: x and y as
        int32 differences from the row before (the first from 0), the names' UTF-8 end
        offsets (uint32, one per row), category and area indexes (uint16, or uint32 when the
        header says "wide"), kind indexes (uint8), and the names' UTF-8 bytes. Names are
        data: the page shows them as text.
        """
        count = len(self)
        lon = np.concatenate(self._lon) if count else np.zeros(0)
        lat = np.concatenate(self._lat) if count else np.zeros(0)
        order = map_order(lon, lat)
        base = [float(lon.min()), float(lat.min())] if count else [0.0, 0.0]
        categories, areas = self._categories.labels, self._areas.labels
        wide = max(len(categories), len(areas)) > np.iinfo(np.uint16).max
        codes = np.dtype("<u4" if wide else "<u2")
        x = np.rint((lon[order] - base[0]) * COORDINATE_SCALE).astype(np.int64)
        y = np.rint((lat[order] - base[1]) * COORDINATE_SCALE).astype(np.int64)
        names, ends = self._names_in(order)
        columns = [
            np.diff(x, prepend=0).astype("<i4"),
            np.diff(y, prepend=0).astype("<i4"),
            ends.astype("<u4"),
            self._categories.codes()[order].astype(codes),
            self._areas.codes()[order].astype(codes),
            np.concatenate(self._kinds)[order] if count else np.zeros(0, np.uint8),
        ]
        photos = any(self._photos)
        header = payload_header(base, categories, areas, photos)
        if photos:
            shown = ((i, self._photos[row]) for i, row in enumerate(order))
            header["p"] = {str(i): photo for i, photo in shown if photo}
        if self.details:
            header["d"] = [self._popups[row] for row in order]
            header["w"] = [self._websites[row] for row in order]
        text = json.dumps({**header, "count": count, "wide": wide}, ensure_ascii=False).encode()
        parts: list[bytes | memoryview] = [
            _BINARY_MAGIC,
            np.uint32(len(text)).astype("<u4").tobytes(),
            text,
        ]
        size = sum(len(part) for part in parts)
        for column in columns:
            padding = -size % column.itemsize
            parts += [b"\0" * padding, column.tobytes()]
            size += padding + column.nbytes
        parts.append(names)
        return b"".join(parts), order

    def _names_in(self, order: np.ndarray) -> tuple[memoryview, np.ndarray]:
        """The names' UTF-8 bytes in `order`, and where each ends in them."""
        if not self._names:
            return memoryview(b""), np.zeros(0, np.int64)
        names = pa.concat_arrays(self._names).take(pa.array(order))
        offsets = np.frombuffer(names.buffers()[1], np.int32)[names.offset :][: len(names) + 1]
        data = names.buffers()[2]
        text = memoryview(data if data is not None else b"")[offsets[0] : offsets[-1]]
        return text, (offsets[1:] - offsets[0]).astype(np.int64)

    def drawn(self, order: np.ndarray) -> DrawnVersions:
        """The version of each asset by id, for the payload made in `order`."""
        ids = np.concatenate(self._ids) if self._ids else np.zeros(0, "S1")
        versions = np.concatenate(self._versions) if self._versions else np.zeros(0, np.int64)
        return DrawnVersions.of(ids[order], versions[order])


@dataclass(frozen=True)
class AssetVersions:
    """The version of each matching asset by id, and whether each is a person whose consent
    has lapsed: what an open map compares with what it drew (map_changes). The ids are UTF-8
    bytes, read in place from Arrow: a million take 32 MB."""

    ids: np.ndarray
    versions: np.ndarray
    lapsed: np.ndarray

    @classmethod
    def of(
        cls,
        ids: Sequence[str] | pd.Index | pd.Series,
        versions: np.ndarray,
        lapsed: np.ndarray | None = None,
    ) -> AssetVersions:
        shown = np.zeros(len(versions), bool) if lapsed is None else np.asarray(lapsed, bool)
        return cls(_id_bytes(ids), np.asarray(versions), shown)

    def public(self) -> AssetVersions:
        """Those anyone may see: without the lapsed people (privacy.public_assets)."""
        if not self.lapsed.any():
            return self
        kept = ~self.lapsed
        return AssetVersions(self.ids[kept], self.versions[kept], self.lapsed[kept])


@dataclass(frozen=True)
class MapChanges:
    """How the assets now differ from a map's payload: the payload rows to hide (gone or
    changed since) and the ids of the assets to draw again (new or changed since)."""

    hidden: np.ndarray
    fresh: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.hidden) + len(self.fresh)


def _id_bytes(ids: Sequence[str] | pd.Index | pd.Series | np.ndarray) -> np.ndarray:
    """The ids as a numpy array of UTF-8 bytes: read in place from Arrow's buffer when they
    are all of one length (the app's ids are 32 hex digits), else one by one."""
    if isinstance(ids, np.ndarray) and ids.dtype.kind == "S":
        return ids
    strings = pa.array(getattr(ids, "array", ids), type=pa.string())
    if isinstance(strings, pa.ChunkedArray):
        strings = strings.combine_chunks()
    binary = strings.cast(pa.binary())
    count = len(binary)
    if count and not binary.null_count:
        offsets = np.frombuffer(binary.buffers()[1], np.int32)[binary.offset :][: count + 1]
        lengths = np.diff(offsets)
        width = int(lengths[0])
        if width and (lengths == width).all():
            data = binary.buffers()[2]
            return np.frombuffer(data, f"S{width}", count=count, offset=int(offsets[0]))
    return np.array(binary.to_pylist(), dtype=bytes)


@dataclass(frozen=True)
class DrawnVersions:
    """The version of each asset a map drew, by id. It lives as long as its map, so the ids
    are kept as sorted bytes: a million take 38 MB, as a pandas index of Python strings (and
    its hash table) 110 MB or more."""

    keys: np.ndarray
    """The ids, sorted, as UTF-8 bytes."""
    rows: np.ndarray
    """The payload row of each key."""
    versions: np.ndarray
    """The version of each payload row."""

    @classmethod
    def of(cls, ids: Sequence[str] | pd.Index | np.ndarray, versions: np.ndarray) -> DrawnVersions:
        """The assets `ids`, with their `versions`, in payload order."""
        encoded = _id_bytes(ids)
        order = np.argsort(encoded, kind="stable")
        return cls(encoded[order], order, np.asarray(versions))

    def __len__(self) -> int:
        return len(self.versions)

    def id_at(self, row: int) -> str:
        """The id drawn at payload `row`, "" for none (a look through every row, for the
        popup a person opened)."""
        found = np.flatnonzero(self.rows == row)
        return bytes(self.keys[found[0]]).decode() if len(found) else ""

    def rows_of(self, ids: Sequence[str] | pd.Index | np.ndarray) -> np.ndarray:
        """The payload row of each of `ids`, -1 for an id not drawn."""
        wanted = _id_bytes(ids)
        if not len(self.keys):
            return np.full(len(wanted), -1)
        at = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
        return np.where(self.keys[at] == wanted, self.rows[at], -1)


def map_changes(drawn: DrawnVersions, now: AssetVersions) -> MapChanges:
    """Compare version by asset id: `drawn` as the map has them, `now` as the assets are."""
    position = drawn.rows_of(now.ids)
    known = position >= 0
    same = known.copy()
    same[known] = drawn.versions[position[known]] == now.versions[known]
    stale = np.ones(len(drawn), dtype=bool)
    stale[position[same]] = False
    fresh = tuple(bytes(key).decode() for key in now.ids[~same])
    return MapChanges(hidden=np.flatnonzero(stale), fresh=fresh)
