"""Photos: checked and cleaned on upload, shown to no one before a team member approves them,
served by the app's own route, reported like assets, and erased with their asset."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from browsing import Server
from PIL import ExifTags, Image
from playwright.sync_api import Browser, expect
from starlette.routing import Route, Router
from streamlit.testing.v1 import AppTest

from assetmap.accounts import visitor
from assetmap.api.hsds import hsds_routes
from assetmap.api.photos import photo_routes
from assetmap.config import Limits
from assetmap.demo import load_demo
from assetmap.io.hsds import hsds_id
from assetmap.io.photos import LONGEST_SIDE, PhotoError, prepare_photo
from assetmap.models import ValidationError
from assetmap.register.assets import (
    AssetFilter,
    approve_assets,
    erase_asset,
    list_assets,
    register_asset,
)
from assetmap.register.limits import LimitReachedError
from assetmap.register.photos import (
    add_photos,
    list_photos,
    photo_data,
    photo_reports_for,
    public_photo,
    report_photo,
    set_photo_status,
)
from assetmap.register.profile import area_profile
from assetmap.render.documents import profile_html
from assetmap.render.mapping import assets_to_map_data
from assetmap.storage import Database, connect, utc_now

from .conftest import ADMIN, TEAM, VISITOR, WAIT_MS, keep_local
from .test_pages import log_in, open_page, selectbox

LIMIT = 8_000_000
ASSOCIATION = {
    "kind": "association",
    "category": "volunteer_group",
    "name": "Walkers",
    "lon": 24.9465,
    "lat": 60.1745,
}


def jpeg_with_gps(width: int = 40, height: int = 30) -> bytes:
    """A small JPEG whose EXIF says where it was taken and that it is turned on its side."""
    image = Image.new("RGB", (width, height), "red")
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Camera maker"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (60.0, 10.0, 28.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (24.0, 56.0, 47.0),
        }
    )
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(width: int = 20, height: int = 20, mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, "PNG")
    return out.getvalue()


def test_a_photo_loses_its_exif_and_gps_and_is_turned_upright():
    raw = jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    photo = prepare_photo(raw, "walk.JPG", LIMIT)
    stored = Image.open(io.BytesIO(photo.data))
    assert stored.format == "JPEG" and photo.media_type == "image/jpeg"
    assert not stored.getexif() and "exif" not in stored.info
    assert (stored.size, photo.width, photo.height) == ((30, 40), 30, 40)


def test_a_large_photo_is_shrunk_for_the_web_and_a_transparent_one_flattened():
    photo = prepare_photo(png(3200, 1000), "wide.png", LIMIT)
    assert (photo.width, photo.height) == (LONGEST_SIDE, 500)
    assert Image.open(io.BytesIO(photo.data)).getpixel((0, 0)) == (255, 255, 255)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (png(), "garden.jpg", "garden.jpg is named as a JPEG file but is a PNG image"),
        (b"%PDF-1.4 not an image at all", "minutes.jpg", "minutes.jpg is not a photo"),
        (jpeg_with_gps()[:200], "cut.jpg", "cut.jpg could not be read as an image"),
        (b"x" * 2001, "big.jpg", "big.jpg is 0.0 MB; photos may be at most 0 MB"),
        (
            png(8000, 8000, "1"),
            "big.png",
            "big.png has too many pixels: photos may have at most 50",
        ),
        (png(14000, 14000, "1"), "bomb.png", "bomb.png has too many pixels"),
    ],
)
def test_what_is_not_a_usable_photo_is_refused_with_a_message(data, name, message):
    with pytest.raises(PhotoError, match=message):
        prepare_photo(data, name, 2000 if name == "big.jpg" else LIMIT)


def _get(
    db: Database,
    path: str,
    headers: tuple[tuple[str, str], ...] = (),
    routes: Callable[[Callable[[], Database], str], list[Route]] = photo_routes,
) -> dict[str, Any]:
    """GET one of the app's routes (under the prefix /map) in process: the status, headers
    and body of the answer."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(name.encode(), value.encode()) for name, value in headers],
        "client": ("127.0.0.1", 50000),
        "server": ("localhost", 8501),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    router = Router(routes(lambda: db, "/map"))
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, router(scope, receive, send)).result()
    answer = {name.decode().lower(): value.decode() for name, value in sent[0]["headers"]}
    body = b"".join(message.get("body", b"") for message in sent[1:])
    return {"status": sent[0]["status"], "headers": answer, "body": body}


