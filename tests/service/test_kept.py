"""Data an erasure had to keep (issue 24): the date in the action and the reply, the record
when the erasure is done, the purge that leaves it and reminds the officer, ``kept done``."""

from __future__ import annotations

import asyncio
import csv
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from mailbot.config import settings_from_dict
from mailbot.core.cases import CaseOutcome
from mailbot.errors import NotFound
from mailbot.letters.render import Renderer
from mailbot.service import casework, retention
from mailbot.service.approval import action_done, case_actions
from mailbot.service.clock import Clock
from mailbot.service.drafting import Drafting
from mailbot.service.kept import kept_done, list_kept, record_kept
from mailbot.service.outbox import Outbox
from mailbot.service.today import today
from mailbot.storage.database import Database
from mailbot.storage.models import DraftActionRecord, KeptDataRecord, utcnow
from mailbot.storage.store import CaseStore
from tests.service.test_purge import Accepting
from tests.support.configs import base_config
from tests.support.datasets import crm_source, invoice_source, make_crm
from tests.support.desk import CLOCK, PASS, TOM, Desk, open_desk

ZONE = ZoneInfo("Europe/Amsterdam")
# Tom's invoices, the newest of 30 November 2025: kept until the end of 2032
INVOICES = [
    ("2024-001", "tom.baker@example.com", "2024-05-01", "120.00"),
    ("2025-107", "TOM.BAKER@EXAMPLE.COM", "2025-11-30", "80.50"),
    ("2026-003", "sanne.devries@example.net", "2026-01-15", "99.99"),
]
UNTIL = date(2032, 12, 31)


@pytest.fixture
def desk(tmp_path: Path, database: Database) -> Iterator[Desk]:
    path = tmp_path / "invoices.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["invoice", "email", "date", "amount"])
        writer.writerows(INVOICES)
    values = base_config(
        tmp_path,
        organisation={
            "trusted_authserv_id": "mx.voorbeeld.example",
            "automated_decisions": "geen",
            "transfers_outside_eea": "geen",
        },
    )
    values["sources"] = [
        crm_source(make_crm(tmp_path / "crm.db")).model_dump(mode="json"),
        invoice_source(path, keep_years=7, keep_from="date").model_dump(mode="json"),
    ]
    settings = settings_from_dict(values, tmp_path / "mailbot.toml", environ={})
    found = Desk(database, settings)
    found.drafting = Drafting(database, settings, found.sources, Renderer(), CLOCK)
    yield found
    found.close()


def erasure(desk: Desk) -> str:
    """Tom asks for erasure; every action but the invoices' is done."""
    reference = desk.mail("Verwijder al mijn gegevens.", From=TOM, Authentication_Results=PASS)
    assert reference.reference is not None
    for action in case_actions(desk.database, CLOCK, reference.reference).actions:
        if action.source != "invoices":
            action_done(desk.database, reference.reference, action.id, "rudi")
    return reference.reference


def invoices_action(desk: Desk, reference: str) -> int:
    (action,) = [
        a for a in case_actions(desk.database, CLOCK, reference).actions if a.source == "invoices"
    ]
    return action.id


def kept_records(database: Database) -> list[KeptDataRecord]:
    with database.reader() as session:
        return list(session.exec(select(KeptDataRecord)))


def test_the_action_and_the_reply_say_until_when_and_done_records_it(desk: Desk) -> None:
    reference = erasure(desk)
    (action,) = [
        a for a in case_actions(desk.database, CLOCK, reference).actions if a.source == "invoices"
    ]
    assert action.kept_until == "2032-12-31"
    assert action.text.startswith("Keep invoices (Facturen) until 2032-12-31 (wettelijke")
    reply = next(d for d in desk.drafts(reference) if d["kind"] == "reply")
    body = " ".join(desk.draft_body(reply["id"]).split())
    assert "- Facturen: bewaard tot en met 31 december 2032 (bewaartermijn: 7 jaar" in body
    assert kept_records(desk.database) == []  # nothing kept before the erasure is done

    assert action_done(desk.database, reference, action.id, "rudi", "closed off").open == 0
    (record,) = kept_records(desk.database)
    assert (record.reference, record.source, record.mailbox) == (reference, "invoices", "default")
    assert record.address == "tom.baker@example.com" and record.until == UNTIL
    assert record.done_at is None and record.reminded_at is None
    trail = desk.case(reference)["events"]
    assert [e["detail"] for e in trail if e["action"] == "kept"] == [
        {"source": "invoices", "until": "2032-12-31"}
    ]


