"""Reading mail in child processes: the same reading as in-thread, and a time limit."""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from mailbot.core.analysis import Analysis, analyse
from mailbot.core.parsing import Limits
from mailbot.documents import read_documents
from mailbot.ports import Outcome
from mailbot.service.intake import Intake
from mailbot.service.readers import ChildProcesses, InThread
from mailbot.storage.database import Database
from tests.support.forked import run_program
from tests.support.intake import POLICY, ref
from tests.support.mails import simple
from tests.support.paths import MAILS

NO_DATABASE = pytest.mark.database_incidental("reads mail in child processes, records nothing")
OWN = frozenset({"privacy@voorbeeld.example"})
LARGE = simple("Verwijder al mijn gegevens.\n" + "Een lange regel tekst. " * 150_000)


@pytest.fixture
def readers() -> Iterator[ChildProcesses]:
    pool = ChildProcesses(2)
    yield pool
    pool.close()


@NO_DATABASE
def test_children_read_exactly_as_the_thread_does(readers: ChildProcesses) -> None:
    paths = sorted((MAILS / "informal").glob("*/*.eml"))[:20] + sorted(
        (MAILS / "parsing").glob("*.eml")
    )
    for path in paths:
        raw = path.read_bytes()
        alike = analyse(raw, Limits(), OWN, read_documents).without_contents()
        assert readers.read(raw, Limits(), OWN, 30) == alike, path.name


@NO_DATABASE
def test_the_attachments_bytes_stay_in_the_reader(readers: ChildProcesses) -> None:
    raw = (MAILS / "parsing" / "attachments.eml").read_bytes()
    here = analyse(raw, Limits(), OWN, read_documents)
    there = readers.read(raw, Limits(), OWN, 30)
    assert here.mail is not None and there.mail is not None
    assert len(here.mail.attachments) == 3
    assert all(a.content is not None for a in here.mail.attachments)
    assert [(a.filename, a.size, a.kept, a.content) for a in there.mail.attachments] == [
        (a.filename, a.size, True, None) for a in here.mail.attachments
    ]
    assert there.documents == here.documents  # the letter's text was read from them


@NO_DATABASE
def test_several_threads_share_the_children(readers: ChildProcesses) -> None:
    raw = (MAILS / "informal" / "nl" / "nl-01-wat-hebben-jullie.eml").read_bytes()
    expected = analyse(raw, Limits(), OWN, read_documents)
    answers: list[Analysis] = []

    def read() -> None:
        answers.extend(readers.read(raw, Limits(), OWN, 30) for _ in range(5))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert answers == [expected] * 20


@NO_DATABASE
def test_a_mail_over_the_time_limit_is_given_up_and_the_next_one_read(
    readers: ChildProcesses,
) -> None:
    slow = readers.read(LARGE, Limits(), OWN, 0.001)
    assert slow.mail is None
    assert slow.problem.startswith("reading this mail took longer than intake.time_limit (0.001 s)")
    small = simple("Welke gegevens hebben jullie van mij?")
    assert readers.read(small, Limits(), OWN, 30) == analyse(small, Limits(), OWN, read_documents)


@NO_DATABASE
def test_a_reader_that_dies_quarantines_its_mail_only(readers: ChildProcesses) -> None:
    before = set(_children())
    killer = threading.Thread(target=_kill_first_new_child, args=(before,))
    killer.start()  # the pool starts its reader for this mail; it is killed at first sight
    dead = readers.read(LARGE * 3, Limits(max_mail_bytes=10**9), OWN, 60)
    killer.join(10)
    assert dead.mail is None
    assert dead.problem.startswith("the process reading this mail died (exit code -9)")
    small = simple("Welke gegevens hebben jullie van mij?")
    assert readers.read(small, Limits(), OWN, 30).classification is not None


def test_intake_quarantines_a_slow_mail_with_its_reason_and_retries_it(
    database: Database, readers: ChildProcesses
) -> None:
    hurried = Intake(database, dataclasses.replace(POLICY, time_limit=0.001), readers)
    result = hurried.process(ref(), LARGE)
    assert result.outcome is Outcome.QUARANTINED
    assert "intake.time_limit (0.001 s)" in result.reason
    retried = Intake(database, POLICY, readers).retry(result.mail_id)  # the limit raised
    assert retried.outcome is Outcome.NEW_CASE


@NO_DATABASE
def test_in_thread_reading_is_the_plain_analysis() -> None:
    raw = simple("Ik maak bezwaar tegen het gebruik van mijn gegevens voor reclame.")
    assert InThread().read(raw, Limits(), OWN, 0.000001) == analyse(
        raw, Limits(), OWN, read_documents
    )


def _children() -> Iterator[int]:
    """Process ids of the readers: children of the fork server, a child of this process."""
    me = str(os.getpid())
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent = fields[1]
        try:
            with open(f"/proc/{parent}/stat", encoding="utf-8") as handle:
                grandparent = handle.read().rsplit(")", 1)[1].split()[1]
        except OSError:
            continue
        if grandparent == me:
            yield int(entry)


def _kill_first_new_child(before: set[int]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        new = set(_children()) - before
        if new:
            for pid in new:
                os.kill(pid, signal.SIGKILL)
            return
        time.sleep(0.002)


@NO_DATABASE
def test_no_reader_starts_after_close() -> None:
    readers = ChildProcesses(2)
    small = simple("Welke gegevens hebben jullie van mij?")
    assert readers.read(small, Limits(), OWN, 30).problem == ""
    readers.close()
    with pytest.raises(RuntimeError, match="closed"):
        readers.read(small, Limits(), OWN, 30)
    assert readers._children == set()


@pytest.mark.integration  # a program of its own: a fork server needs a process without threads
@NO_DATABASE
def test_readers_from_the_workers_fork_server_read_and_fail_alike() -> None:
    result = run_program("""
    from mailbot.core.analysis import analyse
    from mailbot.core.parsing import Limits
    from mailbot.documents import read_documents
    from mailbot.service.readers import PRELOAD, ChildProcesses
    from tests.support.mails import simple
    from tests.support.paths import MAILS
    forking.start(PRELOAD)
    own = frozenset({"privacy@voorbeeld.example"})
    raw = (MAILS / "parsing" / "attachments.eml").read_bytes()
    here = analyse(raw, Limits(), own, read_documents).without_contents()
    with ChildProcesses(1) as readers:
        same = readers.read(raw, Limits(), own, 30) == here
        (child,) = readers._children
        parent = int(open(f"/proc/{child.process.pid}/stat").read().rsplit(")")[1].split()[1])
        os.kill(child.process.pid, signal.SIGTERM)  # systemd's stop: the worker ends it
        time.sleep(0.2)
        outlived = child.process.is_alive() and readers.read(raw, Limits(), own, 30) == here
        os.kill(child.process.pid, signal.SIGKILL)  # waiting for its next mail
        child.process.join(10)
        dead = readers.read(raw, Limits(), own, 30)
        slow = readers.read(simple("Verwijder alles. " * 500_000), Limits(), own, 0.001)
        after = readers.read(raw, Limits(), own, 30) == here
    print(json.dumps({
        "same": same, "parent": parent, "server": forking.running(), "slow": slow.problem,
        "dead": dead.problem, "after": after, "outlived": outlived,
    }))
    """)  # fmt: skip
    assert result["same"] is True
    assert result["parent"] == result["server"]
    assert result["slow"].startswith("reading this mail took longer than intake.time_limit")
    assert result["outlived"] is True
    assert result["dead"].startswith("the process reading this mail died (exit code -9)")
    assert result["after"] is True  # a new reader took its place
