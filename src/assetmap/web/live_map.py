"""The live asset map: one payload per map, made once and shared by every session, kept up
to date by sending what changed instead of the whole map again."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from assetmap.api.map_data import MAP_PAYLOADS, inline_map_data, map_data_url, payload_digest
from assetmap.i18n import language
from assetmap.register.assets import AssetFilter, list_assets
from assetmap.register.links import links_to_lines, list_links, public_links
from assetmap.register.privacy import public_assets
from assetmap.render.map_payload import MAP_BINARY_TYPE, DrawnVersions, MapRows, map_changes
from assetmap.render.mapping import (
    DETAIL_LIMIT,
    SUMMARY_FIELDS,
    FetchedAssets,
    build_asset_map,
    changes_html,
    found_place_layer,
    go_to_script,
    location_from_click,
    open_popup_script,
    picked_point_layer,
)
from assetmap.render.permalink import MapAddress, MapView
from assetmap.storage import Database, utc_now
from assetmap.web import map_address
from assetmap.web.caches import (
    ALL_COLUMNS,
    View,
    areas_at,
    asset_versions_at,
    clear_with_each_version,
    current_view,
    map_asset_batches,
    shown_count,
)
from assetmap.web.folium_bridge import component_arguments, layer_script, show_component
from assetmap.web.login import login_travels_by_cookie
from assetmap.web.resources import database, map_scripts, settings, url_prefix

MAX_MAP_CHANGES = 2_000
"""Beyond this many changed assets, a map's payload is made anew instead of updated."""


@dataclass(frozen=True)
class _MapKey:
    """Everything a map's payload depends on besides the assets' data."""

    location: str
    asset_filter: AssetFilter
    private: bool
    lapsed: int
    areas: str
    language: str
    links_on: date | None
    height: int
    inline: bool = False
    """The payload goes in the map's script: the team's, for a login the route cannot see."""


@dataclass(frozen=True)
class _MapBase:
    """A map's component arguments as made at `version`, and what it drew: the version of
    each asset by id, in payload order."""

    version: int
    name: str
    arguments: dict[str, Any]
    drawn: DrawnVersions
    details: bool


class _MapBases:
    """The newest payload of each map, kept while the data change.

    Remaking a map of 100,000 assets takes a second and sends megabytes; a change is sent
    as itself instead (_map_update), until there are too many.
    """

    KEPT = 8

    def __init__(self) -> None:
        self._bases: dict[_MapKey, _MapBase] = {}
        self._lock = threading.Lock()

    def get(self, key: _MapKey) -> _MapBase | None:
        return self._bases.get(key)

    def make(self, key: _MapKey, version: int, build: Callable[[], _MapBase]) -> _MapBase:
        """The base for `key` at `version`, built once even when sessions ask together."""
        with self._lock:
            base = self._bases.get(key)
            if base is None or base.version != version:
                base = build()
                self._bases.pop(key, None)
                self._bases[key] = base
                while len(self._bases) > self.KEPT:
                    del self._bases[next(iter(self._bases))]
            return base


@st.cache_resource
def _map_bases() -> _MapBases:
    return _MapBases()


@st.cache_data(max_entries=8, show_spinner=False)
def _areas_digest(_db: Database, location: str, version: int) -> str:
    found = areas_at(_db, location, version)
    shapes = b"".join(found.geometry.to_wkb())
    named = "\n".join(f"{row.id}\t{row.name}" for row in found.itertuples())
    return hashlib.sha256(named.encode() + shapes).hexdigest()


def _map_base(db: Database, view: View, key: _MapKey) -> _MapBase:
    """The map's component arguments for the view's data.

    The payload is kept apart (api/map_data.py) and the map's script names it by its URL, so
    the websocket carries a script of a few kilobytes and the browser fetches the payload
    once, then takes it from its cache; the digest in the URL keys the component and names
    the changes the map watches for. A team's payload for a login the route cannot check
    (`key.inline`) goes in the script instead, as a data: URL.
    """
    details = shown_count(db, view) <= DETAIL_LIMIT
    rows = MapRows(details)
    for batch in map_asset_batches(db, view, ALL_COLUMNS if details else SUMMARY_FIELDS):
        rows.add(batch)
    lines = None
    if key.links_on is not None:
        links = list_links(db)
        ends = rows.located(pd.concat([links["from_id"], links["to_id"]]).unique())
        lines = links_to_lines(public_links(links, ends, key.links_on), ends)
    payload, order = rows.binary()
    if key.inline:
        digest = payload_digest(payload)
        url = inline_map_data(payload, MAP_BINARY_TYPE)
    else:
        digest = MAP_PAYLOADS.keep(payload, MAP_BINARY_TYPE, key.private)
        url = map_data_url(digest, url_prefix())
    del payload  # 29 MB at a million assets, gone before the ids are sorted (rows.drawn)
    name = f"assetmapData{digest}"
    fmap = build_asset_map(
        FetchedAssets(url, rows.bounds(), rows.osm),
        areas_at(db, view.location, view.version),
        settings().tiles,
        map_scripts(),
        height=key.height,
        link_lines=lines,
        watch=name,
    )
    arguments = component_arguments(fmap, "asset_map", key.height)
    drawn = rows.drawn(order)
    return _MapBase(view.version, name, arguments, drawn, details)


