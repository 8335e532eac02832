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

from mailbot.core.cases import OPEN, Status
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
    if facts.case_status not in OPEN:
        problems.append(f"case {facts.case_reference} is {facts.case_status}")
        return problems
    if facts.kind in ANSWER_KINDS and facts.case_status is not Status.READY_FOR_REVIEW:
        hint = {
            Status.AWAITING_IDENTITY: "; verify the person first (mailbot cases verify)",
            Status.AWAITING_CONFIRMATION: "; the person has not confirmed the request yet",
        }.get(facts.case_status, "")
        problems.append(f"case {facts.case_reference} is {facts.case_status}{hint}")
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
