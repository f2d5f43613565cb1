"""The query of an OGC API - Features request, read and applied to a frame; no HTTP here.

Each parameter is read strictly and a wrong one raises QueryError with what the client should
send instead (ogc.py answers it with a 400): a typo in a parameter's name must not quietly
return the whole collection. What GDAL's OAPIF driver sends (limit, offset through `next`,
bbox and bbox-crs, crs, datetime, and `name=value` for the queryables the OpenAPI document
lists) is all read here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import shapely

from assetmap.errors import AssetmapError

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CRS84_NAMES = frozenset({CRS84, "https://www.opengis.net/def/crs/OGC/1.3/CRS84"})
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
MAX_OFFSET_DIGITS = 12
PAGING = ("bbox", "bbox-crs", "crs", "limit", "offset", "datetime", "f")
"""What every items request may carry besides its collection's queryables. `crs` is from
Part 2: GDAL sends it (with bbox-crs) when asked for a CRS the collection lists."""

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_DIGITS = re.compile(r"\d+", re.ASCII)
_MOMENT = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[Tt](?:(?P<hour>\d{2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,9}))?)?)?)?"
    r"(?P<zone>[Zz]|[+-]\d{2}:\d{2})?)?",
    re.ASCII,
)
"""RFC 3339 dates and date-times, and the shorter forms GDAL writes for a date or an hour
(2026-05-01T, 2026-05-01T10Z): each names the period its precision gives."""
_OPEN = ("..", "")


class QueryError(AssetmapError, ValueError):
    """A query parameter the client must change; the message says how."""


@dataclass(frozen=True)
class BBox:
    """A box in CRS84 (lon/lat), its minimum below its maximum on both axes."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def box(self) -> shapely.Geometry:
        return shapely.box(self.min_lon, self.min_lat, self.max_lon, self.max_lat)


@dataclass(frozen=True)
class Period:
    """From `start` (inclusive) to `end` (exclusive), UTC without a zone as stored; None is
    open."""

    start: datetime | None = None
    end: datetime | None = None

    def contains(self, times: pd.Series) -> np.ndarray:
        """Which times fall in the period (a missing time never does)."""
        moments = pd.to_datetime(times)
        inside = moments.notna()
        if self.start is not None:
            inside &= moments >= pd.Timestamp(self.start)
        if self.end is not None:
            inside &= moments < pd.Timestamp(self.end)
        return np.array(inside, dtype=bool)

    def overlaps(self, starts: pd.Series, last_days: pd.Series) -> np.ndarray:
        """Which spans of whole days (from a start day to a last day, either open when
        missing) share a moment with the period."""
        first = pd.to_datetime(starts)
        after_last = pd.to_datetime(last_days) + pd.Timedelta(days=1)
        meets = np.ones(len(first), dtype=bool)
        if self.end is not None:
            meets &= (first.isna() | (first < pd.Timestamp(self.end))).to_numpy()
        if self.start is not None:
            meets &= (after_last.isna() | (after_last > pd.Timestamp(self.start))).to_numpy()
        return meets


@dataclass(frozen=True)
class ItemsQuery:
    """An items request's parameters, read and checked."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0
    bbox: BBox | None = None
    period: Period | None = None
    values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Queryable property -> the values any of which an item must have."""


def single_values(
    params: Sequence[tuple[str, str]], allowed: Collection[str], what: str = "resource"
) -> dict[str, str]:
    """The parameters by name, each given once and each one `allowed` takes."""
    given: dict[str, str] = {}
    for name, value in params:
        if name not in allowed:
            raise QueryError(
                f"Unknown parameter {name!r}; this {what} takes: {', '.join(allowed)}."
            )
        if name in given:
            raise QueryError(f"Give {name} once (several values go in one, comma-separated).")
        given[name] = value
    return given


def check_format(given: Mapping[str, str], formats: Collection[str]) -> None:
    """`f`, when given, must name a format this resource has."""
    fmt = given.get("f")
    if fmt is not None and fmt not in formats:
        raise QueryError(f"f={fmt} is not served here; use f={' or f='.join(formats)}.")


