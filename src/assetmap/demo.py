"""The embedded demo municipality: central Helsinki from OpenStreetMap (see data/README.md)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from assetmap.accounts import Actor
from assetmap.config import DEMO_DIR
from assetmap.io.files import read_layer
from assetmap.io.gazetteer import gazetteer_from_csv
from assetmap.io.readers import rows_from_file
from assetmap.register.areas import replace_areas
from assetmap.register.assets import count_by_status
from assetmap.register.gazetteer import replace_gazetteer
from assetmap.register.importing import import_rows
from assetmap.register.indicators import import_indicators, list_indicators, save_indicator
from assetmap.register.network import replace_walk_network
from assetmap.storage import Database

AREAS_FILE = "areas.geojson"
ASSETS_FILE = "assets.geojson"
NETWORK_FILE = "walk_network.geojson"
INDICATORS_FILE = "indicators.csv"
GAZETTEER_FILE = "gazetteer.csv"
ILLUSTRATIVE = "Illustrative figures made up for the demo, not statistics"
INDICATOR_LABELS = {
    "population": ("Residents (illustrative)", "people"),
    "need_index": ("Need index (illustrative)", "points"),
    "median_income_eur": ("Median income (illustrative)", "EUR"),
}


@dataclass(frozen=True)
class DemoReport:
    areas: int
    assets_added: int


def is_empty(db: Database) -> bool:
    no_areas = db.scalar("SELECT count(*) FROM areas") == 0
    return no_areas and sum(count_by_status(db).values()) == 0


def load_demo(db: Database, actor: Actor, demo_dir: Path = DEMO_DIR) -> DemoReport:
    """Load the demo areas, its approved OSM assets (those already loaded are skipped) and the
    addresses and places to search."""
    areas = replace_areas(db, read_layer(demo_dir / AREAS_FILE), actor)
    report = import_rows(db, rows_from_file(demo_dir / ASSETS_FILE), actor, status="approved")
    replace_walk_network(db, actor, read_layer(demo_dir / NETWORK_FILE))
    replace_gazetteer(db, actor, "osm", gazetteer_from_csv(demo_dir / GAZETTEER_FILE))
    import_indicators(
        db,
        actor,
        demo_dir / INDICATORS_FILE,
        "area_id",
        year=2026,
        source=ILLUSTRATIVE,
        less_need=("median_income_eur",),
        population="population",
    )
    for indicator in list_indicators(db):
        label, unit = INDICATOR_LABELS[indicator.key]
        save_indicator(db, actor, replace(indicator, label=label, unit=unit))
    return DemoReport(areas=areas, assets_added=report.added)
