"""Relationships, connector figures, snapshots, action log and neighbourhood profiles."""

from datetime import UTC, date, datetime, timedelta

import networkx as nx
import pandas as pd
import pytest

from assetmap.analysis.connections import key_connectors, key_person_risks, link_graph, orphans
from assetmap.register.actions import add_entry, entries_for, set_entry_status
from assetmap.register.assets import (
    AssetFilter,
    approve_assets,
    erase_asset,
    hide_assets,
    list_assets,
    register_asset,
    update_asset,
)
from assetmap.register.audit import history
from assetmap.register.links import LinkError, add_link, end_link, list_links, public_links
from assetmap.register.privacy import public_assets
from assetmap.register.profile import area_profile
from assetmap.register.snapshots import changes_since, diff_states, save_snapshot
from assetmap.render.documents import profile_html

from .conftest import TEAM, VISITOR

PERSON = {
    "kind": "person",
    "category": "skill",
    "name": "Aino, knits",
    "lon": 24.9461,
    "lat": 60.1712,
    "consent": True,
}
CHOIR = {
    "kind": "association",
    "category": "cultural_group",
    "name": "Kallio choir",
    "lon": 24.9440,
    "lat": 60.1690,
}


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def approved(db, data):
    asset = register_asset(db, data, TEAM)
    approve_assets(db, [str(asset.id)], TEAM)
    return str(asset.id)


def visible_to_visitors(db, moment=None):
    return public_assets(list_assets(db), moment or now())


def test_link_kinds_must_fit(demo_db):
    aino, choir = approved(demo_db, PERSON), approved(demo_db, CHOIR)
    library = list_assets(demo_db, AssetFilter(categories=("library",)))["id"].iloc[0]
    add_link(demo_db, TEAM, aino, choir, "member", "alto")
    add_link(demo_db, TEAM, choir, library, "meets_at")
    with pytest.raises(LinkError, match="cannot be linked"):
        add_link(demo_db, TEAM, library, choir, "member")
    with pytest.raises(LinkError, match="itself"):
        add_link(demo_db, TEAM, choir, choir, "knows")
    with pytest.raises(LinkError, match="end before it starts"):
        add_link(demo_db, TEAM, aino, choir, "leader", start=date(2026, 5, 1), end=date(2026, 1, 1))


def test_visitor_links_wait_and_hidden_or_ended_links_are_not_public(demo_db):
    aino, choir = approved(demo_db, PERSON), approved(demo_db, CHOIR)
    pending = add_link(demo_db, VISITOR, aino, choir, "member")
    assert pending.status == "pending"
    everyone = list_links(demo_db, statuses=())
    assert public_links(everyone, visible_to_visitors(demo_db), date.today()).empty
    approved_link = add_link(demo_db, TEAM, aino, choir, "leader")
    shown = public_links(list_links(demo_db), visible_to_visitors(demo_db), date.today())
    assert shown["id"].tolist() == [approved_link.id]
    hide_assets(demo_db, [choir], TEAM, "closed")
    assert public_links(list_links(demo_db), visible_to_visitors(demo_db), date.today()).empty
    approve_assets(demo_db, [choir], TEAM)
    end_link(demo_db, TEAM, approved_link.id, date.today() - timedelta(days=1))
    assert public_links(list_links(demo_db), visible_to_visitors(demo_db), date.today()).empty


def test_a_person_without_consent_takes_their_links_off_the_map(demo_db):
    aino, choir = approved(demo_db, PERSON), approved(demo_db, CHOIR)
    add_link(demo_db, TEAM, aino, choir, "member")
    next_year = now() + timedelta(days=400)
    visible = visible_to_visitors(demo_db, next_year)
    assert public_links(list_links(demo_db), visible, next_year.date()).empty


def test_erasing_a_person_removes_their_links_and_link_history(demo_db):
    aino, choir = approved(demo_db, PERSON), approved(demo_db, CHOIR)
    link = add_link(demo_db, TEAM, aino, choir, "member", "soprano, Aino's choir")
    erase_asset(demo_db, aino, TEAM)
    assert list_links(demo_db, statuses=()).empty
    trail = history(demo_db, link.id)
    assert trail["replacement_value"].isna().all()


