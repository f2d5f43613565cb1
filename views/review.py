"""Review: decide on new and reported assets, in bulk or one by one, with a reason."""

from typing import Any

import pandas as pd
import streamlit as st

from assetmap.i18n import gettext as _
from assetmap.models import Asset, ValidationError, field_label, text_or_empty
from assetmap.register.assets import (
    AssetFilter,
    EditConflictError,
    StaleDecisionError,
    flags_for,
    get_asset,
    set_status,
    update_asset,
)
from assetmap.register.links import (
    StaleLinkDecisionError,
    describe_link,
    links_to_table,
    pending_links,
    set_link_status,
)
from assetmap.render.mapping import assets_to_table
from assetmap.web import asset_form, caches, login, photo_review, resources, widgets

actor = login.require("review")
db = resources.database()
st.title(_("Review"))


def decide(
    ids: list[str], status: str, reason: str, done: str, before: str, seen: dict[str, int]
) -> None:
    """Decide on what this person saw on their last run; refuse if anyone changed it since."""
    try:
        set_status(
            db, ids, status, actor, reason, seen_versions={i: seen[i] for i in ids if i in seen}
        )
    except StaleDecisionError as stale:
        st.warning(widgets.plain(stale))
        return
    st.session_state["last_decision"] = (ids, before, done)
    st.rerun()


def versions_seen(key: str, shown: pd.DataFrame) -> dict[str, int]:
    """The versions shown on the previous run (what the person decided on), remembering now's."""
    seen: dict[str, int] = st.session_state.get(key, {})
    st.session_state[key] = dict(zip(shown["id"], shown["version"].astype(int), strict=True))
    return seen


def edit_form_defaults(asset: Asset) -> dict[str, Any]:
    """The editor's fields as the asset has them (coordinates as the text a person types)."""
    values = {name: getattr(asset, name) for name in asset_form.EDIT_FIELDS}
    return {**values, "lon": f"{asset.lon:.6f}", "lat": f"{asset.lat:.6f}"}


def shown_value(value: Any) -> str:
    return ", ".join(value) if isinstance(value, tuple) else text_or_empty(value)


def show_conflict(conflict: EditConflictError) -> None:
    st.warning(str(conflict))
    rows = [
        (field_label(name), shown_value(before), shown_value(after))
        for name, before, after in conflict.changes
    ]
    columns = [_("Field"), _("When you opened it"), _("Now")]
    st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True)


def edit_editor(asset_id: str) -> None:
    """Edit one asset. Only the fields this person changed are saved, and only if nobody
    else saved a change since they opened it; otherwise they see what changed first."""
    base_key = f"edit_base_{asset_id}"
    if base_key not in st.session_state:
        st.session_state[base_key] = get_asset(db, asset_id)
    seen: Asset = st.session_state[base_key]
    st.text(seen.description or _("(no description)"))
    contacts = [seen.website, seen.phone, seen.email, ", ".join(seen.tags)]
    st.text(" · ".join(c for c in contacts if c))
    st.caption(_("Location: {lat:.6f}, {lon:.6f}").format(lat=seen.lat, lon=seen.lon))
    defaults = edit_form_defaults(seen)
    with st.form(f"edit_{asset_id}"):
        values = asset_form.asset_fields(seen.kind, asset_form.EDIT_FIELDS, defaults)
        if not st.form_submit_button(_("Save changes")):
            return
    changes = {name: value for name, value in values.items() if value != defaults[name]}
    if not changes:
        st.info(_("Nothing was changed."))
        return
    try:
        update_asset(
            db,
            asset_id,
            changes,
            actor,
            max_distance_km=resources.settings().max_distance_km,
            based_on=seen,
        )
    except ValidationError as error:
        widgets.show_problems(error.problems)
    except EditConflictError as conflict:
        st.session_state[base_key] = seen.with_changes(version=conflict.current.version)
        show_conflict(conflict)
    else:
        del st.session_state[base_key]
        st.rerun()


