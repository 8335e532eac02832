"""Measure the case list page: its time and size with 2,000 open cases, old code beside new.

    python bench/case_list.py [--cases 2000] [--rounds 5] [--base 35c5cdc] [--write]
    python bench/case_list.py --short      # CI: 120 cases, 3 rounds, checks only

A SQLite database gets ``--cases`` open cases (and a tenth as many closed ones), each with
its mail, one in ten with a draft waiting. The review pages are served twice on loopback,
each by ``mailbot web`` in a process of its own: from this checkout ("new") and from
``--base`` ("old", the commit before the list was paged, unpacked with ``git archive``) on a
copy of the database migrated down to what the old code knows. One logged-in client asks
each for ``/cases`` (the new one also for a filtered second page and the Today page) in
turn, the order reversed every round, ``--rounds`` times after a warm-up; the table gives
the median time and the size of each page. The new list must show 50 rows and say how many
there are in all, so a fast wrong page cannot pass. ``--write`` puts the table into
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

from bench._results import machine, write_section  # noqa: E402
from mailbot.app import load_app  # noqa: E402
from mailbot.i18n import number  # noqa: E402
from mailbot.service.users import add_user  # noqa: E402
from mailbot.storage.database import MIGRATIONS  # noqa: E402
from mailbot.storage.models import CaseRecord, DraftRecord, MailRecord  # noqa: E402
from tests.support.configs import ORGANISATION  # noqa: E402

BASE = "35c5cdc"  # main before issue 23's case list: every case on one page
PASSWORD = "correct horse battery staple"
MS = 1000.0
RIGHTS = (["access"], ["erasure"], ["access", "portability"], ["objection"], ["rectification"])
STATUSES = ("new", "awaiting_identity", "awaiting_confirmation", "ready_for_review")


def a_case(number: int, cases: int) -> CaseRecord:
    """Case ``number``: open below ``cases``, closed from there; a request received every 37
    minutes from 5 January 2026."""
    received = datetime(2026, 1, 5, 9, 0, tzinfo=UTC) + timedelta(minutes=37 * number)
    return CaseRecord(
        reference=f"AVG-2026-{number + 1:05d}", mailbox="default",
        status="closed" if number >= cases else STATUSES[number % len(STATUSES)],
        rights=RIGHTS[number % len(RIGHTS)], language="nl",
        requester=f"persoon{number}@example.org", requester_name=f"Persoon {number}",
        subject=f"verzoek {number}", received_at=received,
        due_date=(received + timedelta(days=30)).date(), confidence=0.9, identity="known",
        classified_at=received, created_at=received, updated_at=received,
    )  # fmt: skip


def its_mail(case: CaseRecord, number: int) -> MailRecord:
    return MailRecord(
        source="maildir", folder="INBOX", uid=str(number), message_id=f"<m{number}@example.org>",
        arrived_at=case.received_at, processed_at=case.received_at, sender=case.requester,
        subject=case.subject, disposition="new_case", case_id=case.id,
    )  # fmt: skip


def its_draft(case: CaseRecord) -> DraftRecord:
    assert case.id is not None
    return DraftRecord(
        case_id=case.id, kind="reply", language="nl", to_address=case.requester or "",
        subject="Uw verzoek", body="Beste,\n", status="pending",
        created_at=case.received_at, updated_at=case.received_at,
    )  # fmt: skip


def seed(work: Path, cases: int) -> Path:
    """A configuration and its database with ``cases`` open cases (and a tenth as many closed
    ones), each with its mail, one in ten with a draft waiting; the configuration file."""
    (work / "klanten.csv").write_text("email,naam\n", encoding="utf-8")
    for sub in ("cur", "new", "tmp"):
        (work / "Maildir" / sub).mkdir(parents=True)
    config = work / "mailbot.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{work / "mailbot.db"}"\n'
        f'[maildir]\npath = "{work / "Maildir"}"\n' + ORGANISATION,
        encoding="utf-8",
    )
    app = load_app(config)
    try:
        with app.database.session() as session:
            for number in range(cases + cases // 10):
                case = a_case(number, cases)
                session.add(case)
                session.flush()
                session.add(its_mail(case, number))
                if number % 10 == 0:
                    session.add(its_draft(case))
            session.commit()
        add_user(app.database, "rudi", PASSWORD, "nl")
    finally:
        app.close()
    return config


def unpacked(commit: str, into: Path) -> Path:
    """The tree of ``commit`` (this repository), unpacked into ``into``."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def downgraded(config: Path, tree: Path, into: Path) -> Path:
    """A copy of ``config``'s database for the old code in ``tree``: migrated down (with this
    checkout's migrations) to the newest one ``tree`` knows, which it would refuse otherwise."""
    versions = tree / "mailbot" / "storage" / "migrations" / "versions"
    newest = max(path.name.split("_", 1)[0] for path in versions.glob("[0-9]*_*.py"))
    into.mkdir()
    shutil.copy(config.parent / "mailbot.db", into / "mailbot.db")
    text = config.read_text(encoding="utf-8")
    copied = into / "mailbot.toml"
    copied.write_text(text.replace(str(config.parent / "mailbot.db"), str(into / "mailbot.db")))
    engine = create_engine(f"sqlite:///{into / 'mailbot.db'}")
    with engine.begin() as connection:
        settings = Config()
        settings.set_main_option("script_location", str(MIGRATIONS))
        settings.attributes["connection"] = connection
        command.downgrade(settings, newest)
    engine.dispose()
    return copied


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def serving(tree: Path, config: Path) -> Iterator[str]:
    """``mailbot web`` from ``tree`` (its own code and templates) on a free loopback port."""
    port = free_port()
    command = [sys.executable, "-m", "mailbot", "--log-level", "warning", "web"]
    process = subprocess.Popen(
        [*command, "--config", str(config), "--port", str(port)],
        cwd=tree, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(httpx.TransportError):
                httpx.get(f"{url}/login", timeout=2)
                break
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit(f"mailbot web from {tree} did not start")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def logged_in(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    page = client.get("/login").text
    marker = 'name="csrf" value="'
    start = page.index(marker) + len(marker)
    csrf = page[start : page.index('"', start)]
    answer = client.post("/login", data={"csrf": csrf, "name": "rudi", "password": PASSWORD})
    if answer.status_code != 303:
        raise SystemExit(f"login at {url} failed: {answer.status_code}")
    return client


# What each code is asked for: the list as it opens; the new one a filtered later page too.
FILTERED = "/cases?right=access&mine=1&page=2"
# "/" is the Today page (issue 23): everything waiting, at most 50 cases a group
ASKED = {"old": ("/cases",), "new": ("/cases", FILTERED, "/")}


@dataclass
class Measured:
    seconds: list[float]
    size: int
    rows: int
    html: str


def fetch(client: httpx.Client, path: str) -> tuple[float, str]:
    started = time.perf_counter()
    answer = client.get(path)
    took = time.perf_counter() - started
    if answer.status_code != 200:
        raise SystemExit(f"{path} answered {answer.status_code}")
    return took, answer.text


def measure(trees: dict[str, tuple[Path, Path]], rounds: int) -> dict[tuple[str, str], Measured]:
    """Each tree's pages (``ASKED``), by (tree, path); ``trees``: (code, configuration)."""
    with contextlib.ExitStack() as stack:
        clients = {
            name: logged_in(stack.enter_context(serving(tree, config)))
            for name, (tree, config) in trees.items()
        }
        for client in clients.values():
            stack.callback(client.close)
        asked = [(name, path) for name in clients for path in ASKED[name]]
        found = {}
        for name, path in asked:
            _, html = fetch(clients[name], path)  # warm-up: templates compiled, connected
            # the list's rows; the Today page's cases (at most 50 a group)
            rows = html.count('<th scope="row">') or html.count('class="reference"')
            found[name, path] = Measured([], len(html.encode()), rows, html)
        for round_ in range(rounds):
            for name, path in asked if round_ % 2 == 0 else reversed(asked):
                took, _ = fetch(clients[name], path)
                found[name, path].seconds.append(took)
        return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--base", default=BASE, help="the old code's commit ('' for none)")
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    parser.add_argument("--short", action="store_true", help="120 cases, 3 rounds, no base (CI)")
    args = parser.parse_args()
    if args.short:
        args.cases, args.rounds, args.base = 120, 3, ""
    with tempfile.TemporaryDirectory(prefix="mailbot-case-list-") as temp:
        work = Path(temp)
        config = seed(work, args.cases)
        trees = {"new": (ROOT, config)}
        if args.base:
            old = unpacked(args.base, work / "old")
            trees = {"old": (old, downgraded(config, old, work / "old-db")), **trees}
        found = measure(trees, args.rounds)
    lines = [
        "| code | page | rows shown | page size (KiB) | time (ms, median) |",
        "|---|---|---|---|---|",
    ]
    for (name, path), measured in found.items():
        median = statistics.median(measured.seconds) * MS
        lines.append(
            f"| {name} | `{path}` | {measured.rows} | {measured.size / 1024:.0f} | {median:.0f} |"
        )
    text = "\n".join(lines)
    print(text)
    new = found["new", "/cases"]
    if new.rows != min(50, args.cases) or number(args.cases, "nl") not in new.html:
        raise SystemExit(f"the new list shows {new.rows} rows, or not the {args.cases} in all")
    if found["new", FILTERED].rows == 0:
        raise SystemExit(f"{FILTERED} shows no case")
    if args.write:
        write_section(
            "case_list",
            "### The case list page\n\n"
            f"Measured by `python bench/case_list.py --cases {args.cases} --rounds {args.rounds} "
            f"--write` ({machine()}). {args.cases} open cases (and {args.cases // 10} closed), "
            "SQLite; `mailbot web` from this checkout (new) and from "
            f"{args.base or 'nothing'} (old) on a copy of the database migrated down to what "
            "the old code knows, each page asked for in "
            f"turn, the order reversed every round; median of {args.rounds} after a warm-up."
            "\n\n"
            f"{text}",
        )


if __name__ == "__main__":
    main()
