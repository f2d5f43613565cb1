"""Review: approve, hide or edit the assets that residents have sent in."""

import streamlit as st

from assetmap import ui
from assetmap.assets import AssetFilter, approve_assets, get_asset, set_status, update_asset
from assetmap.i18n import gettext as _
from assetmap.mapping import assets_to_table
from assetmap.models import WHEELCHAIR, ValidationError, categories_for

PAGE_SIZE = 30

st.title(_("Review new assets"))
st.caption(_("Until accounts and roles arrive, anyone who can open this page can review."))
db = ui.database()

if undo := st.session_state.get("last_decision"):
    ids, label = undo
    column_text, column_button = st.columns([4, 1])
    column_text.info(label)
    if column_button.button(_("Undo"), key="undo"):
        set_status(db, ids, "pending")
        del st.session_state["last_decision"]
        st.rerun()

pending = ui.assets(AssetFilter(statuses=("pending",)))
if pending.empty:
    st.success(_("Nothing waits for review. New assets from residents will appear here."))
    st.stop()

st.write(_("Assets waiting for review: {n}").format(n=len(pending)))
if len(pending) > PAGE_SIZE:
    st.caption(_("Showing the first {n}; decide on these to see the rest.").format(n=PAGE_SIZE))
    pending = pending.head(PAGE_SIZE)
table = assets_to_table(pending)
for position, asset_id in enumerate(pending["id"]):
    asset = get_asset(db, asset_id)
    with st.container(border=True):
        st.subheader(ui.plain(asset.name))
        st.dataframe(table.iloc[[position]], hide_index=True, width="stretch")
        if asset.description:
            st.text(asset.description)
        details = [asset.website, asset.phone, asset.email, ", ".join(asset.tags)]
        if any(details):
            st.text(" · ".join(d for d in details if d))
        st.caption(_("Location: {lat:.6f}, {lon:.6f}").format(lat=asset.lat, lon=asset.lon))
        reason = st.text_input(_("Reason or note (kept with the decision)"), key=f"note_{asset_id}")
        approve, hide = st.columns(2)
        if approve.button(_("Approve"), key=f"approve_{asset_id}", type="primary"):
            approve_assets(db, [asset_id], reason)
            st.session_state["last_decision"] = (
                [asset_id],
                _("Approved \u201c{name}\u201d.").format(name=ui.plain(asset.name)),
            )
            st.rerun()
        if hide.button(_("Reject (hide)"), key=f"hide_{asset_id}"):
            set_status(db, [asset_id], "hidden", reason)
            st.session_state["last_decision"] = (
                [asset_id],
                _("Hid \u201c{name}\u201d.").format(name=ui.plain(asset.name)),
            )
            st.rerun()
        with st.expander(_("Edit before deciding")), st.form(f"edit_{asset_id}"):
            labels = categories_for([asset.kind])
            changes = {
                "name": st.text_input(_("Name"), asset.name, max_chars=120),
                "category": st.selectbox(
                    _("Category"),
                    list(labels),
                    index=list(labels).index(asset.category),
                    format_func=labels.__getitem__,
                ),
                "description": st.text_area(_("Description"), asset.description, max_chars=2000),
                "address": st.text_input(_("Address"), asset.address, max_chars=200),
                "website": st.text_input(_("Website"), asset.website, max_chars=300),
                "opening_hours": st.text_input(_("Opening hours"), asset.opening_hours),
                "wheelchair": st.selectbox(
                    _("Wheelchair access"),
                    list(WHEELCHAIR),
                    index=list(WHEELCHAIR).index(asset.wheelchair),
                    format_func=lambda w: _(WHEELCHAIR[w]),
                ),
                "lon": st.text_input(_("Longitude"), f"{asset.lon:.6f}"),
                "lat": st.text_input(_("Latitude"), f"{asset.lat:.6f}"),
            }
            if st.form_submit_button(_("Save changes")):
                try:
                    update_asset(db, asset_id, changes, ui.settings().max_distance_km)
                except ValidationError as error:
                    ui.show_problems(error.problems)
                else:
                    st.rerun()
