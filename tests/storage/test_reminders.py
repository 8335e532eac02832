"""The reminders' reads: the right cases, in a few queries however many wait."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event

from mailbot.storage.database import Database
from mailbot.storage.drafts import DraftStore
from mailbot.storage.models import CaseRecord, DraftRecord, MailRecord
from mailbot.storage.reminders import ReminderStore
from mailbot.storage.store import CaseStore

SENT = datetime(2026, 3, 5, 16, tzinfo=UTC)
LATER = SENT + timedelta(days=7)


def a_case(
    database: Database,
    reference: str,
    *,
    status: str = "awaiting_identity",
    mailbox: str = "default",
    kind: str = "identification_request",
    draft_status: str = "sent",
    sent_at: datetime | None = SENT,
    answered: datetime | None = None,
) -> int:
    """A case with one request draft (and a follow-up that arrived at ``answered``)."""
    with database.session() as session:
        case = CaseStore(session).add_case(
            CaseRecord(
                reference=reference, mailbox=mailbox, status=status, received_at=SENT,
                classified_at=SENT, created_at=SENT, updated_at=SENT,
            )
        )  # fmt: skip
        assert case.id is not None
        DraftStore(session).add(
            case.id,
            DraftRecord(
                case_id=0, kind=kind, language="nl", to_address="a@example.net", subject="s",
                body="b", status=draft_status, sent_at=sent_at, created_at=SENT, updated_at=SENT,
            ),
        )  # fmt: skip
        if answered is not None:
            session.add(
                MailRecord(
                    mailbox=mailbox, source="maildir", folder="/t", uid=f"{reference}-1",
                    arrived_at=answered, disposition="follow_up", case_id=case.id,
                    processed_at=answered,
                )
            )  # fmt: skip
        session.commit()
        return case.id


def reminder_of(request: int | None, status: str = "pending") -> DraftRecord:
    return DraftRecord(
        case_id=0, kind="reminder", language="nl", to_address="a@example.net", subject="s",
        body="b", status=status, reminder_of=request, created_at=SENT, updated_at=SENT,
    )  # fmt: skip


@contextmanager
def counted(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def seen(*args: Any) -> None:
        if str(args[2]).lstrip().upper().startswith("SELECT"):
            statements.append(str(args[2]))

    engine = database.read_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def test_the_cases_that_may_need_a_reminder(database: Database) -> None:
    waiting = a_case(database, "AVG-2026-1", answered=SENT - timedelta(days=2))
    confirming = a_case(
        database, "AVG-2026-2", status="awaiting_confirmation", kind="confirmation_request"
    )
    a_case(database, "AVG-2026-3", mailbox="other")
    a_case(database, "AVG-2026-4", status="ready_for_review")
    a_case(database, "AVG-2026-5", draft_status="pending", sent_at=None)
    a_case(database, "AVG-2026-6", sent_at=LATER)  # sent too recently
    a_case(database, "AVG-2026-7", status="awaiting_confirmation", kind="sender_check")
    a_case(database, "AVG-2026-8", answered=SENT + timedelta(days=2))  # answered since
    reminded = a_case(database, "AVG-2026-9")
    with database.session() as session:
        (request,) = DraftStore(session).of_case(reminded)
        DraftStore(session).add(reminded, reminder_of(request.id, "sent"))
        session.commit()
    with database.reader() as session:
        found = ReminderStore(session).candidates("default", LATER)
        assert [seen.case.id for seen in found] == [waiting, confirming]
        assert [draft.kind for draft in found[0].drafts] == ["identification_request"]
        assert found[0].answers == [SENT - timedelta(days=2)]
        assert ReminderStore(session).candidates("default", None) == []  # reminders off


def test_a_pending_reminder_is_found_whatever_the_case_waits_on(database: Database) -> None:
    case_id = a_case(database, "AVG-2026-1", status="ready_for_review")
    with database.session() as session:
        DraftStore(session).add(case_id, reminder_of(None))
        session.commit()
    with database.reader() as session:
        (found,) = ReminderStore(session).candidates("default", None)
        assert found.case.id == case_id and len(found.drafts) == 2


def test_many_waiting_cases_take_a_few_queries(database: Database) -> None:
    for number in range(30):
        a_case(database, f"AVG-2026-{number}", answered=SENT - timedelta(days=1))
    with database.reader() as session, counted(database) as statements:
        found = ReminderStore(session).candidates("default", LATER)
    assert len(found) == 30 and all(len(seen.drafts) == 1 for seen in found)
    assert len(statements) == 5, statements  # two sets of cases, the cases, drafts, mails
