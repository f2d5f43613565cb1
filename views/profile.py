"""A neighbourhood's profile: what it has, how it compares, who connects, what the team plans."""

from datetime import date

import streamlit as st

from assetmap.i18n import format_share
from assetmap.i18n import gettext as _
from assetmap.register.actions import ACTION_STATUSES, STEPS, add_entry, set_entry_status
from assetmap.register.assets import AssetFilter
from assetmap.register.profile import area_profile
from assetmap.render.documents import profile_html, profile_tables
from assetmap.storage import utc_now
from assetmap.web import caches, login, resources, widgets

actor = login.current_actor()
db = resources.database()
st.title(_("Neighbourhood profile"))
level = widgets.level_choice()
areas = caches.areas(level)
if areas.empty:
    st.info(_("There are no neighbourhood areas yet."))
    st.stop()
names = dict(zip(areas["id"], areas["name"], strict=True))
area_id = st.selectbox(
    _("Area"), list(names), format_func=names.__getitem__, placeholder=_("Choose an option")
)
now = utc_now()
profile = area_profile(
    db,
    area_id,
    # The page and its download show the same: what may leave the app (privacy.released).
    caches.released_assets(AssetFilter()),
    now,
    coverage_of=lambda categories, distance: caches.coverage(categories, distance, False, level)[0],
    level=level,
)
page = profile_html(profile, now, actor, caches.basemap_around(profile.geometry.bounds))

file_name = f"profile-{area_id}.html"
st.download_button(
    _("Download to print or share: {file} (works offline)").format(file=file_name),
    page,
    file_name=file_name,
    mime="text/html",
    type="primary",
    on_click="ignore",
)
st.caption(widgets.plain(profile.note))
tables = profile_tables(profile)
left, right = st.columns(2)
with left:
    st.subheader(_("Assets"))
    st.dataframe(tables["counts"], hide_index=True)
    st.subheader(_("Coverage and gaps"))
    if profile.coverage_share is not None:
        st.metric(
            _("Within 800 m of a library, community hall or health centre"),
            format_share(profile.coverage_share),
        )
    st.write(profile.gap)
with right:
    st.subheader(_("Indicators"))
    st.dataframe(tables["indicators"], hide_index=True)
    st.subheader(_("Who connects whom"))
    st.dataframe(tables["connectors"], hide_index=True)
    if not profile.risks.empty:
        st.warning(
            _("Every link here runs through {name}.").format(
                name=widgets.plain(profile.risks["hub_name"].iloc[0])
            )
        )
if profile.photos:
    st.subheader(_("Photos"))
    st.image(
        [photo.data for photo in profile.photos],
        caption=[widgets.plain(photo.name) for photo in profile.photos],
        width=240,
    )
st.subheader(_("Recent changes (30 days)"))
st.dataframe(tables["recent"], hide_index=True)

st.subheader(_("Action log"))
for entry in profile.actions.itertuples():
    text = f"**{_(STEPS[entry.step])}**: {widgets.plain(entry.text)}"
    if entry.step == "action":
        status = _(ACTION_STATUSES[entry.status])
        text += f" · {widgets.plain(entry.owner)} · {entry.due_date or ''} · {status}"
    left, right = st.columns([5, 1])
    left.markdown(text)
    can_close = entry.step == "action" and entry.status == "open" and actor.may("review")
    if can_close and right.button(_("Done"), key=f"done_{entry.id}"):
        set_entry_status(db, actor, entry.id, "done")
        st.rerun()
if actor.may("review"):
    with st.form("log", clear_on_submit=True):
        step = st.selectbox(
            _("Step"),
            list(STEPS),
            format_func=lambda s: _(STEPS[s]),
            placeholder=_("Choose an option"),
        )
        text = st.text_area(_("What"), help=_("e.g. Aino introduces the choir to the library"))
        owner = st.text_input(_("Who (for actions)"))
        due = st.date_input(_("By when (for actions)"), value=None, min_value=date(2000, 1, 1))
        if st.form_submit_button(_("Add to the log")):
            try:
                add_entry(db, actor, area_id, step, text, owner, due=due)
            except ValueError as error:
                st.error(str(error))
            else:
                st.rerun()
