"""The marketing suppression list in the database (``core.suppression`` decides the rest).

Entries are added when the officer grants an objection to direct marketing
(approves its reply, or closes the case as granted) for the addresses the case
is verified for, never for a sender who was not identified; or by hand
(``mailbot suppression add``) for an objection that came another way.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from mailbot.config import Settings
from mailbot.core.suppression import ALGORITHM, keyed_hash
from mailbot.errors import NotAllowed
from mailbot.storage.database import Database
from mailbot.storage.models import CaseRecord, SuppressionRecord
from mailbot.storage.store import CaseStore

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


def add_in_session(
    session: Session, key: str, mailbox: str, address: str, *, origin: str, today: date
) -> bool:
    """Put ``address`` on ``mailbox``'s list (not committed); False when it was on it already."""
    digest = keyed_hash(key, address)
    if session.get(SuppressionRecord, (mailbox, digest)) is not None:
        return False
    session.add(
        SuppressionRecord(mailbox=mailbox, address_hash=digest, added_on=today, origin=origin)
    )
    session.flush()
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


def check(database: Database, settings: Settings, address: str) -> dict[str, Any] | None:
    """The entry for ``address`` (when and why it was added), or None when it is not listed."""
    digest = keyed_hash(suppression_key(settings), address)
    with database.reader() as session:
        found = session.get(SuppressionRecord, (settings.mailbox, digest))
    if found is None:
        return None
    return {"hash": digest, "added_on": found.added_on.isoformat(), "origin": found.origin}


def export(database: Database, mailbox: str = "default") -> dict[str, Any]:
    """A mailbox's entries, for its marketing system (which hashes its addresses the same way)."""
    with database.reader() as session:
        rows = session.exec(
            select(SuppressionRecord)
            .where(SuppressionRecord.mailbox == mailbox)
            .order_by(col(SuppressionRecord.added_on), col(SuppressionRecord.address_hash))
        ).all()
    return {
        "mailbox": mailbox,
        "algorithm": ALGORITHM,
        "entries": [
            {"hash": row.address_hash, "added_on": row.added_on.isoformat(), "origin": row.origin}
            for row in rows
        ],
    }
