"""The worker on a real Dovecot: exactly once, across crashes, restarts and renumbering."""

from __future__ import annotations

import asyncio
import base64
import random
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlmodel import select

from mailbot.cli.main import cli
from mailbot.config import Settings, settings_from_dict
from mailbot.ports import Outcome
from mailbot.service.intake import Intake, IntakePolicy
from mailbot.service.status import source_states
from mailbot.sources.imap import ImapSource
from mailbot.storage.database import Database
from mailbot.storage.models import MailRecord
from mailbot.storage.store import CaseStore
from mailbot.worker import Worker
from tests.support.configs import mailbot_database_url
from tests.support.dovecot import Dovecot
from tests.support.mails import request, simple
from tests.support.records import counts
from tests.support.waiting import until_async

pytestmark = pytest.mark.integration  # Dovecot


def config_text(dovecot: Any, user: str, database: str, password: str = "secret") -> str:
    return (
        f'[database]\nurl = "{database}"\n'
        f'[imap]\nhost = "127.0.0.1"\nport = {dovecot.port}\nsecurity = "none"\n'
        f'username = "{user}"\npassword = "{password}"\ntimeout = 10\n'
        '[organisation]\nname = "V"\nofficer_name = "O"\n'
        'addresses = ["privacy@voorbeeld.example"]\n'
        'automated_decisions = "none"\ntransfers_outside_eea = "none"\n'
    )


def make_settings(tmp_path: Path, dovecot: Any, user: str) -> Settings:
    import tomllib

    text = config_text(dovecot, user, mailbot_database_url(tmp_path))
    return settings_from_dict(tomllib.loads(text), tmp_path / "mailbot.toml", environ={})


@pytest.fixture
def settings(tmp_path: Path, dovecot: Any, mailbox: str) -> Settings:
    return make_settings(tmp_path, dovecot, mailbox)


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    db = Database(settings.database.url)
    db.upgrade()
    yield db
    db.dispose()


def worker_for(settings: Settings, database: Database) -> Worker:
    assert settings.imap is not None
    return Worker.single(
        Intake(database, IntakePolicy.from_settings(settings)), [ImapSource(settings.imap)]
    )


async def test_mail_arriving_during_idle_wakes_the_worker(
    settings: Settings, database: Database, dovecot: Any, mailbox: str
) -> None:
    # The server's word in IDLE wakes the worker, not the end of its wait: with a wait of
    # 120 s, the case must come long before. How fast is bench/latency.py's to measure
    # (a time limit here would fail on a busy machine, not on a slow worker).
    assert settings.imap is not None
    waiting = settings.model_copy(
        update={"imap": settings.imap.model_copy(update={"idle_timeout": 120})}
    )
    worker = worker_for(waiting, database)
    running = asyncio.ensure_future(worker.run_forever())
    try:
        await until_async(lambda: dovecot.idling(mailbox), 10, "the worker in IDLE")
        await asyncio.to_thread(dovecot.append, mailbox, request(1))
        await until_async(lambda: counts(database)[2] == 1, 60, "the case, before IDLE's wait ends")
    finally:
        worker.stop()
        await asyncio.wait_for(running, timeout=10)
    assert dovecot.uids(mailbox) == []  # moved to the requests folder


async def test_non_requests_stay_in_the_inbox_and_are_read_once(
    settings: Settings, database: Database, dovecot: Any, mailbox: str
) -> None:
    dovecot.append(
        mailbox,
        request(1),
        simple("Ik ben afwezig tot maandag.", Auto_Submitted="auto-replied"),
        simple("Wanneer is de volgende training?"),
    )
    worker = worker_for(settings, database)
    first = await worker.run_once()
    assert first.outcomes == {Outcome.NEW_CASE: 1, Outcome.IGNORED: 1, Outcome.NOT_A_REQUEST: 1}
    again = await worker.run_once()
    await worker.close()
    assert again.read == 0
    assert dovecot.uids(mailbox) == [2, 3]
    assert len(dovecot.uids(mailbox, "AVG-verzoeken")) == 1
    client = dovecot.client(mailbox)
    client.select_folder("INBOX", readonly=True)
    assert all(b"\\Seen" not in flags for flags in client.get_flags([2, 3]).values())
    client.logout()


