"""What the officer may do with a draft and a case, and what follows for the case. No I/O.

The officer approves, edits or rejects drafts; only approved drafts are sent.
The *answer* of a case (its reply, or a refusal) moves the case along:
approved -> ``approved``, sent -> ``sent``; an answer that could not be
delivered, or whose approval is withdrawn, puts the case back in
``ready_for_review``. Acknowledgements, identification and confirmation
requests and extension notices are sent without moving the case.

Every rule that can refuse an action returns its reasons as sentences for the
officer, so the command line and the web pages say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from mailbot.core.cases import OPEN, CaseOutcome, Channel, RefusalGround, Status
from mailbot.core.drafting import DraftKind, DraftStatus

ANSWER_KINDS = frozenset({DraftKind.REPLY, DraftKind.REFUSAL})
APPROVABLE = frozenset({DraftStatus.PENDING, DraftStatus.FAILED})
EDITABLE = frozenset({DraftStatus.PENDING, DraftStatus.APPROVED, DraftStatus.FAILED})
REJECTABLE = frozenset({DraftStatus.PENDING, DraftStatus.APPROVED, DraftStatus.FAILED})


@dataclass(frozen=True, slots=True)
class ApprovalFacts:
    """What deciding an approval depends on."""

    kind: DraftKind
    draft_status: DraftStatus
    case_status: Status
    case_reference: str
    open_actions: Sequence[str] = ()
    recipient_allowed: bool = True
    recipient: str = ""
    today: date | None = None
    first_month_ends: date | None = None  # the due date before any extension
    body: str = ""  # the text that would go out
    identity_established: bool = True  # known from the data on file, or verified by the officer
    denied: bool = False  # the owner of the address said the request was not theirs
    refusal_ground: str | None = None  # the case's refusal ground, if a refusal was drafted
    addressed: bool = True  # it has a recipient (a mail that named no sender has none)
    # A recipient notice (Art. 19): the contact address configured for the recipient it tells
    # (``[[sources.contacts]]``); None when none is configured (any more).
    contact: str | None = None


# What a letter shows where the configuration lacks a text (``letters.context.MISSING``).
UNFILLED = "[missing in the configuration: "


def approval_problems(facts: ApprovalFacts) -> list[str]:
    """Why the draft cannot be approved now (empty: it can)."""
    problems: list[str] = []
    status = facts.draft_status
    if status not in APPROVABLE:
        problems.append(
            {
                DraftStatus.APPROVED: "it is already approved and waits in the outbox",
                DraftStatus.SENT: "it has already been sent",
                DraftStatus.REJECTED: "it was rejected; reclassify or redraft the case instead",
            }.get(status, f"it is {status}")
        )
        return problems
    if facts.case_status not in OPEN and (
        facts.kind in ANSWER_KINDS or facts.case_status is not Status.CLOSED
    ):  # a closed case's drafts that the officer kept (``--drafts keep``) may still go
        problems.append(f"case {facts.case_reference} is {facts.case_status}")
        return problems
    if facts.kind in ANSWER_KINDS and facts.case_status is not Status.READY_FOR_REVIEW:
        hint = {
            Status.AWAITING_IDENTITY: "; verify the person first (mailbot cases verify)",
            Status.AWAITING_CONFIRMATION: "; the person has not confirmed the request yet",
        }.get(facts.case_status, "")
        problems.append(f"case {facts.case_reference} is {facts.case_status}{hint}")
    if not facts.addressed:
        problems.append(
            "it has no recipient: the mail named no address to answer; reject it, and answer "
            "another way if the person can be reached"
        )
    problems += _identity_problems(facts)
    if facts.open_actions:
        listed = "; ".join(facts.open_actions)
        problems.append(
            f"{len(facts.open_actions)} action(s) are still open: {listed} "
            f"(record each with: mailbot cases done {facts.case_reference} ID)"
        )
    if UNFILLED in facts.body:
        missing = facts.body.count(UNFILLED)
        problems.append(
            f"the text still has {missing} place(s) marked {UNFILLED.strip()} ...]: write them "
            "in (edit the draft), or give the texts in the configuration and redraft"
        )
    if not facts.recipient_allowed:
        problems.append(
            f"it carries personal data to {facts.recipient}, which is neither the address on "
            "file nor one the officer verified"
        )
    if facts.kind is DraftKind.RECIPIENT_NOTICE and (
        facts.contact is None or facts.contact.lower() != facts.recipient.lower()
    ):
        problems.append(
            f"it goes to {facts.recipient}, which is not the contact address configured for "
            "the recipient it tells: reject it, and tell the recipient another way"
        )
    if (
        facts.kind is DraftKind.EXTENSION
        and facts.today is not None
        and facts.first_month_ends is not None
        and facts.today > facts.first_month_ends
    ):
        problems.append(
            f"the first month ended on {facts.first_month_ends.isoformat()}: an extension notice "
            "must be sent within it (Art. 12(3)); reject this draft"
        )
    return problems


def _identity_problems(facts: ApprovalFacts) -> list[str]:
    """An answer tells the person about their data: only to someone known to be them. A
    refusal because the identity could not be established is the one answer that can go.
    A recipient notice tells a third party about the person: never for a request that may
    be forged."""
    if facts.kind not in ANSWER_KINDS and facts.kind is not DraftKind.RECIPIENT_NOTICE:
        return []
    identity_refusal = (
        facts.kind is DraftKind.REFUSAL
        and facts.refusal_ground == RefusalGround.IDENTITY_NOT_ESTABLISHED
    )
    if facts.denied and not identity_refusal:
        return [
            "the owner of the address said the request was not theirs: close the case as "
            "not_the_person"
        ]
    if not facts.identity_established and not identity_refusal:
        return [
            "the person's identity is not established: verify it first, or refuse on the "
            "ground identity_not_established"
        ]
    return []


class DraftChoice(StrEnum):
    """What becomes of a case's waiting drafts when it is closed (``cases close --drafts``)."""

    REJECT = "reject"
    KEEP = "keep"  # they stay, to be approved and sent after the close (not the answer)


