"""Photos of assets: stored with their asset, shown to no one until a team member approves
them, reported by visitors like assets are, and erased with their asset.

Photos arrive prepared (io/photos.py: decoded, upright, shrunk, without metadata). Whether a
photo may be shown to anyone is privacy.photo_is_public's decision. Approving or hiding a
photo raises its asset's version, so open maps redraw the asset with its photos as they are.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from assetmap.accounts import SYSTEM, Actor, require
from assetmap.config import Limits
from assetmap.errors import AssetmapError
from assetmap.i18n import gettext
from assetmap.io.photos import PreparedPhoto
from assetmap.models import Problem, ValidationError, report_reason
from assetmap.register import audit
from assetmap.register.limits import DEFAULT_LIMITS, REPORT, SUBMISSION, count_action
from assetmap.register.privacy import photo_is_public
from assetmap.storage import Database, Session, bump_data_version, utc_now

PHOTO_STATUSES = ("pending", "approved", "hidden")
REPORTS_TO_HIDE = 3
"""As for assets: the third different reporter hides a photo until a team member decides."""

INSERT_PHOTO = (
    "INSERT INTO photos (id, asset_id, data, media_type, width, height, status, people_consent, "
    "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
SELECT_PUBLIC_PHOTO = """
    SELECT p.data, p.media_type, p.status, a.status, a.kind, a.consent_renew_by
    FROM photos p JOIN assets a ON a.id = p.asset_id WHERE p.id = ?
"""
SELECT_PHOTOS = """
    SELECT p.id, p.asset_id, a.name AS asset_name, a.kind, p.status, p.people_consent,
           p.width, p.height, p.created_at, coalesce(r.n, 0) AS report_count
    FROM photos p JOIN assets a ON a.id = p.asset_id
    LEFT JOIN (SELECT photo_id, count(*) AS n FROM photo_reports GROUP BY photo_id) r
        ON r.photo_id = p.id
"""
APPROVED_PHOTO_IDS = """
    SELECT asset_id, string_agg(id, ',' ORDER BY created_at, id) AS ids
    FROM photos WHERE status = 'approved' GROUP BY asset_id
"""
"""Each asset's approved photos, oldest first, as one text of ids (assets.SELECT_ASSETS)."""


class PhotoNotFoundError(AssetmapError, LookupError):
    pass


@dataclass(frozen=True)
class StoredPhoto:
    data: bytes
    media_type: str


def _not_found(photo_id: str) -> PhotoNotFoundError:
    return PhotoNotFoundError(gettext("No photo with id {id}.").format(id=photo_id))


def photo_problems(
    kind: str, photo_count: int, people_consent: bool, allowed: int
) -> list[Problem]:
    """Why these photos may not be added to an asset of `kind` with `photo_count` already."""
    problems = []
    if photo_count > allowed:
        problems.append(
            Problem("photos", gettext("An asset may have at most {n} photos.").format(n=allowed))
        )
    if kind == "person" and not people_consent:
        problems.append(
            Problem(
                "photos",
                gettext(
                    "A photo of a person is shown only with their consent: tick the box to say "
                    "that they agreed."
                ),
            )
        )
    return problems


def insert_photos(
    session: Session,
    asset_id: str,
    kind: str,
    photos: Sequence[PreparedPhoto],
    actor: Actor,
    *,
    people_consent: bool,
    allowed: int,
    moment: datetime,
) -> list[str]:
    """Store `photos` for the asset inside the caller's transaction, all waiting for review.
    Returns their ids; ValidationError when they may not be added (nothing is written)."""
    if not photos:
        return []
    stored = session.scalar("SELECT count(*) FROM photos WHERE asset_id = ?", (asset_id,))
    problems = photo_problems(kind, int(stored) + len(photos), people_consent, allowed)
    if problems:
        raise ValidationError(problems)
    ids = []
    for photo in photos:
        photo_id = uuid.uuid4().hex
        session.execute(
            INSERT_PHOTO,
            (
                photo_id,
                asset_id,
                photo.data,
                photo.media_type,
                photo.width,
                photo.height,
                "pending",
                people_consent,
                actor.name,
                moment,
            ),
        )
        audit.record(
            session,
            photo_id,
            "create",
            actor,
            {"asset_id": (None, asset_id), "people_consent": (None, audit.as_text(people_consent))},
            resource_type="photo",
        )
        ids.append(photo_id)
    return ids


