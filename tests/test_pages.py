"""Every page through Streamlit's AppTest, on a real demo database."""

from collections.abc import Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from assetmap.assets import AssetFilter, list_assets
from assetmap.db import connect
from assetmap.demo import load_demo

from .conftest import DEMO_ASSET_COUNT, PROJECT_DIR

APP = str(PROJECT_DIR / "app.py")
TIMEOUT = 60


@pytest.fixture
def app_db(tmp_path, monkeypatch) -> Iterator[str]:
    location = str(tmp_path / "app.duckdb")
    with connect(location) as db:
        load_demo(db)
    monkeypatch.setenv("ASSETMAP_DB", location)
    monkeypatch.setenv("ASSETMAP_TILES", "none")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield location
    st.cache_resource.clear()


def open_page(page: str | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.run()
    if page:
        app.switch_page(page)
        app.run()
    assert not app.exception, app.exception
    return app


def test_map_page_shows_the_demo_counts(app_db):
    app = open_page()
    assert app.title[0].value == "Community assets"
    assert (
        f"Showing {DEMO_ASSET_COUNT} of {DEMO_ASSET_COUNT} approved assets." in app.caption[0].value
    )


def test_map_filters_narrow_what_is_shown(app_db):
    app = open_page()
    app.sidebar.multiselect[0].select("place").run()
    app.sidebar.multiselect[1].select("park").run()
    with connect(app_db) as db:
        parks = len(list_assets(db, AssetFilter(categories=("park",))))
    assert f"Showing {parks} of {DEMO_ASSET_COUNT}" in app.caption[0].value
    app.sidebar.text_input[0].input("zzzz-nothing").run()
    assert "No asset matches these filters" in app.warning[0].value


def test_empty_map_says_how_to_add_the_first_asset(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSETMAP_DB", str(tmp_path / "empty.duckdb"))
    st.cache_resource.clear()
    app = open_page()
    assert "Add the first one" in app.info[0].value
    st.cache_resource.clear()


def test_review_page_with_nothing_pending(app_db):
    app = open_page("pages/review.py")
    assert "Nothing waits for review" in app.success[0].value


def fill_add_form(app: AppTest, name: str, lon: str, lat: str) -> AppTest:
    app.text_input(key="lon").input(lon)
    app.text_input(key="lat").input(lat)
    app.selectbox[0].select("association").run()
    app.selectbox[1].select("volunteer_group").run()
    next(w for w in app.text_input if w.label == "Name").input(name)
    app.button[0].click().run()
    return app


def test_add_form_with_typed_coordinates_stores_a_pending_asset(app_db):
    app = fill_add_form(
        open_page("pages/add.py"), "Kaisaniemi <b>walkers</b>", "24,9465", "60.1745"
    )
    assert not app.exception, app.exception
    assert "waits for review" in app.success[0].value
    st.cache_resource.clear()  # let the test open the file the app held
    with connect(app_db) as db:
        pending = list_assets(db, AssetFilter(statuses=("pending",)))
    assert pending["name"].tolist() == ["Kaisaniemi <b>walkers</b>"]
    assert pending["category"].item() == "volunteer_group"
    assert pending["area_id"].item() is not None


def test_add_form_explains_problems_and_stores_nothing(app_db):
    app = fill_add_form(open_page("pages/add.py"), "", "60.1745", "24.9465")
    errors = app.error[0].value
    assert "Please give the asset a name" in errors and "swap latitude and longitude" in errors
    st.cache_resource.clear()
    with connect(app_db) as db:
        assert list_assets(db, AssetFilter(statuses=("pending",))).empty


def test_review_approves_and_the_map_shows_it(app_db):
    app = fill_add_form(open_page("pages/add.py"), "Walkers", "24.9465", "60.1745")
    app.switch_page("pages/review.py").run()
    assert any(m.value == "Assets waiting for review: 1" for m in app.markdown)
    assert any(h.value == "Walkers" for h in app.subheader)
    next(b for b in app.button if b.label == "Approve").click().run()
    assert "Approved" in app.info[0].value
    app.switch_page("pages/map.py").run()
    assert f"Showing {DEMO_ASSET_COUNT + 1} of {DEMO_ASSET_COUNT + 1}" in app.caption[0].value


def test_reject_can_be_undone(app_db):
    app = fill_add_form(open_page("pages/add.py"), "Walkers", "24.9465", "60.1745")
    app.switch_page("pages/review.py").run()
    next(b for b in app.button if b.label == "Reject (hide)").click().run()
    assert "Nothing waits for review" in app.success[0].value
    next(b for b in app.button if b.label == "Undo").click().run()
    assert any(h.value == "Walkers" for h in app.subheader)
