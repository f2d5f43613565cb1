"""What pages put on screen beyond Streamlit's own elements: the page-wide styles, escaped
user text, problems, legends, and sections that build their content only when opened."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import streamlit as st

from assetmap.i18n import gettext
from assetmap.models import Problem
from assetmap.register.areas import level_label
from assetmap.render.documents import style_element
from assetmap.render.mapping import LEGEND_TITLE, legend_entries
from assetmap.web import caches

if TYPE_CHECKING:
    from streamlit.elements.lib.mutable_expander_container import ExpanderContainer

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")

ACCESSIBLE_CSS = style_element("accessible.css")


def accessible_styles() -> None:
    st.markdown(ACCESSIBLE_CSS, unsafe_allow_html=True)


LAZY_SECTIONS_ABOVE = 5_000
"""Above this many assets, a section listing them is built only once it is opened."""


def section(label: str, key: str, lazy: bool) -> ExpanderContainer:
    """A collapsed section; when `lazy`, its content runs only while it is open (`.open`).

    Streamlit builds a closed expander's content all the same: a table or a choice of
    100,000 assets would be most of the page's work and most of what the browser renders.
    A lazy section reruns the page when opened or closed; otherwise `.open` is None.
    """
    return st.expander(label, key=key, on_change="rerun" if lazy else "ignore")


def plain(text: object) -> str:
    """User text made safe for st.markdown: no markdown, links or HTML take effect."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text).replace("\n", " "))


def drawing(svg: str, alt: str) -> None:
    """An SVG drawing of our own, shown as an image: st.html lets no SVG through."""
    data = base64.b64encode(svg.encode()).decode()
    st.html(
        f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt)}" '
        'style="max-width:100%;height:auto">'
    )


def filter_choice(label: str, labels: Mapping[str, str], key: str) -> list[str]:
    """A filter's multiselect: the keys of `labels` shown by their labels; none chosen means
    all, and says so."""
    return st.multiselect(
        label, list(labels), format_func=labels.__getitem__, placeholder=gettext("All"), key=key
    )


def level_choice() -> str | None:
    """The level of areas a page shows: chosen when there is more than one, else None (the
    one there is)."""
    levels = [each.level for each in caches.levels()]
    if len(levels) < 2:
        return None
    return st.selectbox(
        gettext("Level of areas"),
        levels,
        format_func=level_label,
        placeholder=gettext("Choose an option"),
    )


def show_problems(problems: Iterable[Problem]) -> None:
    st.error("\n".join(f"- {plain(problem)}" for problem in problems))


def colour_legend(
    title: str, entries: Iterable[tuple[str, str]], round_swatch: bool = False
) -> None:
    """A legend of (colour, label) pairs; labels are escaped."""
    radius = "50%" if round_swatch else "2px"
    swatches = "".join(
        f'<div><span style="display:inline-block;width:0.9em;height:0.9em;border-radius:{radius};'
        f'background:{colour};border:1px solid #1a1a1a;margin-right:0.4em"></span>'
        f"{html.escape(label)}</div>"
        for colour, label in entries
    )
    st.markdown(f"**{plain(title)}**")
    st.markdown(swatches, unsafe_allow_html=True)


def legend() -> None:
    colour_legend(gettext(LEGEND_TITLE), legend_entries(), round_swatch=True)
