"""``mailbot cases plan``, ``cases execute`` and ``check``'s dry run of the statements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mailbot.cli.main import cli
from tests.support.shop import PERSON, erasure_mail, make_shop, rows, shop_config, shop_values


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def shop(tmp_path: Path) -> str:
    return make_shop(f"sqlite:///{tmp_path / 'shop.db'}")


@pytest.fixture
def config(tmp_path: Path, shop: str) -> Path:
    path = shop_config(tmp_path, f"sqlite:///{tmp_path / 'mailbot.db'}", shop)
    erasure_mail(tmp_path)
    assert invoke("run", "--once", "--config", str(path)).exit_code == 0
    return path


def test_plan_then_execute_from_the_command_line(config: Path, shop: str) -> None:
    (case,) = json.loads(invoke("cases", "list", "--json", "--config", str(config)).output)
    reference = case["reference"]
    shown = invoke("cases", "plan", reference, "--config", str(config))
    assert shown.exit_code == 0, shown.output
    assert "shop erasure: planned" in shown.output
    assert "-- dry run: 2 row(s)" in shown.output
    assert "by hand: " in shown.output and "Bezorger Z" in shown.output
    found = json.loads(invoke("cases", "plan", reference, "--json", "--config", str(config)).output)
    assert found["steps"][0]["rows"] == [2, 1, 1]
    version = found["version"]
    assert f"mailbot cases execute {reference} --plan {version}" in shown.output
    stale = invoke("cases", "execute", reference, "--plan", "0123456789ab", "--config", str(config))
    assert stale.exit_code == 1
    assert "the plan changed since you saw it" in stale.output
    assert rows(shop, "SELECT count(*) FROM klanten") == [(3,)]
    done = invoke(
        "cases", "execute", reference, "--plan", version, "--by", "rudi", "--config", str(config)
    )
    assert done.exit_code == 0, done.output
    assert "shop erasure: executed" in done.output
    assert "changed 2" in done.output
    assert f"{reference}: 1 action(s) still open" in done.output  # telling the courier
    assert rows(shop, "SELECT count(*) FROM klanten WHERE lower(email) = :e", e=PERSON) == [(0,)]
    bad = invoke("cases", "plan", reference, "--set", "naam", "--config", str(config))
    assert bad.exit_code == 2 and "FIELD=VALUE" in bad.output


def test_check_dry_runs_every_statement(tmp_path: Path, shop: str) -> None:
    good = shop_config(tmp_path, f"sqlite:///{tmp_path / 'mailbot.db'}", shop)
    result = invoke("check", "--config", str(good))
    assert "source shop statements: ok (dry run of erase, restrict, rectify rolled back)" in (
        result.output
    )
    broken = {"restrict": "UPDATE klanten SET nope = 1 WHERE lower(email) = :email"}
    other = tmp_path / "other"
    other.mkdir()
    statements = shop_values(shop)["statements"] | broken
    bad = shop_config(other, f"sqlite:///{other / 'mailbot.db'}", shop, statements=statements)
    result = invoke("check", "--config", str(bad))
    assert result.exit_code == 1
    assert "source shop statements: FAILED: statements.restrict: source shop:" in result.output
    assert "nope" in result.output
    assert rows(shop, "SELECT count(*) FROM klanten") == [(3,)]
