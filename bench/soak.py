"""Soak: does the service's memory stay flat under a steady stream of mail?

    python bench/soak.py [--minutes 60] [--rate 8] [--write]
    python bench/soak.py --short               # CI: 1 minute at 8 mails/s, checks only
    python bench/soak.py --minutes 10 --trace allocations.txt

A real ``mailbot run`` (the service, in IMAP IDLE) on a Dovecot mailbox on loopback, SQLite.
Mails of the realistic mix (bench/mix.py: a pool reused with fresh senders and Message-IDs,
so every mail is new) are APPENDed at a steady rate. Every few seconds the proportional set
size (PSS: shared pages counted once) of every mailbot process is read from /proc: the main
process, the readers' fork server and the readers. Reported per process and for all of
them: PSS at the start (once the first mails are through) and at the end, the growth per
1,000 mails, and the slope over the second half (least squares, per 1,000 mails): memory
that levelled off has a slope near zero there however much it grew while warming up.

``--trace FILE``: the service traces its allocations (``MAILBOT_TRACEMALLOC``); at half
time and at the end it is sent SIGUSR2, and FILE gets what grew in the second half, by
line and with the calls behind the largest growths. Tracing slows the service down: its
memory figures are not the untraced ones. ``--env KEY=VALUE`` (repeatable) sets a variable
for the service (e.g. ``MALLOC_ARENA_MAX=2``). ``--write`` puts the table into
bench/RESULTS.md (section "Soak").
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy.exc import OperationalError  # noqa: E402
from sqlmodel import func, select  # noqa: E402

from bench._measure import _descendants, _kib, _kind  # noqa: E402
from bench._results import machine, write_section  # noqa: E402
from bench.backlog import serve  # noqa: E402
from bench.mix import make  # noqa: E402
from mailbot.storage.database import Database  # noqa: E402
from mailbot.storage.models import MailRecord  # noqa: E402
from tests.support.dovecot import Dovecot  # noqa: E402

POOL = 1000  # distinct mails made; each round of the pool gets new senders and Message-IDs
ROLES = ("main", "fork server", "readers", "drafting", "all")


@dataclass(frozen=True)
class Sample:
    seconds: float
    appended: int
    stored: int
    kib: dict[str, int]  # PSS per role


@dataclass
class Appender:
    """APPENDs mails at a steady rate in a thread, from a pool made fresh in each round."""

    dovecot: Dovecot
    user: str
    pool: list[bytes]
    rate: float
    seconds: float
    appended: int = 0
    failure: str = ""
    behind: float = 0.0  # the most it fell behind its schedule (s)
    _thread: threading.Thread = field(init=False)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def join(self) -> None:
        self._thread.join()

    def _run(self) -> None:
        client = self.dovecot.client(self.user)
        started = time.perf_counter()
        try:
            total = int(self.rate * self.seconds)
            for index in range(total):
                due = started + index / self.rate
                wait = due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                else:
                    self.behind = max(self.behind, -wait)
                client.append("INBOX", fresh(self.pool[index % len(self.pool)], index // POOL))
                self.appended += 1
        except Exception as exc:  # reported by the main thread
            self.failure = f"{type(exc).__name__}: {exc}"
        finally:
            with contextlib.suppress(Exception):
                client.logout()


def fresh(raw: bytes, round_: int) -> bytes:
    """The mail with senders and Message-IDs of its own in each round of the pool."""
    if round_ == 0:
        return raw
    tag = f"r{round_}-".encode()
    for prefix in (b"persoon", b"<backlog-", b"<machine-", b"<follow-"):
        raw = raw.replace(prefix, prefix + tag)
    return raw


def roles(main: int) -> dict[int, str]:
    """Every mailbot process: the main one, the fork server, the readers, the drafting
    process (multiprocessing's resource tracker left out: its bookkeeping, not mailbot's)."""
    found = {main: "main"}
    for pid in _descendants(main):
        kind = _kind(pid, main)
        if kind not in ("resource tracker", "other"):
            found[pid] = "readers" if kind == "reader" else kind
    return found


def sample(main: int, started: float, appended: int, database: Database) -> Sample:
    kib = dict.fromkeys([*ROLES, *(f"{role} anon" for role in ROLES)], 0)
    for pid, role in roles(main).items():
        pss = _kib(pid, "smaps_rollup", "Pss:")
        anon = _kib(pid, "smaps_rollup", "Pss_Anon:")  # the heaps: not files, not shared
        for key in (role, "all"):
            kib[key] += pss
            kib[f"{key} anon"] += anon
    stored = 0
    with contextlib.suppress(OperationalError), database.reader() as session:  # no schema yet
        stored = session.exec(select(func.count()).select_from(MailRecord)).one()
    return Sample(time.perf_counter() - started, appended, stored, kib)


def slope(samples: list[Sample], role: str) -> float:
    """KiB per 1,000 mails stored, least squares over ``samples``."""
    points = [(s.stored, s.kib[role]) for s in samples]
    if len({x for x, _ in points}) < 2:
        return 0.0
    return statistics.linear_regression(*zip(*points, strict=True)).slope * 1000


def soak(
    minutes: float, rate: float, every: float, trace: Path | None, env: dict[str, str]
) -> tuple[list[Sample], str]:
    backlog = make(POOL, seed=25)
    served = serve("mailbot-soak-", backlog)
    service_env = {**os.environ, **env}
    if trace is not None:
        service_env["MAILBOT_TRACEMALLOC"] = str(served.work / "allocations.txt")
    appender = Appender(served.dovecot, served.user, backlog.mails, rate, minutes * 60)
    notes: list[str] = []
    with served.service(service_env) as worker:
        samples = watch(worker, appender, served.work, every, trace)
        if samples[-1].stored < appender.appended:
            notes.append(f"only {samples[-1].stored} of {appender.appended} mails stored")
        if appender.behind > 1:
            notes.append(f"the appender fell {appender.behind:.1f} s behind its schedule")
    if worker.returncode not in (0, -signal.SIGKILL):
        notes.append(f"mailbot run exited with {worker.returncode}")
    return samples, "; ".join(notes)


def watch(
    worker: subprocess.Popen[bytes],
    appender: Appender,
    work: Path,
    every: float,
    trace: Path | None,
) -> list[Sample]:
    """Sample the service while the mails go in, and until it has stored them all (at most
    two minutes more); with ``trace``, its allocations at half time and at the end."""
    database = Database(f"sqlite:///{work / 'mailbot.db'}")
    wait_ready(worker, work / "mailbot.log")
    started = time.perf_counter()
    appender.start()
    samples: list[Sample] = []
    halved = False
    while appender.appended < appender.rate * appender.seconds and not appender.failure:
        time.sleep(every)
        if worker.poll() is not None:
            raise SystemExit(f"mailbot run stopped ({worker.returncode}): see {work}")
        samples.append(sample(worker.pid, started, appender.appended, database))
        if trace is not None and not halved and samples[-1].seconds >= appender.seconds / 2:
            halved = True
            dump(worker.pid, work / "allocations.txt", trace.with_suffix(".half.txt"))
    appender.join()
    if appender.failure:
        raise SystemExit(f"appending failed: {appender.failure}")
    deadline = time.perf_counter() + 120
    while samples[-1].stored < appender.appended and time.perf_counter() < deadline:
        time.sleep(1)
        samples.append(sample(worker.pid, started, appender.appended, database))
    if trace is not None:
        dump(worker.pid, work / "allocations.txt", trace)
    database.dispose()
    return samples


def wait_ready(worker: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if b"mailbot is running" in log.read_bytes():
            return
        if worker.poll() is not None:
            raise SystemExit(f"mailbot run stopped: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.1)
    raise SystemExit(f"mailbot run was not ready within {timeout} s")


def dump(pid: int, written: Path, target: Path) -> None:
    """Ask the service for its allocations (SIGUSR2) and keep them at ``target``."""
    before = written.stat().st_mtime_ns if written.exists() else 0
    os.kill(pid, signal.SIGUSR2)
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        if written.exists() and written.stat().st_mtime_ns != before:
            time.sleep(0.5)  # written in one go; let it finish
            shutil.copyfile(written, target)
            return
        time.sleep(0.2)
    raise SystemExit("the service wrote no allocations on SIGUSR2")


def table(samples: list[Sample]) -> tuple[str, dict[str, float]]:
    """The table, and the second half's slope per role (KiB per 1,000 mails)."""
    # The start: the first sample once mail flows (the readers exist, the caches are warm).
    first = next((s for s in samples if s.stored >= 50), samples[0])
    last = samples[-1]
    second_half = [s for s in samples if s.seconds >= last.seconds / 2]
    mails = max(1, last.stored - first.stored)
    lines = [
        "| processes | start PSS (MiB) | end PSS (MiB) | growth per 1,000 mails (KiB) "
        "| second half: slope per 1,000 mails (KiB) |",
        "|---|---|---|---|---|",
    ]
    slopes = {}
    for role in ROLES:
        grown = (last.kib[role] - first.kib[role]) / mails * 1000
        slopes[role] = slope(second_half, role)
        lines.append(
            f"| {role} | {first.kib[role] / 1024:.1f} | {last.kib[role] / 1024:.1f} "
            f"| {grown:+.0f} | {slopes[role]:+.0f} |"
        )
    return "\n".join(lines), slopes


