"""An open map's watch for new data: a Streamlit component (live_watch.js beside this module)
that waits on the app's data-version route (api/data_version.py) and reruns the fragment it is
drawn in when the data change. A page left open receives nothing while nothing changes; a
timed rerun (st.fragment's run_every) sent a few kilobytes every few seconds."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from assetmap.api.data_version import data_version_url
from assetmap.web.resources import url_prefix

_watch = st.components.v2.component(
    "assetmap_live_watch", js=Path(__file__).with_name("live_watch.js").read_text()
)


def rerun_when_data_change(version: int, key: str = "live_watch") -> None:
    """Rerun the enclosing fragment (or the page) once the data version is no longer
    `version`: in a fragment, each page's watch needs a `key` of its own."""
    _watch(
        key=key,
        data={"url": data_version_url(url_prefix()), "version": version},
        on_changed_change=lambda: None,
        height=0,
    )
