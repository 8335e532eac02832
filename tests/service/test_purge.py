"""The register is what it says (issue 22): after a purge nothing in any table leads from a
register row to the person, a mail still in the mailbox is not read again, and the register
row itself goes after the register's own period."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, select

from mailbot.core.cases import CaseOutcome
from mailbot.ports import Envelope, MailKey, MailRef, Outcome
from mailbot.service import casework, register, retention
from mailbot.service.outbox import Outbox
from mailbot.storage.database import Database
from mailbot.storage.models import (
    CaseEventRecord,
    CaseRecord,
    MailRecord,
    OutboxRecord,
    PurgedMailRecord,
    utcnow,
)
from mailbot.storage.store import CaseStore
from tests.support.desk import CLOCK, TOM, Desk, desks
from tests.support.mails import simple

SANNE = "Sanne de Vries <sanne.devries@example.net>"
ARRIVED = datetime(2026, 3, 5, 9, tzinfo=UTC)
AFTER_A_YEAR = timedelta(days=366)


@pytest.fixture
def desk(tmp_path: Path, database: Database) -> Iterator[Desk]:
    yield from desks(tmp_path, database)


class Accepting:
    """An SMTP server that takes every mail (the outbox's own tests use a real one)."""

    name = "accepting"

    async def send(self, envelope: Envelope) -> str:
        return "250 2.0.0 queued"

    async def check(self) -> str:
        return "ok"

    async def close(self) -> None:
        pass


@dataclass
class Traces:
    """What could lead to the person of a case: every identifier of its mails."""

    refs: list[tuple[MailRef, bytes]] = field(default_factory=list)
    values: set[str] = field(default_factory=set)


def arrive(desk: Desk, traces: Traces, uid: str, raw: bytes) -> str | None:
    """A mail lies in the Maildir as ``uid`` and is read by the real intake; drafting runs."""
    ref = MailRef(MailKey("maildir", "/officer/Maildir", 0, uid), len(raw), ARRIVED)
    result = desk.intake.process(ref, raw)
    desk.drafting.run()
    traces.refs.append((ref, raw))
    with desk.database.reader() as session:
        mail = CaseStore(session).mail(result.mail_id)
        traces.values |= {
            value
            for value in (mail.message_id, mail.fingerprint, mail.content_hash, mail.uid)
            if value
        }
    return result.reference


def tom_and_his_mails(desk: Desk) -> tuple[str, Traces]:
    """Tom asks for access, the acknowledgement and the reply are sent, he answers, and an
    auto-reply (no case) arrives too; then his case is closed."""
    traces = Traces(values={"tom.baker@example.com", "Tom Baker"})
    subject = "Inzageverzoek van de heer Baker over zijn klantdossier"
    reference = arrive(
        desk,
        traces,
        "1765432100.M1P1.tom-request",
        simple(
            "Welke gegevens hebben jullie van mij?",
            From=TOM,
            Subject=subject,
            Message_ID="<tom-request-71@mail.example.com>",
        ),
    )
    assert reference is not None
    traces.values.add(subject)
    sent = [
        desk.approve(reference, draft["kind"])
        for draft in desk.drafts(reference)
        if draft["status"] == "pending"
    ]
    assert sent
    traces.values |= set(sent)
    assert asyncio.run(Outbox(desk.database, desk.settings, Accepting()).send_due()).sent == 2
    thanks = "Bedankt voor het overzicht van mijn gegevens"
    assert (
        arrive(
            desk,
            traces,
            "1765432200.M2P2.tom-thanks",
            simple(
                "Dank u wel, ik heb alles ontvangen.",
                From=TOM,
                Subject=thanks,
                Message_ID="<tom-thanks-72@mail.example.com>",
                In_Reply_To=sent[0],
                References=sent[0],
            ),
        )
        == reference
    )
    traces.values.add(thanks)
    away = "Afwezigheidsbericht van Karel Ruijsdael"
    arrive(
        desk,
        traces,
        "1765432300.M3P3.karel-away",
        simple(
            "Ik ben afwezig tot maandag.",
            From="Karel Ruijsdael <karel.ruijsdael@example.org>",
            Subject=away,
            Message_ID="<karel-away-73@example.org>",
            Auto_Submitted="auto-replied",
        ),
    )
    traces.values |= {away, "karel.ruijsdael@example.org"}
    with desk.database.reader() as session:
        case_id = CaseStore(session).case(reference).id
        outbox = session.exec(select(OutboxRecord.message_id)).all()
        case_messages = CaseStore(session).message_ids(case_id or 0)
    traces.values |= set(outbox) | set(case_messages)
    casework.close(
        desk.database, desk.configuration, CLOCK, reference, outcome=CaseOutcome.GRANTED,
        actor="rudi", note="Tom heeft alles ontvangen",
    )  # fmt: skip
    return reference, traces


def text_of(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def every_value(database: Database) -> Iterator[tuple[str, str, str]]:
    """Every value of every column of every row of every table: (table, column, text)."""
    with database.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for row in connection.execute(table.select()).mappings():
                for column, value in row.items():
                    if value is not None:
                        yield table.name, column, text_of(value)


def test_after_a_purge_no_table_holds_an_identifier_of_its_mails(desk: Desk) -> None:
    reference, traces = tom_and_his_mails(desk)
    still_open = desk.mail("Verwijder al mijn gegevens.", From=SANNE).reference
    found_before = [
        (table, column)
        for table, column, text in every_value(desk.database)
        if any(value.lower() in text.lower() for value in traces.values)
    ]
    assert {"mails", "raw_mails", "case_messages", "outbox", "drafts"} <= {
        table for table, _ in found_before
    }  # the walk sees them where they are

    report = retention.purge(desk.database, desk.settings, now=utcnow() + AFTER_A_YEAR)

    assert report.cases == [reference] and report.mails == 3
    left = [
        (table, column, value)
        for table, column, text in every_value(desk.database)
        for value in traces.values
        if value.lower() in text.lower()
    ]
    assert left == []
    with desk.database.reader() as session:
        assert session.exec(select(func.count()).select_from(MailRecord)).one() == 1  # Sanne's
        purged = session.exec(select(PurgedMailRecord)).all()
        case = CaseStore(session).case(reference)
    columns = SQLModel.metadata.tables["purged_mails"].columns.keys()
    assert len(purged) == 3 and columns == [
        "mailbox",
        "key_hash",
        "content_hash",
        "uidvalidity",
        "disposition",
    ]
    assert case.purged_at is not None and still_open is not None
    assert [row.reference for row in register.rows(desk.database, CLOCK)] == [
        reference,
        still_open,
    ]


def test_a_purged_mail_still_in_the_mailbox_is_not_read_again(desk: Desk) -> None:
    reference, traces = tom_and_his_mails(desk)
    with desk.database.reader() as session:
        before = {(mail.uid, mail.disposition) for mail in session.exec(select(MailRecord)).all()}
    retention.purge(desk.database, desk.settings, now=utcnow() + AFTER_A_YEAR)
    refs = [ref for ref, _ in traces.refs]

    unseen, recorded = desk.intake.sort(refs)  # the worker's next look at the Maildir
    assert unseen == []
    assert {(ref.key.uid, str(outcome)) for ref, outcome in recorded} == before
    for number, (ref, raw) in enumerate(traces.refs, 1):  # given to intake all the same
        again = desk.intake.process(ref, raw)
        assert again.purged and again.reference is None
        # and after the server renumbered the folder (a new UIDVALIDITY), by its bytes
        new_key = MailKey(ref.key.source, ref.key.folder, 9, str(number))
        renumbered = MailRef(new_key, ref.size, ARRIVED)
        moved = desk.intake.process(renumbered, raw)
        assert moved.purged and moved.outcome == again.outcome
        assert desk.intake.sort([renumbered]) == ([], [(renumbered, again.outcome)])
    desk.drafting.run()
    with desk.database.reader() as session:
        assert session.exec(select(func.count()).select_from(MailRecord)).one() == 0
        assert session.exec(select(func.count()).select_from(CaseRecord)).one() == 1
        assert session.exec(select(func.count()).select_from(PurgedMailRecord)).one() == 6
    assert desk.case(reference)["mails"] == []
    assert Outcome.NEW_CASE in {outcome for _, outcome in recorded}


def test_mail_sent_after_a_purge_is_never_taken_for_a_purged_one(desk: Desk) -> None:
    """What an outsider (or the person) can send after a purge: the same bytes again at a new
    place in the same folder, or a reply that names the purged thread's Message-IDs. Each is
    new mail: a new request is never swallowed as "read before", nor joined to the old case."""
    reference, traces = tom_and_his_mails(desk)
    retention.purge(desk.database, desk.settings, now=utcnow() + AFTER_A_YEAR)
    (_, first_raw), *_ = traces.refs
    same_bytes = MailRef(MailKey("maildir", "/officer/Maildir", 0, "new-uid"), 1, ARRIVED)
    again = desk.intake.process(same_bytes, first_raw)  # the same folder, no renumbering
    assert not again.purged and again.reference not in (None, reference)
    claimed = desk.mail(
        "Verwijder alles over mij.",
        From=TOM,
        Message_ID="<tom-request-71@mail.example.com>",  # chosen: the purged request's own
        In_Reply_To="<tom-request-71@mail.example.com>",
        References="<tom-request-71@mail.example.com>",
    )
    assert not claimed.purged
    assert claimed.reference not in (None, reference, again.reference)


def test_the_register_row_and_its_trail_go_after_the_registers_period(desk: Desk) -> None:
    reference, _ = tom_and_his_mails(desk)
    other = desk.mail("Verwijder al mijn gegevens.", From=SANNE).reference or ""
    open_before = desk.case(other)
    assert desk.settings.retention.register_days == 1826  # five years by default
    with desk.database.reader() as session:
        case_id = CaseStore(session).case(reference).id
    ended = utcnow()

    retention.purge(desk.database, desk.settings, now=ended + AFTER_A_YEAR)
    kept = retention.purge(desk.database, desk.settings, now=ended + timedelta(days=1825))
    assert kept.register == []
    assert [row.reference for row in register.rows(desk.database, CLOCK)] == [reference, other]

    gone = retention.purge(desk.database, desk.settings, now=ended + timedelta(days=1827))

    assert gone.register == [reference] and gone.trail > 0
    assert [row.reference for row in register.rows(desk.database, CLOCK)] == [other]
    with desk.database.reader() as session:
        trail = session.exec(select(CaseEventRecord).where(CaseEventRecord.case_id == case_id))
        assert trail.all() == []
        assert session.get(CaseRecord, case_id) is None
        assert session.exec(select(func.count()).select_from(PurgedMailRecord)).one() == 3
    assert desk.case(other) == open_before  # an open case is never touched


def test_a_dry_run_names_the_register_rows_it_would_delete_and_deletes_nothing(
    desk: Desk,
) -> None:
    reference, _ = tom_and_his_mails(desk)
    later = utcnow() + timedelta(days=2000)
    report = retention.purge(desk.database, desk.settings, now=later, dry_run=True)
    assert report.cases == [reference] and report.register == [reference]
    assert desk.case(reference)["purged_at"] is None
    assert retention.purge(desk.database, desk.settings, now=later).register == [reference]