def _visible_photo(db: Database) -> list[str]:
    """The photo ids in the visitors' map payload of the approved assets."""
    payload = assets_to_map_data(list_assets(db, AssetFilter()))
    return [photo for photo in payload.get("p", []) if photo]


def test_a_visitor_gets_a_photo_only_after_a_team_member_approves_it(db: Database):
    photo = prepare_photo(jpeg_with_gps(), "walk.jpg", LIMIT)
    asset = register_asset(db, ASSOCIATION, VISITOR, photos=[photo])
    waiting = list_photos(db)
    photo_id = waiting["id"].item()
    assert waiting["status"].item() == "pending"
    assert photo_data(db, photo_id, TEAM).data == photo.data
    approve_assets(db, [str(asset.id)], TEAM)  # the asset is public, its photo not yet
    assert public_photo(db, photo_id, utc_now()) is None
    assert _get(db, f"/map/photos/{photo_id}.jpg")["status"] == 404
    assert _visible_photo(db) == []

    version = list_assets(db, AssetFilter(ids=(str(asset.id),)))["version"].item()
    set_photo_status(db, [photo_id], "approved", TEAM)
    answer = _get(db, f"/map/photos/{photo_id}.jpg")
    assert answer["status"] == 200 and answer["body"] == photo.data
    assert answer["headers"]["content-type"] == "image/jpeg"
    assert answer["headers"]["cache-control"] == "public, no-cache"
    again = _get(db, f"/map/photos/{photo_id}.jpg", (("if-none-match", answer["headers"]["etag"]),))
    assert again["status"] == 304
    assert _visible_photo(db) == [photo_id]
    # The asset's version rose, so open maps redraw it with its photo.
    assert list_assets(db, AssetFilter(ids=(str(asset.id),)))["version"].item() == version + 1

    set_photo_status(db, [photo_id], "hidden", TEAM, "a face")
    assert _get(db, f"/map/photos/{photo_id}.jpg")["status"] == 404
    assert _get(db, "/map/photos/not-an-id.jpg")["status"] == 404


def test_the_hsds_api_gives_an_approved_photo_as_the_organizations_logo(db: Database):
    photo = prepare_photo(jpeg_with_gps(), "walk.jpg", LIMIT)
    asset = register_asset(db, {**ASSOCIATION, "status": "approved"}, TEAM, photos=[photo])
    photo_id = list_photos(db)["id"].item()
    path = f"/map/hsds/services/{hsds_id('service', str(asset.id))}"

    def organization() -> dict[str, Any]:
        answer = _get(db, path, routes=hsds_routes)
        assert answer["status"] == 200
        return dict(json.loads(answer["body"])["organization"])

    assert "logo" not in organization()
    set_photo_status(db, [photo_id], "approved", TEAM)
    assert organization()["logo"] == f"http://localhost:8501/map/photos/{photo_id}.jpg"


def test_a_photo_of_a_person_needs_their_consent_and_an_asset_few_photos(db: Database):
    photo = prepare_photo(jpeg_with_gps(), "me.jpg", LIMIT)
    person = {
        **ASSOCIATION,
        "kind": "person",
        "category": "skill",
        "name": "Aino",
        "consent": True,
    }
    with pytest.raises(ValidationError, match="shown only with their consent"):
        register_asset(db, person, VISITOR, photos=[photo])
    assert list_assets(db, AssetFilter(statuses=("pending",))).empty  # nothing half-written
    asset = register_asset(db, person, VISITOR, photos=[photo], people_consent=True)
    with pytest.raises(ValidationError, match="at most 3 photos"):
        add_photos(db, str(asset.id), [photo] * 3, TEAM, people_consent=True, allowed=3)
    assert len(list_photos(db)) == 1


def test_a_reported_photo_waits_for_the_team_and_three_reporters_hide_it(db: Database):
    photo = prepare_photo(jpeg_with_gps(), "walk.jpg", LIMIT)
    asset = register_asset(db, ASSOCIATION, TEAM, photos=[photo])
    approve_assets(db, [str(asset.id)], TEAM)
    photo_id = list_photos(db)["id"].item()
    with pytest.raises(LookupError):
        report_photo(db, photo_id, VISITOR, "not shown yet")
    set_photo_status(db, [photo_id], "approved", TEAM)
    assert not report_photo(db, photo_id, VISITOR, "shows a car's number plate")
    assert list_photos(db, reported_only=True)["id"].tolist() == [photo_id]
    assert photo_reports_for(db, photo_id)["reason"].tolist() == ["shows a car's number plate"]
    assert not report_photo(db, photo_id, visitor("second"), "plate")
    assert report_photo(db, photo_id, visitor("third"), "plate")
    assert public_photo(db, photo_id, utc_now()) is None
    assert list_photos(db, ("hidden",), reported_only=True)["id"].tolist() == [photo_id]


