"""Whether each mail source can be read: kept in the database for the officer and the sysadmin.

The worker records a change of state (and the first success after a start);
``mailbot status`` and, later, the review pages show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mailbot.core.authentication import Trust, Verdict, service_header
from mailbot.storage.database import Conflict, Database, conflicts_reported
from mailbot.storage.models import SourceStateRecord, utcnow
from mailbot.storage.outbox import OutboxStore
from mailbot.storage.source_states import SourceStateStore
from mailbot.storage.store import CaseStore

OK = "ok"
UNREACHABLE = "unreachable"
LOGIN_FAILED = "login_failed"


@dataclass(frozen=True, slots=True)
class SourceState:
    name: str
    state: str
    detail: str
    changed_at: datetime
    last_ok_at: datetime | None


def record_state(database: Database, name: str, state: str, detail: str = "") -> None:
    """Store the state of source ``name`` (call it when the state changes).

    Several workers may record the first state of a source at once: the one that
    loses the insert updates the row the other made.
    """
    try:
        _record_state(database, name, state, detail)
    except Conflict:
        _record_state(database, name, state, detail)


def _record_state(database: Database, name: str, state: str, detail: str) -> None:
    now = utcnow()
    with database.session() as session:
        states = SourceStateStore(session)
        record = states.find(name)
        if record is None:
            record = SourceStateRecord(name=name, state=state, detail=detail, changed_at=now)
        elif (record.state, record.detail) != (state, detail):
            record.state, record.detail, record.changed_at = state, detail, now
        if state == OK:
            record.last_ok_at = now
        states.save(record)
        with conflicts_reported(session):
            session.commit()


def source_states(database: Database) -> list[SourceState]:
    with database.reader() as session:
        records = SourceStateStore(session).all()
        return [SourceState(r.name, r.state, r.detail, r.changed_at, r.last_ok_at) for r in records]


def outbox_counts(database: Database) -> dict[str, int]:
    """How many outgoing mails are in each outbox state (queued, sending, sent, failed)."""
    with database.reader() as session:
        return dict(OutboxStore(session).counts())


@dataclass(frozen=True, slots=True)
class AuthenticationSurvey:
    """Of the last mails read in a mailbox: how many the receiving service stamped."""

    read: int  # mails read (whose headers were kept)
    stamped: int  # of those, carrying the receiving service's Authentication-Results header
    forged: int  # of those, judged forged (or naming more than one sender)


def authentication_survey(
    database: Database, mailbox: str, trust: Trust, last: int = 50
) -> AuthenticationSurvey:
    """Whether the receiving service really stamps the mail mailbot reads (``mailbot check``):
    a service that adds no header leaves every forged sender undetected."""
    with database.reader() as session:
        rows = CaseStore(session).authentication_of_last(mailbox, last)
    stamped = sum(service_header(list(values or []), trust) is not None for values, _ in rows)
    forged = sum(verdict is not None and Verdict(verdict).forged for _, verdict in rows)
    return AuthenticationSurvey(len(rows), stamped, forged)
