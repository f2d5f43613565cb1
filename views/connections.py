"""Who connects whom: an asset's links, adding and ending links, the network and its connectors."""

from datetime import date

import pandas as pd
import streamlit as st

from assetmap.analysis.connections import key_connectors, key_person_risks, link_graph, orphans
from assetmap.i18n import gettext as _
from assetmap.models import kind_label
from assetmap.register.assets import AssetFilter
from assetmap.register.limits import LimitReachedError
from assetmap.register.links import LINK_TYPES, LinkError, add_link, end_link, link_label
from assetmap.render.documents import graph_svg
from assetmap.render.mapping import KIND_COLOURS
from assetmap.web import caches, login, resources, widgets

actor = login.current_actor()
db = resources.database()
st.title(_("Who connects whom"))
assets = caches.assets(AssetFilter())
if assets.empty:
    st.info(_("There are no assets on the map yet."))
    st.stop()
links = caches.visible_links(assets)
names = dict(zip(assets["id"], assets["name"], strict=True))
graph = link_graph(assets, links)
connectors = key_connectors(graph)
ordered = sorted(names, key=names.__getitem__)
# The page opens on the best-connected asset, not on one without links; the same one for the
# whole session, so that the chosen asset stays chosen when links change.
opening = st.session_state.setdefault(
    "connections_opening", None if connectors.empty else connectors["id"].iloc[0]
)

chosen = st.selectbox(
    _("Asset"),
    ordered,
    index=ordered.index(opening) if opening in names else 0,
    format_func=names.__getitem__,
    placeholder=_("Choose an option"),
)
mine = links[(links["from_id"] == chosen) | (links["to_id"] == chosen)]
if mine.empty:
    st.info(_("No links yet. Who is a member, who meets here, who works with whom? Add one below."))
for row in mine.itertuples():
    left, right = st.columns([4, 1])
    text = f"{row.from_name} {link_label(row.type)} {row.to_name}"
    details = " · ".join(str(d) for d in (row.role, row.start_date) if d and str(d) != "NaT")
    left.markdown(widgets.plain(text) + (f"  \n{widgets.plain(details)}" if details else ""))
    if actor.may("edit") and right.button(_("End today"), key=f"end_{row.id}"):
        end_link(db, actor, row.id, date.today())
        st.rerun()

adding = st.expander(_("Add a link"))
if saved_status := st.session_state.pop("link_saved", None):
    adding.success(
        _("Saved.")
        if saved_status == "approved"
        else _("Saved. A team member checks it before it is shown.")
    )
# A new form after each link saved; a refused one keeps what was typed.
with adding, st.form(f"add_link_{st.session_state.get('link_round', 0)}"):
    choose = _("Choose an option")
    link_type = st.selectbox(
        _("Kind of link"), list(LINK_TYPES), format_func=link_label, placeholder=choose
    )
    others = [a for a in sorted(names, key=names.__getitem__) if a != chosen]
    other = st.selectbox(_("With"), others, format_func=names.__getitem__, placeholder=choose)
    reverse = st.checkbox(_("The other way round (the chosen asset is the second)"))
    role = st.text_input(_("Role (optional)"), max_chars=100)
    start = st.date_input(_("Since (optional)"), value=None)
    if st.form_submit_button(_("Add link")):
        source, target = (other, chosen) if reverse else (chosen, other)
        try:
            made = add_link(
                db,
                actor,
                source,
                target,
                link_type,
                role,
                start=start,
                limits=resources.settings().limits,
            )
        except LimitReachedError as error:
            st.warning(str(error))
        except LinkError as error:
            st.error(str(error))
        else:
            st.session_state["link_saved"] = made.status
            st.session_state["link_round"] = st.session_state.get("link_round", 0) + 1
            st.rerun()

st.subheader(_("The network"))
network_title = _("The links between assets, drawn as a network")
if network := graph_svg(graph, KIND_COLOURS, network_title):
    widgets.drawing(network, network_title)
    st.caption(_("The same links are listed under each asset above."))
lonely = orphans(graph)
st.metric(_("Assets without any link"), len(lonely))
with st.expander(_("Which ones")):
    st.dataframe(pd.DataFrame({_("Asset"): [names[a] for a in lonely]}), hide_index=True)
st.subheader(_("Key connectors"))
st.dataframe(
    connectors.drop(columns="id").rename(
        columns={"name": _("Asset"), "links": _("Links"), "betweenness": _("Betweenness")}
    ),
    hide_index=True,
)
st.subheader(_("Key-person risk"))
risks = key_person_risks(graph)
if risks.empty:
    st.success(_("No area depends on one single person or association for all its links."))
else:
    st.warning(_("In these areas every link runs through one asset: if it goes, the links go."))
    area_names = dict(zip(caches.areas()["id"], caches.areas()["name"], strict=True))
    st.dataframe(
        pd.DataFrame(
            {
                _("Area"): risks["area_id"].map(area_names).fillna(risks["area_id"]),
                _("Asset"): risks["hub_name"],
                _("Kind"): risks["hub_kind"].map(kind_label),
                _("Links"): risks["links"],
            }
        ),
        hide_index=True,
    )
