"""Assetmap: the Streamlit entry point. Page order, titles and icons only."""

from pathlib import Path

import streamlit as st

from assetmap.i18n import gettext as _

st.set_page_config(
    page_title="Assetmap",
    page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
    layout="wide",
)

navigation = st.navigation(
    [
        st.Page("pages/map.py", title=_("Map"), icon=":material/map:", default=True),
        st.Page("pages/add.py", title=_("Add an asset"), icon=":material/add_location_alt:"),
        st.Page("pages/review.py", title=_("Review"), icon=":material/fact_check:"),
    ]
)
navigation.run()
