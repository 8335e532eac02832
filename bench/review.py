"""Measure review in the mail client: placing the copies, an idle pass, approving by moving.

    python bench/review.py [--cases 200] [--rounds 9] [--write]
    python bench/review.py --short          # CI: 20 cases, 3 rounds, checks only

A Dovecot mailbox on loopback gets ``--cases`` requests (bench/mix.py), which a
``mailbot run --once`` (without ``[mail_client]``) reads and drafts. Then, in
this process, with ``[mail_client]`` on, each step beside a baseline in the same run:

- **placing**: the first pass, which places a copy and a note for every waiting
  draft; baseline: a bare imapclient APPEND of the very same mails to another mailbox;
- **an idle pass** (nothing moved, nothing new; median of ``--rounds``): what the
  worker does on every wake-up; baseline: the bare SELECT and SEARCH of the three
  folders it looks at;
- **approving by moving**: the officer moves every acknowledgement's copy to the
  approval folder (one MOVE), then one pass; baseline: the same drafts approved by
  ``service.approval.approve`` (what ``mailbot drafts approve`` runs) on a copy of
  the database taken just before, without IMAP.

Every step is checked (a copy per waiting draft, nothing placed twice, as many
approved as the baseline approved), so a fast wrong run cannot pass.
``--write`` puts the table into bench/RESULTS.md (section "Review in the mail client").
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import subprocess  # noqa: E402

from sqlmodel import col, select  # noqa: E402

from bench import mix  # noqa: E402
from bench._results import machine, write_section  # noqa: E402
from bench.backlog import MAILBOT_CONFIG  # noqa: E402
from mailbot.app import load_app  # noqa: E402
from mailbot.app.build import build_review  # noqa: E402
from mailbot.core.drafting import DraftStatus  # noqa: E402
from mailbot.core.mail_client import HEADER  # noqa: E402
from mailbot.errors import NotAllowed  # noqa: E402
from mailbot.service import approval  # noqa: E402
from mailbot.storage.database import Database  # noqa: E402
from mailbot.storage.models import DraftRecord  # noqa: E402
from tests.support.dovecot import Dovecot  # noqa: E402

REVIEW, APPROVE, REJECT = "AVG-beoordelen", "AVG-goedkeuren", "AVG-afwijzen"
MS = 1000.0


def pending(database: Database) -> list[tuple[int, str]]:
    with database.reader() as session:
        rows = session.exec(
            select(DraftRecord.id, DraftRecord.kind).where(
                col(DraftRecord.status) == DraftStatus.PENDING
            )
        ).all()
    return [(draft_id, kind) for draft_id, kind in rows if draft_id is not None]


class Scenario:
    def __init__(self, root: Path, cases: int) -> None:
        self.root = root
        self.dovecot = Dovecot(root / "dovecot")
        self.dovecot.start()
        self.user = self.dovecot.add_user()
        self.work = root / "work"
        self.work.mkdir()
        backlog = mix.make(cases * 3, seed=5)
        requests = [raw for raw in backlog.mails if b"<backlog-" in raw][:cases]
        if len(requests) < cases:
            raise SystemExit(f"the mix made only {len(requests)} requests")
        backlog.write_customers(self.work / "klanten.csv")
        self.dovecot.append(self.user, *requests)
        self.config = self.work / "mailbot.toml"
        base = MAILBOT_CONFIG.format(work=self.work, port=self.dovecot.port, user=self.user)
        self.config.write_text(base, encoding="utf-8")
        command = [sys.executable, "-m", "mailbot", "--log-level", "warning", "run", "--once"]
        subprocess.run([*command, "--config", str(self.config)], cwd=self.work, check=True)
        self.config.write_text(base + "\n[mail_client]\npoll_interval = 60\n", encoding="utf-8")

    def close(self) -> None:
        self.dovecot.stop()


@dataclass
class Passes:
    """What the review passes did and how long they took (seconds; the idle ones in ms)."""

    place: float
    copies: int
    placed: list[bytes]
    idle: list[float]
    approve: float
    approved: int
    moved: int
    acks: list[int]
    snapshot: Path


async def passes(scenario: Scenario, rounds: int) -> Passes:
    app = load_app(scenario.config)
    found = build_review(app, app.configuration.first)
    assert found is not None
    mail_client = found
    waiting = pending(app.database)
    try:
        started = time.perf_counter()
        first = await mail_client.run()
        place = time.perf_counter() - started
        if first.placed != len(waiting):
            raise SystemExit(f"placed {first.placed} copies for {len(waiting)} waiting drafts")
        placed = review_folder(scenario)
        idle = []
        for _ in range(rounds):
            started = time.perf_counter()
            again = await mail_client.run()
            idle.append((time.perf_counter() - started) * MS)
            if again.placed or again.approved:
                raise SystemExit("an idle pass placed or approved something")
        snapshot = scenario.work / "before-approval.db"
        with (
            sqlite3.connect(scenario.work / "mailbot.db") as source,
            sqlite3.connect(snapshot) as target,
        ):
            source.backup(target)
        officer = scenario.dovecot.client(scenario.user)
        try:
            officer.select_folder(REVIEW)
            acks = {draft_id for draft_id, kind in waiting if kind == "acknowledgement"}
            fetched = officer.fetch(officer.search("ALL"), ["BODY.PEEK[HEADER]"])
            moved = [
                uid
                for uid, item in fetched.items()
                if (value := _header(item[b"BODY[HEADER]"])) and int(value.split(";")[0]) in acks
            ]
            officer.move(moved, APPROVE)
        finally:
            officer.logout()
        started = time.perf_counter()
        approving = await mail_client.run()
        approve = time.perf_counter() - started
        return Passes(
            place, first.placed, placed, idle, approve, approving.approved, len(moved),
            sorted(acks), snapshot,
        )  # fmt: skip
    finally:
        await mail_client.close()
        app.close()


def _header(header: bytes) -> str:
    for line in header.decode("ascii", "replace").splitlines():
        if line.lower().startswith(HEADER.lower() + ":"):
            return line.split(":", 1)[1].strip()
    return ""


def review_folder(scenario: Scenario) -> list[bytes]:
    """Every mail in the review folder, as the officer's client would fetch it."""
    client = scenario.dovecot.client(scenario.user)
    try:
        client.select_folder(REVIEW, readonly=True)
        uids = client.search("ALL")
        return [item[b"BODY[]"] for item in client.fetch(uids, ["BODY.PEEK[]"]).values()]
    finally:
        client.logout()


