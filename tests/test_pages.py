"""Every page through Streamlit's AppTest, on a real demo database."""

import base64
import gzip
import json
import re

import pytest
import shapely
import streamlit as st
from streamlit.testing.v1 import AppTest

from assetmap.accounts import add_user
from assetmap.api.map_data import MAP_PAYLOADS
from assetmap.models import validate_asset
from assetmap.register.areas import list_areas
from assetmap.register.assets import (
    AssetFilter,
    add_assets,
    get_asset,
    list_assets,
    update_asset,
)
from assetmap.register.links import add_link, links_to_lines, list_links, public_links
from assetmap.register.privacy import public_assets
from assetmap.storage import connect, utc_now

from .conftest import ADMIN, DEMO_ASSET_COUNT, PROJECT_DIR, TEAM, TEAM_PASSWORD

APP = str(PROJECT_DIR / "app.py")
TIMEOUT = 180  # generous: a busy CI machine builds several maps per page run


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


def log_in(app: AppTest, name: str = "kari", password: str = TEAM_PASSWORD) -> AppTest:
    app.switch_page("views/account.py").run()
    next(w for w in app.text_input if w.label == "User name").input(name)
    next(w for w in app.text_input if w.label == "Password").input(password)
    next(b for b in app.button if b.label == "Log in").click().run()
    assert not app.exception, app.exception
    return app