async def test_a_move_cut_off_by_a_crash_is_done_on_the_next_pass(
    settings: Settings, database: Database, dovecot: Any, mailbox: str
) -> None:
    dovecot.append(mailbox, request(1))
    source = ImapSource(settings.imap)  # type: ignore[arg-type]
    intake = Intake(database, IntakePolicy.from_settings(settings))
    (ref,) = await source.pending()
    intake.process(ref, await source.fetch(ref))  # committed; the process "dies" before settle
    await source.close()
    assert dovecot.uids(mailbox) == [1]
    worker = worker_for(settings, database)
    report = await worker.run_once()
    await worker.close()
    assert report.read == 0
    assert dovecot.uids(mailbox) == []
    assert counts(database) == (1, 1, 1)


async def test_uidvalidity_change_resyncs_without_duplicating_anything(
    settings: Settings, database: Database, dovecot: Any, mailbox: str
) -> None:
    dovecot.append(
        mailbox,
        simple("Wanneer is de training?", Message_ID="<t1@example.nl>"),
        simple("Ik ben afwezig.", Auto_Submitted="auto-replied", Message_ID="<t2@example.nl>"),
        b"Subject: no sender at all\r\n\r\nquarantined\r\n",
        request(1),
    )
    worker = worker_for(settings, database)
    await worker.run_once()
    before = counts(database)
    assert before == (4, 4, 2)
    old = int(
        dovecot.doveadm("mailbox", "status", "-u", mailbox, "uidvalidity", "INBOX").split("=")[1]
    )
    dovecot.doveadm("mailbox", "update", "-u", mailbox, "--uid-validity", str(old + 1000), "INBOX")
    dovecot.append(mailbox, request(2))
    report = await worker.run_once()
    await worker.close()
    assert counts(database) == (5, 5, 3)  # only the new mail added something
    assert report.outcomes[Outcome.NEW_CASE] == 1
    with database.reader() as session:
        in_inbox = session.exec(
            select(MailRecord.uidvalidity).where(MailRecord.disposition != Outcome.NEW_CASE)
        ).all()
    assert set(in_inbox) == {old + 1000}


async def test_a_20_mb_mail(
    settings: Settings, database: Database, dovecot: Any, mailbox: str
) -> None:
    attachment = base64.encodebytes(random.Random(7).randbytes(15 * 1024 * 1024)).replace(
        b"\n", b"\r\n"
    )
    raw = (
        b"From: Piet <piet@example.nl>\r\nTo: privacy@voorbeeld.example\r\nSubject: mijn ID\r\n"
        b"Message-ID: <big@example.nl>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\n"
        b"Verwijder al mijn gegevens. Mijn ID zit in de bijlage.\r\n--b\r\n"
        b"Content-Type: image/jpeg\r\nContent-Disposition: attachment; filename=id.jpg\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + attachment + b"--b--\r\n"
    )
    assert len(raw) > 20 * 1024 * 1024
    dovecot.append(mailbox, raw)
    worker = worker_for(settings, database)
    report = await worker.run_once()
    await worker.close()
    assert report.outcomes == {Outcome.NEW_CASE: 1}
    with database.reader() as session:
        mail = session.exec(select(MailRecord)).one()
    assert mail.size == len(raw) and mail.rights == ["erasure"]
    with database.reader() as session:
        assert CaseStore(session).raw(mail.id or 0) == raw  # fetched in pieces, byte for byte


