"""The warm-up before READY: the sample goes all the way through intake and drafting, and
nothing of it is kept."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from mailbot.app.warmup import sample_mail, warm_up
from mailbot.core.analysis import analyse
from mailbot.core.parsing import Limits
from mailbot.documents import read_documents
from mailbot.service.intake import Intake, IntakePolicy
from mailbot.service.readers import ChildProcesses, InThread
from mailbot.storage.database import Database
from mailbot.worker import Lane, Worker
from tests.support.desk import Desk, desks

OWN = frozenset({"privacy@voorbeeld.example"})


@pytest.fixture
def desk(tmp_path: Path, database: Database) -> Iterator[Desk]:
    yield from desks(tmp_path, database)


def everything(database: Database) -> dict[str, list[Any]]:
    """Every row of every table, in an order of its own."""
    with database.reader() as session:
        return {
            table.name: sorted(map(repr, session.execute(select(table)).all()))
            for table in SQLModel.metadata.sorted_tables
        }


def worker_of(desk: Desk, reader: Any) -> Worker:
    intake = Intake(desk.database, IntakePolicy.from_settings(desk.settings), reader)
    return Worker([Lane(desk.settings.mailbox, intake, [], desk.drafting)])


def test_the_sample_is_stored_and_drafted_and_nothing_of_it_is_kept(desk: Desk) -> None:
    first = desk.mail("Ik wil graag weten welke gegevens u van mij heeft (inzage, art. 15 AVG).")
    before = everything(desk.database)
    worker = worker_of(desk, InThread())
    done = warm_up(worker)
    assert done.rehearsed == {desk.settings.mailbox: "new_case, drafted"}
    assert everything(desk.database) == before
    second = desk.mail("Verwijder al mijn gegevens alstublieft (art. 17 AVG).")
    assert (first.reference, second.reference) == ("AVG-2026-0001", "AVG-2026-0002")  # no gap
    asyncio.run(worker.close())


def test_a_warm_up_that_fails_is_reported_not_raised(desk: Desk, tmp_path: Path) -> None:
    worker = worker_of(desk, InThread())
    broken = Database(f"sqlite:///{tmp_path}")  # a directory: SQLite cannot open it
    worker.lanes[0].intake.database = broken
    done = warm_up(worker)
    assert done.rehearsed == {desk.settings.mailbox: "failed: OperationalError"}
    broken.dispose()
    asyncio.run(worker.close())


@pytest.mark.database_incidental("reads mail in child processes, records nothing")
def test_every_reader_is_started_and_reads_the_sample_as_in_a_thread() -> None:
    raw = sample_mail("privacy@voorbeeld.example")
    expected = analyse(raw, Limits(), OWN, read_documents)
    assert expected.classification is not None
    assert expected.classification.rights  # a request: the warm-up goes the way of a case
    with ChildProcesses(2) as readers:
        assert readers.warm_up(raw, Limits(), OWN, 30) == [expected, expected]
        assert len(readers._children) == 2
        assert all(child.process.is_alive() for child in readers._children)
