"""The public data API's common ground: conditional answers from the data version, and the
public data read once per version through the one privacy policy."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

from starlette.requests import Request
from starlette.responses import Response

from assetmap.api.publishing import data_response, entity_tag, last_modified, released_to_anyone
from assetmap.register.assets import approve_assets, register_asset
from assetmap.storage import DataState, data_state, utc_now

from .conftest import TEAM, VISITOR
from .test_downloads import PERSON, seed

STATE = DataState(7, datetime(2026, 12, 1, 10, 0, 0, 250_000))


def answer(headers: dict[str, str], state: DataState = STATE) -> Response:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/ogc",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    answering = data_response(Request(scope), state, lambda: {"built": True})
    # A thread of its own: Playwright's sync API may hold an event loop in this one.
    with ThreadPoolExecutor(1) as worker:
        return worker.submit(asyncio.run, answering).result()


def test_the_tag_follows_the_version_and_the_day():
    today = date(2026, 12, 2)
    assert entity_tag(STATE, today=today) == 'W/"7-2026-12-02"'
    assert entity_tag(DataState(8, STATE.changed_at), today=today) != entity_tag(STATE, today=today)
    assert entity_tag(STATE, today=today + timedelta(days=1)) != entity_tag(STATE, today=today)
    assert entity_tag(STATE, "html", today) == 'W/"7-2026-12-02-html"'


def test_a_repeat_with_the_tag_or_the_date_is_not_modified():
    first = answer({})
    assert first.status_code == 200 and first.body == b'{"built":true}'
    assert first.headers["Last-Modified"] == "Tue, 01 Dec 2026 10:00:00 GMT"
    tag = first.headers["ETag"]
    assert answer({"If-None-Match": tag}).status_code == 304
    assert answer({"If-None-Match": f'"other", {tag.removeprefix("W/")}'}).status_code == 304
    assert answer({"If-Modified-Since": last_modified(STATE)}).status_code == 304
    repeat = answer({"If-None-Match": tag})
    assert repeat.body == b"" and repeat.headers["ETag"] == tag


def test_a_stale_or_odd_condition_gets_the_data():
    later = DataState(8, STATE.changed_at + timedelta(seconds=5))
    assert answer({"If-None-Match": entity_tag(STATE)}, later).status_code == 200
    assert answer({"If-Modified-Since": last_modified(STATE)}, later).status_code == 200
    assert answer({"If-Modified-Since": "yesterday-ish"}).status_code == 200
    # If-None-Match decides when both are sent (RFC 9110 13.1.3).
    both = {"If-None-Match": '"nope"', "If-Modified-Since": last_modified(STATE)}
    assert answer(both).status_code == 200


def test_the_public_data_is_read_once_per_version_and_through_the_privacy_policy(demo_db):
    seeded = seed(demo_db)
    public = released_to_anyone(demo_db)
    assert released_to_anyone(demo_db) is public
    assert public.state == data_state(demo_db)
    ids = set(public.assets["id"])
    assert seeded.person in ids and seeded.pending not in ids and seeded.hidden not in ids
    person = public.assets.set_index("id").loc[seeded.person]
    assert (person["lon"], person["lat"]) != (PERSON["lon"], PERSON["lat"])
    assert person["address"] == "" and person["phone"] == "" and person["email"] == ""

    added = register_asset(demo_db, {"kind": "place", "category": "park", "name": "New park",
                                     "lon": 24.95, "lat": 60.17}, VISITOR)  # fmt: skip
    approve_assets(demo_db, [str(added.id)], TEAM)
    fresh = released_to_anyone(demo_db)
    assert fresh is not public and str(added.id) in set(fresh.assets["id"])
    assert fresh.state.version > public.state.version
    assert fresh.state.changed_at >= public.state.changed_at


def test_a_consent_that_lapses_today_is_gone_from_the_morning_on(demo_db):
    seeded = seed(demo_db)
    later_today = utc_now().replace(hour=23, minute=59)
    with demo_db.transaction() as session:
        session.execute(
            "UPDATE assets SET consent_renew_by = ? WHERE id = ?", (later_today, seeded.person)
        )
    assert seeded.person not in set(released_to_anyone(demo_db).assets["id"])
