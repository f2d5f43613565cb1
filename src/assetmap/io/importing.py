"""Importing assets from files: validate every row first, then store all or nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assetmap.accounts import Actor
from assetmap.assets import add_assets, known_ids, known_source_ids, validate_assets
from assetmap.db import Database
from assetmap.i18n import gettext
from assetmap.io.readers import rows_from_file
from assetmap.models import Asset, Problem

MAX_PROBLEMS_IN_MESSAGE = 5


class ImportRejectedError(ValueError):
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
class ImportReport:
    added: int
    skipped_duplicates: int


def _without_duplicates(db: Database, assets: Sequence[Asset]) -> list[Asset]:
    """Drop assets whose id, or whose source and source id, are already stored or repeated."""
    taken_ids = known_ids(db)
    taken_sources = {name: known_source_ids(db, name) for name in {a.source for a in assets}}
    fresh = []
    for asset in assets:
        seen_source = taken_sources[asset.source]
        if asset.id in taken_ids or asset.source_id in seen_source:
            continue
        fresh.append(asset)
        taken_ids.add(str(asset.id))
        if asset.source_id is not None:
            seen_source.add(asset.source_id)
    return fresh


def import_rows(
    db: Database,
    rows: Sequence[Mapping[str, Any]],
    actor: Actor,
    status: str = "pending",
    source: str = "import",
    max_distance_km: float = 25.0,
) -> ImportReport:
    """Import raw rows as assets with the importer's status; skip ones already present."""
    prepared = [{"source": source, **row, "status": status} for row in rows]
    assets, problems = validate_assets(db, prepared, max_distance_km)
    if problems:
        raise ImportRejectedError(problems)
    fresh = _without_duplicates(db, assets)
    add_assets(db, fresh, actor)
    return ImportReport(added=len(fresh), skipped_duplicates=len(assets) - len(fresh))


def import_assets_file(
    db: Database,
    path: Path,
    actor: Actor,
    status: str = "pending",
    max_distance_km: float = 25.0,
    max_bytes: int | None = None,
) -> ImportReport:
    rows = rows_from_file(path, max_bytes)
    return import_rows(db, rows, actor, status=status, max_distance_km=max_distance_km)
