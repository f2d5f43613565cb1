"""Team: every asset's history, restoring an earlier version, consent and erasure."""

import streamlit as st

from assetmap.i18n import gettext as _
from assetmap.models import STATUSES, ValidationError
from assetmap.register.assets import AssetFilter, erase_asset, renew_consent, restore_version
from assetmap.register.audit import CHANGE_HEADINGS, action_words, history, versions
from assetmap.register.privacy import consent_lapsed
from assetmap.storage import utc_now
from assetmap.web import caches, login, resources, widgets

actor = login.require("review")
db = resources.database()
st.title(_("History and erasure"))

everything = caches.assets(AssetFilter(statuses=tuple(STATUSES)))
lapsed = everything[consent_lapsed(everything, utc_now())]
if not lapsed.empty:
    st.warning(
        _(
            "{n} people are hidden because their consent has lapsed. Ask them again, then "
            "renew, or erase them."
        ).format(n=len(lapsed))
    )

search = st.text_input(_("Find an asset by name"))
found = caches.assets(AssetFilter(statuses=tuple(STATUSES), text=search)) if search else lapsed
if found.empty:
    st.info(_("Type part of a name to find an asset, whatever its status."))
    st.stop()
labels = {r.id: f"{r.name} ({_(STATUSES[r.status])})" for r in found.itertuples()}
asset_id = st.selectbox(
    _("Asset"), list(labels), format_func=labels.__getitem__, placeholder=_("Choose an option")
)
record = found[found["id"] == asset_id].iloc[0]

st.subheader(_("Changes"))
changes = history(db, asset_id)
st.dataframe(
    changes.assign(last_action_type=changes["last_action_type"].map(action_words))[
        list(CHANGE_HEADINGS)
    ].rename(columns={column: _(label) for column, label in CHANGE_HEADINGS.items()}),
    hide_index=True,
    width="stretch",
)

st.subheader(_("Restore an earlier version"))
choices = {
    audit_id: f"{when:%Y-%m-%d %H:%M:%S} · {action_words(action)} · {who}"
    for audit_id, when, action, who in versions(db, asset_id)
}
version = st.selectbox(
    _("Version"),
    list(choices),
    format_func=choices.__getitem__,
    placeholder=_("Choose an option"),
)
if st.button(_("Restore this version")):
    try:
        restore_version(
            db, asset_id, version, actor, max_distance_km=resources.settings().max_distance_km
        )
    except ValidationError as error:
        widgets.show_problems(error.problems)
    else:
        st.success(_("Restored. The restore is in the history too, so it can be undone."))

if record["kind"] == "person":
    st.subheader(_("Consent"))
    st.write(
        _("Consent version {version}, given {given}, renew by {renew}.").format(
            version=record["consent_version"],
            given=record["consent_at"],
            renew=record["consent_renew_by"],
        )
    )
    if st.button(_("The person agreed again: renew for a year")):
        renew_consent(db, asset_id, actor)
        st.rerun()

st.subheader(_("Erase"))
st.write(
    _(
        "Erasing removes the asset, its reports and every value about it in the history, for "
        "good. Use it when a person asks to be removed."
    )
)
confirm = st.checkbox(_("I understand that this cannot be undone"), key=f"confirm_{asset_id}")
if st.button(_("Erase for good"), type="primary", disabled=not confirm):
    erase_asset(db, asset_id, actor)
    st.success(_("Erased."))