def test_recording_is_idempotent_per_case_and_source(desk: Desk) -> None:
    reference = erasure(desk)
    action_id = invoices_action(desk, reference)
    action_done(desk.database, reference, action_id, "rudi")
    action_done(desk.database, reference, action_id, "rudi")  # done again: nothing more
    with desk.database.session() as session:  # as the execution of the plan calls it
        case = CaseStore(session).case(reference)
        action = session.get(DraftActionRecord, action_id)
        assert action is not None
        first = record_kept(session, case, action)
        session.commit()
    (record,) = kept_records(desk.database)
    assert first is not None and first.id == record.id
    # an action not done, or of another kind, records nothing
    with desk.database.session() as session:
        case = CaseStore(session).case(reference)
        crm = session.exec(
            select(DraftActionRecord).where(DraftActionRecord.source == "crm")
        ).first()
        assert crm is not None and record_kept(session, case, crm) is None


def close_after_sending(desk: Desk, reference: str) -> None:
    for kind in ("acknowledgement", "reply"):
        desk.approve(reference, kind)
    asyncio.run(Outbox(desk.database, desk.settings, Accepting()).send_due())
    casework.close(
        desk.database, desk.configuration, CLOCK, reference, outcome=CaseOutcome.PARTIALLY_GRANTED,
        actor="rudi",
    )  # fmt: skip