def add_photos(
    db: Database,
    asset_id: str,
    photos: Sequence[PreparedPhoto],
    actor: Actor,
    *,
    people_consent: bool,
    allowed: int,
    limits: Limits = DEFAULT_LIMITS,
) -> list[str]:
    """Add photos to a stored asset, waiting for review; all of them or none."""
    require(actor, "submit")
    now = utc_now()
    with db.transaction() as session:
        found = session.rows("SELECT kind FROM assets WHERE id = ?", (asset_id,))
        if not found:
            raise AssetmapError(gettext("No asset with id {id}.").format(id=asset_id))
        count_action(session, actor, SUBMISSION, limits, now)
        ids = insert_photos(
            session,
            asset_id,
            str(found[0][0]),
            photos,
            actor,
            people_consent=people_consent,
            allowed=allowed,
            moment=now,
        )
        bump_data_version(session)
    return ids


def list_photos(
    db: Database, statuses: Sequence[str] = PHOTO_STATUSES, reported_only: bool = False
) -> pd.DataFrame:
    """The photos with the given statuses (no image data), with their asset's name and kind and
    how many reports each has; for the team's review."""
    where = f" WHERE p.status IN ({', '.join('?' for _ in statuses)})"
    if reported_only:
        where += " AND r.n > 0"
    return db.frame(f"{SELECT_PHOTOS}{where} ORDER BY p.created_at, p.id", list(statuses))


def photo_data(db: Database, photo_id: str, actor: Actor) -> StoredPhoto:
    """Any photo, approved or not, for a team member deciding on it."""
    require(actor, "review")
    found = db.rows("SELECT data, media_type FROM photos WHERE id = ?", (photo_id,))
    if not found:
        raise _not_found(photo_id)
    return StoredPhoto(bytes(found[0][0]), str(found[0][1]))


def _shown(row: tuple[Any, ...], now: datetime) -> bool:
    """Whether a row of SELECT_PUBLIC_PHOTO may be shown to anyone."""
    _, _, status, asset_status, kind, renew_by = row
    return photo_is_public(str(status), str(asset_status), str(kind), renew_by, now)


def public_photo(db: Database, photo_id: str, now: datetime) -> StoredPhoto | None:
    """The photo as anyone may see it, or None while it may not be shown (see
    privacy.photo_is_public): what the app serves at /photos/{id}.jpg."""
    found = db.rows(SELECT_PUBLIC_PHOTO, (photo_id,))
    if not found:
        return None
    if not _shown(found[0], now):
        return None
    return StoredPhoto(bytes(found[0][0]), str(found[0][1]))


def _raise_asset_version(session: Session, photo_id: str) -> None:
    session.execute(
        "UPDATE assets SET version = version + 1 "
        "WHERE id = (SELECT asset_id FROM photos WHERE id = ?)",
        (photo_id,),
    )


def _set_photo_status(
    session: Session, photo_id: str, status: str, actor: Actor, reason: str
) -> None:
    before = session.scalar("SELECT status FROM photos WHERE id = ?", (photo_id,))
    if before is None:
        raise _not_found(photo_id)
    session.execute(
        "UPDATE photos SET status = ?, decided_at = ? WHERE id = ?", (status, utc_now(), photo_id)
    )
    if "approved" in (before, status) and before != status:
        _raise_asset_version(session, photo_id)
    action = {"approved": "approve", "hidden": "hide", "pending": "pending"}[status]
    audit.record(
        session,
        photo_id,
        action,
        actor,
        {"status": (str(before), status)},
        reason=reason,
        resource_type="photo",
    )
    if status == "approved":
        session.execute("DELETE FROM photo_reports WHERE photo_id = ?", (photo_id,))


