"""The Today list: what waits, for whom, in what order (``core.today``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from mailbot.core.cases import Status
from mailbot.core.drafting import DraftKind
from mailbot.core.today import CaseFacts, DraftFacts, Facts, Group, case_items, today_items
from mailbot.i18n import DUTCH, translator

TODAY = date(2026, 11, 25)
READY = CaseFacts("AVG-2026-0001", Status.READY_FOR_REVIEW, date(2026, 12, 20))


def sentences(items: list) -> list[tuple[Group, str]]:  # type: ignore[type-arg]
    return [(item.group, item.sentence()) for item in items]


def test_a_draft_to_approve_is_the_officers_with_its_page() -> None:
    case = replace(READY, drafts=[DraftFacts(4, DraftKind.REPLY, "pending")])
    (item,) = case_items(case, TODAY)
    assert (item.group, item.sentence()) == (
        Group.OFFICER,
        "Check and approve the reply (draft 4).",
    )
    assert item.link == "/drafts/4" and item.due == date(2026, 12, 20)


def test_a_request_to_the_person_still_a_draft_is_his_not_theirs() -> None:
    """Issue 23: "wacht op bevestiging" while the confirmation request is his unapproved draft."""
    asking = replace(
        READY,
        status=Status.AWAITING_CONFIRMATION,
        drafts=[DraftFacts(5, DraftKind.CONFIRMATION_REQUEST, "pending")],
    )
    assert sentences(case_items(asking, TODAY)) == [
        (Group.OFFICER, "Check and approve the confirmation_request (draft 5).")
    ]
    sent = replace(asking, drafts=[], asked_on=date(2026, 11, 18))
    assert sentences(case_items(sent, TODAY)) == [
        (
            Group.PERSON,
            "Waiting 7 day(s) for the person to confirm the request (asked on 2026-11-18).",
        )
    ]
    identity = replace(sent, status=Status.AWAITING_IDENTITY)
    assert "to prove who they are" in case_items(identity, TODAY)[0].sentence()


def test_warnings_actions_failures_and_closing_are_said_plainly() -> None:
    reply = DraftFacts(4, DraftKind.REPLY, "pending")
    unsure = replace(READY, low_confidence=True, drafts=[replace(reply, open_actions=1)])
    first, _ = case_items(unsure, TODAY)  # also when the actions come before the reply
    assert first.sentence() == "Check the rights first: mailbot is not sure what this mail asks."
    assert first.link == "/cases/AVG-2026-0001/decide"
    forged = replace(READY, spoofed=True, drafts=[reply])
    assert "may be forged" in case_items(forged, TODAY)[0].sentence()
    acting = replace(READY, drafts=[replace(reply, open_actions=2)])
    (item,) = case_items(acting, TODAY)
    assert item.sentence().startswith("Carry out 2 action(s) in the data sources")
    assert item.link == "/cases/AVG-2026-0001"  # the actions are on the case page
    running = replace(READY, drafts=[replace(reply, open_actions=2, executable=True)])
    assert case_items(running, TODAY)[0].link == "/cases/AVG-2026-0001/plan"  # mailbot runs it
    failed = replace(READY, drafts=[DraftFacts(7, DraftKind.ACKNOWLEDGEMENT, "failed", "550 no")])
    assert "could not be sent: 550 no" in case_items(failed, TODAY)[0].sentence()
    answered = replace(READY, status=Status.SENT, answered_on=date(2026, 11, 24))
    (item,) = case_items(answered, TODAY)
    assert item.sentence() == "The answer was sent on 2026-11-24: close the case with its outcome."
    assert item.link.endswith("/decide")


def test_a_case_mailbot_works_on_is_not_on_the_list() -> None:
    busy = replace(READY, status=Status.NEW)
    (item,) = case_items(busy, TODAY)
    assert item.group is Group.MAILBOT
    assert today_items(Facts(TODAY, cases=[busy])) == []


def test_urgent_first_then_his_then_theirs_each_by_due_date() -> None:
    later = replace(READY, reference="AVG-2026-0002", due=date(2026, 12, 30),
                    drafts=[DraftFacts(8, DraftKind.REPLY, "pending")])  # fmt: skip
    sooner = replace(READY, drafts=[DraftFacts(4, DraftKind.REPLY, "pending")])
    waiting = replace(READY, reference="AVG-2026-0003", due=date(2026, 12, 1),
                      status=Status.AWAITING_IDENTITY, asked_on=date(2026, 11, 20))  # fmt: skip
    breach = replace(READY, reference="AVG-2026-0004", due=date(2027, 1, 5), breach=True,
                     breach_notify_by="2026-11-27 10:00", needs_decision=True)  # fmt: skip
    items = today_items(
        Facts(TODAY, cases=[later, sooner, waiting, breach], quarantined=[(9, TODAY, "no From")])
    )
    assert [(item.group, item.reference) for item in items] == [
        (Group.URGENT, "AVG-2026-0004"),
        (Group.OFFICER, None),  # the quarantined mail: its clock may run from today
        (Group.OFFICER, "AVG-2026-0001"),
        (Group.OFFICER, "AVG-2026-0002"),
        (Group.OFFICER, "AVG-2026-0004"),  # its decision, due latest
        (Group.PERSON, "AVG-2026-0003"),
    ]
    assert items[0].sentence() == (
        "Possible data breach: if it is one, notify the AP by 2026-11-27 10:00."
    )
    assert items[1].link == "/quarantine/9"


def test_approved_mail_that_cannot_leave_is_said_with_why() -> None:
    (item,) = today_items(Facts(TODAY, smtp_configured=False, approved_waiting=3))
    assert item.group is Group.OFFICER and "no SMTP server is configured" in item.sentence()
    assert today_items(Facts(TODAY, smtp_configured=True, approved_waiting=3)) == []


def test_every_sentence_is_in_dutch_with_its_kind_labelled() -> None:
    dutch = translator("nl")
    case = replace(READY, drafts=[DraftFacts(4, DraftKind.REPLY, "pending")])
    (item,) = case_items(case, TODAY)
    assert item.sentence(dutch, lambda code: {"reply": "antwoord"}[code]) == (
        "Controleer concept 4 (antwoord) en keur het goed."
    )


def test_mail_mailbot_took_for_no_request_unsure_is_his_to_check() -> None:
    (item,) = today_items(Facts(TODAY, missed=[("AVG-2026-0009", date(2026, 12, 25))]))
    assert item.group is Group.OFFICER and item.link == "/cases/AVG-2026-0009/decide"
    assert item.sentence().startswith("mailbot took this mail for no request, but is not sure")


def test_every_sentence_the_list_can_say_has_its_dutch() -> None:
    kinds = [DraftKind.REPLY, DraftKind.CONFIRMATION_REQUEST, DraftKind.SENDER_CHECK]
    drafts = [DraftFacts(n, kind, "pending", open_actions=n % 2) for n, kind in enumerate(kinds)]
    drafts += [
        DraftFacts(9, DraftKind.ACKNOWLEDGEMENT, "failed", "421"),
        DraftFacts(8, DraftKind.REPLY, "approved"),
    ]
    cases = [
        replace(READY, status=status, drafts=chosen, breach=True, breach_notify_by=by,
                authority=True, needs_decision=decide, low_confidence=True, spoofed=True,
                denied=True, answer_to_read=True, asked_on=asked)
        for status in Status
        for chosen in (drafts, [], drafts[-1:])
        for by in ("", "2026-11-27 10:00")
        for decide in (True, False)
        for asked in (None, TODAY)
    ]  # fmt: skip
    said = {item.text for case in cases for item in case_items(case, TODAY)}
    said |= {item.text for item in today_items(Facts(
        TODAY, quarantined=[(1, TODAY, "x")], missed=[("AVG-2026-0002", TODAY)],
        smtp_configured=False, approved_waiting=1,
    ))}  # fmt: skip
    assert len(said) >= 19
    assert sorted(text for text in said if text not in DUTCH) == []


def test_no_address_in_what_the_list_quotes() -> None:
    (item,) = today_items(Facts(TODAY, quarantined=[(3, TODAY, "bad header From: x@evil.example")]))
    assert "x@evil.example" not in item.sentence() and "[address]" in item.sentence()


def test_a_request_to_the_person_approved_but_not_sent_is_not_theirs_yet() -> None:
    approved = replace(
        READY,
        status=Status.AWAITING_IDENTITY,
        drafts=[DraftFacts(5, DraftKind.IDENTIFICATION_REQUEST, "approved")],
    )
    (item,) = case_items(approved, TODAY)
    assert (item.group, item.sentence()) == (Group.MAILBOT, "Approved: mailbot sends it shortly.")
