"""Reminder drafts over a real database: one per wait, after the configured days, none after
an answer; and a "yes" to a reminder of a confirmation request confirms."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from mailbot.core.drafting import DraftKind
from mailbot.core.reminders import Due
from mailbot.letters.render import Renderer
from mailbot.sending.smtp import SmtpSender
from mailbot.service.approval import reject
from mailbot.service.clock import Clock
from mailbot.service.draft_views import show_draft
from mailbot.service.drafting import Drafting
from mailbot.service.outbox import Outbox, record_sent
from mailbot.storage.database import Conflict, Database, conflicts_reported
from mailbot.storage.drafts import DraftStore
from mailbot.storage.models import DraftRecord
from mailbot.storage.store import CaseStore
from tests.support.desk import CLOCK, FAIL, TOM, Desk, desks
from tests.support.mails import simple
from tests.support.smtp import SmtpServer

ZONE = ZoneInfo("Europe/Amsterdam")
EVE = "Eve <eve@example.org>"
# the identification request leaves on Thursday 5 March 2026 at 17:00 in Amsterdam
SENT = datetime(2026, 3, 5, 16, 0, tzinfo=UTC)


@pytest.fixture
def desk(tmp_path: Path, database: Database) -> Iterator[Desk]:
    yield from desks(tmp_path, database)


def on(desk: Desk, day: date) -> Drafting:
    """The desk's drafting pass as it runs on ``day`` (a worker of its own)."""
    desk.drafting = Drafting(
        desk.database, desk.settings, desk.sources, Renderer(), Clock(ZONE, today=day)
    )
    return desk.drafting


def sent(desk: Desk, reference: str, kind: str, when: datetime = SENT) -> dict[str, Any]:
    """The officer approves the case's pending draft of ``kind`` and it leaves at ``when``."""
    desk.approve(reference, kind)
    draft = next(
        d for d in desk.drafts(reference) if d["kind"] == kind and d["status"] == "approved"
    )
    with desk.database.session() as session:
        store = CaseStore(session)
        record = store.draft(draft["id"])
        record_sent(store, record, store.case_by_id(record.case_id), when, "officer")
        session.commit()
    return next(d for d in desk.drafts(reference) if d["id"] == draft["id"])


def store(database: Database, case_id: int, draft: DraftRecord) -> None:
    with database.session() as session, conflicts_reported(session):
        DraftStore(session).add(case_id, draft)
        session.commit()


def reminders(desk: Desk, reference: str) -> list[dict[str, Any]]:
    return [d for d in desk.drafts(reference) if d["kind"] == "reminder"]


def waiting_on_identity(desk: Desk) -> tuple[str, dict[str, Any]]:
    """An unknown sender's request, its identification request sent on 5 March."""
    on(desk, date(2026, 3, 5))
    reference = desk.mail("Ik wil weten welke gegevens jullie van mij hebben.", From=EVE).reference
    assert reference is not None
    assert desk.case(reference)["status"] == "awaiting_identity"
    return reference, sent(desk, reference, "identification_request")


def test_one_reminder_after_the_configured_days_and_never_a_second(desk: Desk) -> None:
    reference, request = waiting_on_identity(desk)
    assert on(desk, date(2026, 3, 11)).run() == 0  # six days
    assert reminders(desk, reference) == []
    assert on(desk, date(2026, 3, 12)).run() == 1  # seven days
    (reminder,) = reminders(desk, reference)
    assert (reminder["status"], reminder["to"], reminder["language"]) == (
        "pending",
        "eve@example.org",  # where the request went, never anywhere else
        "nl",
    )
    assert reminder["why"] == "no answer 7 days after the identification request was sent"
    shown = show_draft(desk.database, CLOCK, reminder["id"])
    assert shown.subject == f"[{reference}] Herinnering: wij hebben nog iets van u nodig"
    assert "Op 5 maart 2026 schreven wij u" in shown.body and reference in shown.body
    assert "klantnummer" in shown.body and "KopieID" in shown.body
    assert not shown.attachments and not shown.actions
    # threaded below the request, so that an answer to it names the request too
    assert shown.in_reply_to == request["message_id"]
    assert shown.references[-1] == request["message_id"]
    assert desk.case(reference)["status"] == "awaiting_identity"
    # the next passes, a restart (a new worker), the next days: still one
    for day in (date(2026, 3, 12), date(2026, 3, 13), date(2026, 4, 30)):
        assert on(desk, day).run() == 0
    assert len(reminders(desk, reference)) == 1
    # the officer rejects it: that is his answer, no other comes
    reject(desk.database, CLOCK, reminder["id"], "officer", "I called her")
    assert on(desk, date(2026, 5, 1)).run() == 0
    assert [d["status"] for d in reminders(desk, reference)] == ["rejected"]


