"""Accounts, roles and what each role may do.

Roles: a visitor browses approved assets, submits assets (they stay pending) and flags
them; a team member reviews, edits, hides and sees private fields; an admin does all
that and manages accounts and layers. Every domain write checks its actor here, so a
page that forgot a check still cannot do what its user may not.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import argon2
import pandas as pd

from assetmap.errors import AssetmapError
from assetmap.i18n import N_, gettext
from assetmap.storage import Database, Session, utc_now

ROLES: dict[str, str] = {"visitor": N_("Visitor"), "team": N_("Team member"), "admin": N_("Admin")}
_RANK = {"visitor": 0, "team": 1, "admin": 2}

PERMISSIONS: dict[str, str] = {
    "submit": "visitor",
    "flag": "visitor",
    "review": "team",
    "edit": "team",
    "see_private": "team",
    "erase": "team",
    "import": "team",
    "manage_accounts": "admin",
    "manage_layers": "admin",
    "export_exact": "admin",
}
"""Each action and the least role that may take it."""

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
# OWASP's Argon2id setting (19 MiB, 2 passes): argon2-cffi's default takes 64 MiB per
# login, so a few logins at once would add hundreds of MB to a server holding large maps.
_hasher = argon2.PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
_DUMMY_HASH = _hasher.hash("not a password of anyone")

SELECT_USER = "SELECT name, role, email, password_hash, failed_logins, locked_until FROM users"


class PermissionDeniedError(AssetmapError, PermissionError):
    pass


class AccountError(AssetmapError, ValueError):
    """A login or account change that cannot go ahead, in words for the person."""


@dataclass(frozen=True)
class Actor:
    """Who is acting: an account name (or a pseudonymous visitor key) and a role."""

    name: str
    role: str

    def may(self, action: str) -> bool:
        return _RANK[self.role] >= _RANK[PERMISSIONS[action]]


SYSTEM = Actor("system", "admin")


def visitor(key: str, secret: bytes = b"") -> Actor:
    """A visitor known only by a one-way hash of what identifies them (their address).

    The app passes its secret key: an address has few enough possible values that a plain
    hash of it could be reversed by trying them all.
    """
    digest = hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()[:16]
    return Actor("visitor:" + digest, "visitor")


def console_actor() -> Actor:
    """Whoever runs the `assetmap` command has the database file, so acts as admin."""
    return Actor(f"cli:{getpass.getuser()}", "admin")


def require(actor: Actor, action: str) -> None:
    if not actor.may(action):
        raise PermissionDeniedError(
            gettext("You are not allowed to do this ({action}). Log in as a team member.").format(
                action=action
            )
        )


def add_user(
    db: Database, actor: Actor, name: str, role: str, password: str, *, email: str | None = None
) -> None:
    """Create an account; the password is stored only as an argon2 hash."""
    require(actor, "manage_accounts")
    if not _NAME.match(name):
        raise AccountError(
            gettext("A user name has 2 to 64 letters, digits or . _ @ - and no spaces.")
        )
    if role not in ("team", "admin"):
        raise AccountError(gettext("The role must be team or admin."))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            gettext("The password needs at least {n} characters.").format(n=MIN_PASSWORD_LENGTH)
        )
    with db.transaction() as session:
        if session.rows("SELECT 1 FROM users WHERE name = ?", (name,)):
            raise AccountError(gettext("There is already a user called {name}.").format(name=name))
        session.execute(
            "INSERT INTO users (name, role, email, password_hash, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (name, role, email, _hasher.hash(password), utc_now()),
        )


def _admins_left(session: Session, name: str) -> int:
    """How many admins there are besides `name`."""
    return int(
        session.scalar("SELECT count(*) FROM users WHERE role = 'admin' AND name <> ?", (name,))
    )


def _current_role(session: Session, name: str) -> str:
    role = session.scalar("SELECT role FROM users WHERE name = ?", (name,))
    if role is None:
        raise AccountError(gettext("There is no user called {name}.").format(name=name))
    return str(role)


def set_role(db: Database, actor: Actor, name: str, role: str) -> None:
    """Change an account's role; its logins have the new role at their next action."""
    require(actor, "manage_accounts")
    if role not in ("team", "admin"):
        raise AccountError(gettext("The role must be team or admin."))
    with db.transaction() as session:
        current = _current_role(session, name)
        if current == "admin" and role != "admin" and _admins_left(session, name) == 0:
            raise AccountError(
                gettext("{name} is the last admin. Make someone else an admin first.").format(
                    name=name
                )
            )
        session.execute("UPDATE users SET role = ? WHERE name = ?", (role, name))


def remove_user(db: Database, actor: Actor, name: str) -> None:
    """Remove an account; its logins end at once, everywhere."""
    require(actor, "manage_accounts")
    with db.transaction() as session:
        current = _current_role(session, name)
        if current == "admin" and _admins_left(session, name) == 0:
            raise AccountError(
                gettext("{name} is the last admin and cannot be removed.").format(name=name)
            )
        session.execute("DELETE FROM users WHERE name = ?", (name,))
        # As a foreign key's cascade would: a new account of the same name starts logged out.
        session.execute("DELETE FROM login_sessions WHERE user_name = ?", (name,))


def list_users(db: Database) -> pd.DataFrame:
    return db.frame(
        "SELECT name, role, email, failed_logins, locked_until, created_at FROM users ORDER BY name"
    )


def authenticate(db: Database, name: str, password: str, now: datetime | None = None) -> Actor:
    """The account's actor if the password is right; a locked account waits out its lock."""
    moment = now or utc_now()
    rows = db.rows(f"{SELECT_USER} WHERE name = ?", (name,))
    if not rows or rows[0][3] is None:
        _verify(_DUMMY_HASH, password)  # same work as a real check: no timing oracle
        raise AccountError(gettext("Wrong user name or password."))
    _, role, _, password_hash, failed, locked_until = rows[0]
    if locked_until is not None and locked_until > moment:
        minutes = max(1, round((locked_until - moment).total_seconds() / 60))
        raise AccountError(
            gettext("Too many failed attempts. Try again in {minutes} minutes.").format(
                minutes=minutes
            )
        )
    if not _verify(password_hash, password):
        _record_failure(db, name, failed + 1, moment)
        raise AccountError(gettext("Wrong user name or password."))
    rehashed = _hasher.hash(password) if _hasher.check_needs_rehash(password_hash) else None
    with db.transaction() as session:
        session.execute(
            "UPDATE users SET failed_logins = 0, locked_until = NULL, "
            "password_hash = coalesce(?, password_hash) WHERE name = ?",
            (rehashed, name),
        )
    return Actor(name, role)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except argon2.exceptions.VerificationError:
        return False


def _record_failure(db: Database, name: str, failures: int, moment: datetime) -> None:
    locked_until = moment + LOCKOUT if failures >= MAX_FAILED_LOGINS else None
    with db.transaction() as session:
        session.execute(
            "UPDATE users SET failed_logins = ?, locked_until = ? WHERE name = ?",
            (0 if locked_until else failures, locked_until, name),
        )


def actor_for_email(db: Database, email: str) -> Actor:
    """The role of a person signed in through OpenID Connect; unknown e-mails are visitors."""
    rows = db.rows("SELECT name, role FROM users WHERE lower(email) = lower(?)", (email,))
    if not rows:
        return visitor(f"oidc:{email.lower()}")
    return Actor(str(rows[0][0]), str(rows[0][1]))
