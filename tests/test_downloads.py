"""What leaves the app: the one policy (privacy.released) for every reader, status and format,
the command line, the coverage table, the profile file, and the admins' audited exact export."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest
from pyproj import Geod

from assetmap.accounts import PermissionDeniedError
from assetmap.cli import main
from assetmap.io.exports import EXACT_MARK, FORMATS, SUFFIXES, export_file_name, write_assets
from assetmap.register.assets import (
    AssetFilter,
    approve_assets,
    hide_assets,
    list_assets,
    register_asset,
)
from assetmap.register.disclosure import exact_assets, exact_exports, released_assets
from assetmap.register.planning import service_coverage
from assetmap.register.privacy import generalise_points, released
from assetmap.register.profile import area_profile
from assetmap.render.documents import profile_html
from assetmap.storage import Database, connect, utc_now

from .conftest import ADMIN, DEMO_ASSET_COUNT, TEAM, VISITOR

PERSON = {
    "kind": "person",
    "category": "skill",
    "name": "Aino Sweep, mends bicycles",
    "lon": 24.9473137,
    "lat": 60.1712243,
    "address": "Runebergsgatan 99 B 12",
    "phone": "+358 40 765 4321",
    "email": "aino.private@example.org",
    "consent": True,
}
ASSOCIATION = {
    "kind": "association",
    "category": "volunteer_group",
    "name": "Sweep knitting circle",
    "lon": 24.9442,
    "lat": 60.1705,
    "phone": "+358 9 555 0199",
    "email": "knit.private@example.org",
}
PENDING = {"kind": "place", "category": "garden", "name": "Pending garden", "lon": 24.945,
           "lat": 60.171}  # fmt: skip
HIDDEN = {"kind": "place", "category": "park", "name": "Hidden park", "lon": 24.946,
          "lat": 60.172}  # fmt: skip
PRIVATE_TEXT = (PERSON["address"], PERSON["phone"], PERSON["email"], ASSOCIATION["phone"],
                ASSOCIATION["email"])  # fmt: skip
EXACT_TEXT = ("24.94731", "60.17122")
"""The person's exact longitude and latitude to five decimals: no demo asset shares them."""


@dataclass(frozen=True)
class Seeded:
    person: str
    association: str
    pending: str
    hidden: str


def seed(db: Database) -> Seeded:
    """Through the domain, as residents and a team member would: a consenting person and an
    association with private contacts (approved), a pending place and a hidden one."""
    person = register_asset(db, PERSON, VISITOR)
    association = register_asset(db, ASSOCIATION, VISITOR)
    approve_assets(db, [str(person.id), str(association.id)], TEAM)
    pending = register_asset(db, PENDING, VISITOR)
    hidden = register_asset(db, HIDDEN, VISITOR)
    hide_assets(db, [str(hidden.id)], TEAM, "Closed for good")
    return Seeded(str(person.id), str(association.id), str(pending.id), str(hidden.id))


def leaks(text: str) -> list[str]:
    """Which of the person's exact point and the private details a text holds."""
    return [needle for needle in (*EXACT_TEXT, *PRIVATE_TEXT) if needle in text]


def cell_centre() -> tuple[float, float]:
    lon, lat = generalise_points(np.array([PERSON["lon"]]), np.array([PERSON["lat"]]))
    return float(lon[0]), float(lat[0])


EVERY_STATUS = AssetFilter(statuses=())


@pytest.fixture
def seeded(demo_db) -> Seeded:
    return seed(demo_db)


def test_the_seed_point_is_far_from_its_cell_centre_and_unlike_any_demo_asset(demo_db):
    lon, lat = cell_centre()
    metres = Geod(ellps="WGS84").inv(PERSON["lon"], PERSON["lat"], lon, lat)[2]
    assert metres > 50 and leaks(f"{lon:.7f} {lat:.7f} {lon} {lat}") == []
    demo = list_assets(demo_db)
    text = demo[["lon", "lat"]].to_csv()
    assert leaks(text) == []


