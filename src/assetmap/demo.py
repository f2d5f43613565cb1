"""The embedded demo municipality: central Helsinki from OpenStreetMap (see data/README.md),
and an invented community living in it: people with their gifts, local groups, the links
between them and eight weeks of history (data/demo/community.json, all marked illustrative).
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from assetmap.accounts import Actor
from assetmap.config import DEMO_DIR
from assetmap.io.files import read_layer
from assetmap.io.gazetteer import gazetteer_from_csv
from assetmap.io.readers import rows_from_file
from assetmap.models import KINDS
from assetmap.register.actions import add_entry, set_entry_status
from assetmap.register.areas import DEMO_COMMUNITY_NOTE, list_areas, replace_areas
from assetmap.register.assets import AssetFilter, count_by_status, list_assets, update_asset
from assetmap.register.backdating import date_back
from assetmap.register.gazetteer import replace_gazetteer
from assetmap.register.importing import import_rows
from assetmap.register.indicators import import_indicators, list_indicators, save_indicator
from assetmap.register.links import add_link, end_link
from assetmap.register.network import replace_walk_network
from assetmap.register.snapshots import save_snapshot
from assetmap.storage import Database, utc_now

AREAS_FILE = "areas.geojson"
ASSETS_FILE = "assets.geojson"
NETWORK_FILE = "walk_network.geojson"
INDICATORS_FILE = "indicators.csv"
GAZETTEER_FILE = "gazetteer.csv"
COMMUNITY_FILE = "community.json"
ILLUSTRATIVE_SOURCE = "illustrative"
"""The source of every invented asset: exports carry it, the app names it "Illustrative"."""
OSM_REFERENCE = "osm:"
"""community.json names a real asset by its OpenStreetMap element: "osm:way/596937289"."""
HISTORY_DAYS = 56
"""The OSM assets arrive this many days before the demo is loaded; the community after."""
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
    people: int = 0
    """Invented people added (0 with `minimal`, or when the community is already there)."""
    links: int = 0


def is_empty(db: Database) -> bool:
    no_areas = db.scalar("SELECT count(*) FROM areas") == 0
    return no_areas and sum(count_by_status(db).values()) == 0


def _has_community(db: Database) -> bool:
    stored = list_assets(db, AssetFilter(statuses=()))
    return bool((stored["source"] == ILLUSTRATIVE_SOURCE).any())


def load_demo(
    db: Database, actor: Actor, demo_dir: Path = DEMO_DIR, *, minimal: bool = False
) -> DemoReport:
    """Load the demo areas, its approved OSM assets (those already loaded are skipped), the
    addresses and places to search, and, unless `minimal`, the invented community with its
    history (once: a database that has it keeps it).

    `minimal` is the small demo of places and institutions only: no associations, people,
    links or history.
    """
    # Stored times are kept to the millisecond: from here on, every one is at or after this.
    now = utc_now()
    started = now.replace(microsecond=now.microsecond // 1000 * 1000)
    community_there = _has_community(db)
    areas_gdf = read_layer(demo_dir / AREAS_FILE)
    if not minimal or community_there:
        areas_gdf["note"] = DEMO_COMMUNITY_NOTE
    areas = replace_areas(db, areas_gdf, actor)
    rows = rows_from_file(demo_dir / ASSETS_FILE)
    if minimal:
        rows = [row for row in rows if row["kind"] != "association"]
    report = import_rows(db, rows, actor, status="approved")
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
    if minimal or community_there:
        return DemoReport(areas=areas, assets_added=report.added)
    date_back(db, actor, started, started - timedelta(days=HISTORY_DAYS))
    story = json.loads((demo_dir / COMMUNITY_FILE).read_text("utf-8"))
    community = _Community(db, actor, started)
    community.tell(story)
    return DemoReport(
        areas=areas,
        assets_added=report.added + len(community.assets),
        people=community.people,
        links=len(community.links),
    )


Event = Callable[[datetime], None]
"""One thing that happens in the demo's story, given the moment it happens."""