def parse_items_query(
    params: Sequence[tuple[str, str]], queryables: Collection[str], formats: Collection[str]
) -> ItemsQuery:
    """The items query in `params` (name, value pairs as sent) for a collection that can be
    filtered on `queryables`."""
    given = single_values(params, [*PAGING, *queryables], "collection")
    check_format(given, formats)
    for name in ("bbox-crs", "crs"):
        if name in given and given[name] not in CRS84_NAMES:
            raise QueryError(f"{name} must be {CRS84}: the only CRS served here.")
    return ItemsQuery(
        limit=parse_limit(given["limit"]) if "limit" in given else DEFAULT_LIMIT,
        offset=parse_offset(given["offset"]) if "offset" in given else 0,
        bbox=parse_bbox(given["bbox"]) if "bbox" in given else None,
        period=parse_datetime(given["datetime"]) if "datetime" in given else None,
        values={name: parse_values(name, given[name]) for name in queryables if name in given},
    )


def parse_limit(text: str) -> int:
    """How many items a page may hold: a whole number from 1 to MAX_LIMIT."""
    number = int(text) if _DIGITS.fullmatch(text) and len(text) <= 9 else 0
    if not 1 <= number <= MAX_LIMIT:
        raise QueryError(f"limit must be a whole number from 1 to {MAX_LIMIT}, not {text!r}.")
    return number


def parse_offset(text: str) -> int:
    """How many matching items come before the page: a whole number from 0."""
    if not _DIGITS.fullmatch(text) or len(text) > MAX_OFFSET_DIGITS:
        raise QueryError(f"offset must be a whole number from 0, not {text!r}.")
    return int(text)


def parse_bbox(text: str) -> BBox:
    """minlon,minlat,maxlon,maxlat in CRS84 (6 numbers with heights are taken, the heights
    ignored). A box across the antimeridian is refused: the data of one community never
    needs it, and two boxes say it plainly."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) not in (4, 6) or not all(_NUMBER.fullmatch(part) for part in parts):
        raise QueryError(
            f"bbox must be four numbers, minlon,minlat,maxlon,maxlat (or six with heights), "
            f"not {text!r}."
        )
    numbers = [float(part) for part in parts]
    if not all(math.isfinite(n) for n in numbers):
        raise QueryError(f"bbox has a number too large: {text!r}.")
    min_lon, min_lat, max_lon, max_lat = (
        numbers if len(numbers) == 4 else [numbers[0], numbers[1], numbers[3], numbers[4]]
    )
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise QueryError(f"bbox longitudes must be from -180 to 180: {text!r}.")
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise QueryError(f"bbox latitudes must be from -90 to 90: {text!r}.")
    if min_lat > max_lat:
        raise QueryError(f"bbox's minimum latitude is above its maximum: {text!r}.")
    if min_lon > max_lon:
        raise QueryError(
            f"bbox's minimum longitude is east of its maximum, across the antimeridian, "
            f"which is not served: ask for the two sides as two boxes. {text!r}"
        )
    return BBox(min_lon, min_lat, max_lon, max_lat)


def parse_datetime(text: str) -> Period:
    """An instant (2026-05-01T10:30:00Z, or a date) or an interval a/b, a/.. or ../b, as a
    period: a value names the period its precision gives (a date is that day, a time to the
    second that second), and an interval runs from its start's period to the end of its
    end's. A time without a zone is UTC."""
    pieces = text.split("/")
    if len(pieces) == 1:
        if text in _OPEN:
            raise QueryError(f"datetime needs a date or time, or an interval a/b: {text!r}.")
        return Period(*_moment(text))
    if len(pieces) != 2:
        raise QueryError(f"datetime is one instant or one interval a/b, not {text!r}.")
    start = None if pieces[0] in _OPEN else _moment(pieces[0])[0]
    end = None if pieces[1] in _OPEN else _moment(pieces[1])[1]
    if start is not None and end is not None and end <= start:
        raise QueryError(f"datetime's interval ends before it starts: {text!r}.")
    return Period(start, end)


