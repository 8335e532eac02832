"""Killing `mailbot run` (SIGKILL) at random moments while it sends approved mail.

After the kills and a final `run --once`: every draft was sent, under the one
Message-ID made when it was approved; the server never received two different
mails for one draft; and a second copy of a mail happened only for a kill that
fell between the server's final reply and the commit (at most one per kill).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from mailbot.app import load_app
from mailbot.service.approval import approve
from mailbot.storage.database import Database
from mailbot.storage.models import CaseEventRecord, DraftRecord, OutboxRecord
from tests.support.configs import maildir_config
from tests.support.crash import finish, kill_repeatedly
from tests.support.maildir import drop, make_maildir
from tests.support.mails import simple
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.integration  # aiosmtpd, and mailbot run killed as a subprocess

PEOPLE = 60


def sent_count(database: Database) -> int:
    with database.reader() as session:
        return int(
            session.exec(
                select(func.count()).select_from(OutboxRecord).where(OutboxRecord.state == "sent")
            ).one()
        )


def test_killed_while_sending_every_draft_goes_once_under_one_message_id(
    tmp_path: Path,
) -> None:
    server = SmtpServer(tmp_path).start()
    try:
        server.scenario.delay = 0.04  # a mail takes a while: kills land mid-conversation too
        config = maildir_config(tmp_path, server)
        maildir = make_maildir(tmp_path / "Maildir")
        for number in range(PEOPLE):
            mail = simple(f"Welke gegevens hebben jullie van mij? ({number})",
                          From=f"Persoon {number} <persoon{number}@example.org>")  # fmt: skip
            drop(maildir, f"{number}.M{number}P1.test", mail)
        assert finish(config).returncode == 0  # cases and drafts; nothing approved yet
        app = load_app(config)
        database = app.database
        with database.reader() as session:
            acknowledgements = session.exec(
                select(DraftRecord.id).where(DraftRecord.kind == "acknowledgement")
            ).all()
        for draft_id in acknowledgements:
            assert draft_id is not None
            approve(database, app.configuration, app.clock, draft_id, "rudi")
        with database.reader() as session:
            approved = dict(
                session.exec(select(OutboxRecord.draft_id, OutboxRecord.message_id)).all()
            )
        assert len(approved) == PEOPLE

        seed = random.randrange(1_000_000)
        kills = kill_repeatedly(
            config, database, 6, random.Random(seed), measure=sent_count, between=(0.5, 1.6)
        )
        assert any(0 < sent < PEOPLE for sent in kills), f"no kill mid-sending: {kills}, {seed}"
        done = finish(config)
        assert done.returncode == 0, done.stderr.decode()

        where = f"seed {seed}, sent after each kill {kills}"
        with database.reader() as session:
            rows = session.exec(select(OutboxRecord).order_by(col(OutboxRecord.id))).all()
            sent_events = Counter(
                event.detail["draft"]
                for event in session.exec(
                    select(CaseEventRecord).where(CaseEventRecord.action == "sent")
                )
            )
            drafts = session.exec(select(DraftRecord).where(DraftRecord.kind == "acknowledgement"))
            statuses = Counter(draft.status for draft in drafts)
        assert statuses == {"sent": PEOPLE}, where
        assert {row.draft_id: row.message_id for row in rows} == approved, where  # never remade
        assert all(count == 1 for count in sent_events.values()), where
        assert len(sent_events) == PEOPLE, where

        copies: dict[str, set[bytes]] = defaultdict(set)
        received: Counter[str] = Counter()
        for item in server.received:
            copies[item.message_id].add(item.content)
            received[item.message_id] += 1
        assert set(copies) == set(approved.values()), where
        assert all(len(contents) == 1 for contents in copies.values()), where  # same bytes
        second_copies = sum(count - 1 for count in received.values())
        assert second_copies <= len(kills), f"{second_copies} second copies; {where}"
        app.close()
    finally:
        server.stop()
