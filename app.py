"""Assetmap: the Streamlit entry point. Page order, titles and icons, by role."""

from pathlib import Path

import streamlit as st

from assetmap.i18n import gettext as _
from assetmap.web import language, login, widgets

st.set_page_config(
    page_title="Assetmap",
    page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
    layout="wide",
)
widgets.accessible_styles()
language.choose_language()
actor = login.current_actor()
pages = [
    st.Page("views/map.py", title=_("Map"), icon=":material/map:", default=True),
    st.Page("views/add.py", title=_("Add an asset"), icon=":material/add_location_alt:"),
    st.Page("views/planning.py", title=_("Planning"), icon=":material/insights:"),
    st.Page("views/connections.py", title=_("Who connects whom"), icon=":material/hub:"),
    st.Page("views/profile.py", title=_("Neighbourhood profile"), icon=":material/summarize:"),
    st.Page("views/meeting.py", title=_("Meeting"), icon=":material/groups:"),
    st.Page("views/exports.py", title=_("Export"), icon=":material/download:"),
    st.Page("views/help.py", title=_("Help in easy language"), icon=":material/help:"),
]
if actor.may("review"):
    pages += [
        st.Page("views/review.py", title=_("Review"), icon=":material/fact_check:"),
        st.Page("views/history.py", title=_("History and erasure"), icon=":material/history:"),
        st.Page("views/imports.py", title=_("Import"), icon=":material/upload:"),
    ]
if actor.may("manage_layers"):
    pages.append(st.Page("views/layers.py", title=_("Layers"), icon=":material/layers:"))
if actor.may("manage_accounts"):
    pages.append(st.Page("views/accounts.py", title=_("Accounts"), icon=":material/group:"))
account_title = _("Log out") if actor.may("review") else _("Log in")
pages.append(st.Page("views/account.py", title=account_title, icon=":material/person:"))
# Every page listed: a shortened list adds Streamlit's "View 2 more", in English only.
st.navigation(pages, expanded=True).run()
