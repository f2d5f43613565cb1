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


SPOT_ZOOM = 17
"""How close a map goes to a spot: a street and its house numbers."""


def view_to_send(
    page: str,
    instance: str,
    address: MapAddress,
    spot: tuple[float, float] | None = None,
    gone_there: bool = False,
) -> MapView | None:
    """Where the page sends its map instance, by one rule for every map (`instance` names it:
    its component key):

    1. a new spot (lon, lat) (one found, typed or located, not yet gone to) moves the map;
    2. otherwise an instance stays at the view it was last sent, so that the page never moves
       a map the person is moving;
    3. a new instance opens where the page's last map was, else at the address's view (a
       shared link's).

    A spot the person clicked on the map is `gone_there` already: noted, so that finding it
    again later moves the map back to it."""
    state = st.session_state
    if spot is not None and gone_there:
        state[f"{page}_map_spot"] = spot
    elif spot is not None and state.get(f"{page}_map_spot") != spot:
        state[f"{page}_map_spot"] = spot
        to_spot = _nth_send(page, MapView(spot[1], spot[0], SPOT_ZOOM))
        # Where the page's next map opens too, before this one says it is there.
        state[f"{page}_map_start"], state[f"{page}_map_view"] = (instance, to_spot), to_spot
        return to_spot
    started = state.get(f"{page}_map_start")
    if isinstance(started, tuple) and started[0] == instance:
        kept: MapView | None = started[1]
        return kept
    latest = state.get(f"{page}_map_view")
    view = latest if isinstance(latest, MapView) else address.view
    state[f"{page}_map_start"] = (instance, view)
    return view


def _nth_send(page: str, view: MapView) -> MapView:
    """`view`, a hair (1e-9 degrees, a zoom of 1e-6) apart from every view sent before.

    st_folium moves an open map only when the centre, or the zoom, differs from the last it
    was sent: a spot sent again after the person has moved away (their location, asked for
    twice) would otherwise stay unseen, and at their zoom, not the spot's."""
    sends = st.session_state.get(f"{page}_map_sends", 0) + 1
    st.session_state[f"{page}_map_sends"] = sends
    return MapView(view.lat + sends * 1e-9, view.lon, view.zoom + sends * 1e-6)


def view_arguments(view: MapView | None) -> dict[str, Any]:
    """st_folium's arguments that send a map to `view`: an open map moves when they change
    and stays where the person panned it while they stay the same."""
    if view is None:
        return {"center": None, "zoom": None}
    return {"center": {"lat": view.lat, "lng": view.lon}, "zoom": view.zoom}


def remember(page: str, report: MapReport) -> None:
    """Keep the map's last view and bounds for the page's next map and its poster. A map
    repeats its last report on every run: only a new one is news (a spot the page has sent
    the map to since is newer than a repeated report)."""
    state = st.session_state
    if report.view is not None and state.get(f"{page}_map_reported") != report.view:
        state[f"{page}_map_reported"] = state[f"{page}_map_view"] = report.view
    if report.bounds is not None:
        st.session_state[f"{page}_map_bounds"] = report.bounds


def latest_bounds(page: str) -> Bounds | None:
    """What the page's map showed last, as it reported it."""
    bounds = st.session_state.get(f"{page}_map_bounds")
    return bounds if isinstance(bounds, tuple) else None
