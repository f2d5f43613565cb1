"""The asset form: one set of fields that Add and Review's editor both draw.

Each field has one label, help text and placeholder, and a text field accepts at most what
`models.TEXT_LIMITS` allows, the same limit `validate_asset` enforces, so the form stops a person
where the check would refuse them. Fields are drawn in one order, whichever of them a page asks
for; two that belong together (phone and e-mail, longitude and latitude) share a row.

This is web glue and imports streamlit: it belongs with the pages' shared widgets, not with the
domain.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from assetmap.i18n import N_, gettext
from assetmap.models import (
    DEFAULT_SECTOR,
    KINDS,
    SECTORS,
    TEXT_LIMITS,
    WHEELCHAIR,
    categories_for,
    kind_label,
)


@dataclass(frozen=True)
class _Text:
    label: str
    help: str | None = None
    placeholder: str | None = None
    multiline: bool = False


_COMMAS = N_("Separate with commas.")
_TEXTS: dict[str, _Text] = {
    "name": _Text(N_("Name")),
    "description": _Text(
        N_("Description"), help=N_("What does it offer? Who is it for?"), multiline=True
    ),
    "address": _Text(N_("Address")),
    "website": _Text(N_("Website"), placeholder="https://"),
    "phone": _Text(N_("Phone")),
    "email": _Text(N_("E-mail")),
    "opening_hours": _Text(N_("Opening hours"), placeholder=N_("e.g. Mo-Fr 09:00-17:00")),
    "languages": _Text(N_("Languages spoken"), help=_COMMAS),
    "tags": _Text(N_("Tags"), help=_COMMAS),
    "lon": _Text(N_("Longitude (east–west)"), placeholder="24.9384"),
    "lat": _Text(N_("Latitude (north–south)"), placeholder="60.1699"),
}
_ORDER: tuple[tuple[str, ...], ...] = (
    ("name",),
    ("category",),
    ("description",),
    ("sector",),
    ("address",),
    ("website",),
    ("phone", "email"),
    ("opening_hours",),
    ("wheelchair",),
    ("languages",),
    ("tags",),
    ("lon", "lat"),
    ("consent",),
)
"""Every field in the order forms show them; a group of two shares a row."""

ADD_FIELDS = (
    "name",
    "description",
    "sector",
    "address",
    "website",
    "phone",
    "email",
    "opening_hours",
    "wheelchair",
    "languages",
    "tags",
    "consent",
)
"""What a resident fills in on Add (kind, category and location come before the form, so the
categories follow the kind and a click on the map fills the location)."""
EDIT_FIELDS = (
    "name",
    "category",
    "description",
    "address",
    "website",
    "opening_hours",
    "wheelchair",
    "lon",
    "lat",
)
"""What a team member corrects in Review's editor."""
CHOOSE = N_("Choose an option")


def text_field(name: str, value: str = "", *, key: str | None = None) -> str:
    """One text field of an asset; `key` binds it to the session state instead of `value`."""
    spec = _TEXTS[name]
    widget = st.text_area if spec.multiline else st.text_input
    entered = widget(
        gettext(spec.label),
        value,
        max_chars=TEXT_LIMITS.get(name),
        key=key,
        help=gettext(spec.help) if spec.help else None,
        placeholder=gettext(spec.placeholder) if spec.placeholder else None,
    )
    return entered or ""


def kind_field() -> str:
    kinds = list(KINDS)
    kind: str = st.selectbox(
        gettext("What kind of asset is it?"),
        kinds,
        index=kinds.index("place"),
        format_func=kind_label,
        placeholder=gettext(CHOOSE),
    )
    return kind


def category_field(kind: str, value: str | None = None) -> str:
    labels = categories_for([kind])
    category: str = st.selectbox(
        gettext("Category"),
        list(labels),
        index=list(labels).index(value) if value else 0,
        format_func=labels.__getitem__,
        placeholder=gettext(CHOOSE),
    )
    return category


def _choice(label: str, choices: Mapping[str, str], value: str) -> str:
    keys = list(choices)
    chosen: str = st.selectbox(
        gettext(label),
        keys,
        index=keys.index(value),
        format_func=lambda key: gettext(choices[key]),
        placeholder=gettext(CHOOSE),
    )
    return chosen


def _field(name: str, kind: str, values: Mapping[str, Any]) -> Any:
    if name == "category":
        return category_field(kind, values.get("category"))
    if name == "sector":
        return _choice(N_("Sector"), SECTORS, values.get("sector", DEFAULT_SECTOR[kind]))
    if name == "wheelchair":
        return _choice(N_("Wheelchair access"), WHEELCHAIR, values.get("wheelchair", "unknown"))
    if name == "consent":
        # Only a person needs their own agreement; for anything else there is nothing to tick.
        return kind == "person" and st.checkbox(
            gettext("This person has agreed to be on the map with what is written here.")
        )
    return text_field(name, values.get(name, ""))


def asset_fields(
    kind: str, fields: Collection[str], values: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Draw `fields` of an asset of `kind` (inside the page's form), filled in with `values`;
    return what the person entered, by field name."""
    values = values or {}
    entered: dict[str, Any] = {}
    for group in _ORDER:
        names = [name for name in group if name in fields]
        if len(names) == 2:
            for column, name in zip(st.columns(2), names, strict=True):
                with column:
                    entered[name] = _field(name, kind, values)
        elif names:
            entered[names[0]] = _field(names[0], kind, values)
    return entered


def location_fields(keys: tuple[str, str]) -> None:
    """Longitude and latitude side by side, kept in the session state under `keys` (where a
    click on the map or a chosen place writes them too)."""
    for column, name, key in zip(st.columns(2), ("lon", "lat"), keys, strict=True):
        with column:
            text_field(name, key=key)
