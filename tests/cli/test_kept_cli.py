"""``mailbot kept list`` and ``mailbot kept done``; ``keep_years`` in the wrong place."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mailbot.storage.database import Database
from mailbot.storage.models import KeptDataRecord
from tests.cli.test_cli import CONFIG, invoke


@pytest.fixture
def config(tmp_path: Path, state_url: str) -> Path:
    path = tmp_path / "mailbot.toml"
    path.write_text(CONFIG, encoding="utf-8")
    database = Database(state_url)
    database.upgrade()
    with database.session() as session:
        for reference, until in (("AVG-2026-0001", date(2020, 12, 31)),
                                 ("AVG-2026-0002", date(2099, 12, 31))):  # fmt: skip
            record = KeptDataRecord(
                reference=reference, source="invoices", address="tom.baker@example.com",
                until=until, kept_at=datetime(2026, 3, 10, tzinfo=UTC),
            )  # fmt: skip
            session.add(record)
        session.commit()
    database.dispose()
    return path


def test_kept_list_and_done(config: Path) -> None:
    listed = invoke("kept", "list", "--config", str(config))
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0].split() == ["ID", "STATE", "KEPT", "UNTIL", "CASE", "SOURCE", "ADDRESS", "DONE"]
    assert lines[1].split()[:5] == ["1", "due", "2020-12-31", "AVG-2026-0001", "invoices"]
    assert lines[2].split()[:2] == ["2", "kept"]
    done = invoke("kept", "done", "1", "--note", "gewist", "--by", "rudi", "--config", str(config))
    assert done.exit_code == 0, done.output
    assert done.output == "kept data 1 (AVG-2026-0001 in invoices): erased, recorded by rudi\n"
    found = json.loads(invoke("kept", "list", "--json", "--config", str(config)).output)
    assert [(row["id"], row["state"], row["address"], row["done_by"]) for row in found] == [
        (1, "done", "", "rudi"),
        (2, "kept", "tom.baker@example.com", None),
    ]
    assert found[0]["until"] == "2020-12-31" and found[0]["done_at"]
    missing = invoke("kept", "done", "9", "--config", str(config))
    assert missing.exit_code == 1 and "no kept data 9" in missing.stderr


@pytest.mark.database_incidental("the configuration is refused before any database is opened")
def test_keep_years_on_a_source_that_is_erased_is_a_configuration_error(tmp_path: Path) -> None:
    path = tmp_path / "mailbot.toml"
    source = (
        '[[sources]]\nname = "invoices"\nkind = "csv"\npath = "i.csv"\nemail_column = "email"\n'
        'category = "Facturen"\nkeep_years = 7\n'
    )
    path.write_text(CONFIG + source, encoding="utf-8")
    result = invoke("kept", "list", "--config", str(path))
    assert result.exit_code == 2
    assert "keep_years" in result.stderr and str(path) in result.stderr
