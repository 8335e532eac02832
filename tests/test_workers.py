"""Two ``mailbot run`` processes on one PostgreSQL database and one Dovecot mailbox.

Each mail must become exactly one case, each case be drafted once, and each
approved mail (acknowledgements, approved automatically here) be sent once,
also when one of the workers is killed in the middle of the backlog.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, func, select

from mailbot.core.drafting import DraftKind
from mailbot.storage.database import Database
from mailbot.storage.models import CaseRecord, DraftRecord, MailRecord, OutboxRecord
from tests.support.configs import worker_config
from tests.support.crash import finish
from tests.support.mails import requests
from tests.support.records import count
from tests.support.running import Running
from tests.support.smtp import SmtpServer
from tests.support.waiting import until

MAILS = 500
# PostgreSQL on both passes: it is what several workers need
pytestmark = [pytest.mark.integration, pytest.mark.own_database]


def drafts_per_case(database: Database) -> Counter[tuple[int, str]]:
    with database.reader() as session:
        rows = session.exec(select(DraftRecord.case_id, DraftRecord.kind)).all()
    return Counter((case_id, kind) for case_id, kind in rows)


def check_everything_once(database: Database, smtp: SmtpServer) -> dict[str, Any]:
    """Every mail one record and one case, one set of drafts, every approved mail sent once."""
    with database.reader() as session:
        message_ids = list(session.exec(select(MailRecord.message_id)))
        cases = int(session.exec(select(func.count()).select_from(CaseRecord)).one())
        sent = session.exec(
            select(OutboxRecord.message_id).where(col(OutboxRecord.state) == "sent")
        ).all()
        left = session.exec(
            select(func.count()).select_from(OutboxRecord).where(OutboxRecord.state != "sent")
        ).one()
    assert len(message_ids) == len(set(message_ids)) == MAILS
    assert cases == MAILS
    per_case = drafts_per_case(database)
    assert all(n == 1 for n in per_case.values()), per_case.most_common(3)
    acknowledgements = sum(1 for (_case, kind) in per_case if kind == DraftKind.ACKNOWLEDGEMENT)
    assert acknowledgements == MAILS
    assert left == 0 and len(sent) == MAILS
    received = Counter(smtp.message_ids())
    assert sorted(received) == sorted(sent)  # each approved mail arrived...
    assert max(received.values()) == 1  # ...once
    return {"cases": cases, "sent": len(sent)}


@dataclass
class Setup:
    config: Path
    database: Database
    dovecot: Any
    mailbox: str
    smtp: SmtpServer
    start: Callable[..., Running]

    def two_workers(self) -> tuple[Running, Running]:
        first, second = self.start(self.config), self.start(self.config)
        first.ready(60)
        second.ready(60)
        return first, second


@pytest.fixture
def setup(  # noqa: PLR0917 - the real servers this test needs
    tmp_path: Path,
    postgres: Any,
    dovecot: Any,
    mailbox: str,
    smtp: SmtpServer,
    start: Callable[..., Running],
) -> Iterator[Setup]:
    url = postgres.new_database()
    database = Database(url)
    database.upgrade()
    config = worker_config(tmp_path, url, dovecot.port, mailbox, smtp)
    yield Setup(config, database, dovecot, mailbox, smtp, start)
    database.dispose()


def test_two_workers_share_a_backlog_and_do_everything_once(setup: Setup) -> None:
    first, second = setup.two_workers()
    began = time.monotonic()
    setup.dovecot.append(setup.mailbox, *requests(MAILS, tag="two"))
    until(lambda: len(setup.smtp.received) >= MAILS, 300, f"{MAILS} acknowledgements sent")
    took = time.monotonic() - began
    assert first.stop() < 30 and second.stop() < 30
    assert first.process.returncode == 0 and second.process.returncode == 0
    found = check_everything_once(setup.database, setup.smtp)
    worked = [log.count(": new_case") for log in (first.stderr(), second.stderr())]
    print(f"\ntwo workers: {found} in {took:.1f} s; cases per worker {worked}")  # noqa: T201 - figures
    assert all(n > 0 for n in worked), worked  # both did part of the work
    assert "Traceback" not in first.stderr() + second.stderr()
    assert setup.dovecot.uids(setup.mailbox) == []  # every mail moved out of the inbox


def test_a_worker_killed_mid_run_leaves_its_work_to_the_other(setup: Setup) -> None:
    victim, survivor = setup.two_workers()
    setup.dovecot.append(setup.mailbox, *requests(MAILS, tag="kill"))
    until(lambda: count(setup.database, CaseRecord) >= MAILS // 4, 120, "a quarter of the cases")
    victim.process.send_signal(signal.SIGKILL)
    victim.process.wait(10)
    killed_at = count(setup.database, CaseRecord)
    until(lambda: len(setup.smtp.received) >= MAILS, 300, f"{MAILS} acknowledgements sent")
    assert survivor.stop() < 30 and survivor.process.returncode == 0
    done = finish(setup.config)  # nothing is left for a last pass either
    assert done.returncode == 0, done.stderr
    found = check_everything_once(setup.database, setup.smtp)
    print(f"\nkilled after {killed_at} cases; then {found}")  # noqa: T201 - figures