def link_choice(link: Any) -> str:
    role = f" ({link.role})" if link.role else ""
    return describe_link(link.from_name, link.type, link.to_name) + role


def offered_links(pending: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Link id -> (status seen, sentence) for the chooser: the links pending now, plus those the
    person chose on the previous run that changed since, so deciding on them is refused, not
    silently skipped."""
    earlier: dict[str, tuple[str, str]] = st.session_state.get("links_offered", {})
    offered = {link.id: ("pending", link_choice(link)) for link in pending.itertuples()}
    for link_id in st.session_state.get("chosen_links", []):
        if link_id in earlier:
            offered.setdefault(link_id, earlier[link_id])
    st.session_state["links_offered"] = offered
    return offered


def forget_offered(link_ids: list[str]) -> None:
    """Offer these links no more from the next run on, unless they are pending again."""
    offered: dict[str, tuple[str, str]] = st.session_state.get("links_offered", {})
    for link_id in link_ids:
        offered.pop(link_id, None)


def decide_links(
    ids: list[str], status: str, reason: str, seen: dict[str, str], done: str | None
) -> None:
    """Decide on links as this person saw them; `done` is what to offer to undo (None: undo)."""
    try:
        set_link_status(db, actor, ids, status, reason, seen)
    except StaleLinkDecisionError as stale:
        st.warning(widgets.plain(stale))
        forget_offered(stale.link_ids)
        return
    forget_offered(ids)
    if done:
        st.session_state["last_link_decision"] = (ids, status, done)
    st.rerun()


if undo := st.session_state.get("last_decision"):
    ids, before, label = undo
    text_column, button_column = st.columns([4, 1])
    text_column.info(label)
    if button_column.button(_("Undo"), key="undo"):
        set_status(db, ids, before, actor, _("Undone"))
        del st.session_state["last_decision"]
        st.rerun()

pending_tab, photos_tab, reported_tab, links_tab = st.tabs(
    [_("New assets"), _("New photos"), _("Reported by visitors"), _("New links")]
)

with pending_tab:
    pending = caches.assets(AssetFilter(statuses=("pending",)))
    if pending.empty:
        st.success(_("Nothing waits for review. New assets from residents will appear here."))
    else:
        st.write(_("Assets waiting for review: {n}").format(n=len(pending)))
        st.dataframe(assets_to_table(pending), hide_index=True, width="stretch")
        names = dict(zip(pending["id"], pending["name"], strict=True))
        seen = versions_seen("pending_versions", pending)
        if st.button(_("Choose all {n}").format(n=len(names))):
            st.session_state["chosen"] = list(names)
        chosen = st.multiselect(
            _("Assets to decide on"),
            list(names),
            key="chosen",
            format_func=names.__getitem__,
            placeholder=_("Choose one or more"),
        )
        reason = st.text_input(_("Reason or note (kept with the decision)"), key="bulk_reason")
        approve, hide = st.columns(2)
        if approve.button(
            _("Approve chosen ({n})").format(n=len(chosen)), type="primary", disabled=not chosen
        ):
            decide(
                chosen,
                "approved",
                reason,
                _("Approved {n} assets.").format(n=len(chosen)),
                "pending",
                seen,
            )
        if hide.button(_("Reject chosen ({n})").format(n=len(chosen)), disabled=not chosen):
            decide(
                chosen,
                "hidden",
                reason,
                _("Rejected {n} assets.").format(n=len(chosen)),
                "pending",
                seen,
            )

        st.subheader(_("Look closer and edit"))
        asset_id = st.selectbox(
            _("Asset"),
            list(names),
            format_func=names.__getitem__,
            placeholder=_("Choose an option"),
        )
        edit_editor(asset_id)

with photos_tab:
    photo_review.waiting_photos(db, actor)
    reviewable = AssetFilter(statuses=("pending", "approved"))
    lazy = caches.asset_count(reviewable) > widgets.LAZY_SECTIONS_ABOVE
    adder = widgets.section(_("Add photos to an asset"), "photo_adder", lazy)
    if adder.open is not False:
        with adder:
            every_asset = caches.assets(reviewable)
            asset_names = dict(zip(every_asset["id"], every_asset["name"], strict=True))
            photo_asset = st.selectbox(
                _("Asset"),
                list(asset_names),
                index=None,
                format_func=asset_names.__getitem__,
                placeholder=_("Choose an option"),
                key="photo_asset",
            )
            if photo_asset:
                photo_review.photo_adder(db, actor, photo_asset)

with reported_tab:
    reported = caches.assets(AssetFilter(statuses=("approved", "hidden"), flagged_only=True))
    if reported.empty:
        st.success(_("No visitor has reported a problem."))
    reported_seen = versions_seen("reported_versions", reported)
    for record in reported.itertuples():
        with st.container(border=True):
            st.markdown(f"**{widgets.plain(record.name)}** · {widgets.plain(record.review_note)}")
            st.dataframe(flags_for(db, record.id)[["reason", "created_at"]], hide_index=True)
            note = st.text_input(_("Reason for your decision"), key=f"flag_note_{record.id}")
            choices = (
                (_("Keep it on the map"), "approved", _("Kept {name}.")),
                (_("Hide it"), "hidden", _("Hid {name}.")),
            )
            for column, (label, status, done) in zip(st.columns(2), choices, strict=True):
                if column.button(label, key=f"{status}_{record.id}"):
                    name = widgets.plain(record.name)
                    decide(
                        [record.id],
                        status,
                        note,
                        done.format(name=name),
                        record.status,
                        reported_seen,
                    )
    st.subheader(_("Reported photos"))
    photo_review.reported_photos(db, actor)

with links_tab:
    if last_links := st.session_state.get("last_link_decision"):
        link_ids, decided, label = last_links
        text_column, button_column = st.columns([4, 1])
        text_column.info(label)
        if button_column.button(_("Undo"), key="undo_links"):
            del st.session_state["last_link_decision"]
            decide_links(link_ids, "pending", _("Undone"), dict.fromkeys(link_ids, decided), None)
    links = pending_links(db)
    offered = offered_links(links)
    if not offered:
        st.success(
            _(
                "No link waits for review. Links that visitors propose on the "
                "\u201cWho connects whom\u201d page will appear here."
            )
        )
    else:
        st.write(_("Links waiting for review: {n}").format(n=len(links)))
        st.dataframe(links_to_table(links), hide_index=True, width="stretch")
        if st.button(_("Choose all links ({n})").format(n=len(links)), key="choose_all_links"):
            st.session_state["chosen_links"] = links["id"].tolist()
        chosen_links = st.multiselect(
            _("Links to decide on"),
            list(offered),
            key="chosen_links",
            format_func=lambda link_id: offered[link_id][1],
            placeholder=_("Choose one or more"),
        )
        link_reason = st.text_input(_("Reason or note (kept with the decision)"), key="link_reason")
        seen_links = {link_id: offered[link_id][0] for link_id in chosen_links}
        n = len(chosen_links)
        approve_links, reject_links = st.columns(2)
        if approve_links.button(
            _("Approve chosen links ({n})").format(n=n),
            type="primary",
            disabled=not chosen_links,
            key="approve_links",
        ):
            decide_links(
                chosen_links,
                "approved",
                link_reason,
                seen_links,
                _("Approved {n} links.").format(n=n),
            )
        if reject_links.button(
            _("Reject chosen links ({n})").format(n=n),
            disabled=not chosen_links,
            key="reject_links",
        ):
            decide_links(
                chosen_links,
                "hidden",
                link_reason,
                seen_links,
                _("Rejected {n} links.").format(n=n),
            )