async def test_a_server_without_idle_and_move_is_polled_and_copied(tmp_path: Path) -> None:
    root = Path(tempfile.mkdtemp(prefix="mailbot-dovecot-"))
    server = Dovecot(root, capability="IMAP4rev1 SASL-IR LITERAL+ ID ENABLE UIDPLUS")
    server.start()
    try:
        user = server.add_user()
        settings = make_settings(tmp_path, server, user)
        assert settings.imap is not None
        polling = settings.imap.model_copy(update={"poll_interval": 0.5})
        database = Database(settings.database.url)
        database.upgrade()
        worker = Worker.single(
            Intake(database, IntakePolicy.from_settings(settings)), [ImapSource(polling)]
        )
        running = asyncio.ensure_future(worker.run_forever())
        try:
            await until_async(lambda: bool(source_states(database)), 10, "the first pass done")
            await asyncio.to_thread(
                server.append, user, request(1), simple("Wanneer is de training?")
            )
            await until_async(lambda: counts(database)[0] == 2, 10, "both mails recorded")
        finally:
            worker.stop()
            await asyncio.wait_for(running, timeout=10)
            database.dispose()
        assert server.uids(user) == [2]  # the request copied out, deleted and expunged
        assert len(server.uids(user, "AVG-verzoeken")) == 1
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def own_dovecot() -> Iterator[Dovecot]:
    """A Dovecot of this test's own, to stop and start (in a directory its users can enter)."""
    root = Path(tempfile.mkdtemp(prefix="mailbot-dovecot-"))
    server = Dovecot(root)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


async def test_dovecot_restart_mid_run_and_the_worker_recovers_by_itself(
    tmp_path: Path, own_dovecot: Dovecot
) -> None:
    server = own_dovecot
    user = server.add_user()
    settings = make_settings(tmp_path, server, user)
    database = Database(settings.database.url)
    database.upgrade()
    worker = worker_for(settings, database)
    running = asyncio.ensure_future(worker.run_forever())
    try:
        server.append(user, request(1))
        await until_async(lambda: counts(database)[2] == 1, 10, "the first case")
        await asyncio.to_thread(server.stop)
        await until_async(
            lambda: source_states(database)[0].state == "unreachable", 30, "the source unreachable"
        )
        await asyncio.to_thread(server.start)
        await asyncio.to_thread(server.append, user, request(2))
        await until_async(lambda: counts(database)[2] == 2, 60, "the second case", step=0.2)
        await until_async(
            lambda: source_states(database)[0].state == "ok", 10, "the source ok again"
        )
    finally:
        worker.stop()
        await asyncio.wait_for(running, timeout=10)
        database.dispose()
    assert server.uids(user) == []
    assert len(server.uids(user, "AVG-verzoeken")) == 2


def test_check_logs_in_and_reports_the_folder(tmp_path: Path, dovecot: Any, mailbox: str) -> None:
    dovecot.append(mailbox, request(1))
    good = tmp_path / "good.toml"
    good.write_text(config_text(dovecot, mailbox, "sqlite:///mailbot.db"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--config", str(good)])
    assert result.exit_code == 0, result.output
    assert "imap: ok" in result.output and "INBOX: 1 mails" in result.output
    assert "requests folder 'AVG-verzoeken' will be created" in result.output
    bad = tmp_path / "bad.toml"
    bad.write_text(
        config_text(dovecot, mailbox, "sqlite:///mailbot.db", password="wrong"), encoding="utf-8"
    )
    failed = CliRunner().invoke(cli, ["check", "--config", str(bad)])
    assert failed.exit_code == 1
    assert "imap: FAILED: imap 127.0.0.1/INBOX: login refused (check imap.username" in failed.output
    assert mailbox not in failed.output  # the same text goes to the logs: no address


def test_status_shows_what_the_worker_found(tmp_path: Path, dovecot: Any, mailbox: str) -> None:
    config = tmp_path / "mailbot.toml"
    config.write_text(
        config_text(dovecot, mailbox, "sqlite:///mailbot.db", password="wrong"), encoding="utf-8"
    )
    runner = CliRunner()
    assert (
        "no source has been read yet"
        in runner.invoke(cli, ["status", "--config", str(config)]).output
    )
    assert runner.invoke(cli, ["run", "--once", "--config", str(config)]).exit_code == 1
    status = runner.invoke(cli, ["status", "--config", str(config)])
    assert status.exit_code == 1
    assert "login_failed" in status.output
