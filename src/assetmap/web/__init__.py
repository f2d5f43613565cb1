"""The only package that imports streamlit: everything the pages (views/) share.

- resources: settings, the database and the map's scripts, one per process;
- caches: the data pages show, as the current person may see it, cached on the data version;
- live_map: the asset map that keeps itself up to date, and the map for picking a spot;
- folium_bridge: the one door to streamlit-folium's internals;
- login: who uses the session, logging in and out, roles, the visitor's key;
- language: the language picker; place_search: places by name; memo: a per-session memo;
- widgets: styles, escaped text, legends and lazy sections.
"""

from assetmap.i18n import use_language_source
from assetmap.web.language import session_language

# Whichever page or fragment runs, and whatever it imports from here first, gettext asks
# the Streamlit session for its language before anything else.
use_language_source(session_language)
