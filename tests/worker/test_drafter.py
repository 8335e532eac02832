"""Drafting in a process of its own: the worker's real child, on a Maildir and SQLite."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailbot.app import App, load_app
from mailbot.app.build import build_worker
from mailbot.app.drafting import _Messages
from mailbot.storage.store import CaseStore
from mailbot.worker.drafter import FINISH, STOP, WAKE
from tests.support.configs import ORGANISATION
from tests.support.maildir import drop, make_maildir
from tests.support.mails import requests
from tests.support.waiting import until_async


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    make_maildir(tmp_path / "Maildir")
    config = tmp_path / "mailbot.toml"
    config.write_text(
        '[database]\nurl = "sqlite:///mailbot.db"\n[maildir]\npath = "Maildir"\n' + ORGANISATION,
        encoding="utf-8",
    )
    loaded = load_app(config)
    yield loaded
    loaded.close()


def deliver(app: App, count: int, first: int = 0) -> None:
    maildir = app.configuration.first.maildir
    assert maildir is not None
    for index, raw in enumerate(requests(count, first=first, tag="drafter"), start=first):
        drop(maildir.path, f"{index}.M{index}P1.test", raw)


def due(app: App) -> list[int]:
    with app.database.reader() as session:
        return CaseStore(session).drafting_due(app.configuration.first.mailbox)


def drafted_cases(app: App) -> int:
    with app.database.reader() as session:
        store = CaseStore(session)
        return sum(1 for case in store.cases() if store.drafts_of(case.id or 0))


async def test_run_once_drafts_every_case_in_the_drafting_process(app: App) -> None:
    deliver(app, 30)
    worker = build_worker(app)
    try:
        report = await worker.run_once()
    finally:
        await worker.close()
    assert report.read == 30
    assert report.drafted == 30
    assert due(app) == []
    assert drafted_cases(app) == 30
    assert worker.drafter is not None and not worker.drafter.running


async def test_a_drafting_process_that_dies_is_started_again(app: App) -> None:
    worker = build_worker(app)
    drafter = worker.drafter
    assert drafter is not None
    try:
        deliver(app, 5)
        await worker.mail_pass()
        await until_async(lambda: not due(app), 30, "the first cases drafted")
        first = drafter.pid
        assert first is not None
        os.kill(first, signal.SIGTERM)  # systemd's stop reaches every process: ignored
        time.sleep(0.3)
        assert drafter.running and drafter.pid == first
        os.kill(first, signal.SIGKILL)  # a crash
        await until_async(lambda: not drafter.running, 10, "the child gone")
        deliver(app, 5, first=5)
        await worker.mail_pass()
        assert drafter.running and drafter.pid != first
        await until_async(lambda: not due(app), 30, "the later cases drafted")
        assert drafted_cases(app) == 10
        await until_async(lambda: worker.totals["drafted"] == 10, 10, "both children's reports")
    finally:
        await worker.close()
    assert not drafter.running


async def test_a_drafting_process_that_cannot_start_is_a_failure_and_the_cases_stay_due(
    app: App,
) -> None:
    deliver(app, 3)
    worker = build_worker(app)
    app.config_file.write_text("[database\n", encoding="utf-8")  # broken after the worker read it
    try:
        report = await worker.run_once()
    finally:
        await worker.close()
    assert report.read == 3
    assert "could not start" in report.failures["drafting"]
    assert len(due(app)) == 3  # drafted by the next process that can start


def test_wakes_and_a_finish_do_not_end_a_run_a_stop_does() -> None:
    ours, theirs = multiprocessing.Pipe()
    messages = _Messages(theirs)
    for message in (WAKE, WAKE, FINISH):
        ours.send(message)
    assert messages.next() == FINISH  # several messages: one run, to the end
    ours.send(WAKE)
    assert not messages.stop_requested()  # kept for after the run
    assert messages.next() == WAKE
    ours.send(STOP)
    assert messages.stop_requested()
    assert messages.next() == STOP
    ours.close()
    assert _Messages(theirs).next() == STOP  # the worker has gone


async def test_a_configuration_changed_behind_the_workers_back_is_not_used(app: App) -> None:
    deliver(app, 2)
    worker = build_worker(app)
    text = app.config_file.read_text(encoding="utf-8")
    app.config_file.write_text(text.replace("R. de Functionaris", "Iemand Anders"), "utf-8")
    try:
        report = await worker.run_once()
    finally:
        await worker.close()
    assert "changed since the worker read it" in report.failures["drafting"]
    assert len(due(app)) == 2  # drafted after a reload (or by the next run), with the new text