class _Community:
    """The invented community of community.json, told day by day: each day's records are
    written through the register, then dated back to that day (register.backdating)."""

    def __init__(self, db: Database, actor: Actor, started: datetime):
        self.db, self.actor, self.started = db, actor, started
        stored = list_assets(db, AssetFilter(statuses=()))
        osm = stored[stored["source"] == "osm"]
        self.ids: dict[str, str] = {
            OSM_REFERENCE + str(source_id): str(asset_id)
            for source_id, asset_id in zip(osm["source_id"], osm["id"], strict=True)
        }
        self.assets: list[str] = []
        self.people = 0
        self.links: dict[tuple[str, str, str], str] = {}

    def tell(self, story: dict[str, Any]) -> None:
        """Two chapters, before and after the saved meeting view: each chapter's new assets
        arrive in one import, dated back to their days, then its days' events in order."""
        view = story["saved_view"]
        days: dict[int, list[Event]] = defaultdict(list)
        for link in story["links"]:
            days[link["added_days_ago"]].append(partial(self._add_link, link))
        for change in story["changes"]:
            days[change["days_ago"]].append(partial(self._change, change))
        framework = story["framework"]
        for entry in framework["entries"]:
            days[entry["days_ago"]].append(partial(self._log, framework["area"], entry))
        days[view["days_ago"]].append(partial(self._save_view, view["name"]))
        for before_view in (True, False):
            rows = [
                row
                for row in story["assets"]
                if (row["added_days_ago"] >= view["days_ago"]) == before_view
            ]
            self._add_assets(rows)
            for days_ago in sorted({row["added_days_ago"] for row in rows}, reverse=True):
                arrived = [self.ids[r["key"]] for r in rows if r["added_days_ago"] == days_ago]
                date_back(self.db, self.actor, self.started, self._moment(days_ago), arrived)
            chapter = [d for d in days if (d >= view["days_ago"]) == before_view]
            for days_ago in sorted(chapter, reverse=True):
                for event in days[days_ago]:
                    event(self._moment(days_ago))
                date_back(self.db, self.actor, self.started, self._moment(days_ago))

    def _moment(self, days_ago: int) -> datetime:
        return self.started - timedelta(days=days_ago)

    def _add_assets(self, rows: list[dict[str, Any]]) -> None:
        """New assets, marked illustrative; people with their consent recorded."""
        fields = []
        for row in rows:
            self.ids[row["key"]] = uuid.uuid4().hex
            fields.append(
                {k: v for k, v in row.items() if k not in ("key", "added_days_ago")}
                | {"id": self.ids[row["key"]], "source_id": row["key"]}
                | {"consent": row["kind"] == "person"}
            )
            self.people += row["kind"] == "person"
        import_rows(self.db, fields, self.actor, status="approved", source=ILLUSTRATIVE_SOURCE)
        self.assets.extend(row["key"] for row in rows)

    def _add_link(self, link: dict[str, Any], _moment: datetime) -> None:
        since = link.get("since")
        made = add_link(
            self.db,
            self.actor,
            self.ids[link["from"]],
            self.ids[link["to"]],
            link["type"],
            link.get("role", ""),
            start=date.fromisoformat(since) if since else None,
        )
        self.links[(link["from"], link["type"], link["to"])] = made.id

    def _change(self, change: dict[str, Any], moment: datetime) -> None:
        if "end_link" in change:
            source, link_type, target = change["end_link"]
            end_link(self.db, self.actor, self.links[(source, link_type, target)], moment.date())
        else:
            update_asset(self.db, self.ids[change["asset"]], change["fields"], self.actor)

    def _log(self, area_id: str, entry: dict[str, Any], moment: datetime) -> None:
        due = entry.get("due_in_days")
        entry_id = add_entry(
            self.db,
            self.actor,
            area_id,
            entry["step"],
            entry["text"],
            entry.get("owner", ""),
            due=None if due is None else moment.date() + timedelta(days=due),
            asset_ids=tuple(self.ids[key] for key in entry.get("assets", ())),
        )
        if entry.get("status", "open") != "open":
            set_entry_status(self.db, self.actor, entry_id, entry["status"])

    def _save_view(self, name: str, _moment: datetime) -> None:
        areas = list_areas(self.db)
        west, south, east, north = areas.total_bounds
        centre = {"lat": (south + north) / 2, "lng": (west + east) / 2}
        save_snapshot(
            self.db, self.actor, name, {"kinds": list(KINDS), "center": centre, "zoom": 15}
        )
