"""The stored gazetteer: addresses, streets and named places to search, by source.

Building from an OpenStreetMap extract replaces the `osm` entries; importing a national
register replaces that register's. Each replacement is one transaction: all or nothing.
The assets themselves are not copied here: they are searched live, where they are stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from assetmap.accounts import Actor, require
from assetmap.i18n import gettext
from assetmap.io.files import ImportFileError
from assetmap.io.gazetteer import SOURCES, gazetteer_from_osm, gazetteer_from_register
from assetmap.models import GAZETTEER_COLUMNS, GAZETTEER_KINDS
from assetmap.storage import Database, utc_now

COLUMNS = ("source", *GAZETTEER_COLUMNS)
SELECT_GAZETTEER = f"SELECT {', '.join(GAZETTEER_COLUMNS)} FROM gazetteer"


@dataclass(frozen=True)
class GazetteerReport:
    source: str
    entries: int


def replace_gazetteer(db: Database, actor: Actor, source: str, entries: pd.DataFrame) -> int:
    """Replace the entries of `source` with `entries` (columns GAZETTEER_COLUMNS)."""
    require(actor, "manage_layers")
    if source not in SOURCES:
        raise ValueError(f"unknown gazetteer source {source!r}")
    frame = entries.loc[:, list(GAZETTEER_COLUMNS)]
    if not frame["kind"].isin(GAZETTEER_KINDS).all():
        raise ValueError("gazetteer kinds must be one of " + ", ".join(GAZETTEER_KINDS))
    finite = np.isfinite(frame["lon"].to_numpy(float)) & np.isfinite(frame["lat"].to_numpy(float))
    frame = frame[finite & (frame["name"].astype(str).str.strip() != "")]
    rows = [
        (source, kind, name, _text(number), _text(locality), float(lon), float(lat))
        for kind, name, number, locality, lon, lat in frame.itertuples(index=False)
    ]
    with db.transaction() as session:
        session.execute("DELETE FROM gazetteer WHERE source = ?", (source,))
        session.insert_rows("gazetteer", COLUMNS, rows)
        session.execute("DELETE FROM gazetteer_sources WHERE source = ?", (source,))
        session.execute(
            "INSERT INTO gazetteer_sources (source, entries, loaded_at) VALUES (?, ?, ?)",
            (source, len(rows), utc_now()),
        )
    return len(rows)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def build_gazetteer(db: Database, actor: Actor, extract: Path) -> GazetteerReport:
    """Replace the OpenStreetMap entries with those of an extract (.osm.pbf)."""
    entries = gazetteer_from_osm(extract)
    if entries.empty:
        raise ImportFileError(
            gettext("{name} has no addresses, streets or named places.").format(name=extract.name)
        )
    return GazetteerReport("osm", replace_gazetteer(db, actor, "osm", entries))


def import_gazetteer(db: Database, actor: Actor, path: Path) -> GazetteerReport:
    """Replace a national register's entries with its file (recognised by its columns)."""
    source, entries = gazetteer_from_register(path)
    if entries.empty:
        raise ImportFileError(gettext("{name} has no addresses.").format(name=path.name))
    return GazetteerReport(source, replace_gazetteer(db, actor, source, entries))


def load_gazetteer(db: Database) -> pd.DataFrame:
    """Every stored entry, in the columns an AddressIndex is built from."""
    return db.frame(SELECT_GAZETTEER)


def gazetteer_counts(db: Database) -> dict[str, int]:
    """How many entries each source holds."""
    rows = db.rows("SELECT source, entries FROM gazetteer_sources ORDER BY source")
    return {str(source): int(count) for source, count in rows}


def gazetteer_state(db: Database) -> tuple[tuple[str, int, str], ...]:
    """Each source, its entries and when it was loaded: what a cached search index is keyed
    on (a few rows, read on every page run)."""
    rows = db.rows("SELECT source, entries, loaded_at FROM gazetteer_sources ORDER BY source")
    return tuple((str(source), int(count), str(loaded)) for source, count, loaded in rows)
