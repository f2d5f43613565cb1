"""The paths through the pages that change what is stored, each checked in the database after.

Every test drives a page with AppTest, as a visitor, a team member or an admin, and then
reads the database with a connection of its own (on DuckDB and on PostgreSQL).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from assetmap.accounts import list_users, visitor
from assetmap.analysis.choropleth import PALETTES
from assetmap.register.areas import list_areas
from assetmap.register.assets import (
    FLAGS_TO_HIDE,
    AssetFilter,
    approve_assets,
    flag_asset,
    flags_for,
    get_asset,
    list_assets,
    register_asset,
    update_asset,
)
from assetmap.register.audit import history
from assetmap.register.indicators import Indicator, indicator_values, list_indicators
from assetmap.register.links import add_link, list_links
from assetmap.storage import Database, bump_data_version, connect, utc_now

from .conftest import TEAM
from .test_pages import log_in, open_page, selectbox

PERSON = {
    "kind": "person",
    "category": "skill",
    "name": "Aino, repairs bicycles",
    "lon": 24.9461,
    "lat": 60.1712,
    "address": "Secret street 1",
    "consent": True,
}
CHOIR = {
    "kind": "association",
    "category": "cultural_group",
    "name": "Kallio choir",
    "description": "Sings on Tuesdays",
    "lon": 24.9440,
    "lat": 60.1690,
}


@contextmanager
def stored(location: str) -> Iterator[Database]:
    """The database as the app left it, through a connection of the test's own."""
    with connect(location) as db:
        yield db


def approved(location: str, data: dict[str, Any]) -> str:
    with stored(location) as db:
        asset = register_asset(db, data, TEAM)
        approve_assets(db, [str(asset.id)], TEAM)
    return str(asset.id)


def signed_in(page: str, name: str = "kari") -> AppTest:
    app = log_in(open_page(), name)
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def press(part: Any, label: str) -> None:
    """Click the button with this label (in the page or a part of it) and run the page."""
    next(b for b in part.button if b.label == label).click().run()


def typed(app: Any, label: str, text: str) -> None:
    next(w for w in app.text_input if w.label == label).input(text)


def found_in_history(app: AppTest, name: str) -> AppTest:
    typed(app, "Find an asset by name", name)
    app.run()
    selectbox(app, "Asset").select_index(0).run()
    assert not app.exception, app.exception
    return app


# History: restore, renew consent, erase


def test_history_restores_an_earlier_version(team_account):
    choir = approved(team_account, CHOIR)
    with stored(team_account) as db:
        update_asset(db, choir, {"name": "Kallio choir (closed)", "description": ""}, TEAM)
    app = found_in_history(signed_in("views/history.py"), "Kallio")
    versions = selectbox(app, "Version")
    assert len(versions.options) == 2  # created, then edited
    versions.select_index(0).run()
    press(app, "Restore this version")
    assert not app.exception, app.exception
    assert "Restored" in app.success[0].value
    with stored(team_account) as db:
        asset = get_asset(db, choir)
        trail = history(db, choir)
    assert (asset.name, asset.description) == (CHOIR["name"], CHOIR["description"])
    restored = trail[trail["last_action_type"] == "restore"]
    assert set(restored["updated_by"]) == {"kari"}
    assert set(restored["replacement_value"]) >= {CHOIR["name"], CHOIR["description"]}


def lapse_consent(location: str, asset_id: str) -> None:
    with stored(location) as db, db.transaction() as session:
        session.execute(
            "UPDATE assets SET consent_renew_by = ? WHERE id = ?",
            (utc_now() - timedelta(days=1), asset_id),
        )
        bump_data_version(session)


def test_history_renews_a_lapsed_consent_for_a_year(team_account):
    approved(team_account, PERSON)
    lapsed = approved(team_account, {**PERSON, "name": "Eero, tells stories"})
    lapse_consent(team_account, lapsed)
    app = signed_in("views/history.py")
    assert "1 people are hidden because their consent has lapsed" in app.warning[0].value
    assert selectbox(app, "Asset").options == ["Eero, tells stories (Approved)"]
    selectbox(app, "Asset").select_index(0).run()
    press(app, "The person agreed again: renew for a year")
    assert not app.exception, app.exception
    assert not app.warning
    with stored(team_account) as db:
        renew_by = get_asset(db, lapsed).consent_renew_by
        trail = history(db, lapsed)
    assert renew_by is not None
    assert abs(renew_by - (utc_now() + timedelta(days=365))) < timedelta(hours=1)
    assert "kari" in set(trail.loc[trail["last_action_type"] == "consent", "updated_by"])


