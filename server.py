"""Assetmap's server: the pages (app.py) and the app's own routes beside them (assetmap.api).

`assetmap serve` runs this, as does `streamlit run server.py`; `streamlit run app.py` would
serve the pages without the routes, and so without logins that outlast a reload.
"""

import streamlit as st

from assetmap import api

prefix = api.url_prefix(str(st.get_option("server.baseUrlPath") or ""))
app = st.App("app.py", routes=api.routes(prefix))