def _moment(text: str) -> tuple[datetime, datetime]:
    """The start and end (exclusive) of the period an RFC 3339 value names, in UTC."""
    found = _MOMENT.fullmatch(text)
    if found is None:
        raise QueryError(
            f"datetime values are RFC 3339 dates or date-times, such as 2026-05-01 or "
            f"2026-05-01T10:30:00Z, or .. for an open end; not {text!r}."
        )
    parts = found.groupdict()
    fraction = parts["fraction"] or ""
    precision = next(
        (unit for name, unit in _PRECISIONS if parts[name] is not None),
        timedelta(days=1),
    )
    if fraction:
        precision = timedelta(microseconds=max(1, 10 ** (6 - len(fraction))))
    try:
        start = datetime(
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            int(fraction[:6].ljust(6, "0")),
        )
        start -= _offset(parts["zone"])
    except (ValueError, OverflowError) as error:
        raise QueryError(f"datetime has no such moment: {text!r} ({error}).") from error
    return start, start + precision


_PRECISIONS = (
    ("second", timedelta(seconds=1)),
    ("minute", timedelta(minutes=1)),
    ("hour", timedelta(hours=1)),
)


def _offset(zone: str | None) -> timedelta:
    if zone is None or zone in "Zz":
        return timedelta()
    sign = -1 if zone[0] == "-" else 1
    hours, minutes = int(zone[1:3]), int(zone[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError("offset out of range")
    return sign * timedelta(hours=hours, minutes=minutes)


def parse_values(name: str, text: str) -> tuple[str, ...]:
    """One value, or several comma-separated, any of which an item may have."""
    values = tuple(value.strip() for value in text.split(",") if value.strip())
    if not values:
        raise QueryError(f"{name} needs a value (several go comma-separated).")
    return values


def points_in(bbox: BBox, lons: pd.Series, lats: pd.Series) -> np.ndarray:
    """Which points lie in the box, its edges included."""
    lon, lat = lons.to_numpy(dtype=float), lats.to_numpy(dtype=float)
    inside: np.ndarray = (
        (lon >= bbox.min_lon)
        & (lon <= bbox.max_lon)
        & (lat >= bbox.min_lat)
        & (lat <= bbox.max_lat)
    )
    return inside


def geometries_meeting(bbox: BBox, geometries: np.ndarray) -> np.ndarray:
    """Which geometries share at least a point with the box."""
    return np.asarray(shapely.intersects(geometries, bbox.box()), dtype=bool)


def values_in(frame: pd.DataFrame, values: Mapping[str, tuple[str, ...]]) -> np.ndarray:
    """Which rows have, for each property, one of its values."""
    chosen = np.ones(len(frame), dtype=bool)
    for name, wanted in values.items():
        chosen &= frame[name].isin(wanted).to_numpy()
    return chosen


@dataclass(frozen=True)
class Page:
    """One page of the matching rows and where its neighbours start."""

    rows: pd.DataFrame
    matched: int
    next_offset: int | None
    prev_offset: int | None


def page_of(frame: pd.DataFrame, chosen: np.ndarray, limit: int, offset: int) -> Page:
    """The `limit` chosen rows after the first `offset`, in the frame's order."""
    positions = np.flatnonzero(chosen)
    matched = len(positions)
    start = min(offset, matched)
    rows = frame.iloc[positions[start : start + limit]]
    following = offset + limit if offset + limit < matched else None
    previous = max(0, min(offset, matched) - limit) if offset > 0 else None
    return Page(rows, matched, following, previous)


def rfc3339(moment: datetime) -> str:
    """A UTC time (stored without a zone) as RFC 3339, to the second."""
    return moment.replace(tzinfo=UTC, microsecond=0).isoformat().replace("+00:00", "Z")
