"""What the officer may approve, and what that does to the case."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from mailbot.core.approval import (
    ApprovalFacts,
    CloseFacts,
    DraftChoice,
    approval_problems,
    close_problems,
    extension_problems,
    status_after_approval,
    status_after_failure,
    status_after_sent,
    status_after_withdrawal,
)
from mailbot.core.cases import CaseOutcome, Channel, RefusalGround, Status
from mailbot.core.drafting import DraftKind, DraftStatus

REPLY = ApprovalFacts(
    kind=DraftKind.REPLY,
    draft_status=DraftStatus.PENDING,
    case_status=Status.READY_FOR_REVIEW,
    case_reference="AVG-2026-0001",
)


def test_a_ready_reply_can_be_approved() -> None:
    assert approval_problems(REPLY) == []


@pytest.mark.parametrize(
    ("status", "says"),
    [
        (DraftStatus.APPROVED, "already approved"),
        (DraftStatus.SENT, "already been sent"),
        (DraftStatus.REJECTED, "was rejected"),
    ],
)
def test_approving_twice_or_after_rejection_is_refused(status: DraftStatus, says: str) -> None:
    (problem,) = approval_problems(replace(REPLY, draft_status=status))
    assert says in problem


def test_a_failed_mail_can_be_approved_again() -> None:
    assert approval_problems(replace(REPLY, draft_status=DraftStatus.FAILED)) == []


def test_a_reply_waits_for_identity_and_confirmation_but_an_acknowledgement_does_not() -> None:
    waiting = replace(REPLY, case_status=Status.AWAITING_IDENTITY)
    (problem,) = approval_problems(waiting)
    assert "verify the person first" in problem
    assert approval_problems(replace(waiting, kind=DraftKind.IDENTIFICATION_REQUEST)) == []
    assert approval_problems(replace(waiting, kind=DraftKind.ACKNOWLEDGEMENT)) == []


def test_no_answer_is_approved_on_a_closed_case_but_a_kept_notice_may_still_go() -> None:
    closed = replace(REPLY, case_status=Status.CLOSED)
    assert approval_problems(closed) == ["case AVG-2026-0001 is closed"]
    refusal = replace(closed, kind=DraftKind.REFUSAL)
    assert approval_problems(refusal) == ["case AVG-2026-0001 is closed"]
    # Pending after a close only when the officer kept it (``cases close --drafts keep``).
    assert approval_problems(replace(closed, kind=DraftKind.ACKNOWLEDGEMENT)) == []
    sent = replace(closed, kind=DraftKind.ACKNOWLEDGEMENT, case_status=Status.SENT)
    assert approval_problems(sent) == []


@pytest.mark.parametrize("kind", [DraftKind.REPLY, DraftKind.REFUSAL])
def test_no_answer_goes_to_someone_not_known_to_be_the_person(kind: DraftKind) -> None:
    unknown = replace(REPLY, kind=kind, identity_established=False, refusal_ground="excessive")
    (problem,) = approval_problems(unknown)
    assert "identity is not established" in problem
    denied = replace(REPLY, kind=kind, denied=True, refusal_ground="excessive")
    (problem,) = approval_problems(denied)
    assert "not_the_person" in problem


def test_a_refusal_for_want_of_identity_goes_while_identity_is_open() -> None:
    refusal = replace(
        REPLY,
        kind=DraftKind.REFUSAL,
        identity_established=False,
        refusal_ground=RefusalGround.IDENTITY_NOT_ESTABLISHED.value,
    )
    assert approval_problems(refusal) == []
    assert approval_problems(replace(refusal, denied=True)) == []
    # ... and letters that carry nothing about the person's data go as before.
    notice = replace(REPLY, kind=DraftKind.IDENTIFICATION_REQUEST, identity_established=False)
    assert approval_problems(notice) == []


CLOSE = CloseFacts(
    reference="AVG-2026-0001",
    case_status=Status.SENT,
    outcome=CaseOutcome.GRANTED,
    answered=True,
    reply_sent=True,
    today=date(2026, 12, 5),
)


def test_a_case_whose_answer_was_sent_closes_as_granted() -> None:
    assert close_problems(CLOSE) == []


@pytest.mark.parametrize("outcome", [CaseOutcome.GRANTED, CaseOutcome.PARTIALLY_GRANTED])
def test_granted_only_once_the_answer_went_out(outcome: CaseOutcome) -> None:
    unanswered = replace(
        CLOSE, outcome=outcome, case_status=Status.READY_FOR_REVIEW, answered=False
    )
    (problem,) = close_problems(unanswered)
    assert "none was sent: approve and send the reply first" in problem
    assert "post or phone" not in problem
    for outcome_without_answer in (CaseOutcome.WITHDRAWN, CaseOutcome.NO_IDENTITY):
        assert close_problems(replace(unanswered, outcome=outcome_without_answer)) == []


def test_granted_needs_the_reply_a_refusal_is_not_one() -> None:
    refused = replace(CLOSE, reply_sent=False, refusal_ground="identity_not_established")
    (problem,) = close_problems(refused)
    assert "only a refusal was sent" in problem
    partly = replace(refused, outcome=CaseOutcome.PARTIALLY_GRANTED)
    (problem,) = close_problems(partly)
    assert "nothing was granted" in problem
    # a refusal of part (say, invoices kept) with the rest granted in it: partially granted
    kept = replace(partly, refusal_ground="legal_obligation")
    assert close_problems(kept) == []


def test_a_request_by_post_may_be_recorded_as_answered_outside_mailbot() -> None:
    by_post = replace(CLOSE, channel=Channel.POST, answered=False, reply_sent=False,
                      received=date(2026, 11, 20))  # fmt: skip
    (problem,) = close_problems(by_post)
    assert "or record the day it was answered by post or phone" in problem
    assert close_problems(replace(by_post, answered_outside=date(2026, 12, 4))) == []
    (problem,) = close_problems(replace(by_post, answered_outside=date(2026, 12, 6)))
    assert "in the future" in problem
    (problem,) = close_problems(replace(by_post, answered_outside=date(2026, 11, 19)))
    assert "before the request was received" in problem
    by_mail = replace(CLOSE, answered=False, answered_outside=date(2026, 12, 4))
    (problem,) = close_problems(by_mail)
    assert "came by e-mail" in problem


def test_waiting_drafts_need_a_choice_and_an_answer_cannot_be_kept() -> None:
    waiting = replace(
        CLOSE,
        outcome=CaseOutcome.WITHDRAWN,
        waiting=[(7, DraftKind.ACKNOWLEDGEMENT), (8, DraftKind.REPLY)],
    )
    (problem,) = close_problems(waiting)
    assert "7 (acknowledgement), 8 (reply) still wait" in problem
    assert close_problems(replace(waiting, drafts=DraftChoice.REJECT)) == []
    (problem,) = close_problems(replace(waiting, drafts=DraftChoice.KEEP))
    assert problem.startswith("draft(s) 8 answer the request")
    kept = replace(waiting, waiting=[(7, DraftKind.ACKNOWLEDGEMENT)], drafts=DraftChoice.KEEP)
    assert close_problems(kept) == []


def test_a_refusal_needs_a_ground_and_a_closed_case_stays_closed() -> None:
    refused = replace(CLOSE, outcome=CaseOutcome.REFUSED)
    assert close_problems(refused) == ["a refusal needs its ground"]
    assert close_problems(replace(refused, has_ground=True)) == []
    assert close_problems(replace(CLOSE, case_status=Status.CLOSED)) == ["it is already closed"]


def test_open_actions_and_an_unsafe_recipient_block_a_reply() -> None:
    problems = approval_problems(
        replace(
            REPLY,
            open_actions=["[3] Erase the person's records in crm"],
            recipient_allowed=False,
            recipient="eve@evil.example",
        )
    )
    assert len(problems) == 2
    assert "1 action(s) are still open: [3] Erase" in problems[0]
    assert "mailbot cases done AVG-2026-0001 ID" in problems[0]
    assert "eve@evil.example" in problems[1]


def test_an_extension_notice_only_within_the_first_month() -> None:
    notice = replace(
        REPLY,
        kind=DraftKind.EXTENSION,
        case_status=Status.NEW,
        today=date(2026, 12, 3),
        first_month_ends=date(2026, 12, 2),
    )
    (problem,) = approval_problems(notice)
    assert "ended on 2026-12-02" in problem
    assert approval_problems(replace(notice, today=date(2026, 12, 2))) == []


def test_the_answer_moves_the_case_other_mail_does_not() -> None:
    assert status_after_approval(DraftKind.REPLY, Status.READY_FOR_REVIEW) is Status.APPROVED
    assert status_after_approval(DraftKind.REFUSAL, Status.READY_FOR_REVIEW) is Status.APPROVED
    assert (
        status_after_approval(DraftKind.ACKNOWLEDGEMENT, Status.AWAITING_IDENTITY)
        is Status.AWAITING_IDENTITY
    )
    assert status_after_sent(DraftKind.REPLY, Status.APPROVED) is Status.SENT
    assert status_after_sent(DraftKind.EXTENSION, Status.NEW) is Status.NEW
    for status in (Status.APPROVED, Status.SENT, Status.CLOSED):
        assert status_after_failure(DraftKind.REPLY, status) is Status.READY_FOR_REVIEW
    assert status_after_failure(DraftKind.ACKNOWLEDGEMENT, Status.NEW) is Status.NEW
    assert status_after_withdrawal(DraftKind.REPLY, Status.APPROVED) is Status.READY_FOR_REVIEW
    assert status_after_withdrawal(DraftKind.EXTENSION, Status.NEW) is Status.NEW


def test_extensions() -> None:
    assert extension_problems(Status.NEW, date(2026, 12, 1), date(2026, 12, 2), False) == []
    (late,) = extension_problems(Status.NEW, date(2026, 12, 3), date(2026, 12, 2), False)
    assert "first month ended on 2026-12-02" in late
    (twice,) = extension_problems(Status.NEW, date(2026, 12, 1), date(2026, 12, 2), True)
    assert "already been extended" in twice
    assert extension_problems(Status.CLOSED, date(2026, 12, 1), date(2026, 12, 2), False)
    assert extension_problems(Status.NEW, date(2026, 12, 1), None, False)


def test_a_text_with_a_place_left_to_fill_is_not_approved() -> None:
    unfilled = replace(
        REPLY, body="Purpose: [missing in the configuration: [[sources]] crm.purpose]\n"
    )
    (problem,) = approval_problems(unfilled)
    assert "1 place(s) marked [missing in the configuration: ...]" in problem
    assert approval_problems(replace(REPLY, body="Purpose: the contract\n")) == []


def test_a_draft_to_nobody_is_not_approved() -> None:
    """A mail made a case by hand that named no sender: its drafts have no address."""
    (problem,) = approval_problems(replace(REPLY, kind=DraftKind.SENDER_CHECK, addressed=False))
    assert problem.startswith("it has no recipient")


NOTICE = replace(
    REPLY, kind=DraftKind.RECIPIENT_NOTICE, recipient="privacy@mailer.example",
    contact="Privacy@Mailer.example",
)  # fmt: skip


def test_a_recipient_notice_goes_only_to_its_recipients_configured_contact() -> None:
    assert approval_problems(NOTICE) == []
    for contact in (None, "dpo@mailer.example"):
        (problem,) = approval_problems(replace(NOTICE, contact=contact))
        assert "privacy@mailer.example, which is not the contact address configured" in problem


def test_a_recipient_notice_waits_for_the_persons_identity() -> None:
    (problem,) = approval_problems(replace(NOTICE, identity_established=False))
    assert "identity is not established" in problem
    (problem,) = approval_problems(replace(NOTICE, denied=True))
    assert "not theirs" in problem
    # and it is no answer: it does not move the case
    assert status_after_approval(DraftKind.RECIPIENT_NOTICE, Status.READY_FOR_REVIEW) == (
        Status.READY_FOR_REVIEW
    )
