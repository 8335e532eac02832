"""Shared fixtures: settings, databases (SQLite and a real PostgreSQL), fixture mails.

PostgreSQL runs as a private cluster in a temporary directory, started once
per test session from Debian's server binaries. When they are missing the
tests that need it fail, naming the package to install; they never skip.

Tests of the services take both databases (``database``). The rest, which run
mailbot itself from a configuration file, use SQLite beside the file; with
``MAILBOT_TEST_DATABASE=postgresql`` every one of them gets a fresh PostgreSQL
database instead (``MAILBOT_DATABASE__URL``, which subprocesses inherit), so
the whole suite runs on PostgreSQL too. A test marked ``own_database`` chooses
its database itself (it inspects the SQLite file, or tests the URL setting).

The PostgreSQL pass leaves out (and reports as deselected) the tests whose run
does not depend on it: those marked ``own_database``, those that take each
database as a parameter, those marked ``database_incidental`` (they never open
mailbot's database: everything under ``tests/core``, and the modules or tests marked
so with the reason), and those marked ``first_pass_only`` (what they test does not depend
on the database: the pages in a browser, whose service calls run on both databases in
tests/service); the first pass runs them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mailbot.config import Settings, settings_from_dict
from mailbot.storage.database import Database
from tests.support.configs import base_config
from tests.support.dovecot import Dovecot
from tests.support.introspection import TokenIntrospection
from tests.support.notify import notify_listener
from tests.support.postgres import PostgresCluster
from tests.support.running import Running
from tests.support.smtp import SmtpServer

TEST_DATABASE = os.environ.get("MAILBOT_TEST_DATABASE", "sqlite")
if TEST_DATABASE not in ("sqlite", "postgresql"):
    raise RuntimeError(f"MAILBOT_TEST_DATABASE={TEST_DATABASE!r}: use sqlite or postgresql")


# Fixtures that start a server or a subprocess: a test that uses one, directly or through
# another fixture, is an integration test (``scripts/test --fast`` leaves those out).
SERVER_FIXTURES = frozenset({
    "postgres", "dovecot", "introspection", "own_dovecot", "tls_dovecot", "smtp", "server",
    "start", "site", "site_with", "browser", "readers", "small_disk",
})  # fmt: skip


def _starts_servers(item: pytest.Item) -> bool:
    if SERVER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        return True
    params = getattr(item, "callspec", None)
    return params is not None and params.params.get("database_url") == "postgresql"


CORE_TESTS = Path(__file__).parent / "core"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that start servers ``integration`` and the core's tests
    ``database_incidental``; on the PostgreSQL pass, run only the tests whose database that
    pass chooses."""
    for item in items:
        if _starts_servers(item):
            item.add_marker(pytest.mark.integration)
        if item.path.is_relative_to(CORE_TESTS):
            item.add_marker(pytest.mark.database_incidental("the pure core: no database"))
    if TEST_DATABASE != "postgresql":
        return
    keep: list[pytest.Item] = []
    same: list[pytest.Item] = []
    for item in items:
        params = getattr(item, "callspec", None)
        either_way = (
            item.get_closest_marker("own_database") is not None
            or item.get_closest_marker("database_incidental") is not None
            or item.get_closest_marker("first_pass_only") is not None
            or (params is not None and "database_url" in params.params)
        )
        (same if either_way else keep).append(item)
    if same:
        config.hook.pytest_deselected(items=same)
        items[:] = keep


@pytest.fixture(autouse=True)
def _servers_only_in_integration_tests(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test not marked ``integration`` that starts a subprocess or listens on a TCP port fails,
    naming the marker: the fast subset stays without servers, and a new test cannot forget it.

    mailbot's own reader processes (multiprocessing's forkserver, on a Unix socket) are
    allowed: they are part of reading a mail, not a server the test starts.
    """
    if request.node.get_closest_marker("integration") is not None:
        return
    name = request.node.nodeid
    listen = socket.socket.listen

    def refuse() -> None:
        pytest.fail(
            f"{name} starts a server or a subprocess: mark it integration "
            "(pytestmark, or a fixture in SERVER_FIXTURES in tests/conftest.py)"
        )

    def no_subprocess(*_args: object, **_kwargs: object) -> None:
        refuse()

    def no_tcp_server(sock: socket.socket, *args: int) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            refuse()
        listen(sock, *args)

    monkeypatch.setattr(subprocess.Popen, "_execute_child", no_subprocess)
    monkeypatch.setattr(socket.socket, "listen", no_tcp_server)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_from_dict(base_config(tmp_path), tmp_path / "mailbot.toml", environ={})


# -- PostgreSQL ---------------------------------------------------------------
@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'mailbot.db'}"
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    return cluster.new_database()


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A migrated database of each kind."""
    db = Database(database_url)
    db.upgrade()
    yield db
    db.dispose()


@pytest.fixture
def state_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database mailbot uses in this test when run from a configuration file."""
    if TEST_DATABASE == "sqlite" or request.node.get_closest_marker("own_database"):
        return f"sqlite:///{tmp_path / 'mailbot.db'}"
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    return cluster.new_database()


@pytest.fixture(autouse=True)
def _mailbot_database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """On the PostgreSQL pass, every configuration file's database is the test's own."""
    if TEST_DATABASE == "postgresql" and not request.node.get_closest_marker("own_database"):
        monkeypatch.setenv("MAILBOT_DATABASE__URL", request.getfixturevalue("state_url"))


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'mailbot.db'}")
    db.upgrade()
    yield db
    db.dispose()


# -- Dovecot ------------------------------------------------------------------
@pytest.fixture(scope="session")
def introspection() -> Iterator[TokenIntrospection]:
    endpoint = TokenIntrospection()
    yield endpoint
    endpoint.close()


@pytest.fixture(scope="session")
def dovecot(introspection: TokenIntrospection) -> Iterator[Dovecot]:
    """One Dovecot for the session; each test takes a mailbox of its own (``mailbox``)."""
    root = Path(tempfile.mkdtemp(prefix="mailbot-dovecot-"))
    server = Dovecot(root, oauth_port=introspection.port)
    server.start()
    yield server
    # The end of the run needs no graceful end: after a second it is killed (a loaded
    # server took 9-15 s to close every session itself).
    server.stop(grace=1)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mailbox(dovecot: Dovecot) -> str:
    """A fresh, empty IMAP user on the shared Dovecot (password "secret")."""
    return str(dovecot.add_user())


# -- SMTP and `mailbot run` ---------------------------------------------------
@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpServer]:
    """aiosmtpd on loopback, without TLS or authentication."""
    server = SmtpServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Running]]:
    """Starts ``mailbot run`` as a subprocess under a stand-in systemd notify socket."""
    started: list[Running] = []
    with notify_listener() as listener:

        def _start(config: Path, watchdog: float | None = None) -> Running:
            name = "mailbot" if not started else f"mailbot-{len(started) + 1}"
            running = Running(config, listener, watchdog, name)
            started.append(running)
            return running

        yield _start
        for running in started:
            running.close()
