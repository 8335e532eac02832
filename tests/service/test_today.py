"""The Today list read from the database (``service.today``): what waits, for whom, with
nothing of a person in it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mailbot.core.today import Group
from mailbot.service.approval import approve
from mailbot.service.today import next_steps, today
from mailbot.storage.database import Database
from mailbot.storage.store import CaseStore
from tests.support.desk import CLOCK, TOM, Desk, desks


@pytest.fixture
def desk(tmp_path: Path, database: Database) -> Iterator[Desk]:
    yield from desks(tmp_path, database)


def test_drafts_to_approve_and_mail_mailbot_is_unsure_of(desk: Desk) -> None:
    access = desk.mail("Welke gegevens hebben jullie van mij?", From=TOM).reference or ""
    unsure = desk.mail("Hoe zit het met mijn privacy bij jullie?", From=TOM).reference or ""
    with desk.database.session() as session:  # as mailbot files a mail it is unsure is none
        case = CaseStore(session).case(unsure)
        case.status, case.low_confidence, case.needs_decision = "not_a_request", True, False
        session.add(case)
        session.commit()
    items = today(desk.database, desk.settings, CLOCK)
    mine = [(item.reference, item.sentence(), item.link) for item in items]
    assert all(item.group is Group.OFFICER for item in items)
    assert (access, "Check and approve the reply (draft 2).", "/drafts/2") in mine
    missed = next(entry for entry in mine if entry[0] == unsure)
    assert missed[1].startswith("mailbot took this mail for no request, but is not sure")
    assert missed[2] == f"/cases/{unsure}/decide"
    assert not any("tom" in sentence.lower() for _, sentence, _ in mine)  # references only


def test_approved_mail_without_an_smtp_server_and_the_case_page_steps(desk: Desk) -> None:
    reference = desk.mail("Welke gegevens hebben jullie van mij?", From=TOM).reference or ""
    for draft in desk.drafts(reference):
        approve(desk.database, desk.configuration, CLOCK, draft["id"], "rudi")
    items = today(desk.database, desk.settings, CLOCK)
    assert desk.settings.smtp is None  # the desk has no SMTP server configured
    (item,) = items
    assert item.sentence().startswith("2 approved mail(s) cannot leave: no SMTP server")
    (step,) = next_steps(desk.database, CLOCK, reference)
    assert (step.group, step.sentence()) == (Group.MAILBOT, "Approved: mailbot sends it shortly.")
