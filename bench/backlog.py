"""Measure a backlog: ``mailbot run --once`` against the bare fetch and getmail6.

    python bench/backlog.py [--mails 2000] [--rounds 3] [--write]
    python bench/backlog.py --short          # CI: 100 mails, one round, checks only

A Dovecot server on loopback (the tests' fixture) gets, for every way and every round,
a fresh mailbox holding the same backlog (bench/mix.py). Then, as separate processes,
each timed from start to exit, in an order that rotates from round to round:

- **mailbot**: ``mailbot run --once`` on a fresh SQLite database: every mail read,
  recorded, classified, checked against the customer file (half of the senders are
  in it), turned into a case or a follow-up or ignored, drafted (with copies of the
  customer's data), and the requests moved to the requests folder;
- **imapclient**: the bare fetch of every mail (``BODY.PEEK[]``, 100 per command),
  nothing else: the limit of this machine and server;
- **getmail6**: getmail from PyPI retrieving the mailbox into a Maildir
  (``read_all``, no delete), what a sysadmin would otherwise script.

Reported: medians of the wall time, mails per second, the ratio to mailbot, and
each process's peak RSS (``wait4``). mailbot's work is checked after every round
(every mail accounted for once; every case drafted), so a fast wrong run cannot pass.
``--write`` puts the table into bench/RESULTS.md (section "Backlog").
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import func, select  # noqa: E402

from bench import mix  # noqa: E402
from bench._measure import Run, measured  # noqa: E402
from bench._results import machine, write_section  # noqa: E402
from mailbot.storage.database import Database  # noqa: E402
from mailbot.storage.models import CaseRecord, DraftRecord, MailRecord  # noqa: E402
from tests.support.dovecot import Dovecot  # noqa: E402
from tests.support.postgres import PostgresCluster  # noqa: E402

MAILBOT_CONFIG = """\
[database]
url = "sqlite:///{work}/mailbot.db"

[imap]
host = "127.0.0.1"
port = {port}
security = "none"
username = "{user}"
password = "secret"
timeout = 60

[organisation]
name = "Voorbeeld B.V."
officer_name = "R. de Functionaris"
addresses = ["privacy@voorbeeld.example"]
automated_decisions = "geen"
transfers_outside_eea = "geen"

[[sources]]
name = "klanten"
kind = "csv"
path = "{work}/klanten.csv"
email_column = "email"
category = "Klantprofiel"
purpose = "uitvoering van de overeenkomst"
legal_basis = "overeenkomst (AVG art. 6 lid 1 onder b)"
retention = "tot 36 maanden nadat u geen klant meer bent"
provided_by_subject = true
"""

GETMAILRC = """\
[retriever]
type = SimpleIMAPRetriever
server = 127.0.0.1
port = {port}
username = {user}
password = secret
mailboxes = ("INBOX",)

[destination]
type = Maildir
path = {work}/Maildir/

{user_line}
[options]
verbose = 0
read_all = true
delete = false
"""


@dataclass(frozen=True)
class Served:
    """A Dovecot server on loopback with one user's mailbox, and a work directory holding
    the customer file and a ``mailbot.toml`` that reads that mailbox."""

    root: Path
    dovecot: Dovecot
    user: str
    work: Path
    config: Path

    @contextlib.contextmanager
    def service(self, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
        """``mailbot run`` on this mailbox (its log: work/mailbot.log). On leaving, it is
        told to stop (SIGTERM; killed after 60 s), and the server and the directory go."""
        with (self.work / "mailbot.log").open("wb") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "mailbot", "run", "--config", str(self.config)],
                cwd=self.work, stdout=subprocess.DEVNULL, stderr=log, env=env,
            )  # fmt: skip
            try:
                yield worker
            finally:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(60)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
                self.dovecot.stop()
                shutil.rmtree(self.root, ignore_errors=True)


def serve(prefix: str, backlog: mix.Backlog) -> Served:
    """A fresh ``Served`` in a temporary directory named by ``prefix`` (started: stop it)."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    root.chmod(0o755)  # Dovecot's own users must reach its directory
    dovecot = Dovecot(root / "dovecot")
    dovecot.start()
    user = dovecot.add_user()
    work = root / "work"
    work.mkdir()
    backlog.write_customers(work / "klanten.csv")
    config = work / "mailbot.toml"
    config.write_text(MAILBOT_CONFIG.format(work=work, port=dovecot.port, user=user))
    return Served(root, dovecot, user, work, config)


