"""``mailbot users ...`` and ``mailbot web`` as a real process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner

from mailbot.cli.main import cli

CONFIG = """\
[database]
url = "sqlite:///mailbot.db"
[maildir]
path = "Maildir"
[organisation]
name = "Voorbeeld B.V."
officer_name = "A. Functionaris"
addresses = ["privacy@voorbeeld.example"]
[web]
language = "en"
"""


def test_users_from_the_command_line(tmp_path: Path) -> None:
    config = tmp_path / "mailbot.toml"
    config.write_text(CONFIG, encoding="utf-8")
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
        result = runner.invoke(cli, [*args, "--config", str(config)], input=stdin)
        return result.exit_code, result.output

    assert run("users", "add", "rudi", stdin="correct horse battery\n") == (0, "user rudi added\n")
    code, output = run("users", "add", "deputy", stdin="short\n")
    assert code == 1 and "at least 10 characters" in output
    code, output = run("users", "add", "rudi", stdin="correct horse battery\n")
    assert code == 1 and "there is one with that name" in output
    code, output = run("users", "list")
    assert code == 0 and "rudi" in output and "en" in output and "deputy" not in output
    assert run("users", "passwd", "rudi", stdin="another good password\n")[0] == 0
    assert run("users", "remove", "rudi") == (0, "user rudi removed\n")
    code, output = run("users", "remove", "rudi")
    assert code == 1 and "no user rudi" in output


def test_mailbot_web_serves_the_login_page(tmp_path: Path) -> None:
    config = tmp_path / "mailbot.toml"
    config.write_text(CONFIG, encoding="utf-8")
    (tmp_path / "Maildir").mkdir()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    process = subprocess.Popen(
        [sys.executable, "-m", "mailbot", "web", "--port", str(port), "--config", str(config)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/cases", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        assert answer.status_code == 303 and answer.headers["location"] == "/login?next=/cases"
        login = httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
        assert login.status_code == 200 and '<html lang="en">' in login.text
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0
    assert b"no users yet" in output