def curve(samples: list[Sample], role: str = "all") -> str:
    """PSS of ``role`` at every tenth of the run, as one line."""
    last = samples[-1].seconds
    points = []
    for tenth in range(11):
        at = next(s for s in samples if s.seconds >= last * tenth / 10)
        points.append(f"{at.seconds / 60:.0f} min: {at.kib[role] / 1024:.0f}")
    return f"PSS of {role} (MiB) along the run: " + ", ".join(points)


def save(samples: list[Sample], path: Path) -> None:
    rows = [
        ",".join([f"{s.seconds:.1f}", str(s.appended), str(s.stored), *map(str, s.kib.values())])
        for s in samples
    ]
    header = ",".join(["seconds", "appended", "stored", *samples[0].kib])
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def load(path: Path) -> list[Sample]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    fixed = ("seconds", "appended", "stored")
    return [
        Sample(
            float(row["seconds"]),
            int(row["appended"]),
            int(row["stored"]),
            {  # a run saved before a process's role was counted: it had none
                **dict.fromkeys([*ROLES, *(f"{role} anon" for role in ROLES)], 0),
                **{key: int(value) for key, value in row.items() if key not in fixed},
            },
        )
        for row in rows
    ]


def described(label: str, samples: list[Sample], notes: str) -> str:
    last = samples[-1]
    text, _ = table(samples)
    summary = (
        f"{last.stored} mails stored in {last.seconds / 60:.1f} min "
        f"({last.stored / last.seconds:.1f} mails/s), {len(samples)} samples"
        + (f"; {notes}" if notes else "")
    )
    return f"**{label}**: {summary}.\n\n{text}\n\n{curve(samples)}."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--rate", type=float, default=8, help="mails per second")
    parser.add_argument("--every", type=float, default=5, help="seconds between samples")
    parser.add_argument("--trace", type=Path, help="write the second half's allocations here")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the service")
    parser.add_argument("--samples", type=Path, help="write every sample here (CSV)")
    parser.add_argument(
        "--replay", action="append", default=[], metavar="LABEL=CSV",
        help="tabulate runs saved with --samples (several: side by side) instead of running",
    )  # fmt: skip
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    parser.add_argument("--short", action="store_true", help="1 minute at 8 mails/s (CI)")
    args = parser.parse_args()
    if args.short:
        args.minutes, args.rate, args.every = 1, 8, 2
    runs: list[tuple[str, list[Sample], str]] = []
    if args.replay:
        for item in args.replay:
            label, _, path = item.rpartition("=")
            runs.append((label or path, load(Path(path)), ""))
        how = (
            "each run by `python bench/soak.py --minutes M --samples FILE`, the runs at the "
            "same time on this machine, tabulated by `python bench/soak.py --replay LABEL=FILE "
            "... --write`"
        )
    else:
        env = dict(item.split("=", 1) for item in args.env)
        samples, notes = soak(args.minutes, args.rate, args.every, args.trace, env)
        if args.samples is not None:
            save(samples, args.samples)
        runs.append(("mailbot run", samples, notes))
        how = f"`python bench/soak.py --minutes {args.minutes:g} --rate {args.rate:g} --write`"
    text = "\n\n".join(described(label, samples, notes) for label, samples, notes in runs)
    print(text)
    if args.short:
        _, samples, notes = runs[0]
        problems = [notes] if notes else []
        if not any(s.kib["readers"] for s in samples):
            problems.append("no reader process was ever seen")
        if problems:
            raise SystemExit("soak --short: " + "; ".join(problems))
    if args.write:
        write_section(
            "soak",
            f"### Soak\n\nMeasured {how} ({machine()}). A running `mailbot run` (IMAP IDLE, "
            "Dovecot on loopback, SQLite) is given mails of the realistic mix at a steady rate "
            f"({args.rate:g} a second unless said otherwise); the PSS of every mailbot process "
            "(shared pages counted once) is read every few seconds. Start: the first sample "
            "after 50 mails; growth: from there to the end; the slope over the second half: a "
            "least-squares fit (near zero: levelled off).\n\n" + text,
        )


if __name__ == "__main__":
    main()
