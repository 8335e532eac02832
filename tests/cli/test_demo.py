"""The demo's erasure carried out: its SQL source ``accounts`` is planned (a dry run), the
invoices in ``facturen`` are kept with their day, and the officer's approval runs it."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mailbot.cli.main import cli

TOM = "tom.baker@example.com"  # the demo's erasure request, from an address on file


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A demo directory as ``mailbot demo`` leaves it."""
    folder = tmp_path / "demo"
    result = invoke("demo", "--dir", str(folder))
    assert result.exit_code == 0, result.output
    return folder


def erasure_case(config: Path) -> str:
    listed = json.loads(invoke("cases", "list", "--json", "--config", str(config)).output)
    (reference,) = [
        case["reference"]
        for case in listed
        if case["requester"] == TOM and case["rights"] == ["erasure"]
    ]
    return str(reference)


def planning_rows(folder: Path, sql: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(folder / "planning.db")
    try:
        return connection.execute(sql, {"email": TOM}).fetchall()
    finally:
        connection.close()


def test_the_demo_plans_its_erasure_with_a_dry_run_and_the_invoices_kept(demo: Path) -> None:
    config = demo / "mailbot.toml"
    reference = erasure_case(config)
    shown = invoke("cases", "plan", reference, "--config", str(config))
    assert shown.exit_code == 0, shown.output
    assert "[4] accounts erasure: planned" in shown.output
    assert "DELETE FROM accounts WHERE lower(email) = :email  -- dry run: 1 row(s)" in shown.output
    # the newest invoice is of 2025: kept until the end of 2025 + 7 years
    assert "kept: facturen until 2032-12-31" in shown.output
    assert "klanten.csv: rows 3 (line numbers)" in shown.output  # the CSV stays by hand
    assert "cannot run" not in shown.output
    found = json.loads(invoke("cases", "plan", reference, "--json", "--config", str(config)).output)
    (step,) = found["steps"]
    assert (step["source"], step["right"]) == ("accounts", "erasure")
    assert step["rows"] == [3, 1]  # his three timetables, then his account
    assert found["kept"] == [{"source": "facturen", "until": "2032-12-31"}]
    assert f"mailbot cases execute {reference} --plan {found['version']}" in shown.output
    # a dry run: nothing changed
    assert planning_rows(demo, "SELECT count(*) FROM accounts WHERE email = :email") == [(1,)]
    assert "cases plan" in invoke("demo", "--dir", str(demo)).output  # the demo says how


def test_the_demo_carries_out_its_erasure_and_a_rerun_does_not_undo_it(demo: Path) -> None:
    config = demo / "mailbot.toml"
    reference = erasure_case(config)
    found = json.loads(invoke("cases", "plan", reference, "--json", "--config", str(config)).output)
    done = invoke(
        "cases", "execute", reference, "--plan", found["version"], "--by", "rudi",
        "--config", str(config),
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "accounts erasure: executed" in done.output
    assert "changed 3" in done.output and "changed 1" in done.output
    assert f"{reference}: 5 action(s) still open" in done.output
    assert planning_rows(demo, "SELECT count(*) FROM accounts WHERE email = :email") == [(0,)]
    assert planning_rows(demo, "SELECT count(*) FROM facturen WHERE email = :email") == [(2,)]
    assert planning_rows(demo, "SELECT count(*) FROM accounts") == [(6,)]  # the others stay
    shown = invoke("cases", "show", reference, "--config", str(config)).output
    assert "rudi         execution_approved  action=4, source=accounts" in shown
    assert "executed  action=4, source=accounts, right=erasure, counts=[3, 1]" in shown
    assert "recipient_notice to privacy@backupdienst.example" in shown
    again = invoke("demo", "--dir", str(demo))
    assert again.exit_code == 0, again.output
    assert planning_rows(demo, "SELECT count(*) FROM accounts WHERE email = :email") == [(0,)]
    assert stat.S_IMODE((demo / "planning.db").stat().st_mode) == 0o600
    assert not (demo / "planning.db.new").exists()
