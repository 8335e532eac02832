"""The real `mailbot run` as systemd runs it: notify protocol, watchdog, SIGTERM, SIGHUP.

Every test starts the command as a subprocess against the shared Dovecot, with a
datagram socket standing in for systemd's NOTIFY_SOCKET, and looks at what it
said there, what it logged, and what it left in the database and the mailbox.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from email import message_from_bytes, policy
from email.utils import getaddresses
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from mailbot.letters.render import bundled_templates
from mailbot.logs import ADDRESS
from mailbot.storage.database import Database
from mailbot.storage.models import CaseRecord, DraftRecord, MailRecord
from tests.support.crash import finish
from tests.support.datasets import CUSTOMERS, make_crm
from tests.support.mails import requests
from tests.support.proxy import stalling_proxy
from tests.support.records import count, message_ids
from tests.support.running import Running
from tests.support.waiting import until

pytestmark = pytest.mark.integration  # Dovecot, and mailbot run as a subprocess

STOP_LIMIT = 10.0  # seconds; the unit allows TimeoutStopSec=2min


def write_config(
    tmp_path: Path, port: int, mailbox: str, *, timeout: float = 10, templates: Path | None = None
) -> Path:
    text = f"""\
[database]
url = "sqlite:///mailbot.db"

[imap]
host = "127.0.0.1"
port = {port}
security = "none"
username = "{mailbox}"
password = "secret"
timeout = {timeout}

