"""Importing assets: check every row first (a preview with a report per row), then store all
or nothing, skipping or merging the ones already on the map.

A file is read, checked and stored a batch of rows at a time (io.readers.row_batches), all in
one transaction, so memory does not grow with the file and a bad row anywhere leaves nothing
behind. Duplicates are found by the database: each batch is compared with what is stored,
the earlier batches of the same file included (they are stored by then, in the same
transaction). A preview runs the same steps and rolls them back.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from assetmap.accounts import Actor, require
from assetmap.errors import AssetmapError
from assetmap.i18n import gettext
from assetmap.io.readers import BATCH_ROWS, OSM_SUFFIXES, Rows, row_batches
from assetmap.models import Asset, Problem, ValidationError, distance_km, validate_asset
from assetmap.register.areas import areas_extent, list_areas
from assetmap.register.assets import insert_assets, merge_asset
from assetmap.storage import Database, Session, bump_data_version

MAX_PROBLEMS_IN_MESSAGE = 5
PROBLEMS_KEPT = 1000
"""Rows with problems, and duplicates, a preview lists; it counts them all."""
DUPLICATE_METRES = 50.0
"""Two assets with the same name closer than this are taken to be the same."""
CELL_DEGREES = 0.001
"""The grid the database looks for same-named neighbours in: a cell is 111 m high, so the
cells around a point's hold everything within DUPLICATE_METRES of it."""
LON_CELLS = 360_000

Progress = Callable[[float, str], None]
Batches = Callable[[], Iterable[Rows]]
"""Reads the rows again, a batch at a time: a preview reads them, the import after it again."""


class ImportRejectedError(AssetmapError, ValueError):
    """Some rows are invalid, so nothing was imported. `problems` is keyed by row number
    (at most PROBLEMS_KEPT rows); `count` is how many problems there are in all."""

    def __init__(self, problems: dict[int, list[Problem]], count: int | None = None):
        self.problems = problems
        lines = [
            gettext("row {row}: {problem}").format(row=row, problem=str(problem).rstrip("."))
            for row, row_problems in sorted(problems.items())
            for problem in row_problems
        ]
        shown = lines[:MAX_PROBLEMS_IN_MESSAGE]
        more = (len(lines) if count is None else count) - len(shown)
        suffix = gettext(" (and {n} more)").format(n=more) if more > 0 else ""
        super().__init__(
            gettext("Nothing was imported: {problems}{more}").format(
                problems="; ".join(shown), more=suffix
            )
        )


@dataclass(frozen=True)
class Duplicate:
    row: int
    existing_id: str
    existing_name: str
    reason: str
    stored: bool = True
    """Whether the asset it repeats was on the map before this import (what a merge updates),
    rather than an earlier row of the same file."""


@dataclass(frozen=True)
class _Options:
    status: str
    source: str
    max_distance_km: float


@dataclass
class ImportPreview:
    """What an import would do: how many rows, new assets and merges, and the problems and
    duplicates by row (the first PROBLEMS_KEPT of each, with their counts)."""

    rows: int = 0
    fresh: int = 0
    problems: dict[int, list[Problem]] = field(default_factory=dict)
    problem_rows: int = 0
    problem_count: int = 0
    duplicates: dict[int, Duplicate] = field(default_factory=dict)
    duplicate_rows: int = 0
    stored_duplicates: int = 0
    """Duplicates of assets already on the map: what on_duplicate="merge" updates."""
    read: Batches = field(default=tuple, repr=False, compare=False)
    options: _Options = field(default=_Options("pending", "import", 25.0), repr=False)

    def report(self) -> pd.DataFrame:
        """One line per problem: row, field, problem (duplicates included)."""
        lines = [
            {"row": row, "field": p.field, "problem": p.message}
            for row, problems in sorted(self.problems.items())
            for p in problems
        ] + [
            {"row": d.row, "field": "", "problem": d.reason}
            for d in sorted(self.duplicates.values(), key=lambda d: d.row)
        ]
        return pd.DataFrame(lines, columns=["row", "field", "problem"])

    def _problem(self, row: int, problems: list[Problem]) -> None:
        self.problem_rows += 1
        self.problem_count += len(problems)
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems[row] = problems

    def _duplicate(self, duplicate: Duplicate) -> None:
        self.duplicate_rows += 1
        self.stored_duplicates += duplicate.stored
        if len(self.duplicates) < PROBLEMS_KEPT:
            self.duplicates[duplicate.row] = duplicate


@dataclass(frozen=True)
class ImportReport:
    added: int
    merged: int
    skipped_duplicates: int


def _timestamp(value: Any) -> Any:
    try:
        moment = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    if pd.isna(moment):
        return None
    return moment.tz_convert(None).to_pydatetime() if moment.tzinfo else moment.to_pydatetime()


