"""The poster: a PDF of the map on the chosen paper, with title, legend, index and a QR code
that opens the same map, made through the Map page from what the person may take out."""

from __future__ import annotations

import io

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from assetmap.io.pdf import html_to_pdf
from assetmap.register.areas import list_areas
from assetmap.register.assets import AssetFilter, list_assets
from assetmap.register.privacy import ANYONE, released
from assetmap.render.poster import Paper, fit_bounds, numbered, poster_html
from assetmap.storage import connect, utc_now

from .test_pages import APP, TIMEOUT

POINTS_PER_MM = 72 / 25.4
ADDRESS = "https://assets.example.org/?lang=en&kind=place&map=15/60.17000/24.94000"


def page_size_mm(pdf: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return float(box.width) / POINTS_PER_MM, float(box.height) / POINTS_PER_MM


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def qr_codes(pdf: bytes) -> list[str]:
    """The QR codes on the first page, read from a picture of it."""
    picture = pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil()
    return [code.text for code in zxingcpp.read_barcodes(picture)]


@pytest.mark.parametrize(
    ("size", "orientation", "mm"),
    [
        ("A4", "portrait", (210, 297)),
        ("A1", "landscape", (841, 594)),
    ],
)
def test_the_poster_is_printed_on_the_chosen_paper(demo_db, size, orientation, mm):
    now = utc_now()
    assets = released(list_assets(demo_db, AssetFilter()), ANYONE, now)
    areas = list_areas(demo_db)
    html = poster_html(
        Paper(size, orientation),
        "Kallio assets",
        "",
        now,
        tuple(areas.total_bounds),
        assets,
        areas,
        ADDRESS,
        "© OpenStreetMap contributors",
    )
    pdf = html_to_pdf(html)
    width, height = page_size_mm(pdf)
    assert (round(width), round(height)) == mm
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = pdf_text(pdf)
    assert "Kallio assets" in text and "Kinds of asset" in text and "Index" in text
    assert qr_codes(pdf) == [ADDRESS]


def test_markers_are_numbered_by_name_within_the_view(demo_db):
    assets = list_assets(demo_db, AssetFilter())
    bounds = fit_bounds(tuple(list_areas(demo_db).total_bounds), 4, 3)
    shown = numbered(assets, bounds, 5)
    assert list(shown["number"]) == [1, 2, 3, 4, 5]
    names = [name.casefold() for name in shown["name"]]
    assert names == sorted(names)


def poster_of(app: AppTest) -> bytes:
    """The bytes the page hands its download button."""
    (download,) = [button for button in app.get("download_button")]
    assert download.proto.label == "Download the poster"
    made: bytes = app.session_state["map_poster"][1]
    return made


def test_the_map_page_makes_a_poster_of_its_view_and_filters(app_db):
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.context = {"url": "https://assets.example.org/"}
    app.query_params["kind"] = "place"
    app.query_params["map"] = "15/60.17/24.94"
    app.run()
    assert not app.exception, app.exception
    app.selectbox(key="map_paper").select("A4").run()
    app.radio(key="map_orientation").set_value("Portrait").run()
    app.button(key="map_make_poster").click().run()
    assert not app.exception, app.exception
    pdf = poster_of(app)
    width, height = page_size_mm(pdf)
    assert (round(width), round(height)) == (210, 297)
    text = pdf_text(pdf)
    assert "Community assets" in text and "Kind: Place" in text
    for label in ("Kinds of asset", "Person", "Association", "Place", "Institution"):
        assert label in text
    # The index lists places only, and only what a visitor may take out.
    with connect(app_db) as db:
        places = released(list_assets(db, AssetFilter(kinds=("place",))), ANYONE, utc_now())
        others = list_assets(db, AssetFilter(kinds=("institution",)))
    assert "(Place)" in text and "(Institution)" not in text
    assert any(name in text for name in places["name"])
    assert not any(f"{name} (" in text for name in others["name"])
    assert qr_codes(pdf) == [ADDRESS]


def test_without_chromium_the_page_says_what_to_install(app_db, monkeypatch):
    monkeypatch.setenv("ASSETMAP_CHROMIUM", "/nonexistent/chromium")
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.run()
    app.button(key="map_make_poster").click().run()
    assert not app.exception, app.exception
    assert "Chromium is needed to make the PDF" in app.error[0].value
    assert not app.get("download_button")
