"""Faults under a real run with sending: SIGKILL twenty times, the network cut and stalled,
and Dovecot restarted in the middle of a backlog.

Each test appends requests to a Dovecot mailbox and lets mailbot acknowledge them
automatically over SMTP (aiosmtpd). Afterwards every mail must have been recorded
exactly once (one case each), every acknowledgement sent, and a second copy of an
acknowledgement is allowed only for a fault that can fall into the documented
window between the server's final reply and the ``sent`` commit: at most one per
kill, or per cut of the SMTP connection.

They run once, on SQLite (``own_database``): the two-worker tests kill workers on
PostgreSQL, and the database faults have their own file.
"""

from __future__ import annotations

import functools
import random
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import func, select

from mailbot.storage.database import Database
from mailbot.storage.models import CaseRecord, MailRecord, OutboxRecord
from tests.support.configs import worker_config
from tests.support.crash import finish, kill_repeatedly
from tests.support.dovecot import Dovecot
from tests.support.mails import requests
from tests.support.proxy import StallingProxy, stalling_proxy
from tests.support.records import count
from tests.support.running import Running
from tests.support.smtp import SmtpServer
from tests.support.waiting import until

pytestmark = [pytest.mark.integration, pytest.mark.own_database]


def sent(database: Database) -> int:
    with database.reader() as session:
        query = select(func.count()).select_from(OutboxRecord).where(OutboxRecord.state == "sent")
        return int(session.exec(query).one())


def check_once(database: Database, smtp: SmtpServer, total: int, faults: int) -> Counter[str]:
    """Every mail one record and one case; every acknowledgement sent; copies within faults."""
    with database.reader() as session:
        ids = list(session.exec(select(MailRecord.message_id)))
        cases = int(session.exec(select(func.count()).select_from(CaseRecord)).one())
        outcomes = set(session.exec(select(MailRecord.disposition)))
        queued = session.exec(select(OutboxRecord.state, OutboxRecord.message_id)).all()
    assert len(ids) == len(set(ids)) == total
    assert cases == total
    assert outcomes == {"new_case"}
    assert [state for state, _ in queued] == ["sent"] * total
    received = Counter(smtp.message_ids())
    assert set(received) == {message_id for _, message_id in queued}  # one Message-ID each
    copies = sum(n - 1 for n in received.values())
    assert copies <= faults, f"{copies} second copies for {faults} faults"
    return received


def test_sigkill_twenty_times_during_a_500_mail_run(
    tmp_path: Path, state_url: str, dovecot: Any, mailbox: str, smtp: SmtpServer
) -> None:
    total, kills = 500, 20
    dovecot.append(mailbox, *requests(total, tag="kill"))
    config = worker_config(tmp_path, "sqlite:///mailbot.db", dovecot.port, mailbox, smtp)
    database = Database(state_url)
    seed = random.randrange(1_000_000)
    progress = kill_repeatedly(
        config,
        database,
        kills,
        random.Random(seed),
        measure=lambda db: count(db, MailRecord) + sent(db),
        between=(0.4, 1.6),
    )
    where = f"seed {seed}, mails recorded + sent after each kill: {progress}"
    assert sum(0 < done < 2 * total for done in progress) >= kills // 2, where
    done = finish(config)
    assert done.returncode == 0, done.stderr
    check_once(database, smtp, total, kills)
    assert dovecot.uids(mailbox) == [], where
    database.dispose()


def _sent_at_least(database: Database, wanted: int) -> bool:
    return sent(database) >= wanted


def _cut_and_stall(proxy: StallingProxy, stall: float) -> int:
    """Cut the open connections; 0.3 s later hold every connection for ``stall`` seconds.

    These sleeps are the fault schedule under test, not waits for a condition: the stall
    must outlast the clients' 2 s timeout, and the pause lets the reconnection begin, so the
    stall lands on it. (Polling for progress in their place moved the faults so far apart
    that the outbox's backoff outgrew the waits below.)
    """
    cuts = proxy.cut()
    time.sleep(0.3)
    proxy.stall()
    time.sleep(stall)
    proxy.resume()
    return cuts


