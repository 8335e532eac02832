"""Measure sending: the at-least-once window, the outbox's cost, and what SIGKILL does.

    python bench/sending.py [--mails 200] [--kills 30] [--write]

Everything runs on this machine: aiosmtpd (the test server) on loopback, SQLite.

1. Window and cost. ``--mails`` approved mails are sent by the outbox in-process.
   For each: the time from the server's final reply reaching mailbot to the
   ``sent`` commit (the only moment a crash makes a second copy), and the whole
   time per mail. Baseline, in the same run: the same mails sent with bare
   aiosmtplib over one connection, no database.
2. Kills. A real ``mailbot run`` is killed with SIGKILL at a random moment
   (0.5-1.6 s after start) ``--kills`` times while it sends 60 mails (40 ms per
   mail at the server), then ``run --once`` finishes. Counted: kills that fell
   while mail was being sent, and second copies the server received.

``--write`` puts the tables into bench/RESULTS.md (section "Sending").
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiosmtplib  # noqa: E402
from sqlmodel import select  # noqa: E402

from bench._results import write_section  # noqa: E402
from mailbot.app import load_app  # noqa: E402
from mailbot.config import SmtpSettings  # noqa: E402
from mailbot.ports import Envelope  # noqa: E402
from mailbot.sending.smtp import SmtpSender  # noqa: E402
from mailbot.service.approval import approve  # noqa: E402
from mailbot.service.outbox import Outbox  # noqa: E402
from mailbot.storage.database import Database  # noqa: E402
from mailbot.storage.models import DraftRecord, OutboxRecord  # noqa: E402
from tests.support.configs import maildir_config  # noqa: E402
from tests.support.crash import finish, kill_repeatedly  # noqa: E402
from tests.support.maildir import drop, make_maildir  # noqa: E402
from tests.support.mails import simple  # noqa: E402
from tests.support.smtp import SmtpServer  # noqa: E402

MS = 1000.0


class TimedSender:
    """The real SMTP sender, noting when the server's final reply came back."""

    def __init__(self, inner: SmtpSender) -> None:
        self.inner = inner
        self.started: dict[str, float] = {}
        self.replied: dict[str, float] = {}

    @property
    def name(self) -> str:
        return self.inner.name

    async def send(self, envelope: Envelope) -> str:
        self.started[envelope.message_id] = time.perf_counter()
        reply = await self.inner.send(envelope)
        self.replied[envelope.message_id] = time.perf_counter()
        return reply

    async def check(self) -> str:
        return await self.inner.check()

    async def close(self) -> None:
        await self.inner.close()


class TimedOutbox(Outbox):
    """The outbox, noting when each ``sent`` commit finished (and all its bookkeeping)."""

    committed: dict[int, float]
    settled: dict[int, float]

    def _settle(self, row_id: int) -> None:
        self.committed.setdefault(row_id, time.perf_counter())  # the row's commit is done
        super()._settle(row_id)
        self.settled[row_id] = time.perf_counter()


def prepared(root: Path, server: SmtpServer, mails: int) -> Path:
    """A mailbox of ``mails`` requests, drafted and their acknowledgements approved."""
    config = maildir_config(root, server)
    maildir = make_maildir(root / "Maildir")
    for number in range(mails):
        mail = simple(f"Welke gegevens hebben jullie van mij? ({number})",
                      From=f"Persoon {number} <persoon{number}@example.org>")  # fmt: skip
        drop(maildir, f"{number}.M{number}P1.bench", mail)
    if finish(config).returncode != 0:
        raise SystemExit("mailbot run --once failed while preparing")
    app = load_app(config)
    with app.database.reader() as session:
        ids = session.exec(
            select(DraftRecord.id).where(DraftRecord.kind == "acknowledgement")
        ).all()
    for draft_id in ids:
        assert draft_id is not None
        approve(app.database, app.configuration, app.clock, draft_id, "bench")
    app.close()
    return config