def _checked(row: Mapping[str, Any], extent: Any, max_distance_km: float) -> Asset:
    asset = validate_asset(row, extent=extent, max_distance_km=max_distance_km)
    if row.get("created_at") is None and row.get("updated_at") is None:
        return asset
    return asset.with_changes(
        created_at=_timestamp(row.get("created_at")), updated_at=_timestamp(row.get("updated_at"))
    )


SAME_ID = """
    SELECT k.row_number, a.id, a.name, m.row_number FROM {keys} k
    JOIN assets a ON a.id = k.id LEFT JOIN {imported} m ON m.id = a.id
"""
SAME_SOURCE = """
    SELECT k.row_number, a.id, a.name, m.row_number FROM {keys} k
    JOIN assets a ON a.source = k.source AND a.source_id = k.source_id
    LEFT JOIN {imported} m ON m.id = a.id
    ORDER BY a.name, a.id
"""
SAME_NAME_NEARBY = f"""
    SELECT k.row_number, a.id, a.name, m.row_number, a.lon, a.lat FROM {{keys}} k
    JOIN assets a ON lower(a.name) = lower(k.name)
        AND CAST(floor((a.lat + 90) / {CELL_DEGREES}) AS BIGINT)
            BETWEEN k.cell_y - 1 AND k.cell_y + 1
        AND (CAST(floor((a.lon + 180) / {CELL_DEGREES}) AS BIGINT) - k.cell_x + {LON_CELLS}
            + k.across) % {LON_CELLS} <= 2 * k.across
    LEFT JOIN {{imported}} m ON m.id = a.id
    ORDER BY a.name, a.id
"""
"""Stored assets with the same name (in any case) in the grid cells around each row's point:
the few that are then measured exactly."""