def test_the_reminder_is_approved_like_any_draft_and_leaves_the_case_waiting(desk: Desk) -> None:
    reference, _ = waiting_on_identity(desk)
    on(desk, date(2026, 3, 12)).run()
    desk.approve(reference, "reminder")
    case = desk.case(reference)
    assert case["status"] == "awaiting_identity"
    assert [e["action"] for e in case["events"]].count("approved") == 2


def test_no_reminder_once_the_person_answered(desk: Desk) -> None:
    reference, request = waiting_on_identity(desk)
    on(desk, date(2026, 3, 8))
    answer = simple("Mijn klantnummer is C-1003.", From=EVE, In_Reply_To=request["message_id"])
    assert desk.deliver(answer, datetime(2026, 3, 8, 9, tzinfo=UTC)).reference == reference
    assert on(desk, date(2026, 3, 20)).run() == 0
    assert reminders(desk, reference) == []


def test_a_reminder_waiting_for_review_is_withdrawn_when_the_answer_arrives(desk: Desk) -> None:
    reference, request = waiting_on_identity(desk)
    on(desk, date(2026, 3, 12)).run()
    answer = simple("Hierbij mijn klantnummer.", From=EVE, In_Reply_To=request["message_id"])
    desk.deliver(answer, datetime(2026, 3, 12, 15, tzinfo=UTC))
    (reminder,) = reminders(desk, reference)
    assert reminder["status"] == "rejected"
    assert reminder["reason"] == "a mail joined the case after the request was sent"
    events = desk.case(reference)["events"]
    assert any(e["action"] == "rejected" and e["actor"] == "mailbot" for e in events)


def test_no_reminder_for_a_request_not_sent(desk: Desk) -> None:
    on(desk, date(2026, 3, 5))
    reference = desk.mail("Ik wil mijn gegevens zien.", From=EVE).reference or ""
    desk.approve(reference, "identification_request")  # approved, but never left
    assert on(desk, date(2026, 6, 1)).run() == 0
    assert reminders(desk, reference) == []


def test_no_reminder_after_a_sender_check(desk: Desk) -> None:
    on(desk, date(2026, 3, 5))
    reference = desk.mail(
        "Stuur mij mijn gegevens.", From=TOM, Authentication_Results=FAIL
    ).reference
    assert reference is not None
    sent(desk, reference, "sender_check")
    assert on(desk, date(2026, 4, 1)).run() == 0
    assert reminders(desk, reference) == []


def test_two_workers_deciding_at_once_store_one_reminder(desk: Desk) -> None:
    reference, request = waiting_on_identity(desk)
    with desk.database.reader() as session:
        case_id = CaseStore(session).case(reference).id or 0
    day = date(2026, 3, 12)
    first, second = on(desk, day), on(desk, day)
    due = Due(request["id"], DraftKind.IDENTIFICATION_REQUEST, "eve@example.org", SENT, 7)
    # both found it due before either stored it; the second sees the first's, inside its lock
    assert first.reminders.draft(case_id, due) is True
    assert second.reminders.draft(case_id, due) is False
    assert len(reminders(desk, reference)) == 1
    # and the database itself refuses a second reminder of the same request
    built = second.build_reminder(case_id, due)
    built.reminder_of = request["id"]
    with pytest.raises(Conflict):
        store(desk.database, case_id, built)
    assert len(reminders(desk, reference)) == 1


def test_off_when_configured_so(tmp_path: Path, database: Database) -> None:
    for quiet in desks(tmp_path, database, drafts={"reminder_after_days": 0}):
        reference, _ = waiting_on_identity(quiet)
        assert on(quiet, date(2026, 6, 1)).run() == 0
        assert reminders(quiet, reference) == []


