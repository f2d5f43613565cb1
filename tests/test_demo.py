"""The whole demo: OSM associations, the invented community with its links and history, and
the links export, through the command line and the pages."""

import csv
import json
from datetime import timedelta

import numpy as np
import pyogrio
import pytest
from streamlit.testing.v1 import AppTest

from assetmap.cli import main
from assetmap.io.osm import category_for_tags
from assetmap.register.actions import entries_for
from assetmap.register.assets import AssetFilter, hide_assets, list_assets
from assetmap.register.disclosure import released_links
from assetmap.register.privacy import generalise_points
from assetmap.storage import connect, utc_now

from .conftest import ADMIN, DEMO_ASSET_COUNT, PROJECT_DIR, app_reading, duckdb_only

TIMEOUT = 180


@pytest.fixture
def community_url(db_url):
    assert main(["--db", db_url, "load-demo"]) == 0
    return db_url


def export(db_url, tmp_path, what, fmt):
    out = tmp_path / f"{what}.{fmt}"
    assert main(["--db", db_url, "export", what, "--format", fmt, "-o", str(out)]) == 0
    return out


def test_osm_offices_and_clubs_become_associations():
    assert category_for_tags({"office": "ngo"}) == ("association", "volunteer_group")
    assert category_for_tags({"office": "foundation"}) == ("association", "volunteer_group")
    assert category_for_tags({"club": "sport"}) == ("association", "sports_club")
    assert category_for_tags({"club": "scout"}) == ("association", "volunteer_group")
    assert category_for_tags({"office": "company"}) is None
    assert category_for_tags({"amenity": "library", "office": "ngo"})[0] == "institution"


def test_the_demo_export_has_associations_people_and_links(community_url, tmp_path):
    assets = pyogrio.read_dataframe(export(community_url, tmp_path, "assets", "geojson"))
    associations = assets[assets["kind"] == "association"]
    assert (associations["source"] == "osm").sum() >= 20
    people = assets[assets["kind"] == "person"]
    assert len(people) >= 10
    assert (people["source"] == "illustrative").all()
    assert (people["address"].fillna("") == "").all()
    lon, lat = people.geometry.x.to_numpy(), people.geometry.y.to_numpy()
    cell_lon, cell_lat = generalise_points(lon, lat)  # a cell's centre is its own centre
    assert np.abs(cell_lon - lon).max() < 1e-6 and np.abs(cell_lat - lat).max() < 1e-6
    with connect(community_url) as db:
        exact = list_assets(db, AssetFilter(kinds=("person",))).set_index("id")
    moved = exact.loc[people["id"], "lon"].to_numpy() != lon
    assert moved.any()  # the file holds the cell, not the stored point

    links = pyogrio.read_dataframe(export(community_url, tmp_path, "links", "geojson"))
    assert len(links) >= 30
    assert set(links.geometry.geom_type) == {"LineString"}
    assert {"member", "leader", "meets_at", "partners_with", "knows"} <= set(links["type"])
    assert links["id"].is_unique and set(links["from_id"]) | set(links["to_id"]) <= set(
        assets["id"]
    )
    from_person = links[links["from_id"].isin(people["id"])]
    person_ends = [line.coords[0] for line in from_person.geometry]
    public_points = set(zip(lon.round(7), lat.round(7), strict=True))
    assert {(round(x, 7), round(y, 7)) for x, y in person_ends} <= public_points

    with (export(community_url, tmp_path, "links", "csv")).open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == len(links)
    assert {"type", "role", "start_date", "end_date", "from_lon", "wkt"} <= set(rows[0])
    assert any(row["role"] == "Coach" and row["start_date"] == "2022-08-13" for row in rows)
    gdal = pyogrio.read_dataframe(tmp_path / "links.csv", GEOM_POSSIBLE_NAMES="wkt")
    assert len(gdal) == len(links) and set(gdal.geometry.geom_type) == {"LineString"}


@duckdb_only
def test_links_to_a_hidden_or_lapsed_person_are_not_exported(community_url, tmp_path):
    with connect(community_url) as db:
        people = list_assets(db, AssetFilter(kinds=("person",))).set_index("name")
        hassan, aino = people.loc["Hassan A.", "id"], people.loc["Aino K.", "id"]
        before = released_links(db, ADMIN)
        assert {hassan, aino} <= set(before["from_id"]) | set(before["to_id"])
        hide_assets(db, [hassan], ADMIN, "asked to be taken off the map")
        with db.transaction() as session:
            session.execute(
                "UPDATE assets SET consent_renew_by = ? WHERE id = ?",
                (utc_now() - timedelta(days=1), aino),
            )
    out = export(community_url, tmp_path, "links", "geojson")
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    ends = {f["properties"]["from_id"] for f in features} | {
        f["properties"]["to_id"] for f in features
    }
    assert hassan not in ends and aino not in ends
    touching = before["from_id"].isin([hassan, aino]) | before["to_id"].isin([hassan, aino])
    assert len(features) == len(before) - touching.sum() > 0


