"""Measure latency: a mail APPENDed to the idle worker's mailbox, until its case is committed.

    python bench/latency.py [--mails 100] [--write]
    python bench/latency.py --short          # CI: 10 mails, checks only

A real ``mailbot run`` (the service, waiting in IMAP IDLE) watches a Dovecot mailbox
on loopback, SQLite. For each mail: the clock starts just before the APPEND; mailbot's
figure ends when the case is visible in its database (polled every 2 ms); the
baseline, in the same run, is the same mail appended to a second mailbox (in turn
just before and just after), ending when a bare imapclient connection in IDLE on
that mailbox is told of it: how soon any IMAP client can know. The next mail goes
when the case has been drafted and a random 0.1-0.3 s has passed, so that every mail
finds the worker idle.

``--write`` puts the table into bench/RESULTS.md (section "Latency").
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from imapclient import IMAPClient  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from bench._results import machine, write_section  # noqa: E402
from bench.backlog import Served, serve  # noqa: E402
from bench.mix import make  # noqa: E402
from mailbot.storage.database import Database  # noqa: E402
from mailbot.storage.models import CaseRecord, MailRecord  # noqa: E402

MS = 1000.0


class IdleWatcher:
    """A bare imapclient connection in IDLE; notes when each new message is announced."""

    def __init__(self, port: int, user: str) -> None:
        self.client = IMAPClient("127.0.0.1", port=port, ssl=False, timeout=30)
        self.client.login(user, "secret")
        self.client.select_folder("INBOX")
        self.announced = threading.Event()
        self.at = 0.0
        self.failure = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        try:
            self.client.idle()
            while not self._stop.is_set():
                for response in self.client.idle_check(timeout=0.2):
                    new = len(response) > 1 and response[1] in (b"EXISTS", b"RECENT")
                    if new and not self.announced.is_set():
                        self.at = time.perf_counter()
                        self.announced.set()
            self.client.idle_done()
        except Exception as exc:  # reported by the next wait, not lost in the thread
            self.failure = f"{type(exc).__name__}: {exc}"

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.client.logout()


def wait_for_case(database: Database, message_id: str, timeout: float = 30) -> float:
    deadline = time.perf_counter() + timeout
    query = select(MailRecord.case_id).where(col(MailRecord.message_id) == message_id)
    while time.perf_counter() < deadline:
        with contextlib.suppress(OperationalError), database.reader() as session:  # no schema yet
            if session.exec(query).first() is not None:
                return time.perf_counter()
        time.sleep(0.002)
    raise SystemExit(f"no case for {message_id} within {timeout} s")


def wait_drafted(database: Database, timeout: float = 30) -> None:
    deadline = time.perf_counter() + timeout
    query = select(CaseRecord.id).where(CaseRecord.drafting_due == True)  # noqa: E712
    while time.perf_counter() < deadline:
        with database.reader() as session:
            if session.exec(query).first() is None:
                return
        time.sleep(0.01)
    raise SystemExit("the worker did not draft within 30 s")


def append_both(
    appender: IMAPClient, other: IMAPClient, raw: bytes, other_first: bool
) -> tuple[float, float]:
    """APPEND to mailbot's mailbox and the baseline's, in the order given; both start times."""
    if other_first:
        bare_started = time.perf_counter()
        other.append("INBOX", raw)
    started = time.perf_counter()
    appender.append("INBOX", raw)
    if not other_first:
        bare_started = time.perf_counter()
        other.append("INBOX", raw)
    return started, bare_started


def measure(count: int) -> tuple[list[float], list[float]]:
    backlog = make(count + 1, seed=7)
    mails = [raw for raw in backlog.mails if b"<backlog-" in raw][: count + 1]
    served = serve("mailbot-latency-", backlog)
    with served.service():
        own, bare = _measure(served, mails)
    return own, bare


def _measure(served: Served, mails: list[bytes]) -> tuple[list[float], list[float]]:
    """Each mail APPENDed to the running service's mailbox and to the baseline's."""
    dovecot, user, work = served.dovecot, served.user, served.work
    appender = dovecot.client(user)
    other = dovecot.add_user()  # the baseline's own mailbox: mailbot moves its mail away
    other_appender = dovecot.client(other)
    watcher = IdleWatcher(dovecot.port, other)
    chance = random.Random(11)
    own: list[float] = []
    bare: list[float] = []
    try:
        database = Database(f"sqlite:///{work / 'mailbot.db'}")
        for index, raw in enumerate(mails):
            message_id = raw.split(b"Message-ID: ", 1)[1].split(b"\n", 1)[0].strip().decode()
            watcher.announced.clear()
            started, bare_started = append_both(appender, other_appender, raw, index % 2 == 1)
            committed = wait_for_case(database, message_id, 60 if index == 0 else 30)
            if not watcher.announced.wait(10):
                raise SystemExit(f"the IDLE baseline was not told of the mail {watcher.failure}")
            if index:  # the first mail waits for the worker's start
                own.append((committed - started) * MS)
                bare.append((watcher.at - bare_started) * MS)
            wait_drafted(database)
            time.sleep(chance.uniform(0.1, 0.3))
        database.dispose()
    finally:
        watcher.close()
        appender.logout()
        other_appender.logout()
    return own, bare


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def table(own: list[float], bare: list[float]) -> str:
    lines = ["| from APPEND to | p50 (ms) | p95 (ms) | max (ms) |", "|---|---|---|---|"]
    for name, values in (
        ("mailbot: the case committed", own),
        ("baseline: a bare IDLE client told of it", bare),
    ):
        lines.append(
            f"| {name} | {statistics.median(values):.1f} | {quantile(values, 0.95):.1f} "
            f"| {max(values):.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=100)
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    parser.add_argument("--short", action="store_true", help="10 mails (CI)")
    args = parser.parse_args()
    if args.short:
        args.mails = 10
    own, bare = measure(args.mails)
    text = table(own, bare)
    print(text)
    if quantile(own, 0.95) >= 1000:
        print("goal missed: p95 is not under 1 second")
    if args.write:
        write_section(
            "latency",
            "### Latency\n\n"
            f"Measured by `python bench/latency.py --mails {args.mails} --write` ({machine()}). "
            f"{args.mails} requests, one at a time, appended to the mailbox of a running "
            "`mailbot run` idle in IMAP IDLE (Dovecot on loopback, SQLite); the baseline: the same "
            "mail appended to a second mailbox (in turn just before and after), until a bare "
            "imapclient connection in IDLE there is told of it.\n\n"
            f"{text}",
        )


if __name__ == "__main__":
    main()