async def window_and_cost(mails: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        server = SmtpServer(root).start()
        try:
            config = prepared(root, server, mails)
            app = load_app(config)
            mailbox = app.configuration.first
            assert mailbox.smtp is not None
            sender = TimedSender(SmtpSender(mailbox.smtp))
            outbox = TimedOutbox(app.database, mailbox, sender)
            outbox.committed, outbox.settled = {}, {}
            started = time.perf_counter()
            report = await outbox.send_due()
            outbox_total = time.perf_counter() - started
            assert report.sent == mails, report
            with app.database.reader() as session:
                rows = session.exec(select(OutboxRecord)).all()
            by_row = {row.id: row.message_id for row in rows}
            contents = [row.content for row in rows]
            window = [
                (at - sender.replied[by_row[row_id]]) * MS
                for row_id, at in outbox.committed.items()
            ]
            per_mail = [
                (at - sender.started[by_row[row_id]]) * MS for row_id, at in outbox.settled.items()
            ]
            app.close()

            settings = SmtpSettings.model_validate(server.settings())
            client = aiosmtplib.SMTP(hostname=settings.host, port=settings.port, start_tls=False)
            await client.connect()
            bare: list[float] = []
            started = time.perf_counter()
            for content in contents:
                one = time.perf_counter()
                await client.sendmail("privacy@voorbeeld.example", ["x@example.org"], content)
                bare.append((time.perf_counter() - one) * MS)
            bare_total = time.perf_counter() - started
            await client.quit()
        finally:
            server.stop()
    return {
        "window": window,
        "per_mail": per_mail,
        "bare": bare,
        "totals": [outbox_total, bare_total],
    }


def _received(server: SmtpServer) -> Callable[[Database], int]:
    return lambda _database: len(server.received)


def kills(times: int, seed: int) -> tuple[int, int, int]:
    """(kills that fell while mail was being sent, second copies received, mails)."""
    people = 60
    mid, copies = 0, 0
    chance = random.Random(seed)
    rounds = (times + 5) // 6
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as directory:
            root = Path(directory)
            server = SmtpServer(root).start()
            try:
                server.scenario.delay = 0.04
                config = prepared(root, server, people)
                app = load_app(config)

                counts = kill_repeatedly(
                    config, app.database, 6, chance, measure=_received(server),
                    between=(0.5, 1.6),
                )  # fmt: skip
                mid += sum(1 for before, after in zip([0, *counts], counts, strict=False)
                           if before < people and after > before)  # fmt: skip
                if finish(config).returncode != 0:
                    raise SystemExit("mailbot run --once failed after the kills")
                received = Counter(item.message_id for item in server.received)
                copies += sum(count - 1 for count in received.values())
                if len(received) != people:
                    raise SystemExit(f"{people - len(received)} mails were never sent")
                app.close()
            finally:
                server.stop()
    return mid, copies, rounds * people


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=200)
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1_000_000)

    measured = asyncio.run(window_and_cost(args.mails))
    window, per_mail, bare = measured["window"], measured["per_mail"], measured["bare"]
    outbox_total, bare_total = measured["totals"]

    def p95(values: list[float]) -> float:
        return sorted(values)[int(0.95 * (len(values) - 1))]

    lines = [
        f"{args.mails} mails to aiosmtpd on loopback, SQLite; milliseconds.",
        "",
        "| what | median | p95 | max |",
        "|---|---|---|---|",
        f"| window: server's reply to `sent` committed | {statistics.median(window):.2f} | "
        f"{p95(window):.2f} | {max(window):.2f} |",
        f"| outbox, per mail (claim, send, both commits) | {statistics.median(per_mail):.2f} | "
        f"{p95(per_mail):.2f} | {max(per_mail):.2f} |",
        f"| baseline: bare aiosmtplib, per mail | {statistics.median(bare):.2f} | "
        f"{p95(bare):.2f} | {max(bare):.2f} |",
        "",
        f"Whole run: outbox {outbox_total:.2f} s, baseline {bare_total:.2f} s "
        f"(ratio {outbox_total / bare_total:.1f}); the window is "
        f"{statistics.median(window) / statistics.median(per_mail):.0%} of a mail's time.",
    ]
    mid, copies, mails = kills(args.kills, seed)
    rounds = (args.kills + 5) // 6
    lines += [
        "",
        f"SIGKILL: {rounds * 6} kills (seed {seed}), {mid} of them while mail was being sent; "
        f"{mails} mails; second copies received: {copies}; mails never sent: 0; "
        "two different mails under one Message-ID: 0.",
    ]
    report = "\n".join(lines)
    print(report)
    if args.write:
        header = (
            "### Sending\n\n"
            f"Measured by `python bench/sending.py --write` (Python {platform.python_version()}"
            f" on {platform.machine()})."
        )
        write_section("sending", f"{header}\n\n{report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