class Bench:
    def __init__(self, root: Path, backlog: mix.Backlog) -> None:
        self.root = root
        self.backlog = backlog
        self.dovecot = Dovecot(root / "dovecot")
        self.dovecot.start()
        self.cluster: PostgresCluster | None = None
        self.runs = 0

    def fresh_mailbox(self) -> tuple[str, Path]:
        """A new Dovecot user holding the backlog, and an empty work directory."""
        user = self.dovecot.add_user()
        client = self.dovecot.client(user)
        try:
            for raw in self.backlog.mails:
                client.append("INBOX", raw)
        finally:
            client.logout()
        self.runs += 1
        work = self.root / f"run{self.runs}"
        work.mkdir()
        return user, work

    def mailbot(
        self, profile: Path | None = None, workers: int = 1, *, postgres: bool = False
    ) -> Run:
        """``mailbot run --once`` (``workers`` of them at once, on one database); under
        py-spy (all its processes) into ``profile``, if given."""
        user, work = self.fresh_mailbox()
        self.backlog.write_customers(work / "klanten.csv")
        text = MAILBOT_CONFIG.format(work=work, port=self.dovecot.port, user=user)
        url = f"sqlite:///{work}/mailbot.db"
        if postgres:
            sqlite_url, url = url, self.postgres().new_database()
            text = text.replace(sqlite_url, url)
        config = work / "mailbot.toml"
        config.write_text(text, encoding="utf-8")
        # The database is made first, as the installation does (``mailbot db upgrade``): the
        # run measured is the service's, on a database it finds current.
        made = [sys.executable, "-m", "mailbot", "db", "upgrade", "--config", str(config)]
        subprocess.run(made, cwd=work, check=True, capture_output=True)
        command = [sys.executable, "-m", "mailbot", "--log-level", "warning", "run", "--once"]
        command += ["--config", str(config)]
        if profile is not None:
            spy = [str(Path(sys.executable).parent / "py-spy"), "record", "--subprocesses",
                   "--rate", "250", "--gil", "--format", "raw", "--output", str(profile),
                   "--"]  # fmt: skip
            command = [*spy, *command]
        if workers > 1:  # one process that starts them together and waits for both
            command = [sys.executable, str(HERE / "together.py"), str(workers), *command]
        run = measured(command, work)
        check_mailbot(url, self.backlog)
        return run

    def postgres(self) -> PostgresCluster:
        """A PostgreSQL server on loopback (durable: fsync on), started on first use."""
        if self.cluster is None:
            self.cluster = PostgresCluster(durable=True)
            self.cluster.start()
        return self.cluster

    def imapclient(self) -> Run:
        user, work = self.fresh_mailbox()
        script = [sys.executable, str(HERE / "bare_fetch.py"), str(self.dovecot.port), user]
        return measured(script, work)

    def getmail(self) -> Run:
        user, work = self.fresh_mailbox()
        for sub in ("new", "cur", "tmp"):
            (work / "Maildir" / sub).mkdir(parents=True)
        user_line = ""
        if os.geteuid() == 0:  # getmail will not deliver as root (CI runs as root)
            nobody = pwd.getpwnam("nobody")
            for path in (work / "Maildir", *(work / "Maildir").iterdir()):
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
            user_line = "user = nobody"
        (work / "getmailrc").write_text(
            GETMAILRC.format(port=self.dovecot.port, user=user, work=work, user_line=user_line),
            encoding="utf-8",
        )
        getmail = shutil.which("getmail", path=str(Path(sys.executable).parent)) or "getmail"
        run = measured([getmail, "--getmaildir", str(work), "--rcfile", "getmailrc"], work)
        got = len(list((work / "Maildir" / "new").iterdir()))
        assert got == len(self.backlog.mails), f"getmail retrieved {got}"
        return run

    def close(self) -> None:
        self.dovecot.stop()
        if self.cluster is not None:
            self.cluster.stop()


def check_mailbot(url: str, backlog: mix.Backlog) -> None:
    """Every mail recorded once, requests cases, every case drafted (or found to need none)."""
    database = Database(url)
    with database.reader() as session:
        mails = session.exec(select(func.count()).select_from(MailRecord)).one()
        cases = session.exec(select(func.count()).select_from(CaseRecord)).one()
        drafted = session.exec(select(func.count(func.distinct(DraftRecord.case_id)))).one()
        # A case the officer must decide first (issue 21) gets no draft until he does.
        requests = session.exec(
            select(func.count()).where(
                CaseRecord.status != "not_a_request",
                CaseRecord.needs_decision == False,  # noqa: E712
            )
        ).one()
        undrafted = session.exec(
            select(func.count()).where(CaseRecord.drafting_due == True)  # noqa: E712
        ).one()
        outcomes = dict(
            session.exec(
                select(MailRecord.disposition, func.count()).group_by(MailRecord.disposition)
            ).all()
        )
    database.dispose()
    assert mails == len(backlog.mails), f"{mails} mail records for {len(backlog.mails)} mails"
    assert cases > 0.8 * backlog.kinds["request"], f"only {cases} cases: {outcomes}"
    assert undrafted == 0, f"{undrafted} cases not drafted"
    assert drafted == requests, f"{drafted} drafted for {requests} requests"
    assert outcomes.get("quarantined", 0) == 0, outcomes
    assert outcomes.get("ignored", 0) >= backlog.kinds["machine"], outcomes


