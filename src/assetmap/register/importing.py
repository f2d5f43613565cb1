"""Importing assets: check every row first (a preview with a report per row), then store all
or nothing, skipping or merging the ones already on the map.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from assetmap.accounts import Actor
from assetmap.errors import AssetmapError
from assetmap.i18n import gettext
from assetmap.io.readers import rows_from_file
from assetmap.models import Asset, Problem, ValidationError, distance_km, validate_asset
from assetmap.register.areas import areas_extent
from assetmap.register.assets import AssetFilter, add_assets, list_assets
from assetmap.storage import Database

MAX_PROBLEMS_IN_MESSAGE = 5
DUPLICATE_METRES = 50.0
"""Two assets with the same name closer than this are taken to be the same."""
PROGRESS_EVERY = 200

Progress = Callable[[float, str], None]


class ImportRejectedError(AssetmapError, ValueError):
    """Some rows are invalid, so nothing was imported. `problems` is keyed by row number."""

    def __init__(self, problems: dict[int, list[Problem]]):
        self.problems = problems
        lines = [
            gettext("row {row}: {problem}").format(row=row, problem=str(problem).rstrip("."))
            for row, row_problems in sorted(problems.items())
            for problem in row_problems
        ]
        shown = "; ".join(lines[:MAX_PROBLEMS_IN_MESSAGE])
        more = len(lines) - MAX_PROBLEMS_IN_MESSAGE
        suffix = gettext(" (and {n} more)").format(n=more) if more > 0 else ""
        super().__init__(
            gettext("Nothing was imported: {problems}{more}").format(problems=shown, more=suffix)
        )


@dataclass(frozen=True)
class Duplicate:
    row: int
    existing_id: str
    existing_name: str
    reason: str


@dataclass
class ImportPreview:
    """What an import would do: the clean rows, the problems and the duplicates, by row."""

    rows: int
    assets: dict[int, Asset] = field(default_factory=dict)
    problems: dict[int, list[Problem]] = field(default_factory=dict)
    duplicates: dict[int, Duplicate] = field(default_factory=dict)

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
    return asset.with_changes(
        created_at=_timestamp(row.get("created_at")), updated_at=_timestamp(row.get("updated_at"))
    )


class _Known:
    """What is already stored (or earlier in the file), for finding duplicates."""

    def __init__(self, db: Database):
        stored = list_assets(db, AssetFilter(statuses=()))
        self.ids = dict(zip(stored["id"], stored["name"], strict=True))
        self.sources = {
            (source, source_id): (asset_id, name)
            for asset_id, name, source, source_id in stored[
                ["id", "name", "source", "source_id"]
            ].itertuples(index=False)
            if source_id
        }
        self.by_name: dict[str, list[tuple[str, str, float, float]]] = {}
        for asset_id, name, lon, lat in stored[["id", "name", "lon", "lat"]].itertuples(
            index=False
        ):
            self.by_name.setdefault(name.casefold(), []).append((asset_id, name, lon, lat))

    def duplicate_of(self, asset: Asset) -> tuple[str, str, str] | None:
        if asset.id and asset.id in self.ids:
            return asset.id, self.ids[asset.id], gettext("the same id is already on the map")
        if asset.source_id and (asset.source, asset.source_id) in self.sources:
            asset_id, name = self.sources[(asset.source, asset.source_id)]
            return asset_id, name, gettext("the same source record is already on the map")
        for asset_id, name, lon, lat in self.by_name.get(asset.name.casefold(), []):
            if distance_km(asset.lon, asset.lat, lon, lat) * 1000 <= DUPLICATE_METRES:
                return asset_id, name, gettext("an asset with this name is within 50 m")
        return None

    def add(self, asset: Asset) -> None:
        key = asset.id or f"row:{id(asset)}"
        self.ids[key] = asset.name
        if asset.source_id:
            self.sources[(asset.source, asset.source_id)] = (key, asset.name)
        self.by_name.setdefault(asset.name.casefold(), []).append(
            (key, asset.name, asset.lon, asset.lat)
        )


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
    preview = ImportPreview(rows=len(rows))
    extent = areas_extent(db)
    known = _Known(db)
    for number, raw in enumerate(rows, start=1):
        if progress and number % PROGRESS_EVERY == 0:
            progress(number / max(1, len(rows)), gettext("Checked {n} rows").format(n=number))
        try:
            asset = _checked({"source": source, **raw, "status": status}, extent, max_distance_km)
        except ValidationError as error:
            preview.problems[number] = error.problems
            continue
        found = known.duplicate_of(asset)
        if found:
            existing_id, existing_name, reason = found
            message = gettext("Row {row} looks like \u201c{name}\u201d: {reason}.").format(
                row=number, name=existing_name, reason=reason
            )
            preview.duplicates[number] = Duplicate(number, existing_id, existing_name, message)
        else:
            known.add(asset)
        preview.assets[number] = asset
    return preview


def commit_import(
    db: Database,
    preview: ImportPreview,
    actor: Actor,
    *,
    on_duplicate: str = "skip",
    progress: Progress | None = None,
) -> ImportReport:
    """Store a checked import all together; duplicates are skipped or merged into the existing."""
    if preview.problems:
        raise ImportRejectedError(preview.problems)
    fresh = [a for row, a in preview.assets.items() if row not in preview.duplicates]
    merges = []
    if on_duplicate == "merge":
        stored_ids = set(list_assets(db, AssetFilter(statuses=()))["id"])
        merges = [
            (d.existing_id, preview.assets[row])
            for row, d in preview.duplicates.items()
            if d.existing_id in stored_ids
        ]
    if progress:
        progress(0.9, gettext("Saving {n} assets").format(n=len(fresh) + len(merges)))
    add_assets(db, fresh, actor, merges)
    if progress:
        progress(1.0, gettext("Done"))
    return ImportReport(
        added=len(fresh),
        merged=len(merges),
        skipped_duplicates=len(preview.duplicates) - len(merges),
    )


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
    preview = preview_import(
        db, rows, status=status, source=source, max_distance_km=max_distance_km
    )
    return commit_import(db, preview, actor, on_duplicate=on_duplicate)


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
    rows = rows_from_file(path, max_bytes, lon_column, lat_column)
    source = "osm" if path.name.lower().endswith((".osm.pbf", ".osm")) else "import"
    return import_rows(
        db,
        rows,
        actor,
        status=status,
        source=source,
        max_distance_km=max_distance_km,
        on_duplicate=on_duplicate,
    )