@duckdb_only
def test_links_are_refused_in_formats_and_filters_they_do_not_have(community_url, tmp_path):
    out = str(tmp_path / "links.gpkg")
    for args in (["--format", "gpkg"], ["--kind", "person"]):
        assert main(["--db", community_url, "export", "links", *args, "-o", out]) == 1
    assert not (tmp_path / "links.gpkg").exists()


@duckdb_only
def test_the_demo_has_history_a_saved_view_and_a_framework_log(community_url):
    with connect(community_url) as db:
        first = db.scalar("SELECT min(last_action_date) FROM audit_log")
        assert utc_now() - first >= timedelta(weeks=8)
        assert utc_now() - db.scalar("SELECT max(created_at) FROM links") < timedelta(weeks=1)
        log = entries_for(db, "kaisaniemi")
    assert set(log["step"]) == {"values", "relations", "conditions", "action"}
    actions = log[log["step"] == "action"]
    assert (actions["owner"] != "").all() and actions["due_date"].notna().all()


@duckdb_only
def test_minimal_demo_is_the_places_and_institutions_only(db_url):
    assert main(["--db", db_url, "load-demo", "--minimal"]) == 0
    with connect(db_url) as db:
        stored = list_assets(db, AssetFilter(statuses=()))
        assert len(stored) == DEMO_ASSET_COUNT
        assert set(stored["kind"]) == {"place", "institution"}
        assert db.scalar("SELECT count(*) FROM links") == 0
    assert main(["--db", db_url, "load-demo"]) == 0  # the rest of the demo, added once
    assert main(["--db", db_url, "load-demo"]) == 0
    with connect(db_url) as db:
        assert db.scalar("SELECT count(*) FROM assets WHERE kind = 'person'") == 16
        assert db.scalar("SELECT count(*) FROM links") == 46


@pytest.fixture
def community_app(community_url, monkeypatch):
    with app_reading(community_url, monkeypatch) as location:
        yield location


@duckdb_only
def test_first_screen_pages_have_something_true_to_say(community_app):
    app = AppTest.from_file(str(PROJECT_DIR / "app.py"), default_timeout=TIMEOUT)
    app.run()
    assert not app.exception, app.exception
    assert any("links between assets are made up for the demo" in c.value for c in app.caption)

    app.switch_page("views/connections.py").run()
    assert not app.exception, app.exception
    opening = app.selectbox[0]
    assert opening.format_func(opening.value) == "Tuesday walking group"
    assert not any("No links yet" in info.value for info in app.info)
    assert any("leads Tuesday walking group" in m.value for m in app.markdown)
    # The network as an image: st.html would strip an SVG and show nothing.
    assert any('<img src="data:image/svg+xml;base64,' in h.value for h in app.html)
    _orphans, connectors, risks = (frame.value for frame in app.dataframe)
    assert len(connectors) >= 5 and connectors["Betweenness"].iloc[0] > 0
    assert connectors["Asset"].iloc[0] == "Tuesday walking group"
    assert "every link runs through one asset" in app.warning[0].value
    assert ("Hakaniemi", "Hassan A.", "Person") in set(
        zip(risks["Area"], risks["Asset"], risks["Kind"], strict=True)
    )

    app.switch_page("views/meeting.py").run()
    assert not app.exception, app.exception
    since = next(s for s in app.selectbox if s.label == "What changed since")
    assert since.value is not None and "Neighbourhood team meeting" in since.format_func(
        since.value
    )
    said = " ".join(m.value for m in app.markdown)
    assert (
        "**Added**" in said and "Olga B" in said and "**Changed**: Avoin olohuone, Mikko P" in said
    )

    app.switch_page("views/exports.py").run()
    app.radio[0].set_value("links").run()
    with connect(community_app) as db:
        count = len(released_links(db, ADMIN))
    assert count >= 30
    assert any(c.value == f"{count} rows will be exported." for c in app.caption)
    assert app.get("download_button")[0].proto.label.endswith(".geojson")