def test_visitor_cannot_reach_review_even_directly(app_db):
    app = open_page()
    for page in ("views/review.py", "views/history.py", "views/accounts.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            app.switch_page(page)
    direct = AppTest.from_file(str(PROJECT_DIR / "views" / "review.py"), default_timeout=TIMEOUT)
    direct.run()
    assert "This page is for team members" in direct.error[0].value
    assert not direct.button or not any(b.label.startswith("Approve") for b in direct.button)
    accounts = AppTest.from_file(
        str(PROJECT_DIR / "views" / "accounts.py"), default_timeout=TIMEOUT
    )
    accounts.run()
    assert "This page is for team members" in accounts.error[0].value


def test_wrong_password_is_refused(team_account):
    app = log_in(open_page(), password="not the password")
    assert "Wrong user name or password" in app.error[0].value
    app.switch_page("views/map.py").run()
    assert not any(b.label.startswith("Approve") for b in app.button)


def test_review_page_with_nothing_pending(team_account):
    app = log_in(open_page())
    app.switch_page("views/review.py").run()
    assert "Nothing waits for review" in app.success[0].value


def selectbox(app: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(s for s in app.selectbox if s.label == label)


def fill_add_form(app: AppTest, name: str, lon: str, lat: str) -> AppTest:
    app.text_input(key="lon").input(lon)
    app.text_input(key="lat").input(lat)
    selectbox(app, "What kind of asset is it?").select("association").run()
    selectbox(app, "Category").select("volunteer_group").run()
    next(w for w in app.text_input if w.label == "Name").input(name)
    next(b for b in app.button if b.label == "Send for review").click().run()
    return app


def test_add_form_with_typed_coordinates_stores_a_pending_asset(app_db):
    app = fill_add_form(
        open_page("views/add.py"), "Kaisaniemi <b>walkers</b>", "24,9465", "60.1745"
    )
    assert not app.exception, app.exception
    assert "waits for review" in app.success[0].value
    # Another run (as the map's own report brings) keeps the thanks, and the spot is cleared
    # for the next asset.
    app.run()
    assert "waits for review" in app.success[0].value
    assert (app.text_input(key="lon").value, app.text_input(key="lat").value) == ("", "")
    st.cache_resource.clear()  # let the test open the file the app held
    with connect(app_db) as db:
        pending = list_assets(db, AssetFilter(statuses=("pending",)))
    assert pending["name"].tolist() == ["Kaisaniemi <b>walkers</b>"]
    assert pending["category"].item() == "volunteer_group"
    assert pending["area_id"].item() is not None


def test_add_page_of_a_large_map_finds_places_by_searched_name(app_db, monkeypatch):
    from assetmap.web import widgets

    monkeypatch.setattr(widgets, "LAZY_SECTIONS_ABOVE", 10)  # the demo's 66 assets count as large
    app = open_page("views/add.py")
    label = "Choose an address or place"
    assert all(option.startswith("Area: ") for option in selectbox(app, label).options)
    app.text_input(key="place_search").input("kirjasto").run()
    found = [option for option in selectbox(app, label).options if "irjasto" in option]
    assert found and all(not option.startswith("Area: ") for option in found)
    selectbox(app, label).select(found[0]).run()
    assert not app.exception, app.exception
    assert app.text_input(key="lon").value and app.text_input(key="lat").value


def test_add_page_finds_a_typed_address_and_stores_the_asset_there(app_db):
    app = open_page("views/add.py")
    app.text_input(key="place_search").input("kaisaniemenk 5").run()
    assert not app.exception, app.exception
    chosen = selectbox(app, "Choose an address or place")
    assert chosen.value == "Kaisaniemenkatu 5"
    assert (app.text_input(key="lon").value, app.text_input(key="lat").value) == (
        "24.947842",
        "60.171271",
    )
    assert "Nearest address: Kaisaniemenkatu 5, 0 m from the pin" in [c.value for c in app.caption]
    app.text_input(key="place_search").input("Sornaisten").run()  # another search: no error
    app.text_input(key="place_search").input("Kaisaniemenkatu 7").run()
    assert selectbox(app, "Choose an address or place").value.startswith("Kaisaniemenkatu 7")
    selectbox(app, "Choose an address or place").select("Kaisaniemenkatu 5").run()
    selectbox(app, "What kind of asset is it?").select("association").run()
    selectbox(app, "Category").select("volunteer_group").run()
    next(w for w in app.text_input if w.label == "Name").input("Porch choir")
    next(b for b in app.button if b.label == "Send for review").click().run()
    assert not app.exception, app.exception
    assert "waits for review" in app.success[0].value
    st.cache_resource.clear()
    with connect(app_db) as db:
        pending = list_assets(db, AssetFilter(statuses=("pending",)))
        boundaries = list_areas(db)
    stored = pending[pending["name"] == "Porch choir"].iloc[0]
    assert (round(stored.lon, 6), round(stored.lat, 6)) == (24.947842, 60.171271)
    around = boundaries[boundaries.covers(shapely.Point(stored.lon, stored.lat))]
    assert stored.area_id == around["id"].item()  # the area follows from the point


def test_add_form_explains_problems_and_stores_nothing(app_db):
    app = fill_add_form(open_page("views/add.py"), "", "60.1745", "24.9465")
    errors = app.error[0].value
    assert "Please give the asset a name" in errors and "swap latitude and longitude" in errors
    st.cache_resource.clear()
    with connect(app_db) as db:
        assert list_assets(db, AssetFilter(statuses=("pending",))).empty


def submit_and_open_review(name: str) -> AppTest:
    app = fill_add_form(open_page("views/add.py"), name, "24.9465", "60.1745")
    log_in(app)
    app.switch_page("views/review.py").run()
    assert not app.exception, app.exception
    return app


def test_review_approves_in_bulk_and_the_map_shows_it(team_account):
    app = submit_and_open_review("Walkers")
    assert any(m.value == "Assets waiting for review: 1" for m in app.markdown)
    approve = next(b for b in app.button if b.label.startswith("Approve chosen"))
    assert approve.disabled
    next(b for b in app.button if b.label == "Choose all 1").click().run()
    next(b for b in app.button if b.label == "Approve chosen (1)").click().run()
    assert "Approved 1 assets." in app.info[0].value
    app.switch_page("views/map.py").run()
    assert f"Showing {DEMO_ASSET_COUNT + 1} of {DEMO_ASSET_COUNT + 1}" in app.caption[0].value


def test_an_edit_after_someone_elses_is_refused_and_shows_what_changed(team_account):
    app = submit_and_open_review("Walkers")
    with connect(team_account) as elsewhere:
        asset_id = list_assets(elsewhere, AssetFilter(statuses=("pending",)))[
            "id"
        ].item()  # another team member, another app process
        update_asset(elsewhere, asset_id, {"name": "Evening walkers"}, TEAM)
    next(w for w in app.text_input if w.label == "Address").input("Kaisaniemenkatu 1")
    next(b for b in app.button if b.label == "Save changes").click().run()
    assert not app.exception, app.exception
    assert "Someone else changed this asset" in app.warning[0].value
    shown = app.dataframe[-1].value
    assert list(shown.iloc[0]) == ["Name", "Walkers", "Evening walkers"]
    with connect(team_account) as db:
        stored = get_asset(db, asset_id)
    assert (stored.name, stored.address) == ("Evening walkers", "")

    next(b for b in app.button if b.label == "Save changes").click().run()
    with connect(team_account) as db:
        stored = get_asset(db, asset_id)
    assert (stored.name, stored.address) == ("Evening walkers", "Kaisaniemenkatu 1")


def test_approving_what_someone_edited_meanwhile_is_refused(team_account):
    app = submit_and_open_review("Walkers")
    with connect(team_account) as elsewhere:
        asset_id = list_assets(elsewhere, AssetFilter(statuses=("pending",)))["id"].item()
    next(b for b in app.button if b.label == "Choose all 1").click().run()
    with connect(team_account) as elsewhere:
        update_asset(elsewhere, asset_id, {"website": "https://spam.example"}, TEAM)
    next(b for b in app.button if b.label == "Approve chosen (1)").click().run()
    assert not app.exception, app.exception
    assert "Someone else changed Walkers" in app.warning[0].value
    with connect(team_account) as db:
        assert get_asset(db, asset_id).status == "pending"
    next(b for b in app.button if b.label == "Approve chosen (1)").click().run()
    with connect(team_account) as db:
        assert get_asset(db, asset_id).status == "approved"


def test_reject_can_be_undone(team_account):
    app = submit_and_open_review("Walkers")
    pending_id = app.multiselect(key="chosen").options[0]
    app.multiselect(key="chosen").select(pending_id).run()
    next(b for b in app.button if b.label == "Reject chosen (1)").click().run()
    assert "Nothing waits for review" in app.success[0].value
    next(b for b in app.button if b.label == "Undo").click().run()
    assert any(m.value == "Assets waiting for review: 1" for m in app.markdown)


def test_admin_adds_an_account(team_account):
    app = log_in(open_page(), name="ada")
    app.switch_page("views/accounts.py").run()
    next(w for w in app.text_input if w.label == "User name").input("liv")
    next(w for w in app.text_input if w.label.startswith("Password")).input("long enough pw")
    next(b for b in app.button if b.label == "Add account").click().run()
    assert not app.exception, app.exception
    assert "Added liv." in app.success[0].value


def test_history_page_shows_changes(team_account):
    app = submit_and_open_review("Walkers")
    app.switch_page("views/history.py").run()
    next(w for w in app.text_input if w.label == "Find an asset by name").input("Walk").run()
    assert not app.exception, app.exception
    assert any(s.value == "Changes" for s in app.subheader)


def test_visitor_report_reaches_the_review_page(team_account):
    app = open_page()
    form_select = next(s for s in app.selectbox if s.label == "Asset")
    form_select.select_index(0)
    next(w for w in app.text_input if w.label == "What is wrong?").input("It closed last year")
    next(b for b in app.button if b.label == "Send report").click().run()
    assert "Thank you" in app.success[0].value
    log_in(app)
    app.switch_page("views/review.py").run()
    assert any("It closed last year" in str(frame.value) for frame in app.dataframe)


def test_planning_page_renders_every_layer_on_the_demo(app_db):
    app = open_page("views/planning.py")
    assert app.title[0].value == "Planning"
    assert not app.warning, [w.value for w in app.warning]
    labels = [s.label for s in app.selectbox]
    assert "Indicator" in labels and "Classes by" in labels
    assert any(d.label == "Download as CSV" for d in app.get("download_button"))
    assert any(s.value == "Priority areas: high need, low supply" for s in app.subheader)
    app.checkbox[1].check().run()  # along the walking network
    assert not app.exception and not app.warning


def test_planning_explains_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSETMAP_DB", str(tmp_path / "empty.duckdb"))
    st.cache_resource.clear()
    app = open_page("views/planning.py")
    assert "There are no neighbourhood areas yet" in app.info[0].value
    st.cache_resource.clear()


def test_layers_page_is_for_admins(team_account):
    app = log_in(open_page())
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("views/layers.py")
    admin = log_in(open_page(), name="ada")
    admin.switch_page("views/layers.py").run()
    assert not admin.exception
    assert any(s.value == "Indicators" for s in admin.subheader)


def test_export_page_offers_every_format(app_db):
    app = open_page("views/exports.py")
    assert app.title[0].value == "Export"
    assert selectbox(app, "Format").options[-1].startswith("Open Referral HSDS 3.0")
    assert f"{DEMO_ASSET_COUNT} rows will be exported." in app.caption[0].value
    app.radio[0].set_value("areas").run()
    assert "6 rows will be exported." in app.caption[0].value


def test_import_page_is_for_the_team(team_account):
    app = open_page()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("views/imports.py")
    log_in(app)
    app.switch_page("views/imports.py").run()
    assert not app.exception and app.title[0].value == "Import assets"


@pytest.mark.parametrize(
    ("view", "title"),
    [
        ("views/connections.py", "Who connects whom"),
        ("views/profile.py", "Neighbourhood profile"),
        ("views/meeting.py", "Meeting"),
    ],
)
def test_relationship_pages_render_for_visitors(app_db, view, title):
    app = open_page(view)
    assert app.title[0].value == title


def test_visitor_proposes_a_link_and_the_team_member_saves_views(team_account):
    app = open_page("views/connections.py")
    next(s for s in app.selectbox if s.label == "Kind of link").select("knows")
    next(b for b in app.button if b.label == "Add link").click().run()
    assert "A team member checks it" in app.success[0].value
    log_in(app)
    app.switch_page("views/meeting.py").run()
    next(w for w in app.text_input if w.label == "Save this view as").input("March meeting")
    next(b for b in app.button if b.label == "Save view").click().run()
    assert not app.exception, app.exception
    assert any(s.label == "What changed since" for s in app.selectbox)
    assert any(m.value == "No changes." for m in app.markdown)


def test_profile_offers_the_printable_download(app_db):
    app = open_page("views/profile.py")
    assert any(d.label.startswith("Download to print") for d in app.get("download_button"))
    assert any(s.value == "Action log" for s in app.subheader)


def map_payload(app: AppTest) -> tuple[str, bytes]:
    """Where the Map page's map takes its payload from ("inline" or the route's URL), and the
    payload's bytes."""
    maps = [c for c in app.get("component_instance") if "folium" in c.proto.component_name]
    script = json.loads(maps[0].proto.json_args)["script"]
    inline = re.search(r"data:application/octet-stream;base64,([A-Za-z0-9+/=]+)", script)
    if inline:
        return "inline", base64.b64decode(inline.group(1))
    url = re.search(r"/map-data/([0-9a-f]{32})", script)
    assert url, "the map names no payload"
    kept = MAP_PAYLOADS.get(url.group(1))
    assert kept is not None
    return url.group(0), gzip.decompress(kept.compressed)


def test_the_maps_links_join_the_assets_where_the_visitor_sees_them(app_db):
    """A map's assets are read a batch at a time and not kept; its lines between linked
    assets are drawn from where the payload puts each end, people generalised."""
    person = {"kind": "person", "category": "skill", "name": "Aino K.", "consent": True}
    with connect(app_db) as db:
        person_id = add_assets(
            db,
            [validate_asset({**person, "lon": 24.9412, "lat": 60.1713, "status": "approved"})],
            ADMIN,
        )[0]
        places = list_assets(db, AssetFilter(kinds=("place",)))["id"]
        for place in places.iloc[:2]:
            add_link(db, ADMIN, person_id, place, "connector")
        add_link(db, ADMIN, places.iloc[2], places.iloc[3], "knows")
    app = open_page()
    next(t for t in app.toggle if t.label == "Show who connects whom").set_value(True).run()
    assert not app.exception, app.exception
    maps = [c for c in app.get("component_instance") if "folium" in c.proto.component_name]
    script = json.loads(maps[0].proto.json_args)["script"]
    drawn = re.search(r"addLinks\(map_\w+, (\{.*?\})\);", script)
    assert drawn is not None, "the map draws no links"
    lines = json.loads(drawn.group(1))["features"]
    with connect(app_db) as db:
        shown = public_assets(list_assets(db, AssetFilter()), utc_now())
        expected = links_to_lines(public_links(list_links(db), shown, utc_now().date()), shown)
    assert len(lines) == len(expected["features"]) == 3
    coordinates = sorted(line["geometry"]["coordinates"] for line in lines)
    assert coordinates == sorted(line["geometry"]["coordinates"] for line in expected["features"])
    people = shown.loc[shown["kind"] == "person", ["lon", "lat"]].to_numpy().tolist()
    ends = [end for line in coordinates for end in line]
    assert any(end in people for end in ends) and [24.9412, 60.1713] not in ends


def test_a_team_member_logged_in_through_the_identity_provider_gets_the_team_map(team_account):
    """The route that serves the payload sees only the app's own login cookie; a login through
    st.login is Streamlit's, so that team member's payload travels with the map instead."""
    with connect(team_account) as db:
        add_user(db, ADMIN, "kaja", "team", TEAM_PASSWORD, email="kaja@example.org")
        lapsed = "Aino K."
        person = {
            "kind": "person",
            "category": "skill",
            "name": lapsed,
            "lon": 24.94,
            "lat": 60.17,
            "consent": True,
        }
        add_assets(db, [validate_asset({**person, "status": "approved"})], ADMIN)
        with db.transaction() as session:
            # Consent given long ago and never renewed: the team sees the person, no one else.
            session.execute(
                "UPDATE assets SET consent_renew_by = ? WHERE name = ?", ("2020-01-01", lapsed)
            )

    app = open_page()
    where, payload = map_payload(app)
    assert where.startswith("/map-data/") and lapsed.encode() not in payload

    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback"}
    app.user = {"is_logged_in": True, "email": "KAJA@example.org"}
    app.run()
    assert not app.exception, app.exception
    where, payload = map_payload(app)
    assert where == "inline" and lapsed.encode() in payload

    app = log_in(open_page(), "kaja")
    app.switch_page("views/map.py").run()
    where, payload = map_payload(app)
    assert where.startswith("/map-data/") and lapsed.encode() in payload