def small_graph() -> nx.Graph:
    assets = pd.DataFrame(
        {
            "id": list("abcdef"),
            "name": list("ABCDEF"),
            "kind": ["person", "association", "person", "place", "person", "place"],
            "area_id": ["x", "x", "x", "y", "y", "y"],
        }
    )
    links = pd.DataFrame(
        {
            "from_id": ["a", "c", "b"],
            "to_id": ["b", "b", "d"],
            "type": ["member", "member", "meets_at"],
        }
    )
    return link_graph(assets, links)


def test_connector_figures_on_a_known_graph():
    graph = small_graph()
    assert orphans(graph) == ["e", "f"]
    top = key_connectors(graph)
    assert top["id"].iloc[0] == "b"  # every path between a, c and d goes through b
    assert top["betweenness"].iloc[0] == pytest.approx(nx.betweenness_centrality(graph)["b"])
    risks = key_person_risks(graph)
    assert set(zip(risks["area_id"], risks["hub_id"], strict=True)) == {("x", "b")}


def test_snapshot_diff(demo_db):
    keep = list_assets(demo_db).iloc[0]["id"]
    gone = list_assets(demo_db).iloc[1]["id"]
    snapshot = save_snapshot(demo_db, TEAM, "March meeting", {"kinds": ["place"]})
    new = approved(demo_db, CHOIR)
    update_asset(demo_db, keep, {"description": "Now open on Sundays"}, TEAM)
    hide_assets(demo_db, [gone], TEAM, "closed")
    assets, links = changes_since(demo_db, snapshot)
    assert [i for i, _ in assets.added] == [new]
    assert [i for i, _ in assets.changed] == [keep]
    assert [i for i, _ in assets.removed] == [gone]
    assert links.is_empty()


def test_diff_states_is_pure():
    changes = diff_states({"a": ["1", "A"], "b": ["1", "B"]}, {"a": ["2", "A"], "c": ["1", "C"]})
    assert (changes.added, changes.changed, changes.removed) == (
        [("c", "C")],
        [("a", "A")],
        [("b", "B")],
    )


def test_action_log_is_for_the_team(demo_db):
    with pytest.raises(PermissionError):
        add_entry(demo_db, VISITOR, "kluuvi", "action", "x")
    entry = add_entry(
        demo_db,
        TEAM,
        "kluuvi",
        "action",
        "Aino introduces the choir to Oodi",
        owner="Aino",
        due=date(2027, 3, 1),
    )
    set_entry_status(demo_db, TEAM, entry, "done")
    log = entries_for(demo_db, "kluuvi")
    assert log[["text", "owner", "status"]].values.tolist() == [
        ["Aino introduces the choir to Oodi", "Aino", "done"]
    ]


def test_profile_has_every_section_and_escapes_text(demo_db):
    choir = approved(demo_db, {**CHOIR, "name": "<script>alert(1)</script> choir"})
    library = list_assets(demo_db, AssetFilter(categories=("library",)))["id"].iloc[0]
    add_link(demo_db, TEAM, choir, library, "meets_at")
    area = list_assets(demo_db).set_index("id").loc[choir, "area_id"]
    add_entry(demo_db, TEAM, area, "values", "Nobody eats alone")
    profile = area_profile(demo_db, area, visible_to_visitors(demo_db), now())
    assert profile.counts["n"].sum() == len(profile.assets) > 0
    assert set(profile.indicators["indicator"]) >= {"Need index (illustrative)"}
    assert profile.coverage_share is not None and 0 <= profile.coverage_share <= 1
    page = profile_html(profile, now())
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; choir" in page
    assert "Nobody eats alone" in page and "@media print" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_network_drawing_is_labelled_and_escaped():
    from assetmap.render.documents import graph_svg

    graph = small_graph()
    graph.nodes["a"]["name"] = "<script>x</script>"
    drawing = graph_svg(graph, {"person": "#E69F00"}, "Links as a network")
    assert 'role="img"' in drawing and 'aria-label="Links as a network"' in drawing
    assert "<script>" not in drawing and "&lt;script&gt;" in drawing
    assert drawing.count("<circle") == 4  # the linked assets only
