"""Lists and pages of drafts read the attachments' names and sizes, never their bytes: a
case with large copies of data lists as fast as one without."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from mailbot.service.draft_views import attachment_content, case_drafts, list_drafts, show_draft
from mailbot.storage.database import Database
from mailbot.storage.store import CaseStore
from tests.support.desk import CLOCK, TOM, Desk, desks


@pytest.fixture
def desk(tmp_path: Path, database: Database) -> Iterator[Desk]:
    yield from desks(tmp_path, database)


@pytest.fixture
def statements(database: Database) -> Iterator[list[str]]:
    """The SQL that the database is sent while the test runs."""
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(str(args[2]))

    for engine in {database.engine, database.read_engine}:
        event.listen(engine, "before_cursor_execute", record)
    yield sent
    for engine in {database.engine, database.read_engine}:
        event.remove(engine, "before_cursor_execute", record)


def _reads_bytes(sent: list[str]) -> list[str]:
    return [sql for sql in sent if re.search(r"draft_attachments\.content\b", sql)]


def test_listing_and_showing_drafts_reads_no_attachment_bytes(
    desk: Desk, database: Database, statements: list[str]
) -> None:
    reference = desk.mail("Ik wil graag weten welke gegevens jullie van mij hebben.", From=TOM)
    assert reference.reference is not None
    reply = next(d for d in desk.drafts(reference.reference) if d["attachments"])
    statements.clear()
    listed = list_drafts(database, CLOCK)
    shown = show_draft(database, CLOCK, reply["id"])
    with database.reader() as session:
        case = CaseStore(session).case(reference.reference)
        of_case = case_drafts(session, case, CLOCK)
    assert statements and _reads_bytes(statements) == []
    names = tuple(reply["attachments"])
    assert [d.attachments for d in listed if d.id == reply["id"]] == [names]
    assert [d.attachments for d in of_case if d.id == reply["id"]] == [names]
    files = shown.attachment_files
    assert tuple(item.filename for item in files) == names
    content = attachment_content(database, reply["id"], names[0])  # the bytes, when asked for
    assert len(content) == files[0].size > 0
    assert _reads_bytes(statements) != []