def test_history_erases_an_asset_its_reports_and_its_values(team_account):
    choir = approved(team_account, CHOIR)
    with stored(team_account) as db:
        flag_asset(db, choir, visitor("203.0.113.7"), "Nobody sings here any more")
        update_asset(db, choir, {"description": "Sings on Wednesdays"}, TEAM)
    app = found_in_history(signed_in("views/history.py"), "Kallio choir")
    erase = next(b for b in app.button if b.label == "Erase for good")
    assert erase.disabled  # not before the box is ticked
    next(c for c in app.checkbox if c.label.startswith("I understand")).check().run()
    press(app, "Erase for good")
    assert not app.exception, app.exception
    assert "Erased." in app.success[0].value
    with stored(team_account) as db:
        assert list_assets(db, AssetFilter(statuses=(), ids=(choir,))).empty
        assert flags_for(db, choir).empty
        trail = history(db, choir)
    assert trail["previous_value"].isna().all() and trail["replacement_value"].isna().all()
    assert set(trail["reason"]) == {""}
    assert "erase" in set(trail["last_action_type"])
    assert "Kallio" not in trail.to_string() and "Nobody sings" not in trail.to_string()


# Review: the reports of visitors, kept or hidden


def reported(location: str, reporters: int) -> str:
    """An approved asset reported by this many different visitors."""
    choir = approved(location, CHOIR)
    with stored(location) as db:
        for number in range(reporters):
            flag_asset(db, choir, visitor(f"198.51.100.{number}"), f"Wrong, says visitor {number}")
    return choir


def reported_tab(app: AppTest) -> Any:
    return next(t for t in app.tabs if t.label == "Reported by visitors")


def test_review_keeps_an_asset_that_reports_hid(team_account):
    choir = reported(team_account, FLAGS_TO_HIDE)
    with stored(team_account) as db:
        assert get_asset(db, choir).status == "hidden"
    app = signed_in("views/review.py")
    tab = reported_tab(app)
    assert "Wrong, says visitor 2" in tab.dataframe[0].value.to_string()
    typed(tab, "Reason for your decision", "Checked: they still sing")
    press(tab, "Keep it on the map")
    assert not app.exception, app.exception
    assert "No visitor has reported a problem" in reported_tab(app).success[0].value
    with stored(team_account) as db:
        asset = get_asset(db, choir)
        assert flags_for(db, choir).empty
        trail = history(db, choir)
    assert asset.status == "approved"
    kept = trail[(trail["last_action_type"] == "approve") & (trail["updated_by"] == "kari")]
    assert kept["reason"].tolist() == ["Checked: they still sing"]


def test_review_hides_a_reported_asset_with_the_reason(team_account):
    choir = reported(team_account, 1)
    app = signed_in("views/review.py")
    tab = reported_tab(app)
    typed(tab, "Reason for your decision", "Closed for good")
    press(tab, "Hide it")
    assert not app.exception, app.exception
    with stored(team_account) as db:
        asset = get_asset(db, choir)
        trail = history(db, choir)
    assert asset.status == "hidden"
    hid = trail[(trail["last_action_type"] == "hide") & (trail["updated_by"] == "kari")]
    assert hid["reason"].tolist() == ["Closed for good"]
    assert hid["replacement_value"].tolist() == ["hidden"]


# Accounts: an account added on the page can log in


def test_an_account_added_on_the_page_can_log_in(team_account):
    app = signed_in("views/accounts.py", "ada")
    typed(app, "User name", "liv")
    next(w for w in app.text_input if w.label.startswith("Password")).input("long enough pw")
    press(app, "Add account")
    assert not app.exception, app.exception
    assert "Added liv." in app.success[0].value
    with stored(team_account) as db:
        users = list_users(db).set_index("name")
    assert users.loc["liv", "role"] == "team"

    fresh = log_in(open_page(), "liv", "long enough pw")
    assert not fresh.error, [e.value for e in fresh.error]
    fresh.switch_page("views/review.py").run()  # only in a team member's navigation
    assert not fresh.exception, fresh.exception
    assert fresh.title[0].value == "Review"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        fresh.switch_page("views/accounts.py")


# Layers: boundaries, indicators and their metadata


def square(west: float, east: float) -> dict[str, Any]:
    ring = [[west, 60.16], [east, 60.16], [east, 60.185], [west, 60.185], [west, 60.16]]
    return {"type": "Polygon", "coordinates": [ring]}


