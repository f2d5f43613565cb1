"""Add an asset: pick the spot on the map (or type it), describe it, send it for review."""

import streamlit as st

from assetmap.i18n import gettext as _
from assetmap.models import ValidationError, typed_location
from assetmap.register.assets import AssetFilter, register_asset
from assetmap.register.limits import LimitReachedError
from assetmap.web import asset_form, caches, live_map, login, place_search, resources, widgets

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
            name=widgets.plain(saved)
        )
    )

picked = typed_location(st.session_state.get("lon"), st.session_state.get("lat"))
click = live_map.pick_map(picked)
if click and click != st.session_state.get("last_click"):
    st.session_state["last_click"] = click
    st.session_state["lon"], st.session_state["lat"] = (f"{c:.6f}" for c in click)
    st.rerun()

search = None
if caches.asset_count(AssetFilter()) > widgets.LAZY_SECTIONS_ABOVE:
    search = st.text_input(
        _("Find a place by name"),
        key="place_search",
        placeholder=_("Type part of a name, then press Enter"),
    )
places = place_search.named_places(search)


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
asset_form.location_fields(keys=("lon", "lat"))
kind = asset_form.kind_field()
category = asset_form.category_field(kind)

with st.form(f"asset_form_{st.session_state.get('form_round', 0)}"):
    entered = asset_form.asset_fields(kind, asset_form.ADD_FIELDS)
    submitted = st.form_submit_button(_("Send for review"), type="primary")

if submitted:
    fields = {
        "kind": kind,
        "category": category,
        **entered,
        "lon": st.session_state.get("lon"),
        "lat": st.session_state.get("lat"),
    }
    try:
        asset = register_asset(
            resources.database(),
            fields,
            login.current_actor(),
            max_distance_km=resources.settings().max_distance_km,
            limits=resources.settings().limits,
        )
    except LimitReachedError as error:
        st.warning(str(error))
    except ValidationError as error:
        widgets.show_problems(error.problems)
    else:
        st.session_state["saved_asset_name"] = asset.name
        st.session_state["form_round"] = st.session_state.get("form_round", 0) + 1
        for key in ("lon", "lat", "last_click"):
            st.session_state.pop(key, None)
        st.rerun()
