"""The officer's decisions: close, reopen, extend, refuse, and requests that came by post."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from mailbot.core.approval import DraftChoice
from mailbot.core.cases import CaseOutcome, Channel, ExtensionGround, RefusalGround
from mailbot.core.rights import Right
from mailbot.errors import NotAllowed
from mailbot.service import casework, register, retention
from mailbot.service.approval import approve, reject
from mailbot.service.cases import reclassify
from mailbot.storage.database import Database
from mailbot.storage.models import ReviewCopyRecord, utcnow
from tests.support.desk import CLOCK, TOM, Desk, desks

SANNE = "Sanne de Vries <sanne.devries@example.net>"

EXT = ExtensionGround.COMPLEXITY
REFUSED = RefusalGround.MANIFESTLY_UNFOUNDED


@pytest.fixture
def desk(tmp_path: Path, database: Database) -> Iterator[Desk]:
    yield from desks(tmp_path, database)


def access_case(desk: Desk) -> str:
    return desk.mail("Welke gegevens hebben jullie van mij?", From=TOM).reference or ""


def test_closing_records_the_outcome_and_drops_pending_drafts(desk: Desk) -> None:
    reference = access_case(desk)
    closed = casework.close(
        desk.database, desk.configuration, CLOCK, reference, outcome=CaseOutcome.WITHDRAWN,
        actor="rudi", note="person withdrew by phone", drafts=DraftChoice.REJECT,
    )  # fmt: skip
    assert closed.status == "closed" and closed.outcome == "withdrawn"
    assert {d["status"] for d in desk.drafts(reference)} == {"rejected"}
    events = desk.case(reference)["events"]
    assert any(e["action"] == "closed" and e["detail"]["note"] == "person withdrew by phone"
               for e in events)  # fmt: skip
    with pytest.raises(NotAllowed, match="already closed"):
        casework.close(
            desk.database,
            desk.configuration,
            CLOCK,
            reference,
            outcome=CaseOutcome.GRANTED,
            actor="rudi",
        )


def test_a_case_cannot_be_closed_or_reclassified_while_its_answer_is_on_its_way(
    desk: Desk,
) -> None:
    reference = access_case(desk)
    reply = next(d for d in desk.drafts(reference) if d["kind"] == "reply")
    approve(desk.database, desk.configuration, CLOCK, reply["id"], "rudi")
    with pytest.raises(NotAllowed, match="approved and waiting to be sent"):
        casework.close(
            desk.database,
            desk.configuration,
            CLOCK,
            reference,
            outcome=CaseOutcome.GRANTED,
            actor="r",
        )
    with pytest.raises(NotAllowed, match="approved and waiting to be sent"):
        reclassify(desk.database, CLOCK, reference, rights=(Right.ERASURE,), actor="r")
    reject(desk.database, CLOCK, reply["id"], "rudi", "not yet")
    with pytest.raises(NotAllowed, match="none was sent: approve and send the reply first"):
        casework.close(
            desk.database, desk.configuration, CLOCK, reference, outcome=CaseOutcome.GRANTED,
            actor="rudi", drafts=DraftChoice.REJECT,
        )  # fmt: skip
    casework.close(
        desk.database, desk.configuration, CLOCK, reference, outcome=CaseOutcome.WITHDRAWN,
        actor="rudi", drafts=DraftChoice.REJECT,
    )  # fmt: skip


def test_reopening_drafts_the_case_again(desk: Desk) -> None:
    reference = access_case(desk)
    casework.close(
        desk.database, desk.configuration, CLOCK, reference, outcome=CaseOutcome.WITHDRAWN,
        actor="rudi", drafts=DraftChoice.REJECT,
    )  # fmt: skip
    other = desk.mail("Wat weten jullie van mij?", From="Eve <eve@example.org>").reference
    with pytest.raises(NotAllowed, match="cannot be reopened"):
        casework.reopen(desk.database, CLOCK, other or "", actor="rudi", reason="x")
    reopened = casework.reopen(desk.database, CLOCK, reference, actor="rudi", reason="new facts")
    assert reopened.status == "new" and reopened.outcome is None
    desk.drafting.run()
    assert desk.case(reference)["status"] == "ready_for_review"
    # The acknowledgement dropped at closing was never sent: it is drafted again too.
    assert desk.pending(reference) == [
        ("acknowledgement", "tom.baker@example.com"),
        ("reply", "tom.baker@example.com"),
    ]


def test_an_extension_moves_the_due_date_and_drafts_the_notice(desk: Desk) -> None:
    reference = access_case(desk)  # received 5 March 2026, due 7 April (Easter Monday on the 6th)
    assert desk.case(reference)["due_date"] == "2026-04-07"
    extended = casework.extend(
        desk.database, desk.drafting, CLOCK, reference, reason="uw gegevens staan in vijf systemen",
        ground=EXT, actor="rudi",
    )  # fmt: skip
    assert extended.due_date == "2026-06-05" and extended.original_due_date == "2026-04-07"
    assert extended.extended and (extended.extension_reason or "").startswith("uw gegevens")
    notice = next(d for d in desk.drafts(reference) if d["kind"] == "extension")
    assert notice["status"] == "pending" and notice["to"] == "tom.baker@example.com"
    body = desk.draft_body(notice["id"])
    assert "5 juni 2026" in body and "uw gegevens staan in vijf systemen" in body
    with pytest.raises(NotAllowed, match="already been extended"):
        casework.extend(
            desk.database, desk.drafting, CLOCK, reference, reason="x", ground=EXT, actor="r"
        )
    # Reclassifying keeps the announced extension.
    reclassify(desk.database, CLOCK, reference, rights=(Right.ACCESS, Right.ERASURE), actor="r")
    assert desk.case(reference)["due_date"] == "2026-06-05"


def test_an_extension_after_the_first_month_is_refused(desk: Desk) -> None:
    reference = access_case(desk)
    late = replace(CLOCK, today=date(2026, 4, 8))
    with pytest.raises(NotAllowed, match="first month ended on 2026-04-07"):
        casework.extend(
            desk.database, desk.drafting, late, reference, reason="x", ground=EXT, actor="r"
        )
    assert desk.case(reference)["due_date"] == "2026-04-07"


def test_rejecting_the_notice_withdraws_the_extension(desk: Desk) -> None:
    reference = access_case(desk)
    casework.extend(
        desk.database, desk.drafting, CLOCK, reference, reason="drukte", ground=EXT, actor="r"
    )
    notice = next(d for d in desk.drafts(reference) if d["kind"] == "extension")
    reject(desk.database, CLOCK, notice["id"], "rudi", "toch niet nodig")
    case = desk.case(reference)
    assert (case["due_date"], case["extended"]) == ("2026-04-07", False)


def test_an_extension_notice_approved_too_late_is_refused(desk: Desk) -> None:
    reference = access_case(desk)
    casework.extend(
        desk.database, desk.drafting, CLOCK, reference, reason="drukte", ground=EXT, actor="r"
    )
    notice = next(d for d in desk.drafts(reference) if d["kind"] == "extension")
    late = replace(CLOCK, today=date(2026, 4, 8))
    with pytest.raises(NotAllowed, match="must be sent within it"):
        approve(desk.database, desk.configuration, late, notice["id"], "rudi")
    approve(desk.database, desk.configuration, CLOCK, notice["id"], "rudi")


def test_a_refusal_replaces_the_reply(desk: Desk) -> None:
    reference = access_case(desk)
    refused = casework.refuse(
        desk.database, desk.drafting, CLOCK, reference,
        reason="het verzoek is kennelijk ongegrond", ground=REFUSED, actor="rudi",
    )  # fmt: skip
    assert refused.status == "ready_for_review"
    pending = desk.pending(reference)
    assert ("refusal", "tom.baker@example.com") in pending
    assert all(kind != "reply" for kind, _to in pending)
    body = desk.draft_body(refused.draft)
    assert "kennelijk ongegrond" in body and "Autoriteit Persoonsgegevens" in body
    assert "zes weken" in body
    approve(desk.database, desk.configuration, CLOCK, refused.draft, "rudi")
    assert desk.case(reference)["status"] == "approved"


def test_a_request_by_post_gets_a_case_and_a_clock(desk: Desk) -> None:
    made = casework.new_case(
        desk.database, desk.settings, CLOCK, requester="Tom.Baker@Example.com",
        rights=(Right.ACCESS,), received=date(2026, 3, 2), channel=Channel.POST, actor="rudi",
        name="Tom Baker", language="en", note="letter of 28 February",
    )  # fmt: skip
    assert made.channel == "post" and made.due_date == "2026-04-02"
    assert made.requester == "tom.baker@example.com"
    desk.drafting.run()
    case = desk.case(made.reference)
    assert (case["status"], case["identity"]) == ("ready_for_review", "known")
    assert desk.pending(made.reference) == [
        ("acknowledgement", "tom.baker@example.com"),
        ("reply", "tom.baker@example.com"),
    ]
    created = next(e for e in case["events"] if e["action"] == "created")
    assert created["actor"] == "rudi" and created["detail"]["channel"] == "post"


@pytest.mark.parametrize(
    ("requester", "rights", "received", "says"),
    [
        ("not an address", (Right.ACCESS,), date(2026, 3, 2), "not an e-mail address"),
        ("tom@example.com", (), date(2026, 3, 2), "at least one right"),
        ("tom@example.com", (Right.ACCESS,), date(2026, 3, 11), "in the future"),
    ],
)
def test_a_case_by_post_needs_an_address_a_right_and_a_past_day(
    desk: Desk, requester: str, rights: tuple[Right, ...], received: date, says: str
) -> None:
    with pytest.raises(NotAllowed, match=says):
        casework.new_case(
            desk.database, desk.settings, CLOCK, requester=requester, rights=rights,
            received=received, channel=Channel.PHONE, actor="rudi",
        )  # fmt: skip


def test_a_purge_removes_a_closed_case_and_leaves_an_open_one_alone(desk: Desk) -> None:
    closed = access_case(desk)
    still_open = desk.mail("Verwijder al mijn gegevens.", From=SANNE).reference or ""
    casework.close(
        desk.database, desk.configuration, CLOCK, closed, outcome=CaseOutcome.WITHDRAWN,
        actor="rudi", note="Tom belde om in te trekken", drafts=DraftChoice.REJECT,
    )  # fmt: skip
    with desk.database.session() as session:  # copies placed in the officer's mailbox
        for number, draft in enumerate(desk.case(closed)["drafts"]):
            session.add(
                ReviewCopyRecord(
                    draft_id=draft["id"], fingerprint="0" * 64, state="done",
                    message_id=f"<review.{number}@x>", note_message_id=f"<note.{number}@x>",
                    placed_at=utcnow(),
                )
            )  # fmt: skip
        session.commit()
    open_before = desk.case(still_open)
    rows_before = register.rows(desk.database, CLOCK)
    soon = retention.purge(desk.database, desk.settings, now=utcnow() + timedelta(days=364))
    assert soon.cases == []  # within the year: nothing
    report = retention.purge(desk.database, desk.settings, now=utcnow() + timedelta(days=366))
    assert report.cases == [closed]
    assert (report.mails, report.raw_mails, report.drafts) == (1, 1, 2)  # acknowledgement, reply
    assert desk.case(still_open) == open_before
    assert register.rows(desk.database, CLOCK) == rows_before
    purged = desk.case(closed)
    assert (purged["requester"], purged["requester_name"], purged["subject"]) == (None, None, "")
    assert purged["evidence"] == [] and purged["drafts"] == [] and purged["purged_at"]
    assert purged["mails"] == [] and purged["message_ids"] == []  # only keyed hashes stay
    trail = json.dumps(purged["events"])
    assert "tom" not in trail.lower() and "belde" not in trail
    with desk.database.reader() as session:
        assert session.exec(select(ReviewCopyRecord)).all() == []
    with pytest.raises(NotAllowed, match="purged"):
        casework.reopen(desk.database, CLOCK, closed, actor="rudi", reason="again")


def test_the_worker_purges_once_a_day(desk: Desk) -> None:
    daily = retention.DailyPurge(desk.database, desk.settings)
    start = utcnow()
    assert daily(start) is not None
    assert daily(start + timedelta(hours=23)) is None
    assert daily(start + timedelta(hours=25)) is not None