WAYS: dict[str, Callable[[Bench], Run]] = {
    "mailbot run --once": Bench.mailbot,
    "imapclient, bare fetch": Bench.imapclient,
    "getmail6 to a Maildir": Bench.getmail,
}
POSTGRES_WAYS: dict[str, Callable[[Bench], Run]] = {
    "mailbot run --once, PostgreSQL": lambda bench: bench.mailbot(postgres=True),
    "two mailbot workers, PostgreSQL": lambda bench: bench.mailbot(workers=2, postgres=True),
}


def measure(
    count: int, rounds: int, *, small: bool = False, postgres: bool = False
) -> tuple[str, dict[str, list[Run]]]:
    backlog = mix.make(count, small=small)
    ways = {**WAYS, **(POSTGRES_WAYS if postgres else {})}
    results: dict[str, list[Run]] = {name: [] for name in ways}
    root = Path(tempfile.mkdtemp(prefix="mailbot-bench-"))
    root.chmod(0o755)  # Dovecot's own users must reach its directory
    bench = Bench(root, backlog)
    names = list(ways)
    try:
        for round_number in range(rounds):
            turn = round_number % len(names)
            for name in names[turn:] + names[:turn]:
                run = ways[name](bench)
                results[name].append(run)
                print(f"round {round_number + 1} {name}: {run.seconds:.2f} s, "
                      f"{run.peak_mib:.0f} MiB, with children {run.tree_mib:.0f} MiB",
                      flush=True)  # fmt: skip
    finally:
        bench.close()
        shutil.rmtree(root, ignore_errors=True)
    return mix.describe(backlog), results


def profile(count: int, output: Path, *, small: bool) -> None:
    """One run of mailbot under py-spy, every process sampled, stacks written to ``output``."""
    root = Path(tempfile.mkdtemp(prefix="mailbot-bench-"))
    root.chmod(0o755)
    bench = Bench(root, mix.make(count, small=small))
    try:
        run = bench.mailbot(output.resolve())
        print(f"mailbot under py-spy: {run.seconds:.2f} s; stacks in {output}")
    finally:
        bench.close()
        shutil.rmtree(root, ignore_errors=True)


def table(count: int, results: dict[str, list[Run]]) -> str:
    own = statistics.median(run.seconds for run in results["mailbot run --once"])
    lines = [
        "| way | median time (s) | mails/s | time / mailbot's | peak RSS (MiB) "
        "| with its children (MiB) |",
        "|---|---|---|---|---|---|",
    ]
    for name, runs in results.items():
        seconds = statistics.median(run.seconds for run in runs)
        peak = max(run.peak_mib for run in runs)
        tree = max(run.tree_mib for run in runs)
        lines.append(
            f"| {name} | {seconds:.2f} | {count / seconds:.0f} | {seconds / own:.2f} "
            f"| {peak:.0f} | {tree:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    parser.add_argument("--short", action="store_true", help="100 mails, one round (CI)")
    parser.add_argument("--small", action="store_true", help="plain text mails only")
    parser.add_argument("--postgres", action="store_true", help="also PostgreSQL, 1 and 2 workers")
    parser.add_argument("--profile", type=Path, help="only profile mailbot (py-spy, raw) into this")
    args = parser.parse_args()
    if args.short:
        args.mails, args.rounds = 100, 1
    if args.profile is not None:
        profile(args.mails, args.profile, small=args.small)
        return
    described, results = measure(args.mails, args.rounds, small=args.small, postgres=args.postgres)
    text = table(args.mails, results)
    print(f"\n{described}\n\n{text}")
    if args.write:
        flags = "".join(f" --{name}" for name in ("small", "postgres") if getattr(args, name))
        write_section(
            "backlog-small" if args.small else "backlog",
            f"### Backlog{', small mails' if args.small else ''}\n\n"
            f"Measured by `python bench/backlog.py --mails {args.mails} --rounds {args.rounds}"
            f"{flags} --write` ({machine()}). Every way reads its own copy of the same backlog "
            "from Dovecot on loopback, as a separate process, in rotating order; wall time from "
            "start to exit (mailbot's includes its start-up and the database's creation); "
            "medians of the rounds, the highest peak RSS.\n\n"
            f"Backlog: {described}.\n\n{text}",
        )


if __name__ == "__main__":
    main()