def test_a_visitor_takes_out_approved_assets_with_people_protected(demo_db, seeded):
    out = released_assets(demo_db, VISITOR, EVERY_STATUS).set_index("id")
    assert set(out["status"]) == {"approved"}
    assert seeded.pending not in out.index and seeded.hidden not in out.index
    person = out.loc[seeded.person]
    assert (person["lon"], person["lat"]) == pytest.approx(cell_centre())
    assert (person.geometry.x, person.geometry.y) == pytest.approx(cell_centre())
    assert person["address"] == "" and person["phone"] == "" and person["email"] == ""
    association = out.loc[seeded.association]
    assert association["phone"] == "" and association["email"] == ""
    assert association["lon"] == pytest.approx(ASSOCIATION["lon"])  # only people move


@pytest.mark.parametrize("reader", [TEAM, ADMIN], ids=["team", "admin"])
def test_the_team_takes_out_pending_and_hidden_marked_and_people_still_protected(
    demo_db, seeded, reader
):
    out = released_assets(demo_db, reader, EVERY_STATUS).set_index("id")
    assert out.loc[seeded.pending, "status"] == "pending"
    assert out.loc[seeded.hidden, "status"] == "hidden"
    assert len(out) == DEMO_ASSET_COUNT + 4
    person = out.loc[seeded.person]
    assert (person["lon"], person["lat"]) == pytest.approx(cell_centre())
    assert (person["address"], person["phone"], person["email"]) == ("", "", "")
    assert out.loc[seeded.association, "phone"] == ""
    approved_only = released_assets(demo_db, reader, AssetFilter())
    assert set(approved_only["status"]) == {"approved"}


def test_contacts_leave_only_where_the_person_chose_to_show_them(demo_db):
    shown = register_asset(demo_db, {**PERSON, "contact_public": True}, TEAM)
    approve_assets(demo_db, [str(shown.id)], TEAM)
    out = released_assets(demo_db, VISITOR).set_index("id").loc[str(shown.id)]
    assert (out["phone"], out["email"]) == (PERSON["phone"], PERSON["email"])
    assert out["address"] == "" and (out["lon"], out["lat"]) == pytest.approx(cell_centre())


def test_a_person_whose_consent_lapsed_never_leaves(demo_db, seeded):
    later = utc_now() + timedelta(days=400)
    everything = list_assets(demo_db, EVERY_STATUS)
    for reader in (VISITOR, TEAM, ADMIN):
        assert seeded.person not in set(released(everything, reader, later)["id"])
    assert seeded.person not in set(released(everything, ADMIN, later, exact=True)["id"])
    assert seeded.association in set(released(everything, VISITOR, later)["id"])


@pytest.mark.parametrize("reader", [VISITOR, TEAM], ids=["visitor", "team"])
def test_only_an_admin_may_take_the_exact_export_and_a_refusal_records_nothing(
    demo_db, seeded, reader
):
    with pytest.raises(PermissionDeniedError, match="Only an admin"):
        exact_assets(demo_db, reader, EVERY_STATUS, "geojson")
    assert exact_exports(demo_db) == []


def test_the_exact_export_is_exact_and_audited(demo_db, seeded):
    asset_filter = AssetFilter(statuses=("approved", "pending"), kinds=("person", "association"))
    before = utc_now()
    out = exact_assets(demo_db, ADMIN, asset_filter, "csv").set_index("id")
    person = out.loc[seeded.person]
    assert (person["lon"], person["lat"]) == (PERSON["lon"], PERSON["lat"])
    assert (person["address"], person["phone"], person["email"]) == (
        PERSON["address"], PERSON["phone"], PERSON["email"]
    )  # fmt: skip
    assert out.loc[seeded.association, "phone"] == ASSOCIATION["phone"]
    assert seeded.hidden not in out.index
    [record] = exact_exports(demo_db)
    assert record["who"] == ADMIN.name
    assert datetime.fromisoformat(record["when"]) >= before.replace(microsecond=0)
    assert json.loads(record["filter"]) == {
        "statuses": ["approved", "pending"],
        "kinds": ["person", "association"],
    }
    assert (record["format"], record["rows"]) == ("csv", str(len(out)))


