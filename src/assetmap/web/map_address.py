"""The map's address kept in the page's query parameters, like the language (web/language.py):
read when the page opens, so a shared link opens the same map, and written back whenever the
filters, the view or the open popup change. The encoding is render/permalink.py's."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import streamlit as st

from assetmap.i18n import language
from assetmap.render.permalink import (
    PARAMETERS,
    MapAddress,
    MapView,
    address_from_params,
    address_to_params,
    address_url,
    with_view,
)

Bounds = tuple[float, float, float, float]


def opened(area_ids: Collection[str]) -> MapAddress:
    """The map address in the page's query parameters now; unknown values left out."""
    params = {name: st.query_params.get_all(name) for name in PARAMETERS}
    return address_from_params(params, area_ids)


def seed(key: str, value: Any) -> None:
    """Start the widget `key` at `value` (from the address) unless it holds a choice already."""
    if key not in st.session_state:
        st.session_state[key] = value


def keep(address: MapAddress) -> None:
    """Write `address` into the query parameters, touching only those that change (the
    language and any other parameter stay)."""
    wanted = address_to_params(address)
    for name in PARAMETERS:
        if name in wanted and st.query_params.get(name) != wanted[name]:
            st.query_params[name] = wanted[name]
        elif name not in wanted and name in st.query_params:
            del st.query_params[name]


PAGE_PATHS = {"map": "", "meeting": "meeting"}
"""Where each page with a map is, under the app's address (the Map page is the first)."""


def link(address: MapAddress, page: str) -> str:
    """The full link that opens `address` on `page` (PAGE_PATHS), from the address the
    browser shows the app at (behind a proxy too), else the Host it asked."""
    base = str(st.context.url or "").rstrip("/")
    if not base:
        host = st.context.headers.get("host", "")
        base = f"http://{host}" if host else ""
    return address_url(f"{base}/{PAGE_PATHS[page]}", address, language())


@dataclass(frozen=True)
class MapReport:
    """What the map said of itself: its view and bounds, and the row whose popup is open
    (None: nothing said; -1: none open)."""

    view: MapView | None
    bounds: Bounds | None
    open_row: int | None


RETURNED = ["center", "zoom", "bounds", "last_object_clicked_tooltip"]
"""What a map reports to the page (streamlit-folium's returned_objects)."""


def read_report(reported: Any) -> MapReport:
    """st_folium's report (RETURNED) as a MapReport; anything malformed is left out."""
    data = reported if isinstance(reported, dict) else {}
    view = None
    centre, zoom = data.get("center"), data.get("zoom")
    if isinstance(centre, dict) and isinstance(zoom, int | float):
        try:
            view = with_view(MapAddress(), float(centre["lat"]), float(centre["lng"]), zoom).view
        except (KeyError, TypeError, ValueError):
            view = None
    bounds = None
    box: Any = data.get("bounds")
    try:
        south_west, north_east = box["_southWest"], box["_northEast"]
        bounds = (
            float(south_west["lng"]),
            float(south_west["lat"]),
            float(north_east["lng"]),
            float(north_east["lat"]),
        )
    except (KeyError, TypeError, ValueError):
        bounds = None
    tooltip = data.get("last_object_clicked_tooltip")
    open_row = None
    if tooltip == "none":
        open_row = -1
    elif isinstance(tooltip, str) and tooltip.isdigit():
        open_row = int(tooltip)
    return MapReport(view, bounds, open_row)


def start_view(page: str, instance: str, address: MapAddress) -> MapView | None:
    """The view a map instance opens at: where the last map of the page was (or the
    address's view), fixed for as long as the instance lives, so that the page never moves
    a map the person is moving. `instance` names the map (its component key)."""
    started = st.session_state.get(f"{page}_map_start")
    if isinstance(started, tuple) and started[0] == instance:
        view: MapView | None = started[1]
        return view
    latest = st.session_state.get(f"{page}_map_view")
    view = latest if isinstance(latest, MapView) else address.view
    st.session_state[f"{page}_map_start"] = (instance, view)
    return view


def remember(page: str, report: MapReport) -> None:
    """Keep the map's last view and bounds for the page's next map and its poster."""
    if report.view is not None:
        st.session_state[f"{page}_map_view"] = report.view
    if report.bounds is not None:
        st.session_state[f"{page}_map_bounds"] = report.bounds


def latest_bounds(page: str) -> Bounds | None:
    """What the page's map showed last, as it reported it."""
    bounds = st.session_state.get(f"{page}_map_bounds")
    return bounds if isinstance(bounds, tuple) else None
