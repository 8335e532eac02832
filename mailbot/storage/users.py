"""Who may log in to the review pages, their sessions, and the signing keys: the queries, in
the caller's session (the caller commits)."""

from __future__ import annotations

import contextlib
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from mailbot.errors import NotFound
from mailbot.storage.database import Database
from mailbot.storage.models import SigningKeyRecord, UserRecord, WebSessionRecord, utcnow


class UserStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, name: str) -> UserRecord | None:
        return self.session.get(UserRecord, name) if name else None

    def user(self, name: str) -> UserRecord:
        found = self.find(name)
        if found is None:
            raise NotFound(f"no user {name}")
        return found

    def all(self) -> list[UserRecord]:
        return list(self.session.exec(select(UserRecord).order_by(col(UserRecord.name))))

    def add(self, user: UserRecord) -> None:
        self.session.add(user)

    def remove(self, user: UserRecord) -> None:
        """The user and every session of theirs."""
        self.end_sessions_of(user.name)
        self.session.delete(user)

    # -- sessions of the review pages --------------------------------------
    def end_sessions_of(self, name: str) -> None:
        self.session.execute(
            delete(WebSessionRecord).where(col(WebSessionRecord.user_name) == name)
        )

    def end_session(self, id_hash: str) -> None:
        self.session.execute(
            delete(WebSessionRecord).where(col(WebSessionRecord.id_hash) == id_hash)
        )

    def end_expired(self, now: datetime) -> None:
        self.session.execute(delete(WebSessionRecord).where(col(WebSessionRecord.expires_at) < now))

    def add_session(self, record: WebSessionRecord) -> None:
        self.session.add(record)

    def web_session(self, id_hash: str) -> WebSessionRecord | None:
        return self.session.get(WebSessionRecord, id_hash)


def signing_key(database: Database, name: str, make: str) -> str:
    """The signing key ``name``: made from ``make`` on first use, one per database. Two
    processes making it at once: one insert fails, and the other's key is the key."""
    with database.reader() as session:
        record = session.get(SigningKeyRecord, name)
    if record is None:
        with contextlib.suppress(IntegrityError), database.session() as session:
            session.add(SigningKeyRecord(name=name, key=make, created_at=utcnow()))
            session.commit()
        with database.reader() as session:
            record = session.get(SigningKeyRecord, name)
        if record is None:
            raise NotFound(f"the signing key {name!r} is missing and could not be made")
    return record.key
