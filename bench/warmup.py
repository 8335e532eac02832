"""The first mails after a start against warm ones, and the time to READY.

    python bench/warmup.py [--starts 5] [--compare DIR] [--write]
    python bench/warmup.py --short           # CI: 2 starts, checks only

Each start is a fresh ``mailbot run`` (a new process and a new SQLite database) on a fresh
Dovecot mailbox on loopback, told by ``NOTIFY_SOCKET`` to speak the systemd notify protocol:
the start-up time runs from the process's start to its ``READY=1``. Once it waits for mail
(in IMAP IDLE), mails are APPENDed one at a time, as bench/latency.py does: each when the
one before is drafted and a random 0.1-0.3 s has passed. For each mail: from the APPEND to
its case committed (polled in the database every 2 ms) and to its move out of the inbox
(its file gone from the inbox's Maildir, polled every 2 ms); beside it, in the same run,
the baseline: the same mail appended to a second mailbox (in turn just before and after)
until a bare imapclient connection in IDLE there is told of it. Mails 1-5 are the first
after the start; mails 11-20 are the warm ones. The mails are requests of the mix in plain
text (``bench/mix.py --small``): with attachments of up to 1 MB, which mail came first
would weigh more than being first.

``--compare DIR``: the starts alternate between this tree's mailbot and the one in DIR (a
checkout of another commit), each start with its own mailbox: the two side by side.
``--write`` puts the table into bench/RESULTS.md (section "Warm-up").
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from imapclient import IMAPClient  # noqa: E402

from bench._results import machine, write_section  # noqa: E402
from bench.backlog import MAILBOT_CONFIG  # noqa: E402
from bench.latency import IdleWatcher, append_both, wait_drafted, wait_for_case  # noqa: E402
from bench.mix import make  # noqa: E402
from mailbot.storage.database import Database  # noqa: E402
from tests.support.dovecot import Dovecot  # noqa: E402

MS = 1000.0
FIRST = 5  # the first mails after the start
WARM = range(10, 20)  # the warm ones (0-based: mails 11-20)
MAILS = WARM.stop


@dataclass
class Start:
    """One start's figures: seconds to READY; per mail, milliseconds from its APPEND."""

    ready: float = 0.0
    committed: list[float] = field(default_factory=list)
    moved: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)


def inbox_files(maildir: Path) -> set[str]:
    """The names of the messages in a Maildir's inbox (without their flags)."""
    names: set[str] = set()
    for sub in ("new", "cur"):
        try:
            names.update(name.partition(":")[0] for name in os.listdir(maildir / sub))
        except FileNotFoundError:
            continue
    return names


class InboxWatcher:
    """Polls a Maildir inbox every 2 ms in a thread: when each message left it."""

    def __init__(self, maildir: Path) -> None:
        self.maildir = maildir
        self.left: dict[str, float | None] = {}  # every message seen: when it left, or None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            now = inbox_files(self.maildir)
            at = time.perf_counter()
            for name in now:
                self.left.setdefault(name, None)
            for name, left in list(self.left.items()):
                if left is None and name not in now:
                    self.left[name] = at
            time.sleep(0.002)

    def seen(self) -> set[str]:
        return set(self.left)

    def wait_moved(self, before: set[str], timeout: float = 30) -> float:
        """When the message that arrived after ``before`` left the inbox again."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for name, left in list(self.left.items()):
                if name not in before and left is not None:
                    return left
            time.sleep(0.002)
        raise SystemExit(f"the mail was not moved out of the inbox within {timeout} s")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)


def wait_ready(notify: socket.socket, worker: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        notify.settimeout(max(0.01, min(0.5, deadline - time.monotonic())))
        try:
            message = notify.recv(4096)
        except TimeoutError:
            if worker.poll() is not None:
                raise SystemExit(f"mailbot run stopped ({worker.returncode})") from None
            continue
        if b"READY=1" in message.split(b"\n"):
            return
    raise SystemExit(f"no READY=1 within {timeout} s")


def wait_idle(dovecot: Dovecot, user: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while dovecot.idling(user) < 1:
        if time.monotonic() > deadline:
            raise SystemExit("mailbot did not go into IDLE")
        time.sleep(0.01)


def mail_by_mail(
    start: Start,
    mails: list[bytes],
    *,
    database: Database,
    appenders: tuple[IMAPClient, IMAPClient],
    inbox: InboxWatcher,
    watcher: IdleWatcher,
    seed: int,
) -> None:
    """Append ``mails`` one at a time; note each one's times in ``start``."""
    appender, other_appender = appenders
    chance = random.Random(seed)
    for index, raw in enumerate(mails):
        message_id = raw.split(b"Message-ID: ", 1)[1].split(b"\n", 1)[0].strip().decode()
        watcher.announced.clear()
        before = inbox.seen()
        appended, bare_appended = append_both(appender, other_appender, raw, index % 2 == 1)
        committed = wait_for_case(database, message_id)
        moved = inbox.wait_moved(before)
        start.committed.append((committed - appended) * MS)
        start.moved.append((moved - appended) * MS)
        if watcher.announced.wait(10):
            start.bare.append((watcher.at - bare_appended) * MS)
        elif watcher.failure:
            raise SystemExit(f"the IDLE baseline failed: {watcher.failure}")
        else:  # seen once on a loaded machine: counted, left out of the medians
            start.bare.append(math.nan)
        wait_drafted(database)
        time.sleep(chance.uniform(0.1, 0.3))


