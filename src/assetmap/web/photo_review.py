"""The Review page's photo sections: photos waiting for a decision, photos visitors reported,
and adding photos to an asset. Each decision goes through register.photos, which checks the
decider's role."""

from __future__ import annotations

from typing import Any

import streamlit as st

from assetmap.accounts import Actor
from assetmap.i18n import gettext
from assetmap.io.photos import PhotoError
from assetmap.models import ValidationError
from assetmap.register.photos import (
    add_photos,
    list_photos,
    photo_data,
    photo_reports_for,
    set_photo_status,
)
from assetmap.storage import Database
from assetmap.web import photo_fields, widgets
from assetmap.web.resources import settings


def _decide(db: Database, actor: Actor, photo_id: str, status: str, reason: str) -> None:
    set_photo_status(db, [photo_id], status, actor, reason)
    st.rerun()


def _photo_card(db: Database, actor: Actor, row: Any, choices: tuple[tuple[str, str], ...]) -> None:
    """One photo (`row` of list_photos) with its asset, whether people in it agreed, its
    reports, and a button per choice."""
    photo_id = str(row.id)
    with st.container(border=True):
        st.markdown(f"**{widgets.plain(row.asset_name)}**")
        st.image(photo_data(db, photo_id, actor).data, width=320)
        if row.people_consent:
            st.caption(gettext("The sender said the people in it agreed to its being shown."))
        if row.report_count:
            reasons = photo_reports_for(db, photo_id)
            st.dataframe(reasons, hide_index=True)
        reason = st.text_input(
            gettext("Reason or note (kept with the decision)"), key=f"photo_note_{photo_id}"
        )
        for column, (label, status) in zip(st.columns(len(choices)), choices, strict=True):
            if column.button(label, key=f"photo_{status}_{photo_id}"):
                _decide(db, actor, photo_id, status, reason)


def waiting_photos(db: Database, actor: Actor) -> None:
    """Photos no one has decided on yet: shown nowhere else until approved."""
    waiting = list_photos(db, ("pending",))
    if waiting.empty:
        st.success(gettext("No photo waits for review."))
        return
    st.write(gettext("Photos waiting for review: {n}").format(n=len(waiting)))
    choices = ((gettext("Approve photo"), "approved"), (gettext("Hide photo"), "hidden"))
    for row in waiting.itertuples():
        _photo_card(db, actor, row, choices)


def reported_photos(db: Database, actor: Actor) -> None:
    """Photos visitors reported, shown or hidden after three reports."""
    reported = list_photos(db, ("approved", "hidden"), reported_only=True)
    if reported.empty:
        st.success(gettext("No visitor has reported a photo."))
        return
    choices = ((gettext("Keep the photo"), "approved"), (gettext("Hide the photo"), "hidden"))
    for row in reported.itertuples():
        _photo_card(db, actor, row, choices)


def photo_adder(db: Database, actor: Actor, asset_id: str) -> None:
    """Add photos to the chosen asset; they wait for review like a visitor's."""
    round_key = f"photo_round_{asset_id}"
    form_round = st.session_state.get(round_key, 0)
    with st.form(f"add_photos_{asset_id}_{form_round}"):
        files = photo_fields.photo_uploader(f"review_photos_{asset_id}_{form_round}")
        consent = photo_fields.people_consent_box(f"review_consent_{asset_id}_{form_round}")
        if not st.form_submit_button(gettext("Add photos")) or not files:
            return
    try:
        add_photos(
            db,
            asset_id,
            photo_fields.prepared_photos(files),
            actor,
            people_consent=consent,
            allowed=settings().photos_per_asset,
        )
    except PhotoError as error:
        st.error(widgets.plain(error))
    except ValidationError as error:
        widgets.show_problems(error.problems)
    else:
        st.session_state[round_key] = form_round + 1
        st.rerun()