def test_imap_and_smtp_cut_and_stalled_by_a_proxy(  # noqa: PLR0917 - the servers it needs
    tmp_path: Path,
    state_url: str,
    dovecot: Any,
    mailbox: str,
    smtp: SmtpServer,
    start: Callable[..., Running],
) -> None:
    total = 300
    dovecot.append(mailbox, *requests(total, tag="net"))
    with stalling_proxy(dovecot.port) as imap, stalling_proxy(smtp.port) as mail:
        smtp.scenario.delay = 0.03  # sending takes ~10 s: the cuts land mid-conversation
        mail.stall()  # SMTP hangs from the start: all 300 acknowledgements wait
        config = worker_config(tmp_path, "sqlite:///mailbot.db", imap.port, mailbox, smtp)
        text = config.read_text(encoding="utf-8")
        text = text.replace(f"port = {smtp.port}", f"port = {mail.port}")
        text = text.replace("timeout = 10", "timeout = 2")  # IMAP: a stall is noticed in 2 s
        text = text.replace("timeout = 5", "timeout = 2")  # SMTP: the same
        config.write_text(text + "\n", encoding="utf-8")
        running = start(config)
        running.ready(60)
        database = Database(state_url)
        until(lambda: count(database, MailRecord) >= 30, 60, "intake under way")
        for _ in range(2):  # IMAP: cut mid-fetch or mid-move, then stalled past its timeout
            _cut_and_stall(imap, 3)
            time.sleep(0.5)  # the fault schedule: see _cut_and_stall
        until(lambda: count(database, MailRecord) == total, 120, "every mail recorded")
        assert sent(database) == 0
        mail.resume()  # a backlog of 300 to send: the cuts below land mid-conversation
        smtp_faults = 0
        for _ in range(2):  # SMTP: cut mid-conversation, then stalled past its timeout
            until(functools.partial(_sent_at_least, database, sent(database) + 20), 120, "sending")
            smtp_faults += max(1, _cut_and_stall(mail, 3))
        until(lambda: sent(database) == total, 180, "every acknowledgement sent")
        log = running.stderr()
        running.stop()
    check_once(database, smtp, total, smtp_faults)
    assert "imap 127.0.0.1/INBOX cannot be used" in log  # said clearly, then recovered
    assert "imap 127.0.0.1/INBOX can be used again" in log
    assert f"deferred by smtp 127.0.0.1:{mail.port}; tried again in 30 s" in log
    assert "Traceback" not in log
    assert dovecot.uids(mailbox) == []
    database.dispose()


def test_dovecot_restarted_in_the_middle_of_a_backlog(
    tmp_path: Path, state_url: str, smtp: SmtpServer, start: Callable[..., Running]
) -> None:
    root = Path(tempfile.mkdtemp(prefix="mailbot-dovecot-"))
    server = Dovecot(root)
    server.start()
    try:
        user = server.add_user()
        total = 300
        server.append(user, *requests(total, tag="restart"))
        config = worker_config(tmp_path, "sqlite:///mailbot.db", server.port, user, smtp)
        running = start(config)
        running.ready(60)
        database = Database(state_url)
        until(lambda: count(database, MailRecord) >= 40, 60, "intake under way")
        server.doveadm("kick", user)  # its sessions end at once, as in a restart that kills them
        server.restart()
        until(lambda: count(database, MailRecord) == total, 120, "every mail recorded")
        until(lambda: sent(database) == total, 120, "every acknowledgement sent")
        until(lambda: server.uids(user) == [], 60, "the inbox emptied")
        log = running.stderr()
        running.stop()
        check_once(database, smtp, total, 0)
        assert "imap 127.0.0.1/INBOX cannot be used" in log
        assert "imap 127.0.0.1/INBOX can be used again" in log
        assert "Traceback" not in log
        database.dispose()
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