BOUNDARIES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"code": "W", "nimi": "Länsi"},
            "geometry": square(24.93, 24.944),
        },
        {
            "type": "Feature",
            "properties": {"code": "E", "nimi": "Itä"},
            "geometry": square(24.944, 24.96),
        },
    ],
}


def unescaped(markdown: str) -> str:
    """Text as shown, without the backslashes that keep user text from being markdown."""
    return markdown.replace("\\", "")


def uploader(app: AppTest, label: str) -> Any:
    return next(u for u in app.get("file_uploader") if u.label == label)


def test_layers_imports_boundaries_and_places_the_assets_in_them(team_account):
    app = signed_in("views/layers.py", "ada")
    content = json.dumps(BOUNDARIES).encode()
    uploader(app, "Boundary file").upload("areas.geojson", content, "application/geo+json").run()
    assert not app.exception, app.exception
    selectbox(app, "Field with the area id").select("code")
    selectbox(app, "Field with the area name").select("nimi").run()
    press(app, "Replace the areas")
    assert not app.exception, app.exception
    assert "Imported 2 areas." in app.success[0].value
    with stored(team_account) as db:
        areas = list_areas(db).set_index("id")
        placed = list_assets(db)
    assert areas["name"].to_dict() == {"E": "Itä", "W": "Länsi"}
    west = placed[placed["lon"] < 24.944]
    assert set(west["area_id"]) == {"W"} and set(placed["area_id"]) == {"W", "E"}


INDICATORS_CSV = (
    "area_id;older_share;library_visits\nhakaniemi;12,5;300\nkluuvi;8,0;120\nnowhere;1;1\n"
)


def test_layers_imports_indicators_and_edits_their_description(team_account):
    app = signed_in("views/layers.py", "ada")
    uploader(app, "Indicator file").upload("stats.csv", INDICATORS_CSV.encode(), "text/csv").run()
    press(app, "Import indicators")
    assert not app.exception, app.exception
    assert "Imported: older_share, library_visits." in unescaped(app.success[0].value)
    assert "These rows match no area: nowhere." in unescaped(app.warning[0].value)
    with stored(team_account) as db:
        values = indicator_values(db, "older_share").to_dict()
    assert values == {"hakaniemi": 12.5, "kluuvi": 8.0}

    form = next(e for e in app.expander if unescaped(e.label) == "older_share (older_share)")
    typed(form, "Label", "Residents over 65")
    typed(form, "Unit", "%")
    next(n for n in form.number_input if n.label == "Year").set_value(2024)
    typed(form, "Source", "Statistics Finland")
    next(c for c in form.checkbox if c.label == "A higher value means more need").uncheck()
    press(form, "Save")
    assert not app.exception, app.exception
    with stored(team_account) as db:
        saved = {i.key: i for i in list_indicators(db)}
    assert saved["older_share"] == Indicator(
        "older_share", "Residents over 65", "%", 2024, "Statistics Finland", False, False
    )
    assert saved["library_visits"].label == "library_visits"  # the other one as it was
    assert any(unescaped(e.label) == "Residents over 65 (older_share)" for e in app.expander)

    visits = next(e for e in app.expander if unescaped(e.label).endswith("(library_visits)"))
    typed(visits, "Label", "Library visits")
    press(visits, "Save")
    with stored(team_account) as db:
        saved = {i.key: i for i in list_indicators(db)}
    assert saved["library_visits"].label == "Library visits"
    assert saved["library_visits"].year is None  # no year is made up for it


# Meeting: the links on the map


def map_arguments(app: AppTest) -> str:
    """What the page sends its map component (AppTest does not draw components)."""
    maps = [c for c in app.get("component_instance") if "folium" in c.proto.component_name]
    assert len(maps) == 1
    return str(maps[0].proto.json_args)


def test_meeting_toggle_draws_the_approved_links(app_db):
    choir = approved(app_db, CHOIR)
    rowers = approved(app_db, {**CHOIR, "name": "Harbour rowers", "lon": 24.9500})
    with stored(app_db) as db:
        add_link(db, TEAM, choir, rowers, "knows")
        add_link(db, visitor("198.51.100.9"), rowers, choir, "partners_with")  # waits
    app = open_page("views/meeting.py")
    assert "Kallio choir knows Harbour rowers" not in map_arguments(app)
    next(t for t in app.toggle if t.label == "Who connects whom").set_value(True).run()
    assert not app.exception, app.exception
    drawn = map_arguments(app)
    assert "Kallio choir knows Harbour rowers" in drawn
    assert "Harbour rowers partners with Kallio choir" not in drawn
    with stored(app_db) as db:
        statuses = sorted(list_links(db, ("approved", "pending"))["status"])
    assert statuses == ["approved", "pending"]  # looking changes nothing


