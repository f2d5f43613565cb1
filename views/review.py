"""Review: decide on new and reported assets, in bulk or one by one, with a reason."""

import streamlit as st

from assetmap import ui
from assetmap.assets import AssetFilter, flags_for, get_asset, set_status, update_asset
from assetmap.i18n import gettext as _
from assetmap.mapping import assets_to_table
from assetmap.models import WHEELCHAIR, ValidationError, categories_for

actor = ui.require("review")
db = ui.database()
st.title(_("Review"))


def decide(ids: list[str], status: str, reason: str, done: str, before: str) -> None:
    set_status(db, ids, status, actor, reason)
    st.session_state["last_decision"] = (ids, before, done)
    st.rerun()


if undo := st.session_state.get("last_decision"):
    ids, before, label = undo
    text_column, button_column = st.columns([4, 1])
    text_column.info(label)
    if button_column.button(_("Undo"), key="undo"):
        set_status(db, ids, before, actor, _("Undone"))
        del st.session_state["last_decision"]
        st.rerun()

pending_tab, reported_tab = st.tabs([_("New assets"), _("Reported by visitors")])

with pending_tab:
    pending = ui.assets(AssetFilter(statuses=("pending",)))
    if pending.empty:
        st.success(_("Nothing waits for review. New assets from residents will appear here."))
    else:
        st.write(_("Assets waiting for review: {n}").format(n=len(pending)))
        st.dataframe(assets_to_table(pending), hide_index=True, width="stretch")
        names = dict(zip(pending["id"], pending["name"], strict=True))
        if st.button(_("Choose all {n}").format(n=len(names))):
            st.session_state["chosen"] = list(names)
        chosen = st.multiselect(
            _("Assets to decide on"), list(names), key="chosen", format_func=names.__getitem__
        )
        reason = st.text_input(_("Reason or note (kept with the decision)"), key="bulk_reason")
        approve, hide = st.columns(2)
        if approve.button(
            _("Approve chosen ({n})").format(n=len(chosen)), type="primary", disabled=not chosen
        ):
            decide(
                chosen,
                "approved",
                reason,
                _("Approved {n} assets.").format(n=len(chosen)),
                "pending",
            )
        if hide.button(_("Reject chosen ({n})").format(n=len(chosen)), disabled=not chosen):
            decide(
                chosen, "hidden", reason, _("Rejected {n} assets.").format(n=len(chosen)), "pending"
            )

        st.subheader(_("Look closer and edit"))
        asset_id = st.selectbox(_("Asset"), list(names), format_func=names.__getitem__)
        asset = get_asset(db, asset_id)
        st.text(asset.description or _("(no description)"))
        contacts = [asset.website, asset.phone, asset.email, ", ".join(asset.tags)]
        st.text(" · ".join(c for c in contacts if c))
        st.caption(_("Location: {lat:.6f}, {lon:.6f}").format(lat=asset.lat, lon=asset.lon))
        with st.form(f"edit_{asset_id}"):
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
                    update_asset(db, asset_id, changes, actor, ui.settings().max_distance_km)
                except ValidationError as error:
                    ui.show_problems(error.problems)
                else:
                    st.rerun()

with reported_tab:
    reported = ui.assets(AssetFilter(statuses=("approved", "hidden"), flagged_only=True))
    if reported.empty:
        st.success(_("No visitor has reported a problem."))
    for record in reported.itertuples():
        with st.container(border=True):
            st.markdown(f"**{ui.plain(record.name)}** · {ui.plain(record.review_note)}")
            st.dataframe(flags_for(db, record.id)[["reason", "created_at"]], hide_index=True)
            note = st.text_input(_("Reason for your decision"), key=f"flag_note_{record.id}")
            choices = (
                (_("Keep it on the map"), "approved", _("Kept {name}.")),
                (_("Hide it"), "hidden", _("Hid {name}.")),
            )
            for column, (label, status, done) in zip(st.columns(2), choices, strict=True):
                if column.button(label, key=f"{status}_{record.id}"):
                    name = ui.plain(record.name)
                    decide([record.id], status, note, done.format(name=name), record.status)
