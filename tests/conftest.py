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
does not depend on it: those marked ``own_database`` and those that take each
database as a parameter; the first pass runs them.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from mailbot.config import Settings, settings_from_dict
from mailbot.storage.database import Database, normalise_url

TEST_DATABASE = os.environ.get("MAILBOT_TEST_DATABASE", "sqlite")
if TEST_DATABASE not in ("sqlite", "postgresql"):
    raise RuntimeError(f"MAILBOT_TEST_DATABASE={TEST_DATABASE!r}: use sqlite or postgresql")
pytest_plugins = ["tests.running"]  # the `start` fixture: `mailbot run` as a subprocess


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL pass, run only the tests whose database that pass chooses."""
    if TEST_DATABASE != "postgresql":
        return
    keep: list[pytest.Item] = []
    same: list[pytest.Item] = []
    for item in items:
        params = getattr(item, "callspec", None)
        either_way = item.get_closest_marker("own_database") is not None or (
            params is not None and "database_url" in params.params
        )
        (same if either_way else keep).append(item)
    if same:
        config.hook.pytest_deselected(items=same)
        items[:] = keep


FIXTURES = Path(__file__).parent / "fixtures"
MAILS = FIXTURES / "mails"
# The shared request corpus lies beside the project (../shared); MAILBOT_CORPUS may point elsewhere.
CORPUS = Path(
    os.environ.get("MAILBOT_CORPUS")
    or Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "requests"
)


def mailbot_database_url(tmp_path: Path) -> str:
    """The test's database: its PostgreSQL one on that pass (see ``state_url``), else SQLite."""
    return os.environ.get("MAILBOT_DATABASE__URL") or f"sqlite:///{tmp_path / 'mailbot.db'}"


def base_config(tmp_path: Path, **sections: dict[str, Any]) -> dict[str, Any]:
    """A valid configuration as a dict: a Maildir in ``tmp_path``, SQLite there too."""
    config: dict[str, Any] = {
        "database": {"url": mailbot_database_url(tmp_path)},
        "maildir": {"path": str(tmp_path / "Maildir")},
        "organisation": {
            "name": "Voorbeeld B.V.",
            "officer_name": "A. Functionaris",
            "addresses": ["privacy@voorbeeld.example"],
            "timezone": "Europe/Amsterdam",
            "reference_prefix": "AVG",
        },
    }
    for name, values in sections.items():
        config.setdefault(name, {}).update(values)
    return config


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_from_dict(base_config(tmp_path), tmp_path / "mailbot.toml", environ={})


# -- PostgreSQL ---------------------------------------------------------------
def _postgres_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts[-3])
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    pytest.fail(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install them with "
        "`apt-get install postgresql` (.ci/run does)",
        pytrace=False,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresCluster:
    """A throwaway PostgreSQL server on loopback with password authentication."""

    password = "mailbot-test-secret"

    def __init__(self) -> None:
        self.bin = _postgres_bin()
        self.root = Path(tempfile.mkdtemp(prefix="mailbot-pg-"))
        self.port = _free_port()
        self.user = None
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            self.user = "postgres"
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._names = itertools.count(1)

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            args, user=self.user, capture_output=True, text=True, check=False, cwd=self.root
        )
        if result.returncode != 0:
            pytest.fail(f"{args[0]} failed: {result.stderr or result.stdout}", pytrace=False)

    def start(self) -> None:
        pwfile = self.root / "pw"
        pwfile.write_text(self.password)
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(pwfile, entry.pw_uid, entry.pw_gid)
        data = self.root / "data"
        self._run(
            str(self.bin / "initdb"), "-D", str(data), "-U", "mailbot", "--auth=scram-sha-256",
            f"--pwfile={pwfile}", "--no-sync", "-E", "UTF8", "--locale=C",
        )  # fmt: skip
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(self.root / "log"),
            "-o", options, "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        subprocess.run(
            [str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "stop"],
            user=self.user,
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://mailbot:{self.password}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh empty database; returns its URL (a plain ``postgresql://`` one)."""
        name = f"test_{next(self._names)}"
        engine = create_engine(normalise_url(self.url()), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url(name)


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
class TokenIntrospection:
    """The OAuth2 token-introspection endpoint Dovecot asks about XOAUTH2 tokens."""

    def __init__(self) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs

        self.tokens: dict[str, str] = {}
        tokens = self.tokens

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                token = parse_qs(self.rfile.read(length).decode()).get("token", [""])[0]
                user = tokens.get(token)
                body = json.dumps({"active": True, "username": user} if user else {"active": False})
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def introspection() -> Iterator[TokenIntrospection]:
    endpoint = TokenIntrospection()
    yield endpoint
    endpoint.close()


@pytest.fixture(scope="session")
def dovecot(introspection: TokenIntrospection) -> Iterator[Any]:
    """One Dovecot for the session; each test takes a mailbox of its own (``mailbox``)."""
    from tests.dovecot import Dovecot

    root = Path(tempfile.mkdtemp(prefix="mailbot-dovecot-"))
    server = Dovecot(root, oauth_port=introspection.port)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mailbox(dovecot: Any) -> str:
    """A fresh, empty IMAP user on the shared Dovecot (password "secret")."""
    return str(dovecot.add_user())
