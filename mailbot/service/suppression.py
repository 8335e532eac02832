"""The marketing suppression list in the database (``core.suppression`` decides the rest).

Entries are added when the officer grants an objection to direct marketing
(approves its reply, or closes the case as granted) for the addresses the case
is verified for, never for a sender who was not identified; or by hand
(``mailbot suppression add``) for an objection that came another way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from mailbot.config import Settings
from mailbot.core.suppression import ALGORITHM, keyed_hash
from mailbot.errors import NotAllowed
from mailbot.storage.database import Database, Session
from mailbot.storage.models import CaseRecord, SuppressionRecord
from mailbot.storage.store import CaseStore
from mailbot.storage.suppression import SuppressionStore

OBJECTION = "objection"
OFFICER = "officer"
NO_KEY = (
    "no suppression key is configured: set [suppression] key_file in the configuration "
    "(see deploy/README.md, 'The suppression key')"
)


def suppression_key(settings: Settings) -> str:
    if settings.suppression is None:
        raise NotAllowed("the suppression list cannot be used", [NO_KEY])
    return settings.suppression.key.get_secret_value()


@dataclass(frozen=True, slots=True)
class Entry:
    """An address on the list, as its keyed hash: when and why it was put there."""

    hash: str
    added_on: date
    origin: str  # OBJECTION or OFFICER

    def as_json(self) -> dict[str, Any]:
        return {"hash": self.hash, "added_on": self.added_on.isoformat(), "origin": self.origin}


@dataclass(frozen=True, slots=True)
class Export:
    """A mailbox's list for its marketing system, with how the addresses were hashed."""

    mailbox: str
    algorithm: str
    entries: tuple[Entry, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "mailbox": self.mailbox,
            "algorithm": self.algorithm,
            "entries": [entry.as_json() for entry in self.entries],
        }


def _entry(record: SuppressionRecord) -> Entry:
    return Entry(record.address_hash, record.added_on, record.origin)


def add_in_session(
    session: Session, key: str, mailbox: str, address: str, *, origin: str, today: date
) -> bool:
    """Put ``address`` on ``mailbox``'s list (not committed); False when it was on it already."""
    digest = keyed_hash(key, address)
    entries = SuppressionStore(session)
    if entries.find(mailbox, digest) is not None:
        return False
    entries.add(
        SuppressionRecord(mailbox=mailbox, address_hash=digest, added_on=today, origin=origin)
    )
    return True


def suppress_case(
    session: Session,
    settings: Settings,
    case: CaseRecord,
    *,
    actor: str,
    today: date,
    what: str,
) -> None:
    """A granted objection to direct marketing: the case's verified addresses go on the list.

    Those are where its personal data may go (the address on file, or one the officer
    verified), never an unidentified sender's.
    """
    addresses = case.allowed_recipients
    if not case.direct_marketing:
        return
    if settings.suppression is None:
        raise NotAllowed(what, [f"case {case.reference} objects to direct marketing; {NO_KEY}"])
    key = settings.suppression.key.get_secret_value()
    added = sum(
        add_in_session(session, key, case.mailbox, address, origin=OBJECTION, today=today)
        for address in addresses
    )
    assert case.id is not None
    CaseStore(session).add_event(
        case.id, actor, "suppressed", {"entries": len(addresses), "new_entries": added}
    )


def add(database: Database, settings: Settings, address: str, today: date) -> bool:
    """The officer puts an address on ``settings``' mailbox's list by hand; False: it was on it."""
    key = suppression_key(settings)
    with database.session() as session:
        added = add_in_session(session, key, settings.mailbox, address, origin=OFFICER, today=today)
        session.commit()
        return added


def check(database: Database, settings: Settings, address: str) -> Entry | None:
    """The entry for ``address`` (when and why it was added), or None when it is not listed."""
    digest = keyed_hash(suppression_key(settings), address)
    with database.reader() as session:
        found = SuppressionStore(session).find(settings.mailbox, digest)
    return _entry(found) if found is not None else None


def export(database: Database, mailbox: str = "default") -> Export:
    """A mailbox's entries, for its marketing system (which hashes its addresses the same way)."""
    with database.reader() as session:
        records = SuppressionStore(session).of_mailbox(mailbox)
    return Export(mailbox, ALGORITHM, tuple(_entry(record) for record in records))