def test_exact_file_names_say_so():
    moment = datetime(2026, 12, 2, 9, 30)
    assert export_file_name("assets", "geojson", moment) == "assetmap-assets-2026-12-02.geojson"
    exact = export_file_name("assets", "geojson", moment, exact=True)
    assert exact == "assetmap-assets-EXACT-INTERNAL-2026-12-02.geojson"


def read_back(path: Path, fmt: str) -> str:
    """A written file as text; a GeoPackage as its rows and coordinates, read by GDAL."""
    if fmt != "gpkg":
        return path.read_text(encoding="utf-8")
    frame = pyogrio.read_dataframe(path)
    shapes = frame.geometry.to_wkt(rounding_precision=7)
    return frame.drop(columns="geometry").to_csv() + "\n".join(shapes)


def status_of(path: Path, fmt: str, asset_id: str) -> str:
    """The status an exported file gives an asset, in that format's own way."""
    if fmt == "geojson":
        features = json.loads(path.read_text())["features"]
        return next(f["properties"]["status"] for f in features if f["id"] == asset_id)
    if fmt == "hsds":
        locations = json.loads(path.read_text())["locations"]
        location = next(loc for loc in locations if loc["external_identifier"] == asset_id)
        [attribute] = location["attributes"]
        assert attribute["taxonomy_term"]["code"] == attribute["value"]
        return str(attribute["value"])
    frame = pyogrio.read_dataframe(path) if fmt == "gpkg" else pd.read_csv(path)
    return str(frame.set_index("id").loc[asset_id, "status"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_keeps_the_status_and_leaves_private_details_out(
    demo_db, seeded, tmp_path, fmt
):
    path = tmp_path / f"team{SUFFIXES[fmt]}"
    write_assets(released_assets(demo_db, TEAM, EVERY_STATUS), fmt, path)
    assert leaks(read_back(path, fmt)) == []
    assert status_of(path, fmt, seeded.pending) == "pending"
    assert status_of(path, fmt, seeded.hidden) == "hidden"
    assert status_of(path, fmt, seeded.association) == "approved"


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_the_exact_file_holds_what_the_others_leave_out(demo_db, seeded, tmp_path, fmt):
    path = tmp_path / export_file_name("assets", fmt, utc_now(), exact=True)
    write_assets(exact_assets(demo_db, ADMIN, EVERY_STATUS, fmt), fmt, path)
    assert set(leaks(read_back(path, fmt))) == {*EXACT_TEXT, *PRIVATE_TEXT}


def test_the_command_line_exports_through_the_policy(db_url, demo_db, seeded, tmp_path):
    location = db_url
    demo_db.close()  # the command opens the database itself
    out = tmp_path / "assets.csv"
    every = ("--status", "approved", "--status", "pending", "--status", "hidden")
    assert main(["--db", location, "export", "assets", "--format", "csv", *every, "-o",
                 str(out)]) == 0  # fmt: skip
    assert leaks(out.read_text()) == []
    assert {"pending", "hidden"} <= set(pd.read_csv(out)["status"])
    with connect(location) as db:
        assert exact_exports(db) == []


def test_the_command_line_exact_export_is_named_and_audited(
    db_url, demo_db, seeded, tmp_path, capsys
):
    location = db_url
    demo_db.close()
    plain = tmp_path / "assets.geojson"
    assert main(["--db", location, "export", "assets", "--exact", "-o", str(plain)]) == 1
    assert EXACT_MARK in capsys.readouterr().err and not plain.exists()
    assert main(["--db", location, "export", "areas", "--exact", "-o", str(plain)]) == 1
    assert main(["--db", location, "export", "assets", "--exact", "-o", "-"]) == 1
    with connect(location) as db:
        assert exact_exports(db) == []
    named = tmp_path / export_file_name("assets", "geojson", utc_now(), exact=True)
    assert main(["--db", location, "export", "assets", "--exact", "-o", str(named)]) == 0
    assert set(leaks(named.read_text())) == {*EXACT_TEXT, *PRIVATE_TEXT}
    with connect(location) as db:
        [record] = exact_exports(db)
    assert record["who"].startswith("cli:") and record["format"] == "geojson"
    assert json.loads(record["filter"]) == {"statuses": ["approved"]}


def test_coverage_is_worked_out_from_where_anyone_may_see_a_person(demo_db, seeded):
    _, zone = service_coverage(demo_db, ("skill",), 50)
    centre = zone.to_crs(zone.estimate_utm_crs()).centroid.to_crs(4326).iloc[0]
    assert (centre.x, centre.y) == pytest.approx(cell_centre(), abs=1e-6)
    table = service_coverage(demo_db, ("skill",), 50)[0]
    assert leaks(table.to_csv()) == []


def test_the_command_line_coverage_uses_the_policy_too(db_url, demo_db, seeded, tmp_path):
    location = db_url
    expected, _ = service_coverage(demo_db, ("skill",), 100)
    demo_db.close()
    out = tmp_path / "coverage.csv"
    args = ["--db", location, "coverage", "--category", "skill", "--distance", "100"]
    assert main([*args, "-o", str(out)]) == 0
    written = pd.read_csv(out).set_index("area_id")
    assert written["covered_km2"].to_dict() == pytest.approx(
        expected.set_index("area_id")["covered_km2"].to_dict()
    )


SVG = re.compile(r"<svg.*</svg>", re.S)


def test_the_profile_file_draws_people_where_anyone_may_see_them(demo_db, seeded):
    now = utc_now()
    exact_view = list_assets(demo_db)  # what a team member's page may hold
    public_view = released(exact_view, TEAM, now)
    for_team = profile_html(area_profile(demo_db, "kluuvi", exact_view, now), now, TEAM)
    for_anyone = profile_html(area_profile(demo_db, "kluuvi", public_view, now), now)
    assert PERSON["name"].split(",")[0] in for_team
    team_svg, public_svg = SVG.search(for_team), SVG.search(for_anyone)
    assert team_svg is not None and public_svg is not None
    assert team_svg.group() == public_svg.group()
    assert leaks(for_team) == []


def test_the_export_page_says_what_each_role_takes_out(team_account):
    from .test_pages import log_in, open_page

    pages = {
        "visitor": open_page("views/exports.py"),
        "team": log_in(open_page(), "kari").switch_page("views/exports.py").run(),
        "admin": log_in(open_page(), "ada").switch_page("views/exports.py").run(),
    }
    for role, app in pages.items():
        said = " ".join(str(m.value) for m in app.markdown)
        assert "centre of their 250 m block, without their address" in said, role
        assert ("Pending and hidden assets" in said) == (role != "visitor"), role
        offered = [button.label for button in app.get("download_button")]
        assert offered[0].startswith("Download assetmap-assets-"), role
        exact = [label for label in offered if EXACT_MARK in label]
        assert len(exact) == (role == "admin"), role
        assert [e.label for e in app.expander] == (
            ["Exact internal export (admins only)"] if role == "admin" else []
        )


def test_a_long_export_is_sorted_a_range_of_names_at_a_time_and_keeps_the_order(
    db_url, demo_db, tmp_path, monkeypatch
):
    """The command reads a part of about SORT_PART assets at a time, cut between names: the
    file holds every asset once, by name then id, as one sorted read gives them."""
    twins = [{**HIDDEN, "name": "Kallio twins", "lon": 24.95 + n / 1000} for n in range(5)]
    approve_assets(demo_db, [str(register_asset(demo_db, t, VISITOR).id) for t in twins], TEAM)
    places = AssetFilter(kinds=("place",))
    expected = list_assets(demo_db, places)[["id", "name"]].values.tolist()
    demo_db.close()
    monkeypatch.setattr("assetmap.register.assets.SORT_PART", 4)
    out = tmp_path / "places.csv"
    assert main(["--db", db_url, "export", "assets", "--kind", "place", "--format", "csv",
                 "-o", str(out)]) == 0  # fmt: skip
    written = pd.read_csv(out, dtype=str)[["id", "name"]].values.tolist()
    assert written == expected and len(expected) > 4 * 5
    assert sum(name == "Kallio twins" for _, name in written) == 5
    nothing = tmp_path / "nothing.geojson"
    assert main(["--db", db_url, "export", "assets", "--kind", "place", "--category", "skill",
                 "-o", str(nothing)]) == 0  # fmt: skip
    assert json.loads(nothing.read_text())["features"] == []
