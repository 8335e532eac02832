"""The mailbot command line, called in the test's process (click's runner)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from mailbot.cli.main import cli


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def run_once(config: Path) -> Result:
    result = invoke("run", "--once", "--config", str(config))
    assert result.exit_code == 0, result.output
    return result


def drafts(config: Path) -> list[dict[str, Any]]:
    return list(json.loads(invoke("drafts", "list", "--json", "--config", str(config)).output))