def one_start(
    dovecot: Dovecot, mails: list[bytes], customers: Path, tree: Path, seed: int
) -> Start:
    user, other = dovecot.add_user(), dovecot.add_user()
    work = Path(tempfile.mkdtemp(prefix="mailbot-warmup-"))
    shutil.copyfile(customers, work / "klanten.csv")
    config = work / "mailbot.toml"
    text = MAILBOT_CONFIG.format(work=work, port=dovecot.port, user=user)
    # Mail that is no request is moved too (to its own folder): every mail has a move to time.
    config.write_text(text.replace("timeout = 60\n", 'timeout = 60\nother_folder = "Overig"\n'))
    address = str(work / "notify")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(address)
    env = {**os.environ, "NOTIFY_SOCKET": address, "PYTHONPATH": str(tree)}
    appender, other_appender = dovecot.client(user), dovecot.client(other)
    maildir = dovecot.root / "mail" / user
    log = (work / "mailbot.log").open("wb")
    start = Start()
    started = time.perf_counter()
    worker = subprocess.Popen(
        [sys.executable, "-m", "mailbot", "run", "--config", str(config)],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=log,
        env=env,
    )
    watcher: IdleWatcher | None = None
    inbox = InboxWatcher(maildir)
    try:
        wait_ready(notify, worker, 60)
        start.ready = time.perf_counter() - started
        database = Database(f"sqlite:///{work / 'mailbot.db'}")
        wait_idle(dovecot, user)
        watcher = IdleWatcher(dovecot.port, other)
        mail_by_mail(
            start,
            mails,
            database=database,
            appenders=(appender, other_appender),
            inbox=inbox,
            watcher=watcher,
            seed=seed,
        )
        database.dispose()
    finally:
        inbox.close()
        if watcher is not None:
            watcher.close()
        appender.logout()
        other_appender.logout()
        worker.terminate()
        worker.wait(30)
        log.close()
        notify.close()
        shutil.rmtree(work, ignore_errors=True)
    return start


def measure(starts: int, trees: list[Path]) -> dict[Path, list[Start]]:
    # Plain mails of a few KB: an attachment of up to 1 MB would weigh more than being first.
    backlog = make(MAILS * starts * len(trees) * 3, seed=25, small=True)
    requests = [raw for raw in backlog.mails if b"<backlog-" in raw]
    root = Path(tempfile.mkdtemp(prefix="mailbot-warmup-"))
    root.chmod(0o755)  # Dovecot's own users must reach its directory
    dovecot = Dovecot(root / "dovecot")
    dovecot.start()
    customers = root / "klanten.csv"
    backlog.write_customers(customers)
    found: dict[Path, list[Start]] = {tree: [] for tree in trees}
    try:
        for number in range(starts):
            order = trees if number % 2 == 0 else trees[::-1]
            for tree in order:
                mails, requests = requests[:MAILS], requests[MAILS:]
                found[tree].append(one_start(dovecot, mails, customers, tree, number))
    finally:
        dovecot.stop()
        shutil.rmtree(root, ignore_errors=True)
    return found


def table(found: dict[Path, list[Start]], names: dict[Path, str]) -> str:
    lines = [
        "| mailbot | start to READY (s): median (range) | mail | to case committed (ms) "
        "| to moved (ms) | baseline: bare IDLE told (ms) | moved / warm moved |",
        "|---|---|---|---|---|---|---|",
    ]
    for tree, starts in found.items():
        readies = [start.ready for start in starts]
        ready = f"{statistics.median(readies):.2f} ({min(readies):.2f}-{max(readies):.2f})"

        def median(values: str, mails: range, starts: list[Start] = starts) -> float:
            found: list[float] = []
            for start in starts:
                found += getattr(start, values)[mails.start : mails.stop]
            return statistics.median([value for value in found if not math.isnan(value)])

        warm = median("moved", WARM)
        rows = [(f"{n + 1}", range(n, n + 1)) for n in range(FIRST)]
        rows.append((f"{WARM.start + 1}-{WARM.stop} (warm)", WARM))
        for index, (label, mails) in enumerate(rows):
            moved = median("moved", mails)
            lines.append(
                f"| {names[tree] if index == 0 else ''} | {ready if index == 0 else ''} "
                f"| {label} | {median('committed', mails):.0f} | {moved:.0f} "
                f"| {median('bare', mails):.0f} | {moved / warm:.2f} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--compare", type=Path, help="another checkout, started in turn")
    parser.add_argument("--label", default="this tree", help="what to call this tree")
    parser.add_argument("--compare-label", default="compared", help="what to call --compare")
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    parser.add_argument("--short", action="store_true", help="2 starts (CI)")
    args = parser.parse_args()
    if args.short:
        args.starts = 2
    trees = [ROOT]
    names = {ROOT: args.label}
    if args.compare is not None:
        trees.append(args.compare.resolve())
        names[trees[-1]] = args.compare_label
    found = measure(args.starts, trees)
    text = table(found, names)
    missed = sum(math.isnan(value) for starts in found.values() for s in starts for value in s.bare)
    if missed:
        text += f"\n\nThe bare IDLE client was not told of {missed} mail(s) within 10 s."
    print(text)
    if args.write:
        write_section(
            "warmup",
            "### Warm-up\n\n"
            f"Measured by `python bench/warmup.py --starts {args.starts} "
            f"{'--compare DIR ' if args.compare else ''}--write` ({machine()}). Each start a "
            "fresh `mailbot run` (new process, new SQLite database, new Dovecot mailbox on "
            "loopback) with `NOTIFY_SOCKET`: start to `READY=1`; then, once it idles, one "
            "request at a time, from its APPEND to its case committed and to its move out of "
            "the inbox; the baseline: the same mail appended to a second mailbox, until a bare "
            f"IDLE client there is told of it. Medians over {args.starts} starts"
            f"{' alternating between the two' if args.compare else ''}.\n\n{text}",
        )


if __name__ == "__main__":
    main()
