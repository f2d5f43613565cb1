"""A map's address: filters, view and open popup read from and written to query parameters,
and kept by the Meeting page (the Map page's is tested in the browser and by its poster)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from streamlit.testing.v1 import AppTest

from assetmap.render.permalink import (
    MapAddress,
    MapView,
    address_from_params,
    address_to_params,
    address_url,
    view_bounds,
    with_view,
)

from .test_pages import APP, TIMEOUT

AREAS = ("kallio", "sornainen")


def test_an_address_read_back_is_the_same_address() -> None:
    address = MapAddress(
        kinds=("place", "association"),
        categories=("park",),
        sectors=("public", "civil_society"),
        areas=("kallio",),
        text="reading room",
        links=True,
        view=MapView(60.18412, 24.95012, 15),
        asset="a-17",
    )
    params = address_to_params(address)
    assert params["map"] == "15/60.18412/24.95012"
    assert address_from_params(params, AREAS) == address


def test_an_untouched_map_has_a_plain_address() -> None:
    assert address_to_params(MapAddress()) == {}
    assert address_from_params({}, AREAS) == MapAddress()


def test_bad_values_are_ignored_and_the_rest_kept() -> None:
    params = {
        "kind": "place,spaceship,place",
        "category": "park,skill,nonsense",
        "sector": "public,martian",
        "area": "kallio,atlantis",
        "q": "  choir ",
        "links": "maybe",
        "map": "fifteen/60.1/24.9",
        "asset": "<script>",
    }
    address = address_from_params(params, AREAS)
    # A person's category is not offered once only places are chosen.
    assert address == MapAddress(
        kinds=("place",),
        categories=("park",),
        sectors=("public",),
        areas=("kallio",),
        text="choir",
    )


def test_malformed_views_are_ignored() -> None:
    for text in (
        "15/60.1",
        "15/91/24",
        "15/60/181",
        "99/60/24",
        "-1/60/24",
        "15/nan/24",
        "15/60/inf",
        "15/a/b",
        "",
    ):
        assert address_from_params({"map": text, "kind": "place"}, AREAS) == MapAddress(
            kinds=("place",)
        ), text


def test_repeated_parameters_are_read_as_lists() -> None:
    address = address_from_params(
        {"kind": ["place", "person"], "map": ["1/2/3", "4/5/6"], "q": ["choir"]}, AREAS
    )
    assert address.kinds == ("place", "person")
    assert address.text == "choir"
    assert address.view is None  # two views: neither is the one


def test_the_link_carries_language_and_address() -> None:
    address = with_view(MapAddress(kinds=("place",), text="sauna & café"), 60.123456, 24.9, 14.2)
    url = address_url("https://example.org/meeting", address, "nb")
    parts = urlsplit(url)
    assert parts.path == "/meeting"
    query = {key: value[0] for key, value in parse_qs(parts.query).items()}
    assert query == {
        "lang": "nb",
        "kind": "place",
        "q": "sauna & café",
        "map": "14/60.12346/24.90000",
    }
    assert address_from_params(query, AREAS) == address


def test_a_view_covers_what_a_screen_shows_around_its_centre() -> None:
    min_lon, min_lat, max_lon, max_lat = view_bounds(MapView(60.17, 24.94, 15), 1000, 600)
    assert min_lon < 24.94 < max_lon and min_lat < 60.17 < max_lat
    # Zoom 15 is 4.78 m a pixel at the equator and half that at 60° north: 1,000 pixels
    # are about 2.4 km east-west.
    across = (max_lon - min_lon) * 111_320 * 0.5
    assert 2_300 < across < 2_500


def test_the_meeting_page_opens_at_its_address_and_keeps_it(app_db) -> None:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.run()
    app.switch_page("views/meeting.py")
    app.query_params["kind"] = "association,place,starship"
    app.query_params["map"] = "fifteen/60.17/24.94"  # malformed: ignored, the rest kept
    app.query_params["links"] = "1"
    app.run()
    assert not app.exception, app.exception
    assert app.multiselect(key="meeting_kind").value == ["association", "place"]
    assert app.toggle(key="meeting_links").value is True
    assert app.query_params["kind"] == "association,place"
    assert "map" not in app.query_params
    app.multiselect(key="meeting_kind").unselect("association").run()
    assert app.query_params["kind"] == "place"
    assert app.query_params["lang"] == "en"
