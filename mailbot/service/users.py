"""The review pages' users and their browser sessions, kept in the database.

A session id is a random 256-bit token held by the browser; the database keeps
only its SHA-256, so a copy of the database opens no session. A session begins
at login (the login form has none: nothing is written for a visitor who has not
logged in) and always with a new id, so an id planted before login is worth
nothing after it; logging out deletes the row, so the cookie is worth nothing
after that either. ``web_key`` is the key the review pages sign their cookies
with, kept in the database beside the review copies' key.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from mailbot.core.passwords import hash_password, needs_rehash, verify_password
from mailbot.errors import NotAllowed
from mailbot.storage.database import Database
from mailbot.storage.models import UserRecord, WebSessionRecord, utcnow
from mailbot.storage.users import UserStore, signing_key

LANGUAGES = ("nl", "en")
WEB_KEY = "web"  # the name of the review pages' key in the signing_keys table


@functools.cache
def _no_such_user() -> str:
    """Checked instead for an unknown user name, so that such a login takes as long as a
    wrong password. Made on first use: a hash costs 0.1 s, which no other command should pay."""
    return hash_password("no such user, no such password")


@dataclass(frozen=True, slots=True)
class User:
    name: str
    language: str
    mailboxes: tuple[str, ...] = ()  # the only mailboxes this user may see; empty: every one

    def sees(self, mailbox: str) -> bool:
        return not self.mailboxes or mailbox in self.mailboxes

    @property
    def allowed(self) -> frozenset[str] | None:
        """The mailboxes to show, or None for every one (for the listing functions)."""
        return frozenset(self.mailboxes) if self.mailboxes else None


def _user(record: UserRecord) -> User:
    return User(record.name, record.language, tuple(record.mailboxes))


@dataclass(frozen=True, slots=True)
class WebSession:
    """A live session of a logged-in user."""

    token: str
    user: User
    csrf_token: str
    expires_at: datetime


def _valid_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 120 or not name.isprintable() or any(c.isspace() for c in name):
        raise NotAllowed(f"user name {name!r} cannot be used", ["one word, at most 120 characters"])
    return name


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise NotAllowed(f"language {language!r}", [f"choose one of {', '.join(LANGUAGES)}"])
    return language


def add_user(
    database: Database,
    name: str,
    password: str,
    language: str,
    mailboxes: Sequence[str] = (),
) -> User:
    """A user of the review pages; with ``mailboxes``, limited to those."""
    name, language = _valid_name(name), _language(language)
    hashed = hash_password(password)
    with database.session() as session:
        users = UserStore(session)
        if users.find(name) is not None:
            raise NotAllowed(f"user {name} cannot be added", ["there is one with that name"])
        now = utcnow()
        users.add(
            UserRecord(
                name=name, password_hash=hashed, language=language, created_at=now,
                password_changed_at=now, mailboxes=list(mailboxes),
            )
        )  # fmt: skip
        session.commit()
    return User(name, language, tuple(mailboxes))


def set_password(database: Database, name: str, password: str) -> None:
    """A new password; every session of the user ends."""
    hashed = hash_password(password)
    with database.session() as session:
        users = UserStore(session)
        user = users.user(name)
        user.password_hash, user.password_changed_at = hashed, utcnow()
        users.add(user)
        users.end_sessions_of(name)
        session.commit()


def set_language(database: Database, name: str, language: str) -> None:
    language = _language(language)
    with database.session() as session:
        users = UserStore(session)
        user = users.user(name)
        user.language = language
        users.add(user)
        session.commit()


def remove_user(database: Database, name: str) -> None:
    """The user and every session of theirs; what they did stays in the audit trail."""
    with database.session() as session:
        users = UserStore(session)
        users.remove(users.user(name))
        session.commit()


def list_users(database: Database) -> list[User]:
    with database.reader() as session:
        return [_user(user) for user in UserStore(session).all()]


def authenticate(database: Database, name: str, password: str) -> User | None:
    """The user when ``password`` is theirs, else None (same work either way)."""
    with database.reader() as session:
        user = UserStore(session).find(name)
        stored = user.password_hash if user is not None else _no_such_user()
    if not verify_password(password, stored) or user is None:
        return None
    if needs_rehash(stored):
        set_password(database, name, password)
    return _user(user)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def start_session(
    database: Database, user: User, lifetime: timedelta, replaces: str | None = None
) -> WebSession:
    """A new session for ``user``, who has just logged in; ``replaces`` ends."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utcnow()
    expires = now + lifetime
    with database.session() as session:
        users = UserStore(session)
        users.end_expired(now)
        if replaces:
            users.end_session(_hash(replaces))
        users.add_session(
            WebSessionRecord(
                id_hash=_hash(token), user_name=user.name, csrf_token=csrf,
                created_at=now, expires_at=expires,
            )
        )  # fmt: skip
        session.commit()
    return WebSession(token, user, csrf, expires)


def find_session(database: Database, token: str | None) -> WebSession | None:
    """The live session for a cookie's token, or None (unknown, expired, user removed)."""
    if not token or len(token) > 100:
        return None
    with database.reader() as session:
        users = UserStore(session)
        record = users.web_session(_hash(token))
        # a row without a user is a login form's, from before forms needed no session
        if record is None or record.expires_at <= utcnow() or record.user_name is None:
            return None
        found = users.find(record.user_name)
        if found is None:
            return None
        return WebSession(token, _user(found), record.csrf_token, record.expires_at)


def end_session(database: Database, token: str) -> None:
    with database.session() as session:
        UserStore(session).end_session(_hash(token))
        session.commit()


def web_key(database: Database) -> bytes:
    """The review pages' signing key (device cookies, the login form's token): random, one per
    database, made on first use. Like the review copies' key it never leaves the database."""
    return bytes.fromhex(signing_key(database, WEB_KEY, secrets.token_hex(32)))
