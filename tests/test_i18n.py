"""Languages: every message translated in every catalog, compiled catalogs current, pages
rendering in each language, numbers written the local way."""

import re
from gettext import GNUTranslations

import pytest
import streamlit as st
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from assetmap.i18n import LANGUAGES, LOCALE_DIR, format_number, format_share, gettext, set_language

from .conftest import PROJECT_DIR, duckdb_only

TRANSLATED = [language for language in LANGUAGES if language != "en"]
KEYWORDS = {"_": None, "gettext": None, "N_": None}
PLACEHOLDER = re.compile(r"\{[^}]*\}")


def messages_in_code() -> set[str]:
    found: set[str] = set()
    for folder in ("src", "views"):
        for _, _, message, _, _ in extract_from_dir(
            PROJECT_DIR / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    with open(PROJECT_DIR / "app.py", "rb") as app:
        from babel.messages.extract import extract

        found |= {m for _, m, _, _ in extract("python", app, keywords=KEYWORDS)}
    return found


def catalog(language: str):
    path = LOCALE_DIR / language / "LC_MESSAGES" / "assetmap.po"
    with path.open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_in_the_code_is_translated(language):
    translations = {m.id: m for m in catalog(language) if m.id}
    missing = sorted(messages_in_code() - set(translations))
    assert not missing, f"not in the {language} catalog (run make translations): {missing[:5]}"
    empty = sorted(m.id for m in translations.values() if not m.string or m.fuzzy)
    assert not empty, f"untranslated in {language}: {empty[:5]}"
    broken = sorted(
        m.id
        for m in translations.values()
        if sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))
    )
    assert not broken, f"placeholders differ in {language}: {broken[:5]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalog_matches_its_source(language):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "assetmap.mo").open("rb") as handle:
        compiled = GNUTranslations(handle)
    for message in catalog(language):
        if message.id:
            assert compiled.gettext(message.id) == message.string, message.id


def test_gettext_follows_the_session_language():
    try:
        set_language("nb")
        assert gettext("Library") == "Bibliotek"
        set_language("nl")
        assert gettext("Library") == "Bibliotheek"
        set_language("xx")
        assert gettext("Library") == "Library"
    finally:
        set_language("en")


def test_numbers_are_written_the_local_way():
    try:
        set_language("nb")
        assert format_number(1234.5) == "1\u00a0234,5"
        assert format_share(0.87).replace("\u00a0", " ") == "87 %"
        set_language("nl")
        assert format_number(1234.5) == "1.234,5"
        set_language("en")
        assert format_number(1234.5) == "1,234.5"
    finally:
        set_language("en")


PAGES = [
    "views/map.py",
    "views/add.py",
    "views/planning.py",
    "views/connections.py",
    "views/profile.py",
    "views/meeting.py",
    "views/exports.py",
    "views/help.py",
    "views/account.py",
]


@duckdb_only  # about languages, not storage: the page tests cover both backends
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_page_renders_in_each_language(app_db, language):
    titles = {}
    for page in PAGES:
        app = AppTest.from_file(str(PROJECT_DIR / "app.py"), default_timeout=180)
        app.query_params["lang"] = language
        app.run()
        app.switch_page(page).run()
        assert not app.exception, (language, page, app.exception)
        titles[page] = app.title[0].value
        if page == "views/profile.py":
            headings = [str(c) for table in app.dataframe for c in table.value.columns]
            english = {"name", "links", "betweenness", "changed", "actions", "Asset", "What"}
            assert not english & set(headings), (language, headings)
    set_language(language)
    try:
        assert titles["views/map.py"] == gettext("Community assets") != "Community assets"
        assert titles["views/help.py"] == gettext("Help in easy language")
    finally:
        set_language("en")
    st.cache_resource.clear()
