"""How much one visitor's address may send in an hour: reports, and new assets and links.

Each counted action is recorded in `visitor_activity` inside the transaction of the write it
belongs to, so the count holds across replicas and a refused write leaves nothing behind.
Team members and admins have accounts and are not counted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from assetmap.accounts import Actor
from assetmap.config import Limits
from assetmap.i18n import gettext
from assetmap.models import Problem, ValidationError
from assetmap.storage import Session

REPORT = "report"
SUBMISSION = "submission"
"""A new asset or a new link: both wait in the team's review queue."""
WINDOW = timedelta(hours=1)
DEFAULT_LIMITS = Limits()
"""The documented defaults, for callers that pass no deployment settings (the CLI, tests)."""


class LimitReachedError(ValidationError):
    """An address sent as much as it may this hour; the message says so politely."""

    def __init__(self, message: str):
        super().__init__([Problem("", message)])
        # After the base, which sets `message` to the joined problems (": " + message).
        self.message = message

    def __str__(self) -> str:
        return self.message


def allowed_per_hour(limits: Limits, action: str) -> int:
    return limits.reports_per_hour if action == REPORT else limits.submissions_per_hour


def count_action(
    session: Session, actor: Actor, action: str, limits: Limits, moment: datetime
) -> None:
    """Record `action` by a visitor at `moment`, or raise LimitReachedError when their address
    already took it as often as `limits` allow in the hour before."""
    if actor.may("review"):
        return
    # Nothing older than the window is ever counted: keep no more of visitors' traces.
    session.execute("DELETE FROM visitor_activity WHERE happened_at <= ?", (moment - WINDOW,))
    done = session.scalar(
        "SELECT count(*) FROM visitor_activity WHERE actor = ? AND action = ? AND happened_at > ?",
        (actor.name, action, moment - WINDOW),
    )
    allowed = allowed_per_hour(limits, action)
    if done >= allowed:
        raise LimitReachedError(_message(action, allowed))
    session.execute(
        "INSERT INTO visitor_activity (actor, action, happened_at) VALUES (?, ?, ?)",
        (actor.name, action, moment),
    )


def _message(action: str, allowed: int) -> str:
    if action == REPORT:
        text = gettext(
            "Thank you for your care. This connection has sent as many reports as we accept "
            "in one hour ({n}). Please try again later, or tell the neighbourhood team directly."
        )
    else:
        text = gettext(
            "Thank you for adding so much. This connection has sent as many new assets and "
            "links as we accept in one hour ({n}). Please try again later, or ask the "
            "neighbourhood team for an account."
        )
    return text.format(n=allowed)
