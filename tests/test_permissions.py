"""What mailbot makes on disk is its owner's only: the demo's files, the database and its
log, whatever umask it was started with."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from mailbot.cli.main import cli
from mailbot.storage.database import Database

# the demo's SQLite file and its mode are what is checked
pytestmark = [pytest.mark.integration, pytest.mark.own_database]


@contextmanager
def umask(mask: int) -> Iterator[None]:
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def open_to_others(top: Path) -> list[str]:
    """Everything under ``top`` (and ``top``) that its group or others may use at all."""
    found = [top, *top.rglob("*")]
    assert len(found) > 1, f"nothing was made in {top}"
    return [
        f"{oct(stat.S_IMODE(path.lstat().st_mode))} {path.relative_to(top.parent)}"
        for path in found
        if path.lstat().st_mode & 0o077
    ]


def test_the_demo_makes_its_files_for_its_owner_only(tmp_path: Path) -> None:
    """In this process, started with umask 0: the demo sets the modes itself."""
    with umask(0):
        result = CliRunner().invoke(cli, ["demo", "--dir", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert {"mailbot.toml", "mailbot.db", "suppression-key", "klanten.csv", "maildir"} <= {
        path.name for path in (tmp_path / "demo").iterdir()
    }
    assert open_to_others(tmp_path / "demo") == []


def test_the_mailbot_command_makes_files_for_their_owner_only(tmp_path: Path) -> None:
    """``mailbot`` as a command, started with umask 0: what it makes on the way (here the
    directories above the demo's) is its owner's only too."""
    done = subprocess.run(
        [sys.executable, "-m", "mailbot", "demo", "--dir", str(tmp_path / "state" / "demo")],
        capture_output=True, text=True, timeout=300, check=False, umask=0,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert open_to_others(tmp_path / "state") == []


def test_a_new_sqlite_database_and_its_log_are_for_their_owner_only(tmp_path: Path) -> None:
    with umask(0):
        database = Database(f"sqlite:///{tmp_path / 'data' / 'mailbot.db'}")
        try:
            database.upgrade()
            with database.session() as session:  # a connection stays open: -wal and -shm
                session.execute(text("SELECT 1"))
                names = sorted(path.name for path in (tmp_path / "data").iterdir())
                assert names == ["mailbot.db", "mailbot.db-shm", "mailbot.db-wal"]
                assert open_to_others(tmp_path / "data") == []
        finally:
            database.dispose()
