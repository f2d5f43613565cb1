"""Add an asset: pick the spot on the map (or type it), describe it, send it for review."""

import streamlit as st

from assetmap import ui
from assetmap.assets import AssetFilter, register_asset
from assetmap.i18n import gettext as _
from assetmap.limits import LimitReachedError
from assetmap.models import (
    DEFAULT_SECTOR,
    KINDS,
    SECTORS,
    WHEELCHAIR,
    ValidationError,
    categories_for,
    kind_label,
    typed_location,
)

st.title(_("Add an asset"))
st.write(
    _(
        "Click the map where the asset is, or type its coordinates. Then say what it is. "
        "A team member checks every new asset before it appears on the map."
    )
)

if saved := st.session_state.pop("saved_asset_name", None):
    st.success(
        _("Thank you! \u201c{name}\u201d is saved and waits for review.").format(
            name=ui.plain(saved)
        )
    )

picked = typed_location(st.session_state.get("lon"), st.session_state.get("lat"))
click = ui.pick_map(picked)
if click and click != st.session_state.get("last_click"):
    st.session_state["last_click"] = click
    st.session_state["lon"], st.session_state["lat"] = (f"{c:.6f}" for c in click)
    st.rerun()

search = None
if ui.asset_count(AssetFilter()) > ui.LAZY_SECTIONS_ABOVE:
    search = st.text_input(
        _("Find a place by name"),
        key="place_search",
        placeholder=_("Type part of a name, then press Enter"),
    )
places = ui.named_places(search)


def use_place() -> None:
    chosen = st.session_state.get("place")
    if chosen is not None:
        st.session_state["lon"], st.session_state["lat"] = (f"{c:.6f}" for c in places[chosen])


st.selectbox(
    _("Or choose a nearby place by name (an area or an asset on the map)"),
    list(places),
    index=None,
    key="place",
    on_change=use_place,
    placeholder=_("Type to search"),
)
lon_column, lat_column = st.columns(2)
lon_column.text_input(_("Longitude (east–west)"), key="lon", placeholder="24.9384")
lat_column.text_input(_("Latitude (north–south)"), key="lat", placeholder="60.1699")

kind = st.selectbox(
    _("What kind of asset is it?"),
    list(KINDS),
    index=list(KINDS).index("place"),
    format_func=kind_label,
    placeholder=_("Choose an option"),
)
category_labels = categories_for([kind])
category = st.selectbox(
    _("Category"),
    list(category_labels),
    format_func=category_labels.__getitem__,
    placeholder=_("Choose an option"),
)

with st.form(f"asset_form_{st.session_state.get('form_round', 0)}"):
    name = st.text_input(_("Name"), max_chars=120)
    description = st.text_area(
        _("Description"), max_chars=2000, help=_("What does it offer? Who is it for?")
    )
    sectors = list(SECTORS)
    sector = st.selectbox(
        _("Sector"),
        sectors,
        index=sectors.index(DEFAULT_SECTOR[kind]),
        format_func=lambda s: _(SECTORS[s]),
        placeholder=_("Choose an option"),
    )
    address = st.text_input(_("Address"), max_chars=200)
    website = st.text_input(_("Website"), max_chars=300, placeholder="https://")
    phone_column, email_column = st.columns(2)
    phone = phone_column.text_input(_("Phone"), max_chars=40)
    email = email_column.text_input(_("E-mail"), max_chars=200)
    opening_hours = st.text_input(
        _("Opening hours"), max_chars=200, placeholder=_("e.g. Mo-Fr 09:00-17:00")
    )
    wheelchair = st.selectbox(
        _("Wheelchair access"),
        list(WHEELCHAIR),
        format_func=lambda w: _(WHEELCHAIR[w]),
        placeholder=_("Choose an option"),
    )
    languages = st.text_input(_("Languages spoken"), help=_("Separate with commas."))
    tags = st.text_input(_("Tags"), help=_("Separate with commas."))
    consent = kind == "person" and st.checkbox(
        _("This person has agreed to be on the map with what is written here.")
    )
    submitted = st.form_submit_button(_("Send for review"), type="primary")

if submitted:
    fields = {
        "kind": kind,
        "category": category,
        "sector": sector,
        "name": name,
        "description": description,
        "lon": st.session_state.get("lon"),
        "lat": st.session_state.get("lat"),
        "address": address,
        "website": website,
        "phone": phone,
        "email": email,
        "opening_hours": opening_hours,
        "wheelchair": wheelchair,
        "languages": languages,
        "tags": tags,
        "consent": consent,
    }
    try:
        asset = register_asset(
            ui.database(),
            fields,
            ui.current_actor(),
            max_distance_km=ui.settings().max_distance_km,
            limits=ui.settings().limits,
        )
    except LimitReachedError as error:
        st.warning(str(error))
    except ValidationError as error:
        ui.show_problems(error.problems)
    else:
        st.session_state["saved_asset_name"] = asset.name
        st.session_state["form_round"] = st.session_state.get("form_round", 0) + 1
        for key in ("lon", "lat", "last_click"):
            st.session_state.pop(key, None)
        st.rerun()
