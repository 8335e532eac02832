"""The case list, filtered, counted and paged by the database: SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from mailbot.core.case_list import CaseFilter
from mailbot.service.cases import find_cases, list_cases
from mailbot.service.clock import Clock
from mailbot.storage.database import Database
from mailbot.storage.models import CaseRecord, DraftRecord, MailRecord

TODAY = date(2026, 3, 10)
CLOCK = Clock(ZoneInfo("Europe/Amsterdam"), TODAY)
RECEIVED = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


def add(database: Database, reference: str, *, drafts: tuple[str, ...] = (), **fields: Any) -> int:
    """A case (open, access, due in a week unless ``fields`` say otherwise), its mail with a
    Message-ID, and drafts in the ``drafts`` statuses; its id."""
    values: dict[str, Any] = {
        "mailbox": "default", "status": "new", "rights": ["access"],
        "due_date": TODAY + timedelta(days=7), "confidence": 0.9, **fields,
    }  # fmt: skip
    with database.session() as session:
        case = CaseRecord(
            reference=reference, received_at=RECEIVED, classified_at=RECEIVED,
            created_at=RECEIVED, updated_at=RECEIVED, **values,
        )  # fmt: skip
        session.add(case)
        session.flush()
        assert case.id is not None
        session.add(MailRecord(
            mailbox=case.mailbox, source="maildir", folder="INBOX", uid=reference,
            message_id=f"<{reference}@example.net>", arrived_at=RECEIVED,
            processed_at=RECEIVED, disposition="new_case", case_id=case.id,
        ))  # fmt: skip
        for status in drafts:
            session.add(DraftRecord(
                case_id=case.id, kind="reply", language="nl", to_address="a@example.net",
                subject="Uw verzoek", body="Beste", status=status, created_at=RECEIVED,
                updated_at=RECEIVED,
            ))  # fmt: skip
        session.commit()
        return case.id


def shown(
    database: Database, wanted: CaseFilter, mailboxes: tuple[str, ...] | None = None
) -> list[str]:
    found = find_cases(database, CLOCK, wanted, None, mailboxes)
    assert found.paging.total == len(found.cases)  # one page here
    return [case.reference for case in found.cases]


def test_the_default_list_holds_the_open_cases_and_possibly_missed_requests_by_due_date(
    database: Database,
) -> None:
    add(database, "AVG-1", due_date=TODAY + timedelta(days=20))
    add(database, "AVG-2", due_date=TODAY - timedelta(days=2), status="awaiting_identity")
    add(database, "AVG-3", due_date=TODAY + timedelta(days=25), urgent=True)  # a breach: on top
    add(database, "AVG-4", status="closed", due_date=TODAY + timedelta(days=22))
    add(database, "AVG-5", status="not_a_request", due_date=None, low_confidence=True)
    add(database, "AVG-6", status="not_a_request", due_date=None)  # surely no request
    add(database, "AVG-7", status="not_a_request", due_date=None, low_confidence=True,
        classified_by="rudi")  # a person decided  # fmt: skip
    assert shown(database, CaseFilter()) == ["AVG-3", "AVG-2", "AVG-1", "AVG-5"]
    assert shown(database, CaseFilter(status="all")) == [
        "AVG-3", "AVG-2", "AVG-1", "AVG-4", "AVG-5", "AVG-6", "AVG-7",
    ]  # fmt: skip
    assert shown(database, CaseFilter(status="closed")) == ["AVG-4"]
    assert shown(database, CaseFilter(overdue=True)) == ["AVG-2"]


def test_what_waits_for_the_officer(database: Database) -> None:
    add(database, "AVG-1", status="awaiting_identity")  # the person acts next
    add(database, "AVG-2", status="ready_for_review", drafts=("pending", "pending", "sent"))
    add(database, "AVG-3", needs_decision=True)
    add(database, "AVG-4", status="awaiting_confirmation", reply_to_check=1)
    add(database, "AVG-5", status="sent")  # answered: to close
    add(database, "AVG-6", status="approved", drafts=("failed",))
    add(database, "AVG-7", status="awaiting_confirmation", drafts=("approved",))
    add(database, "AVG-8", status="closed", drafts=("rejected",))
    add(database, "AVG-9", status="not_a_request", due_date=None, low_confidence=True)
    mine = CaseFilter(waiting_for_me=True)
    assert shown(database, mine) == ["AVG-2", "AVG-3", "AVG-4", "AVG-5", "AVG-6", "AVG-9"]
    found = find_cases(database, CLOCK, mine)
    assert found.drafts_waiting == {"AVG-2": 2, "AVG-6": 1}
    assert found.cases[0].message_ids == ("<AVG-2@example.net>",)


def test_a_right_a_mailbox_and_a_part_of_the_reference(database: Database) -> None:
    add(database, "AVG-2026-0001", rights=["access", "portability"])
    add(database, "AVG-2026-0002", rights=["erasure"], mailbox="hr")
    add(database, "AVG-2026-0100", rights=["objection"])
    assert shown(database, CaseFilter(right="portability")) == ["AVG-2026-0001"]
    assert shown(database, CaseFilter(right="access")) == ["AVG-2026-0001"]
    assert shown(database, CaseFilter(), ("default",)) == ["AVG-2026-0001", "AVG-2026-0100"]
    assert shown(database, CaseFilter(mailbox="hr"), ("default",)) == []  # not his mailbox
    assert shown(database, CaseFilter(mailbox="hr"), ("default", "hr")) == ["AVG-2026-0002"]
    assert shown(database, CaseFilter(), ()) == []
    assert shown(database, CaseFilter(reference="avg-2026-00")) == [
        "AVG-2026-0001", "AVG-2026-0002",
    ]  # fmt: skip
    assert shown(database, CaseFilter(reference="%")) == []  # a wildcard is a plain character
    assert shown(database, CaseFilter(reference="_")) == []


def test_the_database_pages_and_counts(database: Database) -> None:
    for number in range(1, 121):
        add(database, f"AVG-{number:04d}", due_date=TODAY + timedelta(days=number))
    add(database, "AVG-9999", status="closed")
    third = find_cases(database, CLOCK, CaseFilter(), "3")
    assert (third.paging.total, third.paging.first, third.paging.last) == (120, 101, 120)
    assert [case.reference for case in third.cases] == [f"AVG-{n:04d}" for n in range(101, 121)]
    past = find_cases(database, CLOCK, CaseFilter(), "9")
    assert past.paging.number == 3 and past.cases == third.cases
    first = find_cases(database, CLOCK, CaseFilter(), None)
    assert len(first.cases) == 50 and first.cases[0].reference == "AVG-0001"


def test_the_command_lines_list_is_every_case_oldest_first_with_its_message_ids(
    database: Database,
) -> None:
    add(database, "AVG-2", due_date=TODAY)
    add(database, "AVG-1", status="closed")
    listed = list_cases(database, CLOCK)
    assert [(case.reference, case.message_ids) for case in listed] == [
        ("AVG-2", ("<AVG-2@example.net>",)), ("AVG-1", ("<AVG-1@example.net>",)),
    ]  # fmt: skip