[organisation]
name = "Voorbeeld B.V."
officer_name = "R. de Functionaris"
addresses = ["privacy@voorbeeld.example"]
automated_decisions = "geen"
transfers_outside_eea = "geen"
"""
    if templates is not None:
        text += f'\n[drafts]\ntemplates = "{templates}"\n'
    path = tmp_path / "mailbot.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("whom", ["the worker", "every process"])
def test_sigterm_during_a_backlog_exits_0_in_time_and_loses_nothing(  # noqa: PLR0917 (fixtures)
    tmp_path: Path,
    state_url: str,
    dovecot: Any,
    mailbox: str,
    start: Callable[..., Running],
    whom: str,
) -> None:
    """SIGTERM to the worker, or to every process of the service as systemd's stop
    (KillMode=control-group) sends it: a reader killed in the middle of a mail would
    quarantine it."""
    total = 300
    dovecot.append(mailbox, *requests(total))
    config = write_config(tmp_path, dovecot.port, mailbox)
    running = start(config, watchdog=30)
    running.ready()
    database = Database(state_url)
    until(lambda: count(database, CaseRecord) >= 20, 60, "the first 20 cases")
    family = _descendants(running.process.pid)
    assert len(family) == 2 + min(4, os.cpu_count() or 1)  # fork server, drafting, readers
    if whom == "every process":
        for pid in family:  # the children first: the worker is still reading when they get it
            os.kill(pid, signal.SIGTERM)
    took = running.stop()
    at_stop = count(database, CaseRecord)
    assert running.process.returncode == 0, running.stderr()
    assert took < STOP_LIMIT
    assert at_stop < total, "the backlog was done before SIGTERM: nothing was tested"
    assert running.listener.with_key("STOPPING", "1")
    until(lambda: not any(map(_running, family)), 10, "every child ended")
    assert "Traceback" not in running.stderr()
    assert "died" not in running.stderr()
    # What was read is committed and moved; what was not is still in the inbox.
    assert len(dovecot.uids(mailbox)) == total - at_stop
    assert len(dovecot.uids(mailbox, "AVG-verzoeken")) == at_stop
    done = finish(config)
    assert done.returncode == 0, done.stderr
    expected = sorted(f"<svc-{index}@example.nl>" for index in range(total))
    assert message_ids(database) == expected  # every mail once, none twice
    assert count(database, CaseRecord) == total  # none quarantined
    assert dovecot.uids(mailbox) == []
    database.dispose()


def test_a_fork_server_killed_under_a_running_service_loses_nothing(
    tmp_path: Path, state_url: str, dovecot: Any, mailbox: str, start: Callable[..., Running]
) -> None:
    """Its children go on (each still seen alive: no second drafting process), new ones
    would start afresh, and the service still stops in time."""
    config = write_config(tmp_path, dovecot.port, mailbox)
    running = start(config, watchdog=30)
    running.ready()
    (server,) = _children(running.process.pid)
    os.kill(server, signal.SIGKILL)
    total = 30
    dovecot.append(mailbox, *requests(total))
    database = Database(state_url)
    until(lambda: count(database, DraftRecord) >= total, 60, "every case drafted")
    assert len(_named("mailbot-drafter", config)) == 1  # orphans now: found by their command
    assert running.stop() < STOP_LIMIT
    assert running.process.returncode == 0, running.stderr()
    assert count(database, CaseRecord) == total
    assert dovecot.uids(mailbox) == []
    assert "Traceback" not in running.stderr()
    database.dispose()


def test_at_ready_the_readers_run_and_the_warm_up_left_nothing(
    tmp_path: Path, state_url: str, dovecot: Any, mailbox: str, start: Callable[..., Running]
) -> None:
    config = write_config(tmp_path, dovecot.port, mailbox)
    running = start(config)
    running.ready()
    (server,) = _children(running.process.pid)  # its fork server, a copy of itself
    children = sorted(_name(pid) for pid in _children(server))
    assert _name(server) == "mailbot-forks"
    readers = min(4, os.cpu_count() or 1)  # started and warm before READY=1
    assert children == ["mailbot-drafter"] + ["mailbot-reader"] * readers
    assert "warmed up in" in running.stderr()
    database = Database(state_url)
    assert count(database, MailRecord) == count(database, CaseRecord) == 0
    assert count(database, DraftRecord) == 0
    database.dispose()
    assert running.stop() < STOP_LIMIT
    assert "Traceback" not in running.stderr()


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _descendants(pid: int) -> list[int]:
    found = []
    for child in _children(pid):
        found += [child, *_descendants(child)]
    return found


def _named(name: str, config: Path) -> list[int]:
    """The processes called ``name`` that run on ``config``."""
    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            mine = entry.name.isdigit() and _name(int(entry.name)) == name
            if mine and str(config).encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """Whether ``pid`` runs (not ended, nor a zombie waiting to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def _name(pid: int) -> str:
    return Path(f"/proc/{pid}/comm").read_text(encoding="ascii").strip()


def _templates_with(tmp_path: Path, marker: str) -> Path:
    """A copy of the bundled templates whose every text ends with ``marker``."""
    folder = tmp_path / "templates"
    if not folder.exists():
        shutil.copytree(bundled_templates(), folder)
    for path in folder.rglob("*.txt.j2"):
        if path.parent.name == "parts":
            continue
        text = path.read_text(encoding="utf-8").rstrip("\n").rsplit("\n-- versie", 1)[0]
        path.write_text(f"{text}\n-- versie {marker}\n", encoding="utf-8")
    return folder


def _drafts_by_case(database: Database) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    with database.reader() as session:
        for draft in session.exec(select(DraftRecord)):
            found.setdefault(draft.case_id, []).append(draft.body)
    return found


def test_sighup_with_a_changed_template_during_a_backlog_loses_and_repeats_nothing(
    tmp_path: Path, state_url: str, dovecot: Any, mailbox: str, start: Callable[..., Running]
) -> None:
    templates = _templates_with(tmp_path, "OUD")
    config = write_config(tmp_path, dovecot.port, mailbox, templates=templates)
    first, second = 20, 300
    dovecot.append(mailbox, *requests(first))
    running = start(config, watchdog=30)
    running.ready()
    database = Database(state_url)
    until(lambda: len(_drafts_by_case(database)) >= first, 60, "drafts for the first mails")
    dovecot.append(mailbox, *requests(second, first=first))
    until(lambda: count(database, CaseRecord) >= first + 10, 60, "the backlog under way")
    _templates_with(tmp_path, "NIEUW")
    hup = running.signal(signal.SIGHUP)
    at_hup = count(database, CaseRecord)
    running.ready(since=hup)
    reloaded = count(database, CaseRecord)  # the cases after these come to the new worker
    until(lambda: len(_drafts_by_case(database)) >= first + second, 120, "every case drafted")
    assert at_hup < first + second, "the backlog was done before SIGHUP: nothing was tested"
    assert running.listener.with_key("RELOADING", "1", since=hup)
    assert running.stop() < STOP_LIMIT
    assert running.process.returncode == 0, running.stderr()
    assert "configuration reloaded" in running.stderr()
    expected = sorted(f"<svc-{index}@example.nl>" for index in range(first + second))
    assert message_ids(database) == expected
    drafts = _drafts_by_case(database)
    with database.reader() as session:
        case_of = {m.message_id: m.case_id or 0 for m in session.exec(select(MailRecord))}
    kinds = {len(bodies) for bodies in drafts.values()}
    assert len(kinds) == 1, f"cases with different numbers of drafts: {kinds}"  # none twice
    versions = []
    for index in range(first + second):
        bodies = drafts[case_of[f"<svc-{index}@example.nl>"]]
        markers = {("OUD" if "-- versie OUD" in body else "NIEUW") for body in bodies}
        assert all(("-- versie OUD" in b) != ("-- versie NIEUW" in b) for b in bodies)
        assert len(markers) == 1, index  # a case is drafted once, with one version
        versions.append(markers.pop())
    # Drafted before the reload: the old text; the cases made after it: the new one. (Cases
    # are drafted while the backlog is read, so the old worker drafted part of it.)
    assert versions[:first] == ["OUD"] * first
    assert versions[reloaded:] == ["NIEUW"] * (first + second - reloaded)
    assert "NIEUW" in versions and versions == sorted(versions, key=("OUD", "NIEUW").index)
    assert dovecot.uids(mailbox) == []
    database.dispose()


def test_sighup_with_a_broken_file_keeps_running_on_the_old_one(
    tmp_path: Path, state_url: str, dovecot: Any, mailbox: str, start: Callable[..., Running]
) -> None:
    config = write_config(tmp_path, dovecot.port, mailbox)
    good = config.read_text(encoding="utf-8")
    running = start(config, watchdog=30)
    running.ready()
    database = Database(state_url)
    config.write_text(good.replace("[organisation]", "[organisation"), encoding="utf-8")
    hup = running.signal(signal.SIGHUP)
    running.ready(since=hup)
    refused = running.listener.with_key("READY", "1", since=hup)[0]
    assert "last reload refused" in refused.fields["STATUS"]
    # still at work on the old configuration: new mail becomes a case
    dovecot.append(mailbox, *requests(1, tag="after-hup"))
    until(lambda: count(database, CaseRecord) == 1, 30, "a case for mail after the refused reload")
    # a template with a syntax error is refused too, naming the file
    config.write_text(good + '\n[drafts]\ntemplates = "broken"\n', encoding="utf-8")
    broken = tmp_path / "broken" / "nl"
    broken.mkdir(parents=True)
    (broken / "acknowledgement.txt.j2").write_text("{% if %}\n", encoding="utf-8")
    hup = running.signal(signal.SIGHUP)
    running.ready(since=hup)
    dovecot.append(mailbox, *requests(1, first=1, tag="after-hup"))
    until(lambda: count(database, CaseRecord) == 2, 30, "a case after the second refused reload")
    assert running.stop() < STOP_LIMIT
    assert running.process.returncode == 0
    log = running.stderr()
    assert log.count("reload refused, still running on the previous configuration") == 2
    assert f"configuration error in {config}" in log
    assert "nl/acknowledgement.txt.j2" in log
    database.dispose()


def test_watchdog_is_fed_while_imap_answers_and_stops_while_it_stalls(
    tmp_path: Path, state_url: str, dovecot: Any, mailbox: str, start: Callable[..., Running]
) -> None:
    watchdog = 3.0
    with stalling_proxy(dovecot.port) as proxy:
        config = write_config(tmp_path, proxy.port, mailbox, timeout=1)
        running = start(config, watchdog=watchdog)
        running.ready()
        listener = running.listener
        listener.wait_for(lambda: len(listener.with_key("WATCHDOG")) >= 3, 15, "WATCHDOG=1")
        dovecot.append(mailbox, *requests(1, tag="before-stall"))
        database = Database(state_url)
        until(lambda: count(database, CaseRecord) == 1, 30, "the mail before the stall")
        proxy.stall()
        stalled = time.monotonic()
        listener.wait_for(
            lambda: any(
                "cannot use: imap" in n.fields["STATUS"]
                for n in listener.with_key("STATUS", since=stalled)
            ),
            20,
            "STATUS naming imap",
        )
        # At most the pings of the first interval (the last progress was just before); that
        # none comes later is what is tested, and only time can show it: watch one ping
        # period (watchdog / 2) past the last ping allowed, then look.
        last_allowed = stalled + watchdog + watchdog / 2 + 0.5
        time.sleep(max(0.0, last_allowed + watchdog / 2 - time.monotonic()))
        pings = [n.at for n in listener.with_key("WATCHDOG", since=stalled)]
        assert pings == [] or max(pings) < last_allowed, pings
        proxy.resume()
        resumed = time.monotonic()
        listener.wait_for(
            lambda: listener.with_key("WATCHDOG", since=resumed), 20, "WATCHDOG after the stall"
        )
        dovecot.append(mailbox, *requests(1, tag="after-stall"))
        until(lambda: count(database, CaseRecord) == 2, 30, "the mail after the stall")
        assert running.stop() < STOP_LIMIT
        assert running.process.returncode == 0, running.stderr()
    log = running.stderr()
    assert "the watchdog is no longer fed" in log and "the watchdog is fed again" in log
    assert listener.with_key("STOPPING", "1")
    database.dispose()


def test_the_service_log_holds_no_address_name_or_mail_text(
    tmp_path: Path, dovecot: Any, mailbox: str
) -> None:
    """Every fixture mail through the real worker, with data sources: stderr at INFO is clean."""
    fixtures = sorted((Path(__file__).parent / "fixtures" / "mails").rglob("*.eml"))
    raws = [path.read_bytes() for path in fixtures]
    dovecot.append(mailbox, *raws)
    crm = make_crm(tmp_path / "crm.db")
    config = write_config(tmp_path, dovecot.port, mailbox)
    config.write_text(
        config.read_text(encoding="utf-8")
        + f"""
[[sources]]
name = "crm"
kind = "sql"
url = "sqlite:///{crm}"
query = "SELECT name, email, city FROM customers WHERE lower(email) = lower(:email)"
category = "Klantprofiel"
""",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "mailbot", "--log-level", "info", "run", "--once",
         "--config", str(config)],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    log = done.stderr.lower()
    assert log.count(": new_case avg-") >= 100  # the log is there, naming cases by reference
    addresses = {a.lower() for raw in raws for a in ADDRESS.findall(raw.decode("latin-1"))}
    addresses |= {customer[1].lower() for customer in CUSTOMERS}
    names = {customer[0].lower() for customer in CUSTOMERS}
    for raw in raws:
        message = message_from_bytes(raw, policy=policy.default)
        for name, _ in getaddresses([str(value) for value in message.get_all("From", [])]):
            if " " in name.strip() and len(name) >= 6:
                names.add(name.lower())
    found = sorted(a for a in addresses if a in log) + sorted(n for n in names if n in log)
    assert found == [], found[:10]
    subjects = [
        str(message_from_bytes(raw, policy=policy.default).get("Subject", "")) for raw in raws
    ]
    assert [s for s in subjects if len(s) > 12 and s.lower() in log] == []