def _cell(lon: float, lat: float) -> tuple[int, int, int]:
    """The grid cell of (lon, lat), and how many cells east and west of it hold points within
    DUPLICATE_METRES (one cell north and south always do)."""
    metres_per_cell = 111_195 * CELL_DEGREES * math.cos(math.radians(min(89.99, abs(lat) + 0.01)))
    across = min(LON_CELLS // 2, math.ceil(DUPLICATE_METRES / metres_per_cell))
    return (
        math.floor((lon + 180) / CELL_DEGREES) % LON_CELLS,
        math.floor((lat + 90) / CELL_DEGREES),
        across,
    )


@dataclass
class _Match:
    """An asset a row may repeat: its id and name, the row it came in with (None when it was
    stored before this import), and its point."""

    id: str
    name: str
    row: int | None
    lon: float = math.nan
    lat: float = math.nan


class _Known:
    """What a batch's rows may repeat: what is stored (found by the database, earlier batches
    of the file included), then the batch's own earlier rows. Earlier rows of the file come
    after what was stored before, in file order: the stored one is the one to name and merge
    into."""

    def __init__(self, session: Session, tables: _Tables, batch: list[tuple[int, Asset]]):
        session.execute(f"DELETE FROM {tables.keys}")
        session.insert_rows(
            tables.keys,
            KEY_COLUMNS,
            [(row, a.id, a.source, a.source_id, a.name, *_cell(a.lon, a.lat)) for row, a in batch],
        )
        self.stored_ids: dict[int, _Match] = {}
        for row, asset_id, name, file_row in session.rows(tables.format(SAME_ID)):
            self.stored_ids[row] = _Match(str(asset_id), str(name), file_row)
        self.stored_sources: dict[int, list[_Match]] = {}
        for row, asset_id, name, file_row in session.rows(tables.format(SAME_SOURCE)):
            found = _Match(str(asset_id), str(name), file_row)
            self.stored_sources.setdefault(row, []).append(found)
        self.stored_names: dict[int, list[_Match]] = {}
        for row, asset_id, name, file_row, lon, lat in session.rows(
            tables.format(SAME_NAME_NEARBY)
        ):
            found = _Match(str(asset_id), str(name), file_row, lon, lat)
            self.stored_names.setdefault(row, []).append(found)
        self.ids: dict[str, _Match] = {}
        self.sources: dict[tuple[str, str], _Match] = {}
        self.by_name: dict[str, list[_Match]] = {}

    def duplicate_of(self, row: int, asset: Asset) -> tuple[_Match, str] | None:
        if asset.id and (found := self.stored_ids.get(row) or self.ids.get(asset.id)):
            return found, gettext("the same id is already on the map")
        if asset.source_id and (
            found := _first(self.stored_sources.get(row, []))
            or self.sources.get((asset.source, asset.source_id))
        ):
            return found, gettext("the same source record is already on the map")
        name = asset.name.casefold()
        nearby = sorted(self.stored_names.get(row, []), key=_stored_first)
        for match in [*nearby, *self.by_name.get(name, [])]:
            same_name = match.name.casefold() == name
            if same_name and distance_km(asset.lon, asset.lat, match.lon, match.lat) * 1000 <= (
                DUPLICATE_METRES
            ):
                return match, gettext("an asset with this name is within 50 m")
        return None

    def add(self, row: int, asset: Asset) -> _Match:
        """Remember a new asset of the batch; its match learns its id when it is stored."""
        match = _Match(asset.id or "", asset.name, row, asset.lon, asset.lat)
        if asset.id:
            self.ids[asset.id] = match
        if asset.source_id:
            self.sources[(asset.source, asset.source_id)] = match
        self.by_name.setdefault(asset.name.casefold(), []).append(match)
        return match


KEY_COLUMNS = ("row_number", "id", "source", "source_id", "name", "cell_x", "cell_y", "across")


def _stored_first(match: _Match) -> tuple[bool, int]:
    return match.row is not None, match.row or 0


def _first(matches: list[_Match]) -> _Match | None:
    """The one a row repeats among stored assets with the same source record: the last of
    those stored before the import (by name and id), else the file's earliest."""
    before = [m for m in matches if m.row is None]
    if before:
        return before[-1]
    return min(matches, key=_stored_first, default=None)


@dataclass(frozen=True)
class _Tables:
    """The import's working tables, dropped with its transaction or before it commits."""

    imported: str
    keys: str

    @classmethod
    def create(cls, session: Session) -> _Tables:
        tag = uuid.uuid4().hex
        tables = cls(f"import_ids_{tag}", f"import_keys_{tag}")
        session.execute(f"CREATE TEMPORARY TABLE {tables.imported} (id TEXT, row_number BIGINT)")
        session.execute(
            f"CREATE TEMPORARY TABLE {tables.keys} (row_number BIGINT, id TEXT, source TEXT, "
            "source_id TEXT, name TEXT, cell_x BIGINT, cell_y BIGINT, across BIGINT)"
        )
        return tables

    def format(self, sql: str) -> str:
        return sql.format(imported=self.imported, keys=self.keys)

    def drop(self, session: Session) -> None:
        session.execute(f"DROP TABLE {self.imported}")
        session.execute(f"DROP TABLE {self.keys}")


class _RolledBack(AssetmapError):
    """Raised inside the transaction of a preview, or of an import with problems, to undo it;
    caught where it is raised (_run), so no one else meets it."""


def _run(
    db: Database,
    read: Batches,
    options: _Options,
    *,
    actor: Actor | None = None,
    on_duplicate: str = "skip",
    total: int | None = None,
    progress: Progress | None = None,
) -> ImportPreview:
    """Check the rows batch by batch, find the duplicates and store the new assets, in one
    transaction that is kept only when `actor` imports and no row has a problem."""
    if actor is not None:
        require(actor, "import")
    preview = ImportPreview(read=read, options=options)
    extent = areas_extent(db)
    areas = list_areas(db)
    try:
        with db.transaction() as session:
            tables = _Tables.create(session)
            for batch in read():
                _check_batch(session, tables, preview, batch, extent, areas, actor, on_duplicate)
                if progress:
                    done = (
                        preview.rows / total
                        if total
                        else preview.rows / (preview.rows + BATCH_ROWS)
                    )
                    progress(done, gettext("Checked {n} rows").format(n=preview.rows))
            if actor is None or preview.problem_rows:
                raise _RolledBack("The file was only checked, or had problems: nothing was stored.")
            tables.drop(session)
            bump_data_version(session)
    except _RolledBack:
        pass
    return preview


def _check_batch(
    session: Session,
    tables: _Tables,
    preview: ImportPreview,
    batch: Rows,
    extent: Any,
    areas: Any,
    actor: Actor | None,
    on_duplicate: str,
) -> None:
    options = preview.options
    valid: list[tuple[int, Asset]] = []
    for number, raw in enumerate(batch, start=preview.rows + 1):
        try:
            asset = _checked(
                {"source": options.source, **raw, "status": options.status},
                extent,
                options.max_distance_km,
            )
        except ValidationError as error:
            preview._problem(number, error.problems)
            continue
        valid.append((number, asset))
    preview.rows += len(batch)
    known = _Known(session, tables, valid)
    fresh: list[tuple[int, Asset, _Match]] = []
    merges: list[tuple[str, Asset]] = []
    for number, asset in valid:
        found = known.duplicate_of(number, asset)
        if found:
            match, reason = found
            message = gettext("Row {row} looks like \u201c{name}\u201d: {reason}.").format(
                row=number, name=match.name, reason=reason
            )
            stored = match.row is None
            preview._duplicate(Duplicate(number, match.id, match.name, message, stored))
            if stored and on_duplicate == "merge":
                merges.append((match.id, asset))
            continue
        fresh.append((number, asset, known.add(number, asset)))
    preview.fresh += len(fresh)
    ids = insert_assets(session, [asset for _, asset, _ in fresh], actor, areas)
    for (_, _, match), asset_id in zip(fresh, ids, strict=True):
        match.id = asset_id
    session.insert_rows(
        tables.imported,
        ("id", "row_number"),
        [(asset_id, row) for (row, _, _), asset_id in zip(fresh, ids, strict=True)],
    )
    if actor is not None:
        for existing_id, incoming in merges:
            merge_asset(session, existing_id, incoming, actor)


def _report(preview: ImportPreview, on_duplicate: str) -> ImportReport:
    merged = preview.stored_duplicates if on_duplicate == "merge" else 0
    return ImportReport(
        added=preview.fresh, merged=merged, skipped_duplicates=preview.duplicate_rows - merged
    )


def _rejected(preview: ImportPreview) -> ImportRejectedError:
    return ImportRejectedError(preview.problems, preview.problem_count)


def _rows_read(rows: Sequence[Mapping[str, Any]]) -> Batches:
    def read() -> Iterator[Rows]:
        for start in range(0, len(rows), BATCH_ROWS):
            yield [dict(row) for row in rows[start : start + BATCH_ROWS]]

    return read


def preview_import(
    db: Database,
    rows: Sequence[Mapping[str, Any]],
    *,
    status: str = "pending",
    source: str = "import",
    max_distance_km: float = 25.0,
    progress: Progress | None = None,
) -> ImportPreview:
    """Check every row, and find the ones already on the map; nothing is written."""
    options = _Options(status, source, max_distance_km)
    return _run(db, _rows_read(rows), options, total=len(rows), progress=progress)


def _source_of(path: Path) -> str:
    return "osm" if path.name.lower().endswith(OSM_SUFFIXES) else "import"


def _file_read(
    path: Path, max_bytes: int | None, lon_column: str | None, lat_column: str | None
) -> Batches:
    return lambda: row_batches(path, max_bytes, lon_column, lat_column)


def preview_file(
    db: Database,
    path: Path,
    *,
    status: str = "pending",
    max_distance_km: float = 25.0,
    max_bytes: int | None = None,
    lon_column: str | None = None,
    lat_column: str | None = None,
    progress: Progress | None = None,
) -> ImportPreview:
    """preview_import for a file, read a batch at a time (io.readers.row_batches); the file
    is read again when the preview is imported."""
    options = _Options(status, _source_of(path), max_distance_km)
    read = _file_read(path, max_bytes, lon_column, lat_column)
    return _run(db, read, options, progress=progress)


def commit_import(
    db: Database,
    preview: ImportPreview,
    actor: Actor,
    *,
    on_duplicate: str = "skip",
    progress: Progress | None = None,
) -> ImportReport:
    """Store a checked import all together; duplicates are skipped or merged into the existing.

    The rows are read and checked again as they are stored, against the data as it is now.
    """
    if preview.problems:
        raise _rejected(preview)
    report = _stored(db, preview.read, preview.options, actor, on_duplicate, preview.rows, progress)
    if progress:
        progress(1.0, gettext("Done"))
    return report


def _stored(
    db: Database,
    read: Batches,
    options: _Options,
    actor: Actor,
    on_duplicate: str,
    total: int | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Check and store what `read` gives in one transaction, all or nothing."""
    done = _run(
        db, read, options, actor=actor, on_duplicate=on_duplicate, total=total, progress=progress
    )
    if done.problems:
        raise _rejected(done)
    return _report(done, on_duplicate)


def import_rows(
    db: Database,
    rows: Sequence[Mapping[str, Any]],
    actor: Actor,
    *,
    status: str = "pending",
    source: str = "import",
    max_distance_km: float = 25.0,
    on_duplicate: str = "skip",
) -> ImportReport:
    """Check and import raw rows in one go (all or nothing)."""
    options = _Options(status, source, max_distance_km)
    return _stored(db, _rows_read(rows), options, actor, on_duplicate, total=len(rows))


def import_assets_file(
    db: Database,
    path: Path,
    actor: Actor,
    *,
    status: str = "pending",
    max_distance_km: float = 25.0,
    max_bytes: int | None = None,
    on_duplicate: str = "skip",
    lon_column: str | None = None,
    lat_column: str | None = None,
) -> ImportReport:
    """Check and import a file in one pass, a batch at a time, all or nothing."""
    options = _Options(status, _source_of(path), max_distance_km)
    read = _file_read(path, max_bytes, lon_column, lat_column)
    return _stored(db, read, options, actor, on_duplicate)
