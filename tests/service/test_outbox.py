"""Sending approved mail through a real SMTP server (aiosmtpd): once, retried, or failed."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from mailbot.errors import SmtpUnavailable
from mailbot.sending.smtp import SmtpSender
from mailbot.service import digest
from mailbot.service.approval import approve
from mailbot.service.outbox import HOST, Outbox
from mailbot.storage.database import Database
from mailbot.storage.models import OutboxRecord, utcnow
from tests.support.desk import CLOCK, TOM, Desk, open_desk
from tests.support.mails import dsn
from tests.support.smtp import SmtpServer


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SmtpServer]:
    running = SmtpServer(tmp_path).start()
    yield running
    running.stop()


def make_desk(tmp_path: Path, database: Database, server: SmtpServer, **smtp: Any) -> Desk:
    return open_desk(
        tmp_path,
        database,
        smtp=server.settings(from_name="Voorbeeld B.V.", **smtp),
        digest={"to": "functionaris@voorbeeld.example", "at": "07:30"},
    )


@pytest.fixture
def desk(tmp_path: Path, database: Database, server: SmtpServer) -> Iterator[Desk]:
    made = make_desk(tmp_path, database, server)
    yield made
    made.close()


def outbox(desk: Desk, me: str | None = None) -> Outbox:
    assert desk.settings.smtp is not None
    return Outbox(desk.database, desk.settings, SmtpSender(desk.settings.smtp), me=me)


def rows(database: Database) -> list[OutboxRecord]:
    with database.reader() as session:
        return list(session.exec(select(OutboxRecord).order_by(col(OutboxRecord.id))))


def approved_reply(desk: Desk) -> tuple[str, int]:
    reference = desk.mail("Ik wil weten welke gegevens jullie van mij hebben.", From=TOM).reference
    assert reference is not None
    reply = next(d for d in desk.drafts(reference) if d["kind"] == "reply")
    approve(desk.database, desk.configuration, CLOCK, reply["id"], "rudi")
    return reference, reply["id"]


def make_due(database: Database) -> None:
    """Let time pass: every queued mail may be tried now."""
    with database.session() as session:
        for row in session.exec(select(OutboxRecord)):
            row.next_attempt_at = utcnow() - timedelta(seconds=1)
            session.add(row)
        session.commit()


async def test_an_approved_reply_is_sent_once_exactly_as_approved(
    desk: Desk, server: SmtpServer
) -> None:
    reference, draft_id = approved_reply(desk)
    (row,) = rows(desk.database)
    report = await outbox(desk).send_due()
    assert (report.sent, report.failed, report.deferred) == (1, 0, 0)
    (got,) = server.received
    assert got.content == row.content and got.message_id == row.message_id
    assert got.rcpt_tos == ("tom.baker@example.com",)
    case = desk.case(reference)
    assert case["status"] == "sent"
    sent = next(e for e in case["events"] if e["action"] == "sent")
    assert sent["detail"]["message_id"] == row.message_id
    draft = next(d for d in desk.drafts(reference) if d["id"] == draft_id)
    assert draft["status"] == "sent" and draft["sent_at"] is not None
    assert (await outbox(desk).send_due()).sent == 0  # running again sends nothing
    assert len(server.received) == 1


async def test_approve_run_approve_run_sends_one_mail(desk: Desk, server: SmtpServer) -> None:
    _reference, draft_id = approved_reply(desk)
    await outbox(desk).send_due()
    with pytest.raises(Exception, match="already been sent"):
        approve(desk.database, desk.configuration, CLOCK, draft_id, "rudi")
    await outbox(desk).send_due()
    assert len(server.received) == 1


async def test_a_451_is_retried_later_with_the_same_message(desk: Desk, server: SmtpServer) -> None:
    approved_reply(desk)
    server.scenario.data.append("451 4.3.0 Temporary local problem")
    report = await outbox(desk).send_due()
    assert (report.sent, report.deferred) == (0, 1)
    (row,) = rows(desk.database)
    assert row.state == "queued" and row.attempts == 1 and "451" in row.last_error
    assert row.next_attempt_at > utcnow() + timedelta(seconds=20)
    assert (await outbox(desk).send_due()).sent == 0  # not due yet
    make_due(desk.database)
    assert (await outbox(desk).send_due()).sent == 1
    assert [item.content for item in server.received] == [row.content]


async def test_a_550_goes_back_to_the_officer_and_can_be_approved_again(
    desk: Desk, server: SmtpServer
) -> None:
    reference, draft_id = approved_reply(desk)
    server.scenario.data.append("550 5.7.1 Message rejected as spam")
    report = await outbox(desk).send_due()
    assert report.failed == 1
    draft = next(d for d in desk.drafts(reference) if d["id"] == draft_id)
    assert draft["status"] == "failed" and draft["error"] == "550 5.7.1 Message rejected as spam"
    case = desk.case(reference)
    assert case["status"] == "ready_for_review"  # the case reopens
    failed = next(e for e in case["events"] if e["action"] == "send_failed")
    assert "Message rejected as spam" in failed["detail"]["reply"]
    (before,) = rows(desk.database)
    approve(desk.database, desk.configuration, CLOCK, draft_id, "rudi")
    assert (await outbox(desk).send_due()).sent == 1
    (got,) = server.received
    assert got.message_id == before.message_id and got.content == before.content


async def test_a_refused_recipient_fails_the_mail(desk: Desk, server: SmtpServer) -> None:
    reference, draft_id = approved_reply(desk)
    server.scenario.rcpt.append("550 5.1.1 <tom.baker@example.com>: User unknown")
    assert (await outbox(desk).send_due()).failed == 1
    draft = next(d for d in desk.drafts(reference) if d["id"] == draft_id)
    assert draft["status"] == "failed" and "User unknown" in draft["error"]


async def test_a_421_greeting_leaves_the_mail_queued(desk: Desk, server: SmtpServer) -> None:
    approved_reply(desk)
    server.scenario.refuse_greetings = 1
    with pytest.raises(SmtpUnavailable, match="421"):
        await outbox(desk).send_due()
    (row,) = rows(desk.database)
    assert (row.state, row.claimed_by, row.attempts) == ("queued", None, 0)
    assert (await outbox(desk).send_due()).sent == 1
    assert len(server.received) == 1


async def test_a_connection_dropped_mid_data_sends_the_mail_once(
    desk: Desk, server: SmtpServer
) -> None:
    approved_reply(desk)
    server.scenario.data.append("drop-mid")
    assert (await outbox(desk).send_due()).deferred == 1
    make_due(desk.database)
    assert (await outbox(desk).send_due()).sent == 1
    assert len(server.received) == 1


async def test_giving_up_after_the_retry_period(
    tmp_path: Path, database: Database, server: SmtpServer
) -> None:
    desk = make_desk(tmp_path, database, server, retry_for=1)
    try:
        reference, draft_id = approved_reply(desk)
        with database.session() as session:
            (row,) = session.exec(select(OutboxRecord)).all()
            row.created_at = utcnow() - timedelta(seconds=5)
            session.add(row)
            session.commit()
        server.scenario.data.append("451 4.3.0 Try again later")
        assert (await outbox(desk).send_due()).failed == 1
        draft = next(d for d in desk.drafts(reference) if d["id"] == draft_id)
        assert draft["status"] == "failed" and "not accepted after 1 attempts" in draft["error"]
    finally:
        desk.close()


async def test_the_per_recipient_limit_holds_mail_back(
    tmp_path: Path, database: Database, server: SmtpServer
) -> None:
    desk = make_desk(tmp_path, database, server, max_per_recipient_per_hour=2)
    try:
        reference = desk.mail("Welke gegevens hebben jullie?", From=TOM).reference or ""
        for draft in desk.drafts(reference):
            approve(desk.database, desk.configuration, CLOCK, draft["id"], "rudi")
        desk.mail("Nog een vraag: wat weten jullie van mij?", From=TOM, Subject="Nieuw verzoek")
        later = [d for d in desk.drafts("AVG-2026-0002") if d["kind"] == "acknowledgement"]
        approve(desk.database, desk.configuration, CLOCK, later[0]["id"], "rudi")
        report = await outbox(desk).send_due()
        assert (report.sent, report.held) == (2, 1)
        waiting = [row for row in rows(database) if row.state == "queued"]
        assert len(waiting) == 1
        assert waiting[0].next_attempt_at > utcnow() + timedelta(minutes=55)
        assert len(server.received) == 2
    finally:
        desk.close()


async def test_two_workers_never_send_one_mail_twice(desk: Desk, server: SmtpServer) -> None:
    for number in range(6):
        reference = desk.mail(
            f"Welke gegevens hebben jullie van mij? ({number})",
            From=f"Person {number} <person{number}@example.org>",
        ).reference
        assert reference is not None
        for draft in desk.drafts(reference):
            if draft["kind"] == "acknowledgement":
                approve(desk.database, desk.configuration, CLOCK, draft["id"], "rudi")
    server.scenario.delay = 0.05
    first, second = await asyncio.gather(
        outbox(desk, me=f"{HOST}:{os.getpid()}:a").send_due(),
        outbox(desk, me=f"{HOST}:{os.getpid()}:b").send_due(),
    )
    assert first.sent + second.sent == 6
    ids = server.message_ids()
    assert len(ids) == 6 == len(set(ids))


async def test_a_claim_left_by_a_dead_process_is_taken_over(desk: Desk, server: SmtpServer) -> None:
    approved_reply(desk)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    alive = f"{HOST}:{os.getpid()}:other"
    with desk.database.session() as session:
        (row,) = session.exec(select(OutboxRecord)).all()
        row.state, row.claimed_by = "sending", alive
        row.lease_until = utcnow() + timedelta(minutes=5)
        session.add(row)
        session.commit()
    assert (await outbox(desk).send_due()).sent == 0  # a live worker's claim is respected
    with desk.database.session() as session:
        (row,) = session.exec(select(OutboxRecord)).all()
        row.claimed_by = f"{HOST}:{dead}:gone"
        session.add(row)
        session.commit()
    assert (await outbox(desk).send_due()).sent == 1
    with desk.database.session() as session:
        (row,) = session.exec(select(OutboxRecord)).all()
        row.state, row.claimed_by = "sending", "elsewhere:1:x"
        row.lease_until = utcnow() - timedelta(seconds=1)
        session.add(row)
        session.commit()
    assert (await outbox(desk).send_due()).sent == 1  # an expired lease on another machine
    assert len(server.received) == 2  # the at-least-once case, made by hand


async def test_a_bounce_of_our_mail_marks_it_failed(desk: Desk, server: SmtpServer) -> None:
    reference, draft_id = approved_reply(desk)
    await outbox(desk).send_due()
    (row,) = rows(desk.database)
    bounce = dsn().replace(b"<ours-1@voorbeeld.example>", row.message_id.encode())
    result = desk.deliver(bounce)
    assert result.outcome == "ignored" and result.reference == reference
    draft = next(d for d in desk.drafts(reference) if d["id"] == draft_id)
    assert draft["status"] == "failed" and "5.1.1" in draft["error"]
    case = desk.case(reference)
    assert case["status"] == "ready_for_review"
    assert any(e["action"] == "bounced" for e in case["events"])
    assert case["mails"][-1]["outcome"] == "ignored"  # never answered


async def test_a_bounce_of_someone_elses_mail_changes_nothing(desk: Desk) -> None:
    reference, _draft_id = approved_reply(desk)
    result = desk.deliver(dsn())
    assert result.outcome == "ignored" and result.reference is None
    assert desk.case(reference)["status"] == "approved"


async def test_one_digest_a_day(desk: Desk, server: SmtpServer) -> None:
    approved_reply(desk)
    assert digest.queue(desk.database, desk.settings, CLOCK) is not None
    assert digest.queue(desk.database, desk.settings, CLOCK) is None
    await outbox(desk).send_due()
    digests = [r for r in server.received if r.rcpt_tos == ("functionaris@voorbeeld.example",)]
    (mail,) = digests
    assert mail.message["Auto-Submitted"] == "auto-generated"
    assert "voor u" in mail.message["Subject"]  # the officer's language: [web] language, nl
    body = mail.message.get_body(("plain",)).get_content()
    assert "AVG-2026-0001" in body and "tom.baker" not in body  # references, not people
    html = mail.message.get_body(("html",)).get_content()
    assert "AVG-2026-0001" in html and "tom.baker" not in html
    assert mail.message["Content-Language"] == "nl"


async def test_a_crash_between_the_two_commits_is_settled_without_sending_again(
    desk: Desk, server: SmtpServer
) -> None:
    reference, draft_id = approved_reply(desk)
    with desk.database.session() as session:  # as if killed right after the first commit
        (row,) = session.exec(select(OutboxRecord)).all()
        row.state, row.sent_at = "sent", utcnow()
        session.add(row)
        session.commit()
    assert desk.case(reference)["status"] == "approved"
    report = await outbox(desk).send_due()
    assert report.sent == 0 and server.received == []
    draft = next(d for d in desk.drafts(reference) if d["id"] == draft_id)
    assert draft["status"] == "sent"
    assert desk.case(reference)["status"] == "sent"
