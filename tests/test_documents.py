"""The documents rendered from templates: the profile file and the network drawing."""

import networkx as nx

from assetmap.i18n import set_language
from assetmap.register.assets import approve_assets, list_assets, register_asset
from assetmap.register.links import add_link
from assetmap.register.privacy import public_assets
from assetmap.register.profile import area_profile
from assetmap.render.documents import graph_svg, profile_html, style_element, stylesheet
from assetmap.storage import utc_now

from .conftest import TEAM

TEMPLATE_NAME = "<script>{{7*7}}</script> {% raw %}"
ESCAPED_NAME = "&lt;script&gt;{{7*7}}&lt;/script&gt; {% raw %}"


def test_the_profile_file_speaks_the_chosen_language(demo_db):
    now = utc_now()
    profile = area_profile(demo_db, "kluuvi", public_assets(list_assets(demo_db), now), now)
    try:
        set_language("nb")
        norwegian = profile_html(profile, now)
    finally:
        set_language("en")
    assert norwegian.startswith('<!DOCTYPE html>\n<html lang="nb">')
    assert "<title>Nabolagsprofil: Kluuvi</title>" in norwegian
    assert '<html lang="en">' in profile_html(profile, now)


def test_template_syntax_in_a_name_is_text_in_the_profile(demo_db):
    asset = register_asset(
        demo_db,
        {
            "kind": "association",
            "category": "cultural_group",
            "name": TEMPLATE_NAME,
            "lon": 24.9440,
            "lat": 60.1690,
        },
        TEAM,
    )
    approve_assets(demo_db, [str(asset.id)], TEAM)
    assets = list_assets(demo_db)
    area = assets.set_index("id").at[str(asset.id), "area_id"]
    library = assets[assets["category"] == "library"]["id"].iloc[0]
    add_link(demo_db, TEAM, str(asset.id), library, "meets_at")
    now = utc_now()
    page = profile_html(
        area_profile(demo_db, area, public_assets(list_assets(demo_db), now), now), now
    )
    assert "<script>" not in page and "&lt;script&gt;49" not in page
    # on the map (title of its dot), among the connectors and in the recent changes
    assert page.count(ESCAPED_NAME) == 3


def test_template_syntax_in_a_name_is_text_in_the_network_drawing():
    graph = nx.Graph()
    graph.add_node("a", name=TEMPLATE_NAME, kind="association", area_id="x")
    graph.add_node("b", name="Library", kind="institution", area_id="x")
    graph.add_edge("a", "b")
    drawing = graph_svg(graph, {"association": "#0072B2"}, "{{7*7}} & <b>links</b>")
    assert "<script>" not in drawing and "<b>" not in drawing
    assert f">{ESCAPED_NAME}</text>" in drawing
    assert 'aria-label="{{7*7}} &amp; &lt;b&gt;links&lt;/b&gt;"' in drawing
    assert 'fill="#777"' in drawing  # a kind without a colour


def test_style_sheets_are_inlined_from_their_files(demo_db):
    now = utc_now()
    profile = area_profile(demo_db, "kluuvi", public_assets(list_assets(demo_db), now), now)
    assert f"<style>\n{stylesheet('profile.css')}</style>" in profile_html(profile, now)
    for name in ("accessible.css", "meeting.css"):
        assert style_element(name) == f"<style>\n{stylesheet(name)}</style>"
        assert "</style>" not in stylesheet(name) and "{" in stylesheet(name)
