"""Limits per address on reports and new submissions, and hiding by distinct addresses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from assetmap.accounts import visitor
from assetmap.config import Limits
from assetmap.models import ValidationError
from assetmap.register.assets import (
    FLAGS_TO_HIDE,
    AssetFilter,
    flag_asset,
    flags_for,
    get_asset,
    list_assets,
    register_asset,
)
from assetmap.register.limits import SUBMISSION, LimitReachedError, count_action
from assetmap.register.links import add_link
from assetmap.storage import Database, connect, utc_now

from .conftest import ADMIN, TEAM
from .test_pages import fill_add_form, open_page

ADDRESS = visitor("198.51.100.1")
OTHER_ADDRESS = visitor("198.51.100.2")
TIGHT = Limits(reports_per_hour=2, submissions_per_hour=3)
TABLES = ("assets", "links", "reports", "audit_log", "visitor_activity", "data_version")


def garden(number: int) -> dict[str, object]:
    return {
        "kind": "place",
        "category": "garden",
        "name": f"Garden {number}",
        "lon": 24.944 + number / 10_000,
        "lat": 60.169,
    }


def demo_ids(db: Database, count: int) -> list[str]:
    return [str(i) for i in list_assets(db, AssetFilter())["id"].head(count)]


def what_is_stored(db: Database) -> dict[str, object]:
    """Rows per table, and the data version: what a refused write must leave as it was."""
    stored: dict[str, object] = {
        table: db.scalar(f"SELECT count(*) FROM {table}") for table in TABLES
    }
    stored["version"] = db.scalar("SELECT version FROM data_version")
    return stored


def test_new_assets_stop_at_the_limit_and_nothing_is_half_written(demo_db):
    for number in range(TIGHT.submissions_per_hour):
        register_asset(demo_db, garden(number), ADDRESS, limits=TIGHT)
    before = what_is_stored(demo_db)
    with pytest.raises(LimitReachedError, match=r"new assets and links .*\(3\)") as refused:
        register_asset(demo_db, garden(99), ADDRESS, limits=TIGHT)
    assert "ask the neighbourhood team for an account" in str(refused.value)
    assert what_is_stored(demo_db) == before
    assert len(list_assets(demo_db, AssetFilter(statuses=("pending",)))) == 3


def test_a_refusal_is_a_validation_error_pages_already_show(demo_db):
    for number in range(TIGHT.submissions_per_hour):
        register_asset(demo_db, garden(number), ADDRESS, limits=TIGHT)
    with pytest.raises(ValidationError):
        register_asset(demo_db, garden(99), ADDRESS, limits=TIGHT)


def test_links_count_with_new_assets(demo_db):
    first, second, third = demo_ids(demo_db, 3)
    register_asset(demo_db, garden(1), ADDRESS, limits=TIGHT)
    add_link(demo_db, ADDRESS, first, second, "knows", limits=TIGHT)
    add_link(demo_db, ADDRESS, first, third, "knows", limits=TIGHT)
    before = what_is_stored(demo_db)
    with pytest.raises(LimitReachedError):
        add_link(demo_db, ADDRESS, second, third, "knows", limits=TIGHT)
    with pytest.raises(LimitReachedError):
        register_asset(demo_db, garden(2), ADDRESS, limits=TIGHT)
    assert what_is_stored(demo_db) == before


def test_reports_stop_at_the_limit_and_nothing_is_half_written(demo_db):
    first, second, third = demo_ids(demo_db, 3)
    assert flag_asset(demo_db, first, ADDRESS, "closed", TIGHT) is False
    assert flag_asset(demo_db, second, ADDRESS, "moved", TIGHT) is False
    before = what_is_stored(demo_db)
    with pytest.raises(LimitReachedError, match=r"reports .*\(2\)"):
        flag_asset(demo_db, third, ADDRESS, "gone", TIGHT)
    assert what_is_stored(demo_db) == before
    assert flags_for(demo_db, third).empty
    assert get_asset(demo_db, third).status == "approved"


def test_reports_and_submissions_are_counted_apart(demo_db):
    first, second = demo_ids(demo_db, 2)
    flag_asset(demo_db, first, ADDRESS, "closed", TIGHT)
    flag_asset(demo_db, second, ADDRESS, "moved", TIGHT)
    for number in range(TIGHT.submissions_per_hour):
        register_asset(demo_db, garden(number), ADDRESS, limits=TIGHT)
    assert demo_db.scalar("SELECT count(*) FROM visitor_activity") == 5


def test_another_address_has_its_own_allowance(demo_db):
    for number in range(TIGHT.submissions_per_hour):
        register_asset(demo_db, garden(number), ADDRESS, limits=TIGHT)
    assert register_asset(demo_db, garden(50), OTHER_ADDRESS, limits=TIGHT).status == "pending"


@pytest.mark.parametrize("member", [TEAM, ADMIN])
def test_team_members_and_admins_are_not_limited(demo_db, member):
    first, second, third = demo_ids(demo_db, 3)
    one = Limits(reports_per_hour=1, submissions_per_hour=1)
    for number in range(3):
        register_asset(demo_db, garden(number), member, limits=one)
    add_link(demo_db, member, first, second, "knows", limits=one)
    add_link(demo_db, member, first, third, "knows", limits=one)
    for asset_id in (first, second, third):
        flag_asset(demo_db, asset_id, member, "check this", one)
    assert demo_db.scalar("SELECT count(*) FROM visitor_activity") == 0


def test_the_limit_is_per_hour(demo_db):
    earlier = utc_now() - timedelta(hours=2)
    with demo_db.transaction() as session:
        for _ in range(TIGHT.submissions_per_hour):
            count_action(session, ADDRESS, SUBMISSION, TIGHT, earlier)
    assert register_asset(demo_db, garden(1), ADDRESS, limits=TIGHT).status == "pending"
    # What is older than the hour is no longer kept either.
    assert demo_db.scalar("SELECT count(*) FROM visitor_activity") == 1


def test_the_default_limits_stop_a_bot_filling_the_review_queue(demo_db):
    with pytest.raises(LimitReachedError):
        for number in range(Limits().submissions_per_hour + 1):
            register_asset(demo_db, garden(number), ADDRESS)
    pending = list_assets(demo_db, AssetFilter(statuses=("pending",)))
    assert len(pending) == Limits().submissions_per_hour


def test_one_address_reporting_again_and_again_does_not_hide_an_asset(demo_db):
    (asset_id,) = demo_ids(demo_db, 1)
    for number in range(FLAGS_TO_HIDE + 2):
        assert flag_asset(demo_db, asset_id, ADDRESS, f"report {number}") is False
    assert get_asset(demo_db, asset_id).status == "approved"
    assert len(flags_for(demo_db, asset_id)) == FLAGS_TO_HIDE + 2


def test_three_distinct_addresses_hide_an_asset_and_every_report_is_kept(demo_db):
    (asset_id,) = demo_ids(demo_db, 1)
    flag_asset(demo_db, asset_id, ADDRESS, "closed")
    flag_asset(demo_db, asset_id, ADDRESS, "really closed")
    assert flag_asset(demo_db, asset_id, OTHER_ADDRESS, "closed for good") is False
    assert flag_asset(demo_db, asset_id, visitor("2001:db8::7"), "empty building") is True
    assert get_asset(demo_db, asset_id).status == "hidden"
    reports = flags_for(demo_db, asset_id)
    assert sorted(reports["reason"]) == [
        "closed",
        "closed for good",
        "empty building",
        "really closed",
    ]
    assert reports["reporter"].nunique() == FLAGS_TO_HIDE


# The pages say so politely and keep what was typed.


def text_input(app: AppTest, label: str) -> Any:
    return next(w for w in app.text_input if w.label == label)


def test_the_add_page_says_politely_when_submissions_are_used_up(app_db, monkeypatch):
    monkeypatch.setenv("ASSETMAP_SUBMISSIONS_PER_HOUR", "1")
    app = fill_add_form(open_page("views/add.py"), "Walkers", "24.9465", "60.1745")
    assert "waits for review" in app.success[0].value
    app = fill_add_form(app, "Runners", "24.9465", "60.1745")
    assert not app.exception, app.exception
    assert "new assets and links as we accept in one hour (1)" in app.warning[0].value
    assert text_input(app, "Name").value == "Runners"
    with connect(app_db) as db:
        pending = list_assets(db, AssetFilter(statuses=("pending",)))
    assert pending["name"].tolist() == ["Walkers"]


def test_the_map_page_says_politely_when_reports_are_used_up(app_db, monkeypatch):
    monkeypatch.setenv("ASSETMAP_REPORTS_PER_HOUR", "1")
    app = open_page()
    for reason in ("It closed last year", "The phone is wrong"):
        text_input(app, "What is wrong?").input(reason)
        next(b for b in app.button if b.label == "Send report").click().run()
        assert not app.exception, app.exception
    assert "Thank you" not in " ".join(s.value for s in app.success)
    assert "reports as we accept in one hour (1)" in app.warning[0].value
    assert text_input(app, "What is wrong?").value == "The phone is wrong"
    with connect(app_db) as db:
        assert db.scalar("SELECT count(*) FROM reports") == 1


def test_the_connections_page_says_politely_when_submissions_are_used_up(app_db, monkeypatch):
    monkeypatch.setenv("ASSETMAP_SUBMISSIONS_PER_HOUR", "1")
    app = open_page("views/connections.py")
    for role in ("neighbours", "friends"):
        next(s for s in app.selectbox if s.label == "Kind of link").select("knows")
        text_input(app, "Role (optional)").input(role)
        next(b for b in app.button if b.label == "Add link").click().run()
        assert not app.exception, app.exception
    assert "new assets and links as we accept in one hour (1)" in app.warning[0].value
    assert text_input(app, "Role (optional)").value == "friends"
    with connect(app_db) as db:
        assert db.rows("SELECT role, status FROM links") == [("neighbours", "pending")]