def test_the_case_purge_leaves_kept_data_and_the_daily_purge_reminds(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    reference = erasure(desk)
    action_done(desk.database, reference, invoices_action(desk, reference), "rudi")
    close_after_sending(desk, reference)

    # the case and then its register row go; the kept data stay, not due yet
    report = retention.purge(desk.database, desk.settings, now=utcnow() + timedelta(days=366))
    assert report.cases == [reference] and report.kept_due == []
    assert kept_records(desk.database)[0].address == "tom.baker@example.com"
    in_2032 = datetime(2032, 6, 1, 9, tzinfo=UTC)  # more than register_days after the close
    report = retention.purge(desk.database, desk.settings, now=in_2032)
    assert report.register == [reference] and report.kept_due == []
    (record,) = kept_records(desk.database)
    assert record.address == "tom.baker@example.com" and record.until == UNTIL
    last_day = datetime(2032, 12, 31, 22, 59, tzinfo=UTC)  # 23:59 in Amsterdam
    assert retention.purge(desk.database, desk.settings, now=last_day).kept_due == []

    # the day after its last day: named (no address), first reminded now; a dry run sets nothing
    after = datetime(2033, 1, 1, 9, tzinfo=UTC)
    dry = retention.purge(desk.database, desk.settings, now=after, dry_run=True)
    assert dry.kept_due == [f"{reference} in invoices"]
    assert kept_records(desk.database)[0].reminded_at is None
    with caplog.at_level(logging.WARNING):
        daily = retention.DailyPurge(desk.database, desk.settings)(after)
    assert daily is not None and daily.kept_due == [f"{reference} in invoices"]
    assert "1 set(s) of kept data have passed their retention period" in caplog.text
    assert "tom.baker" not in caplog.text and reference not in caplog.text
    (record,) = kept_records(desk.database)
    assert record.reminded_at is not None
    # reminded again the next day, the first reminder kept
    again = retention.purge(desk.database, desk.settings, now=after + timedelta(days=1))
    assert again.kept_due == [f"{reference} in invoices"]
    assert kept_records(desk.database)[0].reminded_at == record.reminded_at

    # the officer's Today list, without a link to the case (it is gone)
    clock = Clock(ZONE, today=date(2033, 1, 1))
    items = [item for item in today(desk.database, desk.settings, clock) if "Kept" in item.text]
    (item,) = items
    assert item.sentence() == (
        f"Kept data of {reference} in invoices may now be erased (kept until 2032-12-31)."
    )
    assert item.reference is None and item.link == "" and item.group == "officer"
    not_yet = Clock(ZONE, today=date(2032, 12, 31))
    assert not [i for i in today(desk.database, desk.settings, not_yet) if "Kept" in i.text]

    # done: the address goes at once, the reminders stop; the bare record goes after the
    # register's period
    assert record.id is not None
    erased = datetime(2033, 1, 2, 10, tzinfo=UTC)
    view = kept_done(desk.database, record.id, "rudi", erased.date(), note="gewist", now=erased)
    assert (view.state, view.address, view.done_by) == ("done", "", "rudi")
    assert list_kept(desk.database, date(2033, 1, 2))[0].as_json()["address"] == ""
    later = datetime(2033, 1, 3, 9, tzinfo=UTC)
    assert retention.purge(desk.database, desk.settings, now=later).kept_due == []
    assert [i for i in today(desk.database, desk.settings, clock) if "Kept" in i.text] == []
    days = desk.settings.retention.register_days
    kept = retention.purge(desk.database, desk.settings, now=erased + timedelta(days=days - 1))
    assert kept.kept_deleted == 0 and len(kept_records(desk.database)) == 1
    gone = retention.purge(desk.database, desk.settings, now=erased + timedelta(days=days))
    assert gone.kept_deleted == 1 and kept_records(desk.database) == []


def test_kept_done_tells_the_trail_of_a_case_that_still_exists(desk: Desk) -> None:
    reference = erasure(desk)
    action_done(desk.database, reference, invoices_action(desk, reference), "rudi")
    (record,) = kept_records(desk.database)
    assert record.id is not None
    listed = list_kept(desk.database, date(2026, 3, 10))
    assert [(v.state, v.until, v.address) for v in listed] == [
        ("kept", UNTIL, "tom.baker@example.com")
    ]
    assert list_kept(desk.database, date(2026, 3, 10), {"other"}) == []
    first = kept_done(desk.database, record.id, "rudi", date(2026, 3, 10), note="gewist, vroeg")
    second = kept_done(desk.database, record.id, "iemand", date(2026, 3, 11))
    assert first.done_at == second.done_at and second.done_by == "rudi"  # done once
    trail = [e for e in desk.case(reference)["events"] if e["action"] == "kept_erased"]
    assert [e["detail"] for e in trail] == [
        {"source": "invoices", "until": "2032-12-31", "note": "gewist, vroeg"}
    ]
    with pytest.raises(NotFound, match="no kept data 999"):
        kept_done(desk.database, 999, "rudi", date(2026, 3, 10))


def test_a_source_without_keep_years_records_nothing(tmp_path: Path, database: Database) -> None:
    plain = open_desk(tmp_path, database)  # invoices kept "7 jaar", no keep_years
    try:
        reference = erasure(plain)
        action_id = invoices_action(plain, reference)
        (action,) = [
            a for a in case_actions(database, CLOCK, reference).actions if a.id == action_id
        ]
        assert action.kept_until == "7 jaar (art. 52 AWR)"
        action_done(database, reference, action_id, "rudi")
        assert kept_records(database) == []
    finally:
        plain.close()


def test_ending_the_customer_relationship_is_an_erasure_that_keeps_the_invoices(
    desk: Desk,
) -> None:
    """The privacy statement: ending the relationship counts as erasure, the kept categories
    excluded (and said until when)."""
    found = desk.mail(
        "Ik wil mijn klantrelatie met jullie beëindigen; ik wil geen gebruik meer maken van jullie "
        "diensten.",
        From=TOM,
        Authentication_Results=PASS,
    )
    assert found.reference is not None
    assert "erasure" in desk.case(found.reference)["rights"]
    actions = case_actions(desk.database, CLOCK, found.reference).actions
    kept = [a for a in actions if a.source == "invoices"]
    assert [a.kept_until for a in kept] == ["2032-12-31"]  # not erased: kept, with the day
    assert any(a.source == "crm" and a.text.startswith("Erase") for a in actions)