@dataclass(frozen=True, slots=True)
class CloseFacts:
    """What deciding a close depends on."""

    reference: str
    case_status: Status
    outcome: CaseOutcome
    channel: Channel = Channel.EMAIL
    answered: bool = False  # its answer (reply or refusal) was sent
    reply_sent: bool = False  # ... and it was the reply, not a refusal
    refusal_ground: str | None = None
    answered_outside: date | None = None  # the officer says he answered by post or phone then
    received: date | None = None
    today: date | None = None
    has_ground: bool = False  # a refusal ground given now or with the refusal drafted
    waiting: Sequence[tuple[int, DraftKind]] = ()  # drafts pending or failed: (id, kind)
    drafts: DraftChoice | None = None


GRANTED = frozenset({CaseOutcome.GRANTED, CaseOutcome.PARTIALLY_GRANTED})


def close_problems(facts: CloseFacts) -> list[str]:
    """Why the case cannot be closed so (empty: it can)."""
    if facts.case_status is Status.CLOSED:
        return ["it is already closed"]
    problems: list[str] = []
    if facts.outcome is CaseOutcome.REFUSED and not facts.has_ground:
        problems.append("a refusal needs its ground")
    problems += _answer_problems(facts)
    if facts.waiting:
        listed = ", ".join(f"{draft_id} ({kind})" for draft_id, kind in facts.waiting)
        if facts.drafts is None:
            problems.append(
                f"draft(s) {listed} still wait: say what becomes of them (reject them, or keep "
                "them to approve after the close)"
            )
        elif facts.drafts is DraftChoice.KEEP:
            answers = [str(draft_id) for draft_id, kind in facts.waiting if kind in ANSWER_KINDS]
            if answers:
                problems.append(
                    f"draft(s) {', '.join(answers)} answer the request and cannot go after the "
                    "close: send them first, or reject them"
                )
    return problems


def _answer_problems(facts: CloseFacts) -> list[str]:
    """Whether the outcome fits what the person got: the answer sent, or given outside."""
    problems: list[str] = []
    if facts.answered_outside is not None:
        if facts.channel is Channel.EMAIL:
            problems.append(
                "it came by e-mail: its answer goes out through mailbot, not outside it"
            )
        if facts.today is not None and facts.answered_outside > facts.today:
            problems.append("the day it was answered is in the future")
        if facts.received is not None and facts.answered_outside < facts.received:
            problems.append("the day it was answered is before the request was received")
    elif facts.outcome is CaseOutcome.GRANTED and facts.answered and not facts.reply_sent:
        problems.append(
            "'granted' means the person got what they asked for, and only a refusal was sent: "
            "close it as refused, or partially_granted if part was granted"
        )
    elif (
        facts.outcome is CaseOutcome.PARTIALLY_GRANTED
        and facts.refusal_ground == RefusalGround.IDENTITY_NOT_ESTABLISHED
        and not facts.reply_sent
    ):
        problems.append(
            "the request was refused because the identity was not established: nothing was "
            "granted; close it as refused"
        )
    elif facts.outcome in GRANTED and not facts.answered:
        problems.append(
            f"'{facts.outcome}' means the person got the answer, and none was sent: approve "
            "and send the reply first"
            + (
                ""
                if facts.channel is Channel.EMAIL
                else ", or record the day it was answered by post or phone"
            )
        )
    return problems


def status_after_approval(kind: DraftKind, case_status: Status) -> Status:
    return Status.APPROVED if kind in ANSWER_KINDS else case_status


def status_after_sent(kind: DraftKind, case_status: Status) -> Status:
    if kind in ANSWER_KINDS and case_status is Status.APPROVED:
        return Status.SENT
    return case_status


def status_after_failure(kind: DraftKind, case_status: Status) -> Status:
    """An answer that could not be delivered goes back to the officer: the case reopens."""
    if kind in ANSWER_KINDS and case_status in (Status.APPROVED, Status.SENT, Status.CLOSED):
        return Status.READY_FOR_REVIEW
    return case_status


def status_after_withdrawal(kind: DraftKind, case_status: Status) -> Status:
    """An approved answer rejected or edited before it left: back to review."""
    if kind in ANSWER_KINDS and case_status is Status.APPROVED:
        return Status.READY_FOR_REVIEW
    return case_status


def extension_problems(
    case_status: Status, today: date, first_month_ends: date | None, extended: bool
) -> list[str]:
    """Why the case's deadline cannot be extended now (empty: it can)."""
    if case_status not in OPEN:
        return [f"the case is {case_status}"]
    if first_month_ends is None:
        return ["the case has no due date"]
    if extended:
        return ["the deadline has already been extended (by the two months the law allows)"]
    if today > first_month_ends:
        return [
            f"the first month ended on {first_month_ends.isoformat()}: an extension must be "
            "announced within it (Art. 12(3))"
        ]
    return []
