from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from mailbot.config import Settings
from mailbot.ports import Outcome
from mailbot.service.intake import Intake, IntakePolicy
from mailbot.sources.maildir import MaildirSource
from mailbot.storage.database import Database
from mailbot.storage.models import CaseRecord, MailRecord
from mailbot.worker import Worker
from tests.support.crash import finish, kill_repeatedly
from tests.support.maildir import drop, make_maildir
from tests.support.mails import simple
from tests.support.paths import MAILS
from tests.support.records import counts
from tests.support.running import Running
from tests.support.waiting import until, until_async


def worker_for(settings: Settings, database: Database) -> Worker:
    assert settings.maildir is not None
    intake = Intake(database, IntakePolicy.from_settings(settings))
    return Worker.single(intake, [MaildirSource(settings.maildir.path, poll_interval=0.2)])


@pytest.mark.own_database  # the worker on an SQLite database given to it
async def test_run_once_reads_everything_once(
    settings: Settings, sqlite_database: Database
) -> None:
    assert settings.maildir is not None
    maildir = make_maildir(settings.maildir.path)
    for index, path in enumerate(sorted((MAILS / "parsing").glob("*.eml"))):
        drop(maildir, f"{index}.M{index}P1.test", path.read_bytes())
    worker = worker_for(settings, sqlite_database)
    first = await worker.run_once()
    assert first.read == 21
    assert first.outcomes[Outcome.QUARANTINED] == 2  # garbage and no sender
    assert not first.failures
    again = await worker.run_once()
    assert again.read == 0
    await worker.close()


@pytest.mark.own_database  # the worker on an SQLite database given to it
async def test_an_unreachable_source_is_reported_not_raised(
    settings: Settings, sqlite_database: Database
) -> None:
    report = await worker_for(settings, sqlite_database).run_once()  # the Maildir does not exist
    assert report.read == 0
    assert "not a Maildir" in report.failures["maildir"]


@pytest.mark.own_database  # the worker on an SQLite database given to it
async def test_run_forever_picks_up_new_mail_and_stops_cleanly(
    settings: Settings, sqlite_database: Database
) -> None:
    assert settings.maildir is not None
    maildir = make_maildir(settings.maildir.path)
    worker = worker_for(settings, sqlite_database)
    running = asyncio.ensure_future(worker.run_forever(idle_timeout=5))
    await until_async(lambda: worker.activity == "waiting for mail", 10, "the first pass done")
    drop(maildir, "late.M1P1.test", simple("Verwijder mijn account."))
    await until_async(lambda: counts(sqlite_database)[0] == 1, 10, "the late mail recorded")
    worker.stop()
    await asyncio.wait_for(running, timeout=10)
    with sqlite_database.session() as session:
        assert session.exec(select(func.count()).select_from(CaseRecord)).one() == 1


def _write_config(tmp_path: Path) -> Path:
    config = tmp_path / "mailbot.toml"
    config.write_text(
        '[database]\nurl = "sqlite:///mailbot.db"\n'
        '[maildir]\npath = "Maildir"\npoll_interval = 0.2\n'
        '[organisation]\nname = "V"\nofficer_name = "O"\n'
        'addresses = ["privacy@voorbeeld.example"]\n',
        encoding="utf-8",
    )
    return config


@pytest.mark.integration  # mailbot run as a subprocess, killed
def test_sigkill_at_any_moment_loses_nothing_and_repeats_nothing(
    tmp_path: Path, state_url: str
) -> None:
    """Kill `mailbot run` with SIGKILL at random moments, three times, then finish with --once."""
    config = _write_config(tmp_path)
    maildir = make_maildir(tmp_path / "Maildir")
    total = 600
    for index in range(total):
        raw = simple(
            f"Verwijder alstublieft al mijn gegevens, klantnummer {index}.",
            From=f"Klant {index} <klant{index}@example.nl>",
            Message_ID=f"<kill-{index}@example.nl>",
        )
        drop(maildir, f"{1700000000 + index}.M{index}P1.test", raw)
    database = Database(state_url)
    seed = random.randrange(1_000_000)
    kills = kill_repeatedly(config, database, 3, random.Random(seed))
    assert any(0 < done < total for done in kills), f"no kill landed mid-run: {kills} (seed {seed})"
    done = finish(config)
    assert done.returncode == 0, done.stderr
    assert counts(database) == (total, total, total), f"seed {seed}, kills at {kills}"
    with database.reader() as session:
        outcomes = set(session.exec(select(MailRecord.disposition)))
    assert outcomes == {"new_case"}
    database.dispose()


def test_sigterm_stops_between_mails(
    tmp_path: Path, state_url: str, start: Callable[..., Running]
) -> None:
    config = _write_config(tmp_path)
    maildir = make_maildir(tmp_path / "Maildir")
    running = start(config)
    running.ready()
    drop(maildir, "1.M1P1.test", simple("Verwijder mijn account."))
    database = Database(state_url)
    until(lambda: counts(database)[2] == 1, 30, "the mail recorded: the worker waits for more")
    running.stop()
    database.dispose()
    assert running.process.returncode == 0, running.stderr()
    assert "Traceback" not in running.stderr()
