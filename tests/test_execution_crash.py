"""SIGKILL between the company's database and mailbot's: ``cases execute`` killed before the
shop's commit (recovered as not executed, and it runs again) and after it, before the trail
(recovered as executed, and it never runs twice). On mailbot's SQLite and PostgreSQL.

The window is made with locks the test holds, nothing in the product: a read transaction
on the shop (SQLite, rollback journal) lets the statements run but not commit; a write lock
on mailbot's database (its ``cases`` row on PostgreSQL) lets the shop commit but not the
trail. The kill lands in that window, every time.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from mailbot.app import App, load_app
from mailbot.cli.main import cli
from mailbot.config import Settings
from mailbot.service.execution import Plan, execute, plan
from mailbot.storage.database import normalise_url
from tests.support.shop import PERSON, erasure_mail, make_shop, rows, shop_config, snapshot

pytestmark = pytest.mark.integration


def _until(condition: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.05)


@contextmanager
def shop_read(path: Path) -> Iterator[None]:
    """A read transaction on the shop: its writers can write, but not commit."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN")
    connection.execute("SELECT count(*) FROM klanten").fetchall()
    try:
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


@contextmanager
def mailbot_locked(url: str, reference: str) -> Iterator[None]:
    """mailbot's database locked for writing the case's trail (SQLite: the whole file;
    PostgreSQL: the case's row, which every execution step locks first)."""
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()
        return
    pg = create_engine(normalise_url(url))
    with pg.connect() as held:
        held.execute(text("SELECT id FROM cases WHERE reference = :r FOR UPDATE"), {"r": reference})
        yield
        held.rollback()
    pg.dispose()


def state(url: str) -> str:
    found = rows(url, "SELECT state FROM executions")
    return str(found[0][0]) if found else ""


def time_passes(url: str) -> None:
    """As if the time a live execution can take had passed since it started (``service.
    execution.still_running_for``): only then is one left ``running`` taken for a crash."""
    engine = create_engine(normalise_url(url))
    with engine.begin() as connection:
        (started,) = connection.execute(text("SELECT started_at FROM executions")).one()
        if isinstance(started, str):  # SQLite keeps the moment as text
            started = datetime.fromisoformat(started)
        connection.execute(
            text("UPDATE executions SET started_at = :t"), {"t": started - timedelta(hours=1)}
        )
    engine.dispose()


def recovers_only_after_its_time(app: App, settings: Settings, reference: str, url: str) -> Plan:
    """Right after the kill the execution may as well be live elsewhere: the plan shows it
    running and recovers nothing; once its time has passed, the plan recovers it."""
    early = plan(app.database, settings, app.clock, reference)
    assert [step.state for step in early.steps] == ["running"]
    assert not any(action == "execution_recovered" for action, _ in events(url))
    time_passes(url)
    return plan(app.database, settings, app.clock, reference)


def events(url: str) -> list[tuple[str, str]]:
    return [
        (str(action), str(detail))
        for action, detail in rows(url, "SELECT action, detail FROM case_events ORDER BY id")
    ]


@pytest.fixture
def setup(tmp_path: Path, database_url: str) -> tuple[Path, str, str]:
    shop = make_shop(f"sqlite:///{tmp_path / 'shop.db'}")
    config = shop_config(tmp_path, database_url, shop, timeout=60)
    erasure_mail(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["run", "--once", "--config", str(config)]).exit_code == 0
    listed = runner.invoke(cli, ["cases", "list", "--json", "--config", str(config)]).output
    (case,) = json.loads(listed)
    return config, shop, case["reference"]


def _execute(config: Path, reference: str, version: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "mailbot", "cases", "execute", reference, "--plan", version,
         "--by", "rudi", "--config", str(config)],
        cwd=config.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def _kill(process: subprocess.Popen[bytes]) -> None:
    assert process.poll() is None, process.communicate()
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=10)


def test_killed_before_the_shops_commit_runs_again(
    setup: tuple[Path, str, str], database_url: str, tmp_path: Path
) -> None:
    config, shop, reference = setup
    app = load_app(config)
    settings = app.configuration.first
    before = snapshot(shop)
    version = plan(app.database, settings, app.clock, reference).version
    with shop_read(tmp_path / "shop.db"):
        process = _execute(config, reference, version)
        _until(lambda: state(database_url) == "running", "the execution is running")
        _kill(process)
    assert snapshot(shop) == before  # the shop rolled the killed transaction back
    found = recovers_only_after_its_time(app, settings, reference, database_url)
    assert [(step.state, step.rows) for step in found.steps] == [("approved", (2, 1, 1))]
    recovered = [
        detail for action, detail in events(database_url) if action == "execution_recovered"
    ]
    assert len(recovered) == 1 and "not_executed" in recovered[0]
    done = execute(app.database, settings, app.clock, reference, found.version, "rudi")
    assert [(step.state, step.counts) for step in done.steps] == [("executed", (2, 1, 1))]
    assert rows(shop, "SELECT count(*) FROM klanten WHERE lower(email) = :e", e=PERSON) == [(0,)]
    app.close()


def test_killed_after_the_shops_commit_is_recovered_as_executed(
    setup: tuple[Path, str, str], database_url: str, tmp_path: Path
) -> None:
    config, shop, reference = setup
    app = load_app(config)
    settings = app.configuration.first
    version = plan(app.database, settings, app.clock, reference).version
    with ExitStack() as mailbot:
        with shop_read(tmp_path / "shop.db"):
            process = _execute(config, reference, version)
            _until(lambda: state(database_url) == "running", "the execution is running")
            mailbot.enter_context(mailbot_locked(database_url, reference))
        # the read ended: the shop commits; the trail waits for mailbot's database
        gone = "SELECT count(*) FROM klanten WHERE lower(email) = :e"
        _until(lambda: rows(shop, gone, e=PERSON) == [(0,)], "the shop committed")
        _kill(process)
    assert state(database_url) == "running"
    after = snapshot(shop)
    found = recovers_only_after_its_time(app, settings, reference, database_url)
    (step,) = found.steps
    assert (step.state, step.counts) == ("executed", ())  # counts unknown after a crash
    trail = events(database_url)
    recovered = [detail for action, detail in trail if action == "execution_recovered"]
    assert len(recovered) == 1 and "not_executed" not in recovered[0]
    assert not any(action == "executed" for action, _ in trail)
    again = execute(app.database, settings, app.clock, reference, found.version, "rudi")
    assert again.steps[0].state == "executed"
    assert snapshot(shop) == after  # never twice
    assert not any(action == "executed" for action, _ in events(database_url))
    app.close()
