"""The outbox raises when its server cannot be used, as the sources do; the worker records
it like any server's failure, with what was sent before it counted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from mailbot.errors import SmtpUnavailable
from mailbot.ports import Envelope
from mailbot.service.approval import approve
from mailbot.service.outbox import Outbox, SendReport
from mailbot.service.status import source_states
from mailbot.storage.database import Database
from mailbot.storage.models import OutboxRecord
from mailbot.worker import Worker
from tests.support.desk import CLOCK, TOM, Desk, desks

pytestmark = pytest.mark.own_database  # the desk's SQLite database, given to the worker

NAME = "smtp fake"


class Sender:
    """A ``MailSender`` that takes ``accepts`` mails, then cannot be used until ``fixed``."""

    def __init__(self, accepts: int, trouble: SmtpUnavailable) -> None:
        self.accepts = accepts
        self.trouble = trouble
        self.received: list[str] = []

    @property
    def name(self) -> str:
        return NAME

    def fixed(self) -> None:
        self.accepts = 1_000

    async def send(self, envelope: Envelope) -> str:
        if len(self.received) >= self.accepts:
            raise self.trouble
        self.received.append(envelope.message_id)
        return "250 2.0.0 queued"

    async def check(self) -> str:
        return NAME

    async def close(self) -> None:
        pass


@pytest.fixture
def desk(tmp_path: Path, sqlite_database: Database) -> Iterator[Desk]:
    smtp = {"host": "127.0.0.1", "from_address": "privacy@voorbeeld.example"}
    yield from desks(tmp_path, sqlite_database, smtp=smtp)


def approve_two(desk: Desk) -> None:
    """A request whose two drafts (acknowledgement and reply) the officer approves."""
    reference = desk.mail("Ik wil weten welke gegevens jullie van mij hebben.", From=TOM).reference
    assert reference is not None
    drafts = [d for d in desk.drafts(reference) if d["status"] == "pending"]
    assert len(drafts) == 2
    for draft in drafts:
        approve(desk.database, desk.configuration, CLOCK, draft["id"], "officer")


def states(database: Database) -> list[tuple[str, str, str]]:
    return [(s.name, s.state, s.detail) for s in source_states(database)]


def outbox_rows(database: Database) -> list[tuple[str, str | None, int]]:
    with database.reader() as session:
        found = session.exec(select(OutboxRecord).order_by(col(OutboxRecord.id)))
        return [(row.state, row.claimed_by, row.attempts) for row in found]


async def test_send_raises_when_the_server_cannot_be_used_and_counts_what_went_before(
    desk: Desk,
) -> None:
    approve_two(desk)
    sender = Sender(1, SmtpUnavailable("421 4.3.2 shutting down"))
    report = SendReport()
    with pytest.raises(SmtpUnavailable, match="421"):
        await Outbox(desk.database, desk.settings, sender).send(report)
    assert report.sent == 1
    assert outbox_rows(desk.database) == [("sent", None, 1), ("queued", None, 0)]


async def test_the_worker_records_a_refused_login_then_the_recovery(desk: Desk) -> None:
    approve_two(desk)
    sender = Sender(1, SmtpUnavailable("535 5.7.8 bad credentials", login=True))
    worker = Worker.single(desk.intake, [], outbox=Outbox(desk.database, desk.settings, sender))
    try:
        first = await worker.run_once()
        assert (first.sent, first.failures) == (1, {NAME: "535 5.7.8 bad credentials"})
        assert states(desk.database) == [(NAME, "login_failed", "535 5.7.8 bad credentials")]
        assert worker.status_line().endswith("1 sent; cannot use: smtp fake")
        sender.fixed()
        again = await worker.run_once()
        assert (again.sent, again.failures) == (1, {})
        assert states(desk.database) == [(NAME, "ok", "")]
        assert worker.status_line() == "starting; since start: 0 mails read, 0 drafted, 2 sent"
    finally:
        await worker.close()
    assert outbox_rows(desk.database) == [("sent", None, 1), ("sent", None, 1)]
    assert len(sender.received) == 2