def test_reports_about_photos_count_against_the_hourly_limit(db: Database):
    photo = prepare_photo(jpeg_with_gps(), "walk.jpg", LIMIT)
    asset = register_asset(db, {**ASSOCIATION, "status": "approved"}, TEAM, photos=[photo])
    photo_id = list_photos(db)["id"].item()
    set_photo_status(db, [photo_id], "approved", TEAM)
    assert str(asset.status) == "approved"
    limits = Limits(reports_per_hour=1)
    report_photo(db, photo_id, VISITOR, "one", limits)
    with pytest.raises(LimitReachedError):
        report_photo(db, photo_id, VISITOR, "two", limits)


def test_erasing_an_asset_removes_its_photos_and_their_reports(db: Database):
    photo = prepare_photo(jpeg_with_gps(), "walk.jpg", LIMIT)
    asset = register_asset(db, ASSOCIATION, TEAM, photos=[photo, photo])
    assert len(list_photos(db)) == 2
    erase_asset(db, str(asset.id), ADMIN)
    assert list_photos(db).empty
    assert db.scalar("SELECT count(*) FROM photos") == 0
    assert (
        db.scalar(
            "SELECT count(*) FROM audit_log WHERE resource_type = 'photo' "
            "AND (previous_value IS NOT NULL OR replacement_value IS NOT NULL)"
        )
        == 0
    )


def _add_with_photo(app: AppTest, name: str, photo: tuple[str, bytes, str]) -> AppTest:
    app.text_input(key="lon").input("24.9465")
    app.text_input(key="lat").input("60.1745")
    selectbox(app, "What kind of asset is it?").select("association").run()
    selectbox(app, "Category").select("volunteer_group").run()
    next(w for w in app.text_input if w.label == "Name").input(name)
    app.file_uploader[0].set_value(photo)
    next(b for b in app.button if b.label == "Send for review").click().run()
    assert not app.exception, app.exception
    return app


def test_a_photo_sent_from_the_add_page_is_stored_clean_and_shown_after_approval(team_account):
    app = _add_with_photo(
        open_page("views/add.py"), "Walkers", ("walk.jpg", jpeg_with_gps(), "image/jpeg")
    )
    assert "waits for review" in app.success[0].value
    st.cache_resource.clear()  # let the test open the file the app held
    with connect(team_account) as db:
        waiting = list_photos(db, ("pending",))
        assert waiting["asset_name"].tolist() == ["Walkers"]
        stored = photo_data(db, waiting["id"].item(), TEAM).data
        image = Image.open(io.BytesIO(stored))
        assert image.format == "JPEG" and not image.getexif() and "exif" not in image.info
        approve_assets(db, list_assets(db, AssetFilter(statuses=("pending",)))["id"], TEAM)
        assert public_photo(db, waiting["id"].item(), utc_now()) is None
        assert _visible_photo(db) == []

    log_in(app)
    app.switch_page("views/review.py").run()
    assert any(m.value == "Photos waiting for review: 1" for m in app.markdown)
    next(b for b in app.button if b.label == "Approve photo").click().run()
    assert not app.exception, app.exception
    st.cache_resource.clear()
    with connect(team_account) as db:
        photo_id = waiting["id"].item()
        assert list_photos(db)["status"].tolist() == ["approved"]
        assert public_photo(db, photo_id, utc_now()) is not None
        assert _visible_photo(db) == [photo_id]

    # The map's table counts it, and a report about it reaches the team's Reported tab.
    app.switch_page("views/map.py").run()
    table = next(frame.value for frame in app.dataframe if "Photos" in frame.value)
    assert table.loc[table["Name"] == "Walkers", "Photos"].tolist() == [1]
    selectbox(app, "Asset").select(waiting["asset_id"].item())
    next(box for box in app.checkbox if box.label == "The problem is with its photo").check()
    next(w for w in app.text_input if w.label == "What is wrong?").input("shows a number plate")
    next(b for b in app.button if b.label == "Send report").click().run()
    assert not app.exception, app.exception
    st.cache_resource.clear()
    with connect(team_account) as db:
        assert list_photos(db, reported_only=True)["id"].tolist() == [photo_id]
    app.switch_page("views/review.py").run()
    next(b for b in app.button if b.label == "Keep the photo").click().run()
    st.cache_resource.clear()
    with connect(team_account) as db:
        assert list_photos(db, reported_only=True).empty
        assert public_photo(db, photo_id, utc_now()) is not None


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        (("garden.jpg", png(), "image/jpeg"), "garden.jpg is named as a JPEG file but is a PNG"),
        (("notes.jpg", b"shopping list: milk", "image/jpeg"), "notes.jpg is not a photo"),
    ],
)
def test_the_add_page_refuses_what_is_not_a_photo_and_stores_nothing(app_db, photo, message):
    app = _add_with_photo(open_page("views/add.py"), "Walkers", photo)
    assert message in app.error[0].value.replace("\\", "")  # shown as plain text
    assert not app.success
    st.cache_resource.clear()
    with connect(app_db) as db:
        assert list_assets(db, AssetFilter(statuses=("pending",))).empty
        assert list_photos(db).empty


