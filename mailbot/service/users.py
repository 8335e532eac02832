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

import contextlib
import functools
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select

from mailbot.core.passwords import hash_password, needs_rehash, verify_password
from mailbot.errors import NotAllowed, NotFound
from mailbot.storage.database import Database
from mailbot.storage.models import SigningKeyRecord, UserRecord, WebSessionRecord, utcnow

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
        if session.get(UserRecord, name) is not None:
            raise NotAllowed(f"user {name} cannot be added", ["there is one with that name"])
        now = utcnow()
        session.add(
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
        user = session.get(UserRecord, name)
        if user is None:
            raise NotFound(f"no user {name}")
        user.password_hash, user.password_changed_at = hashed, utcnow()
        session.add(user)
        session.execute(delete(WebSessionRecord).where(col(WebSessionRecord.user_name) == name))
        session.commit()


def set_language(database: Database, name: str, language: str) -> None:
    language = _language(language)
    with database.session() as session:
        user = session.get(UserRecord, name)
        if user is None:
            raise NotFound(f"no user {name}")
        user.language = language
        session.add(user)
        session.commit()


def remove_user(database: Database, name: str) -> None:
    """The user and every session of theirs; what they did stays in the audit trail."""
    with database.session() as session:
        user = session.get(UserRecord, name)
        if user is None:
            raise NotFound(f"no user {name}")
        session.execute(delete(WebSessionRecord).where(col(WebSessionRecord.user_name) == name))
        session.delete(user)
        session.commit()


def list_users(database: Database) -> list[User]:
    with database.reader() as session:
        users = session.exec(select(UserRecord).order_by(col(UserRecord.name))).all()
        return [_user(user) for user in users]


def authenticate(database: Database, name: str, password: str) -> User | None:
    """The user when ``password`` is theirs, else None (same work either way)."""
    with database.reader() as session:
        user = session.get(UserRecord, name) if name else None
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
        session.execute(delete(WebSessionRecord).where(col(WebSessionRecord.expires_at) < now))
        if replaces:
            session.execute(
                delete(WebSessionRecord).where(col(WebSessionRecord.id_hash) == _hash(replaces))
            )
        session.add(
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
        record = session.get(WebSessionRecord, _hash(token))
        # a row without a user is a login form's, from before forms needed no session
        if record is None or record.expires_at <= utcnow() or record.user_name is None:
            return None
        found = session.get(UserRecord, record.user_name)
        if found is None:
            return None
        return WebSession(token, _user(found), record.csrf_token, record.expires_at)


def end_session(database: Database, token: str) -> None:
    with database.session() as session:
        session.execute(
            delete(WebSessionRecord).where(col(WebSessionRecord.id_hash) == _hash(token))
        )
        session.commit()


def web_key(database: Database) -> bytes:
    """The review pages' signing key (device cookies, the login form's token): random, one per
    database, made on first use. Like the review copies' key it never leaves the database."""
    with database.reader() as session:
        record = session.get(SigningKeyRecord, WEB_KEY)
    if record is None:
        # two processes making it at once: one insert fails, and the other's key is the key
        with contextlib.suppress(IntegrityError), database.session() as session:
            session.add(
                SigningKeyRecord(name=WEB_KEY, key=secrets.token_hex(32), created_at=utcnow())
            )
            session.commit()
        with database.reader() as session:
            record = session.get(SigningKeyRecord, WEB_KEY)
        if record is None:
            raise NotFound("the review pages' signing key is missing and could not be made")
    return bytes.fromhex(record.key)
