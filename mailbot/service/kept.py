"""Data an erasure had to keep (invoices), from the erasure until their period ends.

When a case's erasure action in a source the law makes the company keep is done (by the
officer, ``cases done``, or by mailbot's execution of the plan), ``record_kept`` notes the
case's reference, the source, the address the rows are filed under and the last day they
must be kept (``core.kept``). The record outlives the case's purge by design: years after
the case is gone, the daily purge and the officer's Today list say that the period has
ended, and the officer erases the rows and records it (``mailbot kept done``).

Once done, the address is blanked at once: it served only to find the rows, which are gone,
and the law asks no longer. The bare record (reference, source, until, who erased them,
when) stays as proof, and the purge deletes it ``[retention] register_days`` after it was
done, like a register row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from mailbot.core.kept import iso_date, kept_due
from mailbot.core.rights import Right
from mailbot.errors import NotFound
from mailbot.storage.database import Database, Session
from mailbot.storage.kept import KeptStore
from mailbot.storage.models import CaseRecord, DraftActionRecord, KeptDataRecord, utcnow
from mailbot.storage.store import CaseStore

log = logging.getLogger(__name__)


def record_kept(
    session: Session, case: CaseRecord, action: DraftActionRecord
) -> KeptDataRecord | None:
    """Record the data ``action`` kept, once it is done: an erasure in a kept source whose
    action gives the date (``keep_years``). Idempotent: a second call (per reference and
    source) returns the first record. In the caller's session; the caller commits."""
    until = iso_date(action.kept_until)
    if (
        not action.done
        or action.right != Right.ERASURE.value
        or action.recipient is not None
        or until is None
    ):
        return None
    store = KeptStore(session)
    found = store.of(case.reference, action.source, case.mailbox)
    if found is not None:
        return found
    address = case.filed_under or (case.requester or "").lower()
    record = KeptDataRecord(
        reference=case.reference,
        mailbox=case.mailbox,
        source=action.source,
        address=address,
        until=until,
        kept_at=utcnow(),
    )
    session.add(record)
    if case.id is not None:
        detail = {"source": action.source, "until": until.isoformat()}
        CaseStore(session).add_event(case.id, action.done_by or "mailbot", "kept", detail)
    return record


@dataclass(frozen=True, slots=True)
class KeptView:
    """One record of kept data, as ``mailbot kept list`` shows it."""

    id: int
    reference: str
    mailbox: str
    source: str
    address: str  # "" once done
    until: date
    state: str  # kept (its period runs), due (it may now be erased), done
    kept_at: datetime
    reminded_at: datetime | None
    done_by: str | None
    done_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reference": self.reference,
            "mailbox": self.mailbox,
            "source": self.source,
            "address": self.address,
            "until": self.until.isoformat(),
            "state": self.state,
            "kept_at": self.kept_at.isoformat(timespec="seconds"),
            "reminded_at": self.reminded_at.isoformat(timespec="seconds")
            if self.reminded_at
            else None,
            "done_by": self.done_by,
            "done_at": self.done_at.isoformat(timespec="seconds") if self.done_at else None,
        }


def _view(record: KeptDataRecord, today: date) -> KeptView:
    assert record.id is not None
    done = record.done_at is not None
    state = "done" if done else ("due" if kept_due(record.until, done, today) else "kept")
    return KeptView(
        record.id, record.reference, record.mailbox, record.source, record.address,
        record.until, state, record.kept_at, record.reminded_at, record.done_by, record.done_at,
    )  # fmt: skip


def list_kept(database: Database, today: date, mailboxes: set[str] | None = None) -> list[KeptView]:
    """Every record of kept data (of ``mailboxes``), the earliest end first."""
    with database.reader() as session:
        return [_view(record, today) for record in KeptStore(session).listed(mailboxes)]


def due_kept(session: Session, today: date, mailbox: str | None = None) -> list[KeptDataRecord]:
    """The kept data whose period has ended and that no one has erased yet."""
    return KeptStore(session).due(today, mailbox)


def kept_done(
    database: Database,
    kept_id: int,
    actor: str,
    today: date,
    *,
    note: str | None = None,
    now: datetime | None = None,
) -> KeptView:
    """The officer erased the kept data of record ``kept_id``: recorded with who and when, the
    address blanked, and the case's trail told if the case still exists (the note only while
    its personal data do: a purged case's trail holds no free text). Done twice: unchanged."""
    with database.session() as session:
        record = KeptStore(session).find(kept_id)
        if record is None:
            raise NotFound(f"no kept data {kept_id}")
        if record.done_at is None:
            record.done_by, record.done_at, record.address = actor, now or utcnow(), ""
            session.add(record)
            case = KeptStore(session).case_of(record)
            if case is not None and case.id is not None:
                detail: dict[str, Any] = {"source": record.source}
                detail["until"] = record.until.isoformat()
                if note and case.purged_at is None:
                    detail["note"] = note
                CaseStore(session).add_event(case.id, actor, "kept_erased", detail)
            session.commit()
            log.info("kept data %s of %s erased", kept_id, record.reference)
        return _view(record, today)
