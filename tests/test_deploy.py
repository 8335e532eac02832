"""The systemd units and the example configuration in deploy/, checked with Debian's systemd.

`systemd-analyze` works on unit files without a running systemd (`--offline=yes`),
so these run in CI; a missing `systemd-analyze` fails them (scripts/setup-system
installs the `systemd` package).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mailbot.config import load_configuration

pytestmark = [
    pytest.mark.integration,  # systemd-analyze
    pytest.mark.database_incidental("the units and the example configuration, read"),
]

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
UNITS = ("mailbot.service", "mailbot-web.service")
MAX_EXPOSURE = 2.0


def analyze(*args: str) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("systemd-analyze")
    assert tool is not None, "systemd-analyze is missing: install Debian's systemd package"
    return subprocess.run([tool, *args], capture_output=True, text=True, check=False, timeout=120)


def directives(unit: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in (DEPLOY / unit).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


@pytest.mark.parametrize("unit", UNITS)
def test_exposure_is_at_most_2(unit: str) -> None:
    done = analyze(
        "security", "--offline=yes", "--no-pager", f"--threshold={int(MAX_EXPOSURE * 10)}",
        str(DEPLOY / unit),
    )  # fmt: skip
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", done.stdout)
    assert match is not None, done.stdout + done.stderr
    exposure = float(match.group(1))
    print(f"{unit}: exposure {exposure}")  # noqa: T201 - shown with -s, quoted in the notes
    assert exposure <= MAX_EXPOSURE
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("unit", UNITS)
def test_unit_verifies_with_this_installation(unit: str, tmp_path: Path) -> None:
    """`systemd-analyze verify`, with ExecStart pointing at the mailbot installed here."""
    installed = Path(sys.executable).with_name("mailbot")
    assert installed.exists()
    text = (DEPLOY / unit).read_text(encoding="utf-8")
    (tmp_path / unit).write_text(text.replace("/opt/mailbot/bin/mailbot", str(installed)))
    done = analyze("verify", "--man=no", str(tmp_path / unit))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("unit", UNITS)
def test_unit_has_the_service_contract(unit: str) -> None:
    found = directives(unit)
    single = {key: values[-1] for key, values in found.items()}
    assert single["Type"] == "notify" and single["NotifyAccess"] == "main"
    assert single["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert single["DynamicUser"] == "yes" and single["User"] == "mailbot"  # one shared user
    assert single["StateDirectory"] == "mailbot"
    assert single["ConfigurationDirectory"] == "mailbot"
    assert single["LoadCredential"] == "mailbot:/etc/mailbot/credentials"
    assert single["ProtectSystem"] == "strict" and single["PrivateTmp"] == "yes"
    assert single["NoNewPrivileges"] == "yes"
    assert single["CapabilityBoundingSet"] == "" and single["AmbientCapabilities"] == ""
    assert "@system-service" in found["SystemCallFilter"]
    assert single["Restart"] == "on-failure" and "WatchdogSec" in single


def test_the_worker_may_take_longer_to_stop_than_one_network_operation() -> None:
    """SIGTERM waits for the mail in hand, bounded by [imap] timeout (60 s by default)."""
    stop = directives("mailbot.service")["TimeoutStopSec"][-1]
    assert stop.endswith("min") and int(stop[:-3]) * 60 >= 2 * 60


def test_the_example_configuration_loads_with_its_credentials(tmp_path: Path) -> None:
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    for name in ("imap-password", "smtp-password"):
        (credentials / f"mailbot_{name}").write_text("s3cret\n", encoding="utf-8")
    key = "3f" * 32
    (credentials / "mailbot_suppression-key").write_text(key + "\n", encoding="utf-8")
    settings = load_configuration(
        DEPLOY / "mailbot.toml", environ={"CREDENTIALS_DIRECTORY": str(credentials)}
    ).first
    assert settings.imap is not None and settings.imap.password is not None
    assert settings.imap.password.get_secret_value() == "s3cret"
    assert settings.database.url == "sqlite:////var/lib/mailbot/mailbot.db"
    assert settings.suppression is not None
    assert settings.suppression.key.get_secret_value() == key
