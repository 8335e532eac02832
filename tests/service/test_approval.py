"""The officer's review: approving queues the mail once, rejecting and editing, actions first."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from mailbot.config import Configuration, SuppressionSettings
from mailbot.errors import NotAllowed
from mailbot.service.approval import action_done, approve, case_actions, edit, reject
from mailbot.service.draft_views import show_draft
from mailbot.service.suppression import check
from mailbot.storage.database import Database
from mailbot.storage.models import DraftRecord, OutboxRecord
from tests.support.desk import CLOCK, PASS, TOM, Desk, desks


@pytest.fixture
def desk(tmp_path: Path, database: Database) -> Iterator[Desk]:
    yield from desks(
        tmp_path,
        database,
        smtp={
            "host": "127.0.0.1",
            "from_address": "privacy@voorbeeld.example",
            "from_name": "Voorbeeld B.V.",
        },
    )


def queued(database: Database) -> list[OutboxRecord]:
    with database.reader() as session:
        return list(session.exec(select(OutboxRecord).order_by(col(OutboxRecord.id))))


def draft_of(desk: Desk, reference: str, kind: str) -> dict[str, Any]:
    return next(
        d for d in desk.drafts(reference) if d["kind"] == kind and d["status"] != "rejected"
    )


def access_case(desk: Desk) -> str:
    return (
        desk.mail("Ik wil graag weten welke gegevens jullie van mij hebben.", From=TOM).reference
        or ""
    )


def test_approving_builds_the_mail_once_and_queues_it(desk: Desk) -> None:
    reference = access_case(desk)
    reply = draft_of(desk, reference, "reply")
    approved = approve(desk.database, desk.configuration, CLOCK, reply["id"], "rudi")
    (row,) = queued(desk.database)
    assert row.message_id == approved.message_id
    assert row.message_id.endswith("@voorbeeld.example>")
    assert (row.state, row.recipient, row.sender) == (
        "queued", "tom.baker@example.com", "privacy@voorbeeld.example",
    )  # fmt: skip
    message = message_from_bytes(row.content, policy=policy.default)
    assert message["Message-ID"] == row.message_id
    assert message["Subject"] == reply["subject"] and reference in message["Subject"]
    assert message["To"] == "tom.baker@example.com"
    assert {part.get_filename() for part in message.iter_attachments()} == set(reply["attachments"])
    case = desk.case(reference)
    assert case["status"] == "approved"
    trail = [(event["actor"], event["action"]) for event in case["events"]]
    assert ("rudi", "approved") in trail and ("rudi", "status") in trail
    status_event = next(
        e for e in case["events"] if e["action"] == "status" and e["actor"] == "rudi"
    )
    assert status_event["detail"] == {
        "from": "ready_for_review",
        "to": "approved",
        "why": "approved",
    }
    shown = desk.drafts(reference)
    assert draft_of(desk, reference, "reply")["approved_by"] == "rudi"
    assert any(d["message_id"] == row.message_id for d in shown)
    with pytest.raises(NotAllowed, match="already approved"):
        approve(desk.database, desk.configuration, CLOCK, reply["id"], "rudi")
    assert len(queued(desk.database)) == 1


def test_a_reply_waits_for_the_identity_check(desk: Desk) -> None:
    reference = (
        desk.mail("Welke gegevens hebben jullie van mij?", From="Eve <eve@example.org>").reference
        or ""
    )
    request = draft_of(desk, reference, "identification_request")
    approve(desk.database, desk.configuration, CLOCK, request["id"], "rudi")
    assert desk.case(reference)["status"] == "awaiting_identity"  # only the answer moves a case


def test_erasure_cannot_be_approved_while_an_action_is_open(desk: Desk) -> None:
    reference = (
        desk.mail("Verwijder al mijn gegevens.", From=TOM, Authentication_Results=PASS).reference
        or ""
    )
    reply = draft_of(desk, reference, "reply")
    actions = case_actions(desk.database, CLOCK, reference)
    assert actions.draft == reply["id"]
    # erase in the CRM, tell its recipient (Art. 19), keep the invoices
    assert [(a.source, a.done) for a in actions.actions] == [
        ("crm", False),
        ("crm", False),
        ("invoices", False),
    ]
    assert "Tell Hostingbedrijf X (verwerker)" in actions.actions[1].text
    with pytest.raises(NotAllowed, match=r"3 action\(s\) are still open") as refused:
        approve(desk.database, desk.configuration, CLOCK, reply["id"], "rudi")
    assert "mailbot cases done" in str(refused.value)
    first, told, second = (a.id for a in actions.actions)
    assert action_done(desk.database, reference, first, "rudi", "erased in the CRM").open == 2
    assert action_done(desk.database, reference, told, "rudi", "mailed the hoster").open == 1
    with pytest.raises(NotAllowed, match=r"1 action\(s\) are still open"):
        approve(desk.database, desk.configuration, CLOCK, reply["id"], "rudi")
    assert action_done(desk.database, reference, second, "rudi").open == 0
    approve(desk.database, desk.configuration, CLOCK, reply["id"], "rudi")
    done = case_actions(desk.database, CLOCK, reference).actions
    assert all(a.done and a.done_by == "rudi" for a in done)
    trail = [e["action"] for e in desk.case(reference)["events"]]
    assert trail.count("action_done") == 3


def test_an_action_of_another_case_is_not_found(desk: Desk) -> None:
    one = (
        desk.mail("Verwijder al mijn gegevens.", From=TOM, Authentication_Results=PASS).reference
        or ""
    )
    other = access_case(desk)
    action = case_actions(desk.database, CLOCK, one).actions[0].id
    with pytest.raises(Exception, match=f"case {other} has no action {action}"):
        action_done(desk.database, other, action, "rudi")


def test_rejecting_an_approved_draft_takes_it_out_of_the_outbox(desk: Desk) -> None:
    reference = access_case(desk)
    reply = draft_of(desk, reference, "reply")
    approve(desk.database, desk.configuration, CLOCK, reply["id"], "rudi")
    with pytest.raises(NotAllowed, match="give a reason"):
        reject(desk.database, CLOCK, reply["id"], "rudi", " ")
    reject(desk.database, CLOCK, reply["id"], "rudi", "wrong person")
    assert queued(desk.database) == []
    assert desk.case(reference)["status"] == "ready_for_review"
    with pytest.raises(NotAllowed, match="was rejected"):
        approve(desk.database, desk.configuration, CLOCK, reply["id"], "rudi")
    with pytest.raises(NotAllowed, match="it is rejected"):
        reject(desk.database, CLOCK, reply["id"], "rudi", "again")


def test_the_edited_text_is_what_is_queued(desk: Desk) -> None:
    reference = access_case(desk)
    reply = draft_of(desk, reference, "reply")
    assert not edit(desk.database, CLOCK, reply["id"], "rudi", show_body(desk, reply["id"])).changed
    approve(desk.database, desk.configuration, CLOCK, reply["id"], "rudi")
    (first,) = queued(desk.database)
    text = "Beste Tom,\n\nHierbij uw gegevens; ik heb de tekst zelf aangepast.\n\nRudi\n"
    assert edit(desk.database, CLOCK, reply["id"], "rudi", text).changed
    assert queued(desk.database) == []  # the approval of the old text is withdrawn
    assert desk.case(reference)["status"] == "ready_for_review"
    approve(desk.database, desk.configuration, CLOCK, reply["id"], "rudi")
    (second,) = queued(desk.database)
    assert second.message_id != first.message_id
    body = message_from_bytes(second.content, policy=policy.default).get_body(("plain",))
    assert body is not None and "zelf aangepast" in body.get_content()
    with desk.database.reader() as session:
        stored = session.get(DraftRecord, reply["id"])
        assert stored is not None and stored.drafted_body is not None
        assert "zelf aangepast" not in stored.drafted_body  # mailbot's text kept for the trail
    edited = next(
        e
        for e in desk.case(reference)["events"]
        if e["action"] == "edited" and e["detail"]["approval_withdrawn"]
    )
    assert edited["actor"] == "rudi"
    with pytest.raises(NotAllowed, match="the text is empty"):
        edit(desk.database, CLOCK, reply["id"], "rudi", "  \n")


def show_body(desk: Desk, draft_id: int) -> str:
    return show_draft(desk.database, CLOCK, draft_id).body


def test_a_data_bearing_draft_to_another_address_is_never_approved(desk: Desk) -> None:
    reference = access_case(desk)
    reply = draft_of(desk, reference, "reply")
    with desk.database.session() as session:  # as if the row had been changed behind our back
        stored = session.get(DraftRecord, reply["id"])
        assert stored is not None
        stored.to_address = "eve@evil.example"
        session.add(stored)
        session.commit()
    with pytest.raises(NotAllowed, match="neither the address on file"):
        approve(desk.database, desk.configuration, CLOCK, reply["id"], "rudi")
    assert queued(desk.database) == []


def test_a_marketing_objection_needs_the_suppression_key_to_be_granted(desk: Desk) -> None:
    reference = (
        desk.mail(
            "Ik wil geen nieuwsbrief meer ontvangen.", From=TOM, Authentication_Results=PASS
        ).reference
        or ""
    )
    assert desk.case(reference)["direct_marketing"]
    reply = draft_of(desk, reference, "reply")
    for action in case_actions(desk.database, CLOCK, reference).actions:
        action_done(desk.database, reference, action.id, "rudi")
    with pytest.raises(NotAllowed, match=r"objects to direct marketing; no suppression key"):
        approve(desk.database, desk.configuration, CLOCK, reply["id"], "rudi")
    assert desk.case(reference)["status"] == "ready_for_review"  # nothing happened
    keyed = desk.settings.model_copy(update={"suppression": SuppressionSettings(key="k" * 40)})
    approve(desk.database, Configuration((keyed,)), CLOCK, reply["id"], "rudi")
    trail = [e for e in desk.case(reference)["events"] if e["action"] == "suppressed"]
    assert [e["detail"] for e in trail] == [{"entries": 1, "new_entries": 1}]
    assert check(desk.database, keyed, "tom.baker@example.com") is not None