def set_photo_status(
    db: Database, photo_ids: Iterable[str], status: str, actor: Actor, reason: str = ""
) -> None:
    """Approve or hide photos (or send them back to waiting), all of them or none."""
    require(actor, "review")
    if status not in PHOTO_STATUSES:
        raise ValueError(f"Unknown photo status {status!r}")
    with db.transaction() as session:
        for photo_id in photo_ids:
            _set_photo_status(session, photo_id, status, actor, reason.strip())
        bump_data_version(session)


def report_photo(
    db: Database, photo_id: str, actor: Actor, reason: str, limits: Limits = DEFAULT_LIMITS
) -> bool:
    """Record a visitor's report about a shown photo; True when this report hid it. The same
    rules as for assets (assets.flag_asset): each address counts once, within its hourly
    limit, and the third reporter hides the photo until the team decides."""
    require(actor, "flag")
    reason = report_reason(reason)
    now = utc_now()
    with db.transaction() as session:
        found = session.rows(SELECT_PUBLIC_PHOTO, (photo_id,))
        if not found or not _shown(found[0], now):
            raise _not_found(photo_id)
        count_action(session, actor, REPORT, limits, now)
        session.execute(
            "INSERT INTO photo_reports VALUES (?, ?, ?, ?, ?)",
            (uuid.uuid4().hex, photo_id, actor.name, reason, now),
        )
        audit.record(
            session, photo_id, "flag", actor, {"flag": (None, reason)}, resource_type="photo"
        )
        reporters = session.scalar(
            "SELECT count(DISTINCT reporter) FROM photo_reports WHERE photo_id = ?", (photo_id,)
        )
        hidden = int(reporters) >= REPORTS_TO_HIDE
        if hidden:
            note = gettext("Hidden after {n} reports; a team member decides.").format(n=reporters)
            session.execute(
                "UPDATE photos SET status = 'hidden', decided_at = ? WHERE id = ?", (now, photo_id)
            )
            _raise_asset_version(session, photo_id)
            audit.record(
                session,
                photo_id,
                "hide",
                SYSTEM,
                {"status": ("approved", "hidden")},
                reason=note,
                resource_type="photo",
            )
        bump_data_version(session)
    return hidden


def report_shown_photo(
    db: Database,
    photo_ids: str,
    actor: Actor,
    reason: str,
    limits: Limits = DEFAULT_LIMITS,
) -> bool:
    """Report the photo a visitor sees of an asset: the first of its approved `photo_ids`
    (as list_assets gives them), the one its popup shows."""
    first = photo_ids.split(",")[0]
    if not first:
        raise ValidationError(
            [Problem("photo", gettext("This asset has no photo on the map to report."))]
        )
    return report_photo(db, first, actor, reason, limits)


def photo_reports_for(db: Database, photo_id: str) -> pd.DataFrame:
    return db.frame(
        "SELECT reason, created_at FROM photo_reports WHERE photo_id = ? ORDER BY created_at",
        (photo_id,),
    )


def erase_photos_of(session: Session, asset_id: str) -> None:
    """Remove an asset's photos, their reports and the values in their audit trails, inside
    the erasure's transaction (assets.erase_asset)."""
    photo_ids = [
        str(row[0]) for row in session.rows("SELECT id FROM photos WHERE asset_id = ?", (asset_id,))
    ]
    for photo_id in photo_ids:
        session.execute("DELETE FROM photo_reports WHERE photo_id = ?", (photo_id,))
        audit.scrub(session, photo_id)
    session.execute("DELETE FROM photos WHERE asset_id = ?", (asset_id,))