@st.cache_resource(max_entries=16, show_spinner=False)
def _map_update(
    _db: Database, _base: _MapBase, key: _MapKey, base_version: int, version: int
) -> str | None:
    """What brings a map made at `base_version` up to `version` (changes_html); None when
    so much changed that a new payload is better."""
    found = asset_versions_at(_db, key.location, version, key.asset_filter)
    changes = map_changes(_base.drawn, found if key.private else found.public())
    if len(changes) > MAX_MAP_CHANGES:
        return None
    columns = ALL_COLUMNS if _base.details else SUMMARY_FIELDS
    fresh = gpd.GeoDataFrame()
    # No ids would be no filter at all: a write that changed nothing drawn (a pending asset)
    # would send every asset again, and the map would draw each twice.
    if len(changes.fresh):
        fresh = list_assets(_db, replace(key.asset_filter, ids=tuple(changes.fresh)), columns)
        if not key.private:
            fresh = public_assets(fresh, utc_now())
    return changes_html(_base.name, changes.hidden, fresh, _base.details)


clear_with_each_version(_map_update)


def _drawn_map(db: Database, view: View, key: _MapKey) -> tuple[_MapBase, str | None]:
    """The map's base arguments, and what brings them up to the view's data if needed."""
    base = _map_bases().get(key)
    if base is not None and base.version != view.version and key.links_on is None:
        update = _map_update(db, base, key, base.version, view.version)
        if update is not None:
            return base, update
    return _map_bases().make(key, view.version, lambda: _map_base(db, view, key)), None


def _show_map(
    view: View,
    with_links: bool,
    height: int,
    interaction: Callable[[_MapBase], dict[str, Any]] = lambda base: {},
) -> tuple[Any, _MapBase]:
    """The map of the view's assets, with `interaction(base)` in place of what the base
    arguments say (what it reports, what it draws on top); returns what the map reports, and
    the base it was drawn from."""
    db = database()
    key = _MapKey(
        view.location,
        view.asset_filter,
        view.private,
        view.lapsed,
        _areas_digest(db, view.location, view.version),
        language(),
        utc_now().date() if with_links else None,
        height,
        view.private and not login_travels_by_cookie(),
    )
    base, update = _drawn_map(db, view, key)
    reported = show_component({**base.arguments, **interaction(base)})
    if update is not None:
        st.html(update)
    return reported, base


@dataclass(frozen=True)
class Focus:
    """A spot a map moves to: a found address or place, named on the map when `label` is."""

    lon: float
    lat: float
    label: str = ""


def asset_map(
    view: View,
    with_links: bool,
    address: MapAddress,
    page: str,
    height: int = 600,
    focus: Focus | None = None,
) -> MapAddress:
    """The map of the view's assets (caches.current_view), opened at `address`'s view with
    its asset's popup open; returns the address as the map now reports it (map_address).

    A run with nothing changed sends the same map again; after a change, an open map updates
    where it is (pan and zoom kept) unless links are shown, which are drawn anew. With
    `focus`, it goes there and names it."""

    def interaction(base: _MapBase) -> dict[str, Any]:
        reports = {"returned_objects": map_address.RETURNED, "default": None}
        spot = None if focus is None else (focus.lon, focus.lat)
        sent = map_address.view_to_send(page, base.arguments["key"], address, spot)
        layer: str | None = None
        if focus is not None:
            layer = layer_script(found_place_layer(focus.lon, focus.lat, focus.label))
            layer += _going_to(sent)
        elif (opened := _row_of(base, address.asset)) is not None:
            layer = open_popup_script(opened)
        return {**reports, **map_address.view_arguments(sent), "feature_group": layer}

    reported, base = _show_map(view, with_links, height, interaction)
    report = map_address.read_report(reported)
    map_address.remember(page, report)
    shown = address if report.view is None else replace(address, view=report.view)
    if report.open_row is not None:
        shown = replace(shown, asset=base.drawn.id_at(report.open_row))
    return shown


def _going_to(view: MapView | None) -> str:
    """The move to a spot, run with its layer: at once, so that nothing can cut it short (the
    view's centre and zoom arguments alone leave that to an animation)."""
    return "" if view is None else go_to_script(view.lat, view.lon, view.zoom)


def _row_of(base: _MapBase, asset_id: str) -> int | None:
    """The payload row of `asset_id` on the map drawn from `base`, if it is there."""
    row = int(base.drawn.rows_of([asset_id])[0]) if asset_id else -1
    return None if row < 0 else row


def pick_map(
    picked: tuple[float, float] | None,
    height: int = 420,
    accuracy: float | None = None,
    go_to_pick: bool = False,
) -> tuple[float, float] | None:
    """The approved assets' map for choosing a spot: (lon, lat) of the last click, if any.

    It shares the map page's payload and updates; the picked spot is drawn on top of it
    without remaking the map, with the circle of the browser's `accuracy` (metres) when the
    spot is where the browser said the resident is. With `go_to_pick` (a spot found or
    typed rather than clicked), the map moves to it.
    """
    marker = None
    if picked is not None:
        group = picked_point_layer(*picked)
        if accuracy:
            folium.Circle(
                [picked[1], picked[0]],
                radius=accuracy,
                color="#0072B2",
                weight=1,
                fill=True,
                fill_opacity=0.12,
            ).add_to(group)
        marker = layer_script(group)

    def interaction(base: _MapBase) -> dict[str, Any]:
        sent = map_address.view_to_send(
            "add", base.arguments["key"], MapAddress(), picked, gone_there=not go_to_pick
        )
        moving = marker is not None and go_to_pick
        return {
            "returned_objects": ["last_clicked"],
            "default": {"last_clicked": None},
            "feature_group": f"{marker}{_going_to(sent)}" if moving else marker,
            **map_address.view_arguments(sent),
        }

    reported, _base = _show_map(current_view(AssetFilter()), False, height, interaction)
    return location_from_click(reported)