def test_the_profile_shows_approved_photos_only_inline_in_its_file(app_db):
    shown = prepare_photo(jpeg_with_gps(), "walk.jpg", LIMIT)
    with connect(app_db) as db:
        walkers = register_asset(
            db,
            {**ASSOCIATION, "name": "<b>Walkers</b>", "status": "approved"},
            TEAM,
            photos=[shown],
        )
        register_asset(
            db, {**ASSOCIATION, "name": "Waiting", "status": "approved"}, TEAM, photos=[shown]
        )
        first = list_photos(db).set_index("asset_name").at["<b>Walkers</b>", "id"]
        set_photo_status(db, [first], "approved", TEAM)
        now = utc_now()
        profile = area_profile(db, str(walkers.area_id), list_assets(db, AssetFilter()), now)
    assert [photo.name for photo in profile.photos] == ["<b>Walkers</b>"]
    page = profile_html(profile, now)
    assert page.count('<img src="data:image/jpeg;base64,') == 1
    assert 'alt="&lt;b&gt;Walkers&lt;/b&gt;"' in page

    app = open_page()
    app.switch_page("views/profile.py").run()
    selectbox(app, "Area").select(str(walkers.area_id)).run()
    assert not app.exception, app.exception
    assert any(header.value == "Photos" for header in app.subheader)


@pytest.mark.browser
def test_a_popup_shows_an_approved_photo_from_the_apps_own_server(tmp_path: Path, browser: Browser):
    db_file = tmp_path / "photos.duckdb"
    photo = prepare_photo(jpeg_with_gps(), "walk.jpg", LIMIT)
    with connect(str(db_file)) as db:
        load_demo(db, ADMIN)
        for name in ("Walkers", "Waiting"):
            register_asset(
                db, {**ASSOCIATION, "name": name, "status": "approved"}, TEAM, photos=[photo]
            )
        photos = list_photos(db).set_index("asset_name")["id"]
        set_photo_status(db, [photos["Walkers"]], "approved", TEAM)
    outside: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    keep_local(context, outside)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    with Server(db=db_file) as server:
        page.goto(server.url)
        frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
        frame.locator(".leaflet-container[data-asset-count]").wait_for()
        open_popup = """(name) => window.assetmap.assets.getLayers()
            .find((layer) => layer.feature.properties.name === name).openPopup()"""
        frame.locator(".leaflet-container").evaluate(
            f"(_, name) => ({open_popup})(name)", "Walkers"
        )
        image = frame.locator(".leaflet-popup-content img")
        expect(image).to_have_attribute("src", f"/photos/{photos['Walkers']}.jpg")
        expect(image).to_have_attribute("alt", "Photo: Walkers")
        page.wait_for_function(  # the photo itself arrived: 30 px wide once turned upright
            "() => [...document.querySelectorAll('iframe')].some((f) => "
            "[...f.contentDocument.querySelectorAll('.leaflet-popup-content img')]"
            ".some((img) => img.complete && img.naturalWidth === 30))"
        )
        frame.locator(".leaflet-container").evaluate(
            f"(_, name) => ({open_popup})(name)", "Waiting"
        )
        expect(frame.locator(".leaflet-popup-content")).to_contain_text("Waiting")
        expect(frame.locator(".leaflet-popup-content img")).to_have_count(0)
        waiting = page.request.get(f"{server.url}/photos/{photos['Waiting']}.jpg")
        assert waiting.status == 404
    context.close()
    assert outside == []
