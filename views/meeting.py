"""Meeting mode: a large map for the screen at a neighbourhood meeting, saved views, and what
changed since the last one."""

import json
from dataclasses import replace

import streamlit as st

from assetmap.i18n import gettext as _
from assetmap.models import KINDS, kind_label
from assetmap.register.assets import AssetFilter
from assetmap.register.links import links_to_lines
from assetmap.register.snapshots import changes_since, list_snapshots, save_snapshot
from assetmap.render.documents import style_element
from assetmap.render.mapping import assets_to_table, build_asset_map
from assetmap.web import caches, folium_bridge, login, map_address, poster, resources, widgets

actor = login.current_actor()
db = resources.database()
st.markdown(style_element("meeting.css"), unsafe_allow_html=True)
st.title(_("Meeting"))
# The address opens the same map (web/map_address.py); no kind chosen is every kind.
address = map_address.opened(())
map_address.seed("meeting_kind", list(address.kinds or KINDS))
map_address.seed("meeting_links", address.links)
map_address.seed("meeting_opened_asset", address.asset)
kinds = st.multiselect(
    _("Show"),
    list(KINDS),
    format_func=kind_label,
    placeholder=_("Choose one or more"),
    key="meeting_kind",
)
show_links = st.toggle(_("Who connects whom"), key="meeting_links")
address = replace(address, kinds=() if set(kinds) == set(KINDS) else tuple(kinds), links=show_links)
shown = caches.assets(AssetFilter(kinds=tuple(kinds)))
lines = links_to_lines(caches.visible_links(shown), shown) if show_links else None
ids = shown["id"].astype(str).tolist()
opened = st.session_state["meeting_opened_asset"]
map_column, legend_column = st.columns([6, 1])
with map_column:
    fmap = build_asset_map(
        shown,
        caches.areas(),
        resources.settings().tiles,
        resources.map_scripts(),
        height=760,
        link_lines=lines,
        basemap_style="contrast",
        open_row=ids.index(opened) if opened in ids else None,
    )
    # A new map (other kinds, links) opens where the last one was.
    start = map_address.view_to_send("meeting", f"{kinds}{show_links}", address)
    state = folium_bridge.show_folium_map(
        fmap,
        "meeting_map",
        760,
        map_address.RETURNED,
        centre=None if start is None else (start.lat, start.lon),
        zoom=None if start is None else start.zoom,
    )
    report = map_address.read_report(state)
    map_address.remember("meeting", report)
    if report.view is not None:
        address = replace(address, view=report.view)
    if report.open_row is not None:
        row = report.open_row
        address = replace(address, asset=ids[row] if 0 <= row < len(ids) else "")
    map_address.keep(address)
with legend_column:
    widgets.legend()
    st.metric(_("Assets shown"), len(shown))
poster.poster_download(address, "meeting", _("Community assets"), show_links)
with st.expander(_("The assets on the map, as a table")):
    st.dataframe(assets_to_table(shown), hide_index=True, width="stretch")

snapshots = list_snapshots(db)
if not snapshots.empty:
    labels = {row.id: f"{row.name} ({row.created_at:%Y-%m-%d})" for row in snapshots.itertuples()}
    since = st.selectbox(
        _("What changed since"),
        list(labels),
        format_func=labels.__getitem__,
        placeholder=_("Choose an option"),
    )
    asset_changes, link_changes = changes_since(db, since)
    for title, changes in ((_("Assets"), asset_changes), (_("Links"), link_changes)):
        st.subheader(title)
        if changes.is_empty():
            st.write(_("No changes."))
        for label, items in (
            (_("Added"), changes.added),
            (_("Changed"), changes.changed),
            (_("Removed"), changes.removed),
        ):
            if items:
                st.markdown(
                    f"**{label}**: " + ", ".join(widgets.plain(name) for _id, name in items)
                )
if actor.may("review"):
    with st.form("snapshot", clear_on_submit=True):
        name = st.text_input(_("Save this view as"), placeholder=_("e.g. Kallio team, 3 March"))
        if st.form_submit_button(_("Save view")):
            view = {
                "kinds": kinds,
                "center": (state or {}).get("center"),
                "zoom": (state or {}).get("zoom"),
            }
            try:
                save_snapshot(db, actor, name, json.loads(json.dumps(view)))
            except ValueError as error:
                st.error(str(error))
            else:
                st.rerun()
