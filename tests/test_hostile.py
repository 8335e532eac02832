"""Hostile and broken mails through intake and drafting, on SQLite and PostgreSQL: each ends
as a case or in quarantine with its reason; nothing crashes, nothing leaves the database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailbot.ports import Outcome
from tests.support.desk import Desk, desks
from tests.support.hostile import HOSTILE

ENDS = {Outcome.NEW_CASE, Outcome.NOT_A_REQUEST, Outcome.QUARANTINED, Outcome.IGNORED}


@pytest.fixture
def desk(tmp_path: Path, database: object) -> Iterator[Desk]:
    yield from desks(tmp_path, database)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_mail_ends_as_a_case_or_in_quarantine(
    name: str, desk: Desk, tmp_path: Path
) -> None:
    before = set(os.listdir(tmp_path))
    result = desk.deliver(HOSTILE[name]())
    assert result.outcome in ENDS, result
    if result.outcome is Outcome.QUARANTINED:
        assert result.reason, name
    else:
        case = desk.case(result.reference or "")
        assert case["status"] != "new", case["status"]  # drafted, not stuck
        for draft in case["drafts"]:
            assert "\n" not in draft["subject"] and "\r" not in draft["subject"]
            assert draft["to"].count("@") == 1 and "," not in draft["to"]
    assert set(os.listdir(tmp_path)) == before  # nothing written beside the database


def test_the_forged_authentication_result_counts_for_nothing(desk: Desk) -> None:
    reference = desk.deliver(HOSTILE["forged Authentication-Results"]()).reference or ""
    case = desk.case(reference)
    assert case["identity"] == "spoofed"
    assert {d["kind"] for d in case["drafts"]} == {"sender_check"}  # nothing to the forger


def test_file_names_are_stored_as_names_only(desk: Desk) -> None:
    reference = desk.deliver(HOSTILE["../ and NUL in file names"]()).reference or ""
    names = [a["filename"] for mail in desk.case(reference)["mails"] for a in mail["attachments"]]
    assert len(names) == 4
    assert all("/" not in name and "\\\\" not in name and "\x00" not in name for name in names)
