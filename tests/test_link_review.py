"""Links a team can review: a visitor's link waits, a team member decides on the Review page.

The page tests drive the Connections and Review pages with AppTest and then read the database
with a connection of their own; the storage tests call links.py directly. Both run on DuckDB
and on PostgreSQL.
"""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from assetmap.accounts import PermissionDeniedError, add_user
from assetmap.register.assets import approve_assets, erase_asset, register_asset
from assetmap.register.links import (
    StaleLinkDecisionError,
    add_link,
    links_to_table,
    list_links,
    pending_links,
    set_link_status,
)
from assetmap.storage import Database, connect

from .conftest import ADMIN, TEAM, VISITOR
from .test_pages import TEAM_PASSWORD, log_in, open_page, selectbox

PERSON = {
    "kind": "person",
    "category": "skill",
    "name": "Aino Virtanen",
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
WALKERS = {**CHOIR, "category": "volunteer_group", "name": "Walkers [*new*]", "lon": 24.9450}
SHOWN = "Aino Virtanen is a member of Kallio choir"


def approved(db: Database, data: dict) -> str:
    asset = register_asset(db, data, TEAM)
    approve_assets(db, [str(asset.id)], TEAM)
    return str(asset.id)


def link_audit(db: Database, link_id: str) -> pd.DataFrame:
    """The link's audit rows after its creation, oldest first."""
    return db.frame(
        "SELECT resource_type, last_action_type, previous_value, replacement_value, "
        "updated_by, reason FROM audit_log "
        "WHERE resource_id = ? AND last_action_type <> 'create' ORDER BY id",
        (link_id,),
    )


def statuses(db: Database) -> dict[str, str]:
    links = list_links(db, statuses=())
    return dict(zip(links["id"], links["status"], strict=True))


# Through the pages


@pytest.fixture
def team_app_db(app_db: str) -> dict[str, str]:
    """The demo with a person, a choir and a walking group, and a team member (kari)."""
    with connect(app_db) as db:
        add_user(db, ADMIN, "kari", "team", TEAM_PASSWORD)
        return {
            "url": app_db,
            "aino": approved(db, PERSON),
            "choir": approved(db, CHOIR),
            "walkers": approved(db, WALKERS),
        }


def proposed_links(world: dict[str, str], *targets: str) -> list[str]:
    """Visitors' pending links from Aino to each target, made without the page."""
    with connect(world["url"]) as db:
        return [add_link(db, VISITOR, world["aino"], world[t], "member").id for t in targets]


def review_page() -> AppTest:
    app = log_in(open_page())
    app.switch_page("views/review.py").run()
    assert not app.exception, app.exception
    return app


def button(app: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in app.button if b.label == label)


def test_a_visitors_link_is_approved_on_the_review_page_and_then_shown(team_app_db):
    world = team_app_db
    visitor = open_page("views/connections.py")
    selectbox(visitor, "Asset").select(world["aino"]).run()
    selectbox(visitor, "Kind of link").select("member")
    selectbox(visitor, "With").select(world["choir"])
    next(w for w in visitor.text_input if w.label == "Role (optional)").input("alto")
    button(visitor, "Add link").click().run()
    assert not visitor.exception, visitor.exception
    assert "A team member checks it before it is shown" in visitor.success[0].value
    assert not any(SHOWN in m.value for m in visitor.markdown)
    with connect(world["url"]) as db:
        stored = list_links(db, statuses=())
    assert stored[["from_id", "to_id", "type", "role", "status"]].values.tolist() == [
        [world["aino"], world["choir"], "member", "alto", "pending"]
    ]
    link_id = stored["id"].item()

    app = review_page()
    assert any(m.value == "Links waiting for review: 1" for m in app.markdown)
    table = next(f.value for f in app.dataframe if "Kind of link" in f.value.columns)
    assert table.iloc[0][["From", "Kind of link", "To", "Role"]].tolist() == [
        "Aino Virtanen",
        "is a member of",
        "Kallio choir",
        "alto",
    ]
    assert button(app, "Approve chosen links (0)").disabled
    button(app, "Choose all links (1)").click().run()
    button(app, "Approve chosen links (1)").click().run()
    assert not app.exception, app.exception
    assert any(i.value == "Approved 1 links." for i in app.info)
    with connect(world["url"]) as db:
        assert statuses(db) == {link_id: "approved"}
        trail = link_audit(db, link_id)
    assert trail.values.tolist() == [["link", "approve", "pending", "approved", "kari", ""]]

    later = open_page("views/connections.py")
    selectbox(later, "Asset").select(world["aino"]).run()
    assert any(SHOWN in m.value for m in later.markdown)


def test_rejecting_links_in_bulk_keeps_the_reason_and_undo_brings_them_back(team_app_db):
    first, second = proposed_links(team_app_db, "choir", "walkers")
    app = review_page()
    assert any(m.value == "Links waiting for review: 2" for m in app.markdown)
    button(app, "Choose all links (2)").click().run()
    app.text_input(key="link_reason").input("  Aino asked us not to list her  ")
    button(app, "Reject chosen links (2)").click().run()
    assert not app.exception, app.exception
    assert any("No link waits for review" in s.value for s in app.success)
    with connect(team_app_db["url"]) as db:
        assert statuses(db) == {first: "hidden", second: "hidden"}
        for link_id in (first, second):
            assert link_audit(db, link_id).values.tolist() == [
                ["link", "hide", "pending", "hidden", "kari", "Aino asked us not to list her"]
            ]

    button(app, "Undo").click().run()
    assert not app.exception, app.exception
    assert any(m.value == "Links waiting for review: 2" for m in app.markdown)
    with connect(team_app_db["url"]) as db:
        assert statuses(db) == {first: "pending", second: "pending"}
        assert link_audit(db, first).values.tolist()[-1] == [
            "link",
            "pending",
            "hidden",
            "pending",
            "kari",
            "Undone",
        ]


def test_approving_some_links_leaves_the_others_waiting(team_app_db):
    first, second = proposed_links(team_app_db, "choir", "walkers")
    app = review_page()
    app.multiselect(key="chosen_links").select(second).run()
    button(app, "Approve chosen links (1)").click().run()
    assert not app.exception, app.exception
    assert any(m.value == "Links waiting for review: 1" for m in app.markdown)
    assert app.multiselect(key="chosen_links").value == []
    assert len(app.multiselect(key="chosen_links").options) == 1
    with connect(team_app_db["url"]) as db:
        assert statuses(db) == {first: "pending", second: "approved"}


def test_deciding_on_a_link_someone_else_decided_is_refused(team_app_db):
    (link_id,) = proposed_links(team_app_db, "walkers")
    app = review_page()
    button(app, "Choose all links (1)").click().run()
    with connect(team_app_db["url"]) as elsewhere:  # another team member, another app process
        set_link_status(elsewhere, TEAM, [link_id], "hidden", "not a member")
    button(app, "Approve chosen links (1)").click().run()
    assert not app.exception, app.exception
    warning = app.warning[0].value
    assert "Someone else decided on" in warning and "nothing was decided" in warning
    assert r"Walkers \[\*new\*\]" in warning  # the asset's name, escaped for markdown
    with connect(team_app_db["url"]) as db:
        assert statuses(db) == {link_id: "hidden"}
        assert link_audit(db, link_id)["updated_by"].tolist() == [TEAM.name]

    app.run()
    assert any("No link waits for review" in s.value for s in app.success)


def test_review_page_says_when_no_link_waits(team_app_db):
    app = review_page()
    assert any("No link waits for review" in s.value for s in app.success)


# Storage, on both backends


def two_pending(db: Database) -> tuple[str, str]:
    aino, choir, walkers = approved(db, PERSON), approved(db, CHOIR), approved(db, WALKERS)
    first = add_link(db, VISITOR, aino, choir, "member", "alto").id
    second = add_link(db, VISITOR, aino, walkers, "member").id
    add_link(db, TEAM, choir, walkers, "partners_with")  # the team's own: approved at once
    return first, second


def test_pending_links_name_both_assets_oldest_first(db):
    first, second = two_pending(db)
    pending = pending_links(db)
    assert pending["id"].tolist() == [first, second]
    table = links_to_table(pending)
    assert table.columns.tolist() == [
        "From",
        "Kind of link",
        "To",
        "Role",
        "Since",
        "Proposed (UTC)",
    ]
    assert table.iloc[0, :5].tolist() == [
        "Aino Virtanen",
        "is a member of",
        "Kallio choir",
        "alto",
        "",
    ]
    assert table["Proposed (UTC)"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d").all()
    set_link_status(db, TEAM, [first], "approved")
    assert pending_links(db)["id"].tolist() == [second]
    assert links_to_table(pending_links(db).iloc[0:0]).empty


def test_a_decision_on_links_changed_since_is_refused_whole(db):
    first, second = two_pending(db)
    set_link_status(db, TEAM, [second], "approved", "seen at the meeting")
    seen = {first: "pending", second: "pending"}
    with pytest.raises(StaleLinkDecisionError, match="Walkers") as refused:
        set_link_status(db, TEAM, [first, second], "hidden", "spam", seen)
    assert refused.value.link_ids == [second]
    now = statuses(db)
    assert (now[first], now[second]) == ("pending", "approved")
    assert link_audit(db, first).empty


def test_a_decision_on_a_removed_link_is_refused(db):
    first, _ = two_pending(db)
    aino = list_links(db, statuses=()).set_index("id").loc[first, "from_id"]
    erase_asset(db, aino, TEAM)
    with pytest.raises(StaleLinkDecisionError, match="a link that was removed"):
        set_link_status(db, TEAM, [first], "approved", "", {first: "pending"})


def test_decisions_are_audited_and_undone_only_if_unchanged(db):
    first, second = two_pending(db)
    set_link_status(db, TEAM, [first, second], "hidden", " duplicate ", {first: "pending"})
    assert link_audit(db, second).values.tolist() == [
        ["link", "hide", "pending", "hidden", TEAM.name, "duplicate"]
    ]
    set_link_status(
        db, TEAM, [first, second], "pending", "Undone", dict.fromkeys([first], "hidden")
    )
    assert statuses(db)[first] == statuses(db)[second] == "pending"
    with pytest.raises(StaleLinkDecisionError):
        set_link_status(db, TEAM, [first], "pending", "Undone", {first: "hidden"})


def test_only_the_team_decides_on_links(db):
    first, _ = two_pending(db)
    with pytest.raises(PermissionDeniedError):
        set_link_status(db, VISITOR, [first], "approved")
    assert statuses(db)[first] == "pending"
