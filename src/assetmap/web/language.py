"""The language picker, and the Streamlit session as the source of the current language."""

from __future__ import annotations

import html

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from assetmap.i18n import DEFAULT_LANGUAGE, LANGUAGES, gettext, set_language
from assetmap.render.documents import script


def session_language() -> str | None:
    """The language chosen in this Streamlit session, on every run, fragments included."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    chosen = st.session_state.get("language")
    return chosen if isinstance(chosen, str) else None


def choose_language() -> str:
    """The session's language: from the address (?lang=nb) or the picker, remembered in both,
    and told to the browser (page_language.js)."""
    wanted = st.query_params.get("lang", st.session_state.get("language", DEFAULT_LANGUAGE))
    choices = list(LANGUAGES)
    if wanted not in choices:
        wanted = DEFAULT_LANGUAGE
    chosen = st.sidebar.selectbox(
        "Language · Språk · Taal",
        choices,
        index=choices.index(wanted),
        format_func=LANGUAGES.__getitem__,
        key="language_picker",
        placeholder="",  # never shown (a language is always chosen); not Streamlit's English
    )
    st.session_state["language"] = chosen
    if st.query_params.get("lang") != chosen:
        st.query_params["lang"] = chosen
    set_language(chosen)
    skip = html.escape(gettext("Skip to main content"))
    st.sidebar.html(
        f'<script data-lang="{chosen}" data-skip="{skip}">{script("page_language.js")}</script>',
        unsafe_allow_javascript=True,
    )
    return chosen