def test_a_yes_to_the_reminder_of_a_confirmation_request_confirms(desk: Desk) -> None:
    on(desk, date(2026, 3, 5))
    reference = desk.mail("Verwijder al mijn gegevens.", From=TOM).reference or ""
    assert desk.case(reference)["status"] == "awaiting_confirmation"
    request = sent(desk, reference, "confirmation_request")
    on(desk, date(2026, 3, 12)).run()
    (reminder,) = reminders(desk, reference)
    assert reminder["to"] == "tom.baker@example.com"  # the address on file, as the request
    body = show_draft(desk.database, CLOCK, reminder["id"]).body
    assert '"Ja, ik bevestig"' in body and '"Nee, dat was ik niet"' in body
    assert "Op 5 maart 2026 vroegen wij u per e-mail" in body
    reminded = sent(desk, reference, "reminder", datetime(2026, 3, 12, 9, tzinfo=UTC))
    # a mail program that names only the mail it answers (no References)
    yes = simple("Ja, ik bevestig.", From=TOM, In_Reply_To=reminded["message_id"])
    desk.deliver(yes, datetime(2026, 3, 13, 8, tzinfo=UTC))
    case = desk.case(reference)
    assert case["status"] == "ready_for_review" and case["reply_to_check"] is None
    assert "confirmed" in [event["action"] for event in case["events"]]
    assert request["message_id"] != reminded["message_id"]


async def test_the_reminder_leaves_to_the_same_address_below_the_request(
    tmp_path: Path, database: Database, smtp: SmtpServer
) -> None:
    """Through a real SMTP server: the bytes received for the request and its reminder."""
    for desk in desks(tmp_path, database, smtp=smtp.settings(from_name="Voorbeeld B.V.")):
        assert desk.settings.smtp is not None
        outbox = Outbox(desk.database, desk.settings, SmtpSender(desk.settings.smtp))
        reference = desk.mail("Ik wil mijn gegevens zien.", From=EVE).reference or ""
        desk.approve(reference, "identification_request")
        assert (await outbox.send_due()).sent == 1
        request = next(d for d in desk.drafts(reference) if d["kind"] == "identification_request")
        left = datetime.fromisoformat(request["sent_at"]).astimezone(ZONE).date()
        assert on(desk, left + timedelta(days=6)).run() == 0
        assert on(desk, left + timedelta(days=7)).run() == 1
        desk.approve(reference, "reminder")
        assert (await outbox.send_due()).sent == 1
        asked, reminded = smtp.received
        assert asked.rcpt_tos == reminded.rcpt_tos == ("eve@example.org",)
        message = reminded.message
        assert message["In-Reply-To"] == asked.message_id
        assert asked.message_id in message["References"].split()
        assert message["Subject"] == f"[{reference}] Herinnering: wij hebben nog iets van u nodig"
        assert message["Auto-Submitted"] is None  # the officer approved it
        body = message.get_content()
        assert reference in body and "KopieID" in body


def test_a_yes_quoting_the_reminder_from_another_address_confirms_nothing(desk: Desk) -> None:
    """An outsider who learned the reminder's Message-ID, or forged Tom's name on another
    address, cannot confirm; Tom's own "no" to the reminder stops the case."""
    on(desk, date(2026, 3, 5))
    reference = desk.mail("Verwijder al mijn gegevens.", From=TOM).reference or ""
    sent(desk, reference, "confirmation_request")
    on(desk, date(2026, 3, 12)).run()
    reminded = sent(desk, reference, "reminder", datetime(2026, 3, 12, 9, tzinfo=UTC))
    forged = simple("Ja, ik bevestig.", From="Tom Baker <tom.baker@example.org>",
                    In_Reply_To=reminded["message_id"])  # fmt: skip
    desk.deliver(forged, datetime(2026, 3, 13, 8, tzinfo=UTC))
    case = desk.case(reference)
    assert case["status"] == "awaiting_confirmation"
    assert "confirmed" not in [event["action"] for event in case["events"]]
    no = simple("Nee, dat was ik niet.", From=TOM, In_Reply_To=reminded["message_id"])
    desk.deliver(no, datetime(2026, 3, 13, 9, tzinfo=UTC))
    case = desk.case(reference)
    assert case["denied_at"] and "confirmed" not in [e["action"] for e in case["events"]]
