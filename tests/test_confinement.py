"""Nothing written outside the state directory, whatever the mail says.

The real ``mailbot run --once`` reads every hostile mail of tests/hostile.py (file
names with ``../`` and NUL, a zip bomb, 10,000 parts, ...) from a Maildir, drafts,
and stops, under strace: every system call that creates, writes, renames, links or
removes a file, in mailbot and in its child processes, must name a path inside the
state directory (where the configuration puts the database, and ``TMPDIR``, where
the copies are spooled and the mail readers' fork server keeps its socket).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.hostile import HOSTILE
from tests.support.maildir import drop, make_maildir

pytestmark = pytest.mark.integration  # mailbot as a subprocess

WRITING_CALLS = (
    "creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,rmdir,link,linkat,"
    "symlink,symlinkat,truncate,chmod,fchmodat,chown,fchownat,mknod,mknodat,utimensat"
)
WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")
_LINE = re.compile(r"^(?:\[pid\s+(\d+)\]|(\d+))?\s*(.*)")
_CALL = re.compile(r"^(\w+)\((.*)")
_RESUMED = re.compile(r"^<\.\.\. \w+ resumed>")
_UNFINISHED = "<unfinished ...>"
_PATH = re.compile(r'"((?:[^"\\]|\\.)*)"')
# Always there, and no file: /proc/self/comm is the process's own name (mailbot.forking).
_ALWAYS_THERE = ("/dev/null", "/dev/tty", "/proc/self/comm")


def calls(text: str) -> Iterator[str]:
    """Each traced call whole, on one line. strace splits a call that another process's
    interrupted: ``mkdir("x", 0700 <unfinished ...>`` then ``<... mkdir resumed>) = -1 EEXIST``;
    the two halves are joined again, so that the failure is seen with its call."""
    pending: dict[str, str] = {}
    for line in text.splitlines():
        match = _LINE.match(line)
        assert match is not None  # every line matches: the pid is optional
        pid, call = match.group(1) or match.group(2) or "", match.group(3)
        if call.endswith(_UNFINISHED):
            pending[pid] = call.removesuffix(_UNFINISHED)
            continue
        resumed = _RESUMED.match(call)
        if resumed:
            call = pending.pop(pid, "") + call[resumed.end() :]
        yield call


def written_paths(trace: Path, cwd: Path) -> list[str]:
    found = []
    for line in calls(trace.read_text(errors="replace")):
        match = _CALL.match(line)
        if not match or "= -1" in line:  # a failed call changed nothing
            continue
        call, arguments = match.groups()
        if call in ("open", "openat") and not any(flag in arguments for flag in WRITE_FLAGS):
            continue
        for path in _PATH.findall(arguments):
            found.append(os.path.normpath(cwd / path) if not path.startswith("/") else path)
    return found


def test_a_call_strace_split_is_judged_whole(tmp_path: Path) -> None:
    trace = tmp_path / "trace.txt"
    trace.write_text(
        '7  mkdir("/state", 0700 <unfinished ...>\n'
        '8  openat(AT_FDCWD, "/elsewhere", O_WRONLY|O_CREAT, 0600 <unfinished ...>\n'
        "7  <... mkdir resumed>) = -1 EEXIST (File exists)\n"
        "8  <... openat resumed>) = 3\n",
        encoding="utf-8",
    )
    assert written_paths(trace, tmp_path) == ["/elsewhere"]


@pytest.fixture
def short_state() -> Iterator[Path]:
    """A state directory with a short path, as /var/lib/mailbot is: the forkserver of
    Python 3.11 binds a socket under TMPDIR, and a socket path may not exceed 107 bytes,
    which pytest's tmp_path can (its numbered folders grow with each run)."""
    path = Path(tempfile.mkdtemp(prefix="mb-"))
    yield path / "state"
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.own_database  # the SQLite file in the state directory is how the trace is checked
def test_hostile_mail_writes_nothing_outside_the_state_directory(
    tmp_path: Path, short_state: Path
) -> None:
    strace = shutil.which("strace")
    if strace is None:
        pytest.fail("strace not found: `apt-get install strace` (.ci/run does)", pytrace=False)
    state = short_state
    (state / "tmp").mkdir(parents=True)
    maildir = make_maildir(state / "Maildir")
    for number, make in enumerate(HOSTILE.values()):
        drop(maildir, f"{number}.M{number}P1.test", make())
    config = state / "mailbot.toml"
    config.write_text(
        '[database]\nurl = "sqlite:///mailbot.db"\n[maildir]\npath = "Maildir"\n'
        '[organisation]\nname = "V"\nofficer_name = "O"\n'
        'addresses = ["privacy@voorbeeld.example"]\n',
        encoding="utf-8",
    )
    trace = tmp_path / "trace.txt"
    environ = dict(os.environ, TMPDIR=str(state / "tmp"), PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run(
        [
            strace, "-f", "-qq", "-o", str(trace),
            "-e", f"trace=open,openat,{WRITING_CALLS}",
            sys.executable, "-m", "mailbot", "--log-level", "warning",
            "run", "--once", "--config", str(config),
        ],
        cwd=state, env=environ, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    paths = written_paths(trace, state)
    assert any(path.startswith(str(state / "mailbot.db")) for path in paths)  # the trace works
    outside = sorted(
        {path for path in paths if not path.startswith(f"{state}/") and path not in _ALWAYS_THERE}
    )
    assert outside == []