def bare_append(scenario: Scenario, mails: list[bytes]) -> float:
    """The same mails (copies and notes) APPENDed by a bare client to another mailbox."""
    other = scenario.dovecot.add_user()
    client = scenario.dovecot.client(other)
    try:
        client.create_folder(REVIEW)
        started = time.perf_counter()
        for raw in mails:
            client.append(REVIEW, raw)
        took = time.perf_counter() - started
    finally:
        client.logout()
    return took


def bare_idle(scenario: Scenario, rounds: int) -> list[float]:
    client = scenario.dovecot.client(scenario.user)
    times = []
    try:
        for _ in range(rounds):
            started = time.perf_counter()
            for folder in (APPROVE, REJECT):
                client.select_folder(folder)
                client.search("ALL")
            client.select_folder("Sent", readonly=True)
            client.search(["UID", "1:*"])
            times.append((time.perf_counter() - started) * MS)
    finally:
        client.logout()
    return times


def service_approve(scenario: Scenario, snapshot: Path, drafts: list[int]) -> tuple[float, int]:
    app = load_app(scenario.config)
    database = Database(f"sqlite:///{snapshot}")
    clock = app.clock
    approved = 0
    try:
        started = time.perf_counter()
        for draft_id in drafts:
            try:
                approval.approve(database, app.configuration, clock, draft_id, "bench")
            except NotAllowed:
                continue
            approved += 1
        return time.perf_counter() - started, approved
    finally:
        database.dispose()
        app.close()


@dataclass
class Step:
    name: str
    what: str
    own: float  # ms
    baseline: str
    theirs: float  # ms


def one_run(cases: int, rounds: int) -> list[Step]:
    """A fresh mailbox and database, every step measured and checked once."""
    root = Path(tempfile.mkdtemp(prefix="mailbot-review-"))
    root.chmod(0o755)  # Dovecot's own users must reach its directory
    scenario = Scenario(root, cases)
    try:
        measured = asyncio.run(passes(scenario, rounds))
        appended = bare_append(scenario, measured.placed)
        idle_bare = bare_idle(scenario, rounds)
        by_service, approved = service_approve(scenario, measured.snapshot, measured.acks)
    finally:
        scenario.close()
        shutil.rmtree(root, ignore_errors=True)
    copies = measured.copies
    if len(measured.placed) != 2 * copies:
        raise SystemExit(f"{len(measured.placed)} mails in the review folder for {copies} copies")
    if measured.approved != approved or measured.moved != len(measured.acks):
        raise SystemExit(
            f"approved {measured.approved} of {measured.moved} moved; "
            f"the service approved {approved} of {len(measured.acks)}"
        )
    return [
        Step("placing: the first pass", f"{copies} copies + {copies} notes",
             measured.place * MS, "bare APPEND of the same mails", appended * MS),
        Step("an idle pass", "nothing to do", statistics.median(measured.idle),
             "bare SELECT + SEARCH of the 3 folders", statistics.median(idle_bare)),
        Step("approving by moving", f"{approved} drafts", measured.approve * MS,
             "`approval.approve` of the same drafts, no IMAP", by_service * MS),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=9, help="idle passes per run")
    parser.add_argument("--runs", type=int, default=3, help="fresh mailboxes, medians taken")
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    parser.add_argument("--short", action="store_true", help="20 cases, 3 rounds, 1 run (CI)")
    args = parser.parse_args()
    if args.short:
        args.cases, args.rounds, args.runs = 20, 3, 1
    runs = [one_run(args.cases, args.rounds) for _ in range(args.runs)]
    lines = [
        "| step | what | mailbot (ms) | baseline | baseline (ms) | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for index, step in enumerate(runs[0]):
        own = statistics.median(run[index].own for run in runs)
        theirs = statistics.median(run[index].theirs for run in runs)
        ratio = statistics.median(run[index].own / run[index].theirs for run in runs)
        lines.append(
            f"| {step.name} | {step.what} | {own:.0f} | {step.baseline} | {theirs:.0f} "
            f"| {ratio:.1f}x |"
        )
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(
            "review",
            "### Review in the mail client\n\n"
            f"Measured by `python bench/review.py --cases {args.cases} --rounds {args.rounds} "
            f"--runs {args.runs} --write` ({machine()}). {args.cases} requests drafted by "
            "`mailbot run --once`, then the review passes in one process against Dovecot on "
            "loopback, SQLite; each step beside its baseline in the same run; medians of "
            f"{args.runs} runs on fresh mailboxes (the idle pass: of {args.rounds} each).\n\n"
            f"{text}",
        )


if __name__ == "__main__":
    main()
