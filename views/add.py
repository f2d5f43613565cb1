"""Add an asset: pick the spot on the map (or type it), describe it, send it for review."""

import streamlit as st

from assetmap.i18n import gettext as _
from assetmap.io.photos import PhotoError
from assetmap.models import ValidationError, typed_location
from assetmap.register.assets import AssetFilter, register_asset
from assetmap.register.limits import LimitReachedError
from assetmap.web import (
    asset_form,
    caches,
    live_map,
    locate,
    login,
    photo_fields,
    place_search,
    resources,
    widgets,
)

st.title(_("Add an asset"))
st.write(
    _(
        "Click the map where the asset is, find its address, or type its coordinates. "
        "Then say what it is. "
        "A team member checks every new asset before it appears on the map."
    )
)

thanks_slot = st.empty()

if st.session_state.pop("spot_sent", False):
    # Emptied before the fields are drawn, not removed: a removed key would take the
    # browser's old value back. last_click stays: the map reports its last click again,
    # which is not a new spot.
    st.session_state["lon"] = st.session_state["lat"] = ""
    st.session_state.pop("accuracy", None)

located = locate.locate_button()
if located and located.problem:
    st.warning(located.problem)
elif located:
    spot = (f"{located.lon:.6f}", f"{located.lat:.6f}")
    st.session_state["lon"], st.session_state["lat"] = spot
    st.session_state["accuracy"] = (spot, located.accuracy)

lon, lat = st.session_state.get("lon"), st.session_state.get("lat")
picked = typed_location(lon, lat)
# The thanks stays until the next asset gets its spot: the map reports again after the form
# is cleared, and a message shown for one run only would be gone before anyone read it.
if picked is not None:
    st.session_state.pop("saved_asset_name", None)
elif saved := st.session_state.get("saved_asset_name"):
    thanks_slot.success(
        _("Thank you! \u201c{name}\u201d is saved and waits for review.").format(
            name=widgets.plain(saved)
        )
    )
accuracy = st.session_state.get("accuracy", ((None, None), None))
click = live_map.pick_map(
    picked,
    accuracy=accuracy[1] if accuracy[0] == (lon, lat) else None,
    go_to_pick=picked != st.session_state.get("last_click"),
)
if click and click != st.session_state.get("last_click"):
    st.session_state["last_click"] = click
    st.session_state["lon"], st.session_state["lat"] = (f"{c:.6f}" for c in click)
    st.rerun()
# Always a slot, so the fields below keep their places (and what is typed in them) when
# the nearest address appears.
nearest_slot = st.empty()
if picked and (nearest := place_search.nearest_address(*picked)):
    nearest_slot.caption(nearest)


def find_place() -> None:
    """Enter in the search box moves the pin to the best match; the others stay on offer."""
    search = st.session_state.get("place_search") or ""
    found = place_search.named_places(search) if search.strip() else {}
    if found:
        best = next(iter(found))
        st.session_state["place"] = best
        st.session_state["lon"], st.session_state["lat"] = (f"{c:.6f}" for c in found[best])


large = caches.asset_count(AssetFilter()) > widgets.LAZY_SECTIONS_ABOVE
search = st.text_input(
    _("Find an address or place"),
    key="place_search",
    placeholder=_("A street and house number, or a name; then press Enter"),
    on_change=find_place,
)
places = place_search.named_places(search if search or large else None)


def use_place() -> None:
    chosen = st.session_state.get("place")
    if chosen is not None:
        st.session_state["lon"], st.session_state["lat"] = (f"{c:.6f}" for c in places[chosen])


st.selectbox(
    _("Choose an address or place"),
    list(places),
    index=None,
    key="place",
    on_change=use_place,
    placeholder=_("Type to search"),
)
asset_form.location_fields(keys=("lon", "lat"))
kind = asset_form.kind_field()
category = asset_form.category_field(kind)

form_round = st.session_state.get("form_round", 0)
with st.form(f"asset_form_{form_round}"):
    entered = asset_form.asset_fields(kind, asset_form.ADD_FIELDS)
    uploads = photo_fields.photo_uploader(f"add_photos_{form_round}")
    people_consent = photo_fields.people_consent_box(f"add_photos_consent_{form_round}")
    submitted = st.form_submit_button(_("Send for review"), type="primary")

if submitted:
    st.session_state.pop("saved_asset_name", None)
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
            photos=photo_fields.prepared_photos(uploads),
            people_consent=people_consent,
            photos_allowed=resources.settings().photos_per_asset,
        )
    except PhotoError as error:
        st.error(widgets.plain(error))
    except LimitReachedError as error:
        st.warning(str(error))
    except ValidationError as error:
        widgets.show_problems(error.problems)
    else:
        st.session_state["saved_asset_name"] = asset.name
        st.session_state["form_round"] = st.session_state.get("form_round", 0) + 1
        st.session_state["spot_sent"] = True
        st.rerun()
