"""The database refusing to write, under a running service: read-only, and full.

A PostgreSQL database turned read-only (as after a fail-over to a standby), and an
SQLite database on a file system that is full. In both the worker must say clearly
what is wrong (journal and STATUS), keep the mail in the mailbox unrecorded (not
quarantine it: the mail is not at fault), retry with backoff, and go on by itself
once the database can be written again: every mail then recorded exactly once.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import func, select

from mailbot.storage.database import Database, normalise_url
from mailbot.storage.models import MailRecord
from mailbot.worker import FIRST_BACKOFF
from tests.support.configs import worker_config
from tests.support.mails import requests
from tests.support.postgres import PostgresCluster
from tests.support.records import count
from tests.support.running import Running
from tests.support.waiting import until

# each needs its own kind of database
pytestmark = [pytest.mark.integration, pytest.mark.own_database]


def check_each_mail_once(database: Database, total: int) -> None:
    with database.reader() as session:
        ids = list(session.exec(select(MailRecord.message_id)))
        outcomes = dict(
            session.exec(
                select(MailRecord.disposition, func.count()).group_by(MailRecord.disposition)
            ).all()
        )
    assert len(ids) == len(set(ids)) == total
    assert outcomes == {"new_case": total}  # nothing quarantined for the database's sake


REFUSED = "database cannot be used (unreachable)"


def refused_and_still(
    database: Database, running: Running, what: str, *, unchanged: bool = True
) -> int:
    """Wait until the worker says the database refuses, then check nothing moves (or, with
    ``unchanged`` False, that nothing is quarantined for it)."""
    until(lambda: REFUSED in running.stderr(), 60, "the refusal logged")
    recorded = count(database, MailRecord)
    # That nothing is written while the worker retries is what is tested, and no event marks
    # a retry (the refusal is logged once): wait past the first one, FIRST_BACKOFF after the
    # refusal, by one second.
    time.sleep(FIRST_BACKOFF + 1)
    if unchanged:
        assert count(database, MailRecord) == recorded  # nothing written meanwhile
    else:
        recorded = count(database, MailRecord)
        with database.reader() as session:
            kept = set(session.exec(select(MailRecord.disposition)))
        assert kept <= {"new_case"}, kept  # the mail is not at fault: none quarantined
    log = running.stderr()
    assert what in log
    assert "Traceback" not in log
    assert running.process.poll() is None  # still running, retrying
    return recorded


def test_a_read_only_postgresql_holds_the_mail_until_it_can_write(
    tmp_path: Path,
    postgres: PostgresCluster,
    dovecot: Any,
    mailbox: str,
    start: Callable[..., Running],
) -> None:
    url = postgres.new_database()
    name = url.rsplit("/", 1)[1]
    total = 300
    dovecot.append(mailbox, *requests(total, tag="ro"))
    running = start(worker_config(tmp_path, url, dovecot.port, mailbox, None))
    running.ready(60)
    database = Database(url)
    until(lambda: count(database, MailRecord) >= 20, 60, "some mail recorded")
    admin = create_engine(normalise_url(postgres.url()), isolation_level="AUTOCOMMIT")

    now_read_only: list[bool] = []

    def read_only(on: bool) -> None:
        now_read_only[:] = [on]
        with admin.connect() as connection:
            setting = "on" if on else "off"
            connection.execute(
                text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = {setting}')
            )
            connection.execute(  # sessions read the setting when they start
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )

    try:
        read_only(True)
        recorded = refused_and_still(database, running, "read-only transaction")
        assert recorded < total, "the backlog was done before the database became read-only"
        read_only(False)
        until(lambda: count(database, MailRecord) == total, 120, "the rest recorded")
    finally:
        if now_read_only == [True]:
            read_only(False)
        admin.dispose()
    until(lambda: "database can be used again" in running.stderr(), 30, "the recovery logged")
    running.stop()
    check_each_mail_once(database, total)
    assert dovecot.uids(mailbox) == []  # every mail moved to the requests folder
    database.dispose()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB file system of its own (tmpfs), to be filled; needs root, as CI runs."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(
            f"cannot mount a small tmpfs (run the tests as root, as CI does): {done.stderr}",
            pytrace=False,
        )
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def grow(mount: Path) -> None:
    subprocess.run(["mount", "-o", "remount,size=256m", str(mount)], check=True)


def test_a_full_disk_holds_the_mail_until_there_is_room(
    tmp_path: Path, small_disk: Path, dovecot: Any, mailbox: str, start: Callable[..., Running]
) -> None:
    total = 40
    scans = []
    for index in range(total):
        scan = EmailMessage()
        scan["From"] = f"Klant {index} <klant{index}@example.nl>"
        scan["To"] = "privacy@voorbeeld.example"
        scan["Subject"] = "Inzage"
        scan["Message-ID"] = f"<full-{index}@example.nl>"
        scan.set_content("Graag wil ik inzage in mijn gegevens. Mijn ID is bijgevoegd.")
        scan.add_attachment(os.urandom(100_000), maintype="image", subtype="jpeg",
                            filename="id.jpg")  # fmt: skip
        scans.append(bytes(scan))
    dovecot.append(mailbox, *scans)
    url = f"sqlite:///{small_disk / 'mailbot.db'}"
    running = start(worker_config(tmp_path, url, dovecot.port, mailbox, None))
    running.ready(60)
    database = Database(url)
    # A batch that does not fit is stored mail by mail, as far as they fit: the count may
    # grow while the disk is full, but no mail is quarantined for it.
    recorded = refused_and_still(database, running, "database or disk is full", unchanged=False)
    assert 0 < recorded < total
    grow(small_disk)
    until(lambda: count(database, MailRecord) == total, 120, "the rest recorded")
    until(lambda: "database can be used again" in running.stderr(), 30, "the recovery logged")
    running.stop()
    check_each_mail_once(database, total)
    database.dispose()
