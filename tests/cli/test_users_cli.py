"""``mailbot users ...`` and ``mailbot web`` as a real process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from mailbot.cli.main import cli
from tests.support.notify import notify_listener
from tests.support.sockets import free_port

pytestmark = pytest.mark.integration  # mailbot web as a subprocess

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


def web_setup(tmp_path: Path) -> tuple[Path, int]:
    """A configuration for the review pages and a free port to serve them on."""
    config = tmp_path / "mailbot.toml"
    config.write_text(CONFIG, encoding="utf-8")
    (tmp_path / "Maildir").mkdir()
    return config, free_port()


def test_mailbot_web_serves_the_login_page(tmp_path: Path) -> None:
    config, port = web_setup(tmp_path)
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


def test_mailbot_web_speaks_to_systemd_and_reloads_on_sighup(tmp_path: Path) -> None:
    config, port = web_setup(tmp_path)
    login = f"http://127.0.0.1:{port}/login"
    with notify_listener() as listener:
        env = {**listener.environ(watchdog=1.0), "PYTHONWARNINGS": "error"}
        process = subprocess.Popen(
            [sys.executable, "-m", "mailbot", "web", "--port", str(port), "--config", str(config)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
        try:
            listener.wait_for(lambda: listener.with_key("READY", "1"), 30, "READY=1")
            # READY comes once the port listens
            assert httpx.get(login, timeout=2).status_code == 200
            listener.wait_for(lambda: len(listener.with_key("WATCHDOG")) >= 3, 10, "WATCHDOG")
            config.write_text(CONFIG.replace("[web]", "[web"), encoding="utf-8")
            sent = time.monotonic()
            process.send_signal(signal.SIGHUP)
            listener.wait_for(lambda: listener.with_key("READY", since=sent), 10, "refusal")
            refused = listener.with_key("READY", since=sent)[0].fields["STATUS"]
            assert "last reload refused" in refused
            assert '<html lang="en">' in httpx.get(login, timeout=2).text
            config.write_text(CONFIG.replace('language = "en"', 'language = "nl"'), "utf-8")
            sent = time.monotonic()
            process.send_signal(signal.SIGHUP)
            listener.wait_for(lambda: listener.with_key("READY", since=sent), 10, "reload")
            assert "refused" not in listener.with_key("READY", since=sent)[0].fields["STATUS"]
            assert '<html lang="nl">' in httpx.get(login, timeout=2).text
            sent = time.monotonic()
            process.terminate()
            output, _ = process.communicate(timeout=20)
            stopped = time.monotonic() - sent
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=10)
        assert listener.with_key("STOPPING", "1")
        assert listener.with_key("RELOADING", "1")
    assert process.returncode == 0 and stopped < 10
    text = output.decode()
    assert "reload refused, still running on the previous configuration" in text
    assert "configuration reloaded" in text