# Planning: the method and palette of the choropleth


def choropleth_legend(app: AppTest) -> list[tuple[str, str]]:
    """The indicator legend's (colour, label) pairs, as the page shows them."""
    tab = next(t for t in app.tabs if t.label == "Indicators")
    swatches = next(m.value for m in tab.markdown if "background:" in m.value)
    return re.findall(r"background:(#[0-9a-f]{6});[^>]*></span>([^<]*)</div>", swatches)


def class_widths(legend: list[tuple[str, str]]) -> set[float]:
    bounds = [
        [float(n.replace(",", "")) for n in re.findall(r"[\d,]+\.\d", label)] for _, label in legend
    ]
    return {round(high - low, 1) for low, high in bounds}


def test_planning_method_and_palette_change_the_legend(app_db):
    app = open_page("views/planning.py")
    selectbox(app, "Indicator").select("need_index")
    selectbox(app, "Classes by").select("quantiles")
    selectbox(app, "Colours").select("YlGnBu").run()
    by_quantiles = choropleth_legend(app)
    assert [colour for colour, _ in by_quantiles] == PALETTES["YlGnBu"]

    selectbox(app, "Classes by").select("equal_interval").run()
    assert not app.exception, app.exception
    by_intervals = choropleth_legend(app)
    assert [label for _, label in by_intervals] != [label for _, label in by_quantiles]
    widths = class_widths(by_intervals)
    assert max(widths) - min(widths) < 0.15  # equal, but for the bounds' rounding
    # Every class keeps its colour, even one no area falls in: white means "no data".
    assert [colour for colour, _ in by_intervals] == PALETTES["YlGnBu"]

    selectbox(app, "Colours").select("OrRd").run()
    in_orange = choropleth_legend(app)
    assert [colour for colour, _ in in_orange] == PALETTES["OrRd"]
    assert [label for _, label in in_orange] == [label for _, label in by_intervals]


# Import: coordinate columns with unusual names, and a record already on the map


def import_file(location: str) -> tuple[str, bytes]:
    """A CSV whose first row has the id of a demo asset; its coordinates are in columns no
    one would guess."""
    with stored(location) as db:
        known = list_assets(db).iloc[0]
    lines = [
        "id,name,kind,category,description,Itä (E),Pohjoinen (N)",
        f"{known.id},Renamed in the file,{known.kind},{known.category},Open late,"
        f"{known.lon},{known.lat}",
        ",Harbour rowers,association,cultural_group,Row on Sundays,24.9500,60.1700",
    ]
    return str(known.id), "\n".join(lines).encode()


def choose(app: AppTest, label: str, value: str) -> None:
    next(r for r in app.radio if r.label == label).set_value(value)


@pytest.mark.parametrize("on_duplicate", ["skip", "merge"])
def test_import_finds_the_same_id_and_skips_or_merges_it(team_account, on_duplicate):
    known_id, content = import_file(team_account)
    with stored(team_account) as db:
        before = get_asset(db, known_id)
    app = signed_in("views/imports.py")
    uploader(app, "File").upload("places.csv", content, "text/csv").run()
    assert not app.exception, app.exception
    assert app.error  # no coordinates where the page looked for them
    selectbox(app, "Longitude column").select("Itä (E)")
    selectbox(app, "Latitude column").select("Pohjoinen (N)").run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    summary = "Rows checked: 2. New: 1. Already on the map: 1. With problems: 0."
    assert any(summary in m.value for m in app.markdown)
    problems = app.dataframe[0].value
    assert problems["row"].tolist() == [1]
    assert "the same id is already on the map" in problems["problem"].item()

    choose(app, "Assets already on the map", on_duplicate)
    press(app, "Import")
    assert not app.exception, app.exception
    merged = int(on_duplicate == "merge")
    expected = f"Imported 1 assets; updated {merged}; skipped {1 - merged}."
    assert expected in app.success[0].value
    with stored(team_account) as db:
        after = get_asset(db, known_id)
        rowers = list_assets(db, AssetFilter(statuses=("pending",), text="Harbour rowers"))
    assert (rowers["lon"].item(), rowers["lat"].item()) == (24.95, 60.17)
    if on_duplicate == "merge":
        assert (after.name, after.description) == ("Renamed in the file", "Open late")
        assert (after.lon, after.lat, after.status) == (before.lon, before.lat, before.status)
    else:
        assert after == before
