""" "Use my location": the browser's position, asked for only when the resident presses the
button (a Streamlit component; its script is locate.js beside this module)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from assetmap.i18n import gettext
from assetmap.models import distance_to_extent_km
from assetmap.register.areas import areas_extent
from assetmap.web.resources import database, settings

_CSS = """
button { width: 100%; min-height: 48px; font: inherit; cursor: pointer;
  border: 1px solid var(--st-border-color, #999); border-radius: 0.5rem;
  background: var(--st-secondary-background-color, #f0f2f6); color: inherit; }
button:disabled { cursor: progress; opacity: 0.7; }
"""
_locate = st.components.v2.component(
    "assetmap_locate", js=Path(__file__).with_name("locate.js").read_text(), css=_CSS
)


@dataclass(frozen=True)
class Located:
    """Where the browser says the resident is, or why it could not say."""

    lon: float = 0.0
    lat: float = 0.0
    accuracy: float = 0.0
    problem: str = ""


def locate_button(key: str = "locate") -> Located | None:
    """The button; what the browser answered after a press, once, else None."""
    result = _locate(
        key=key,
        data={"label": gettext("Use my location"), "waiting": gettext("Finding your location…")},
        on_position_change=lambda: None,
    )
    answer = getattr(result, "position", None)
    if not isinstance(answer, dict):
        return None
    if answer.get("error") == "refused":
        return Located(
            problem=gettext(
                "Your browser did not share your location. Allow it in the browser's site "
                "settings, or find the address or click the map instead."
            )
        )
    if "lon" not in answer:
        return Located(
            problem=gettext(
                "Your location could not be found. Find the address or click the map instead."
            )
        )
    located = Located(float(answer["lon"]), float(answer["lat"]), float(answer["accuracy"]))
    extent = areas_extent(database())
    limit = settings().max_distance_km
    if extent and distance_to_extent_km(located.lon, located.lat, extent) > limit:
        return Located(
            problem=gettext(
                "You seem to be more than {km:.0f} km from this map's neighbourhoods. Find the "
                "address or click the map instead."
            ).format(km=limit)
        )
    return located
