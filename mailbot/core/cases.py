"""Cases: their statuses and the changes between them, references, and the clock start.

The statuses are the product's interface (JSON, CLI, the web pages)::

    new -> awaiting_identity / awaiting_confirmation -> ready_for_review
        -> approved -> sent -> closed
    not_a_request: a mail that asks for no right (can be reclassified into a request)

Backwards: an approval withdrawn, a reply that could not be delivered, or a
follow-up that needs a new answer sends the case back to ``ready_for_review``;
reopening a closed case makes it ``new`` (drafted again). Every change goes
through ``check_transition`` and is recorded in the case's trail.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from mailbot.core.deadlines import due_date, local_day
from mailbot.core.mail import ParsedMail
from mailbot.errors import InvalidTransition


class Status(StrEnum):
    NEW = "new"
    AWAITING_IDENTITY = "awaiting_identity"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    READY_FOR_REVIEW = "ready_for_review"
    APPROVED = "approved"
    SENT = "sent"
    CLOSED = "closed"
    NOT_A_REQUEST = "not_a_request"


_OPEN_FLOW = {
    Status.NEW: {Status.AWAITING_IDENTITY, Status.AWAITING_CONFIRMATION, Status.READY_FOR_REVIEW},
    Status.AWAITING_IDENTITY: {Status.AWAITING_CONFIRMATION, Status.READY_FOR_REVIEW},
    Status.AWAITING_CONFIRMATION: {Status.READY_FOR_REVIEW},
    Status.READY_FOR_REVIEW: {Status.APPROVED, Status.NEW},  # NEW: a draft rejected, to redo
    Status.APPROVED: {Status.SENT, Status.READY_FOR_REVIEW},  # back: approval withdrawn
    Status.SENT: {Status.CLOSED, Status.READY_FOR_REVIEW},  # a follow-up needs a new answer
}
TRANSITIONS: dict[Status, frozenset[Status]] = {
    status: frozenset(targets | {Status.CLOSED, Status.NOT_A_REQUEST})
    for status, targets in _OPEN_FLOW.items()
}
TRANSITIONS[Status.SENT] = frozenset(_OPEN_FLOW[Status.SENT])
# Reopening (new, drafted again), or a bounce of the answer that closed it.
TRANSITIONS[Status.CLOSED] = frozenset({Status.NEW, Status.READY_FOR_REVIEW})
TRANSITIONS[Status.NOT_A_REQUEST] = frozenset({Status.NEW, Status.CLOSED})
OPEN = frozenset(set(Status) - {Status.CLOSED, Status.NOT_A_REQUEST})


class CaseOutcome(StrEnum):
    """How a case ended (``mailbot cases close --outcome``); kept for the register."""

    GRANTED = "granted"
    PARTIALLY_GRANTED = "partially_granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    NO_IDENTITY = "no_identity"
    NOT_THE_PERSON = "not_the_person"  # the address's owner said the request was not theirs


class RefusalGround(StrEnum):
    """Why a request was (partly) refused, as the register records it (never the officer's text)."""

    MANIFESTLY_UNFOUNDED = "manifestly_unfounded"  # Art. 12(5)
    EXCESSIVE = "excessive"  # Art. 12(5), e.g. repetitive
    IDENTITY_NOT_ESTABLISHED = "identity_not_established"  # Art. 11(2), 12(2)
    RIGHTS_OF_OTHERS = "rights_of_others"  # Art. 15(4)
    LEGAL_OBLIGATION = "legal_obligation"  # Art. 17(3)(b): e.g. invoices kept for the tax office
    LEGAL_CLAIMS = "legal_claims"  # Art. 17(3)(e), 18(2), 21(1)
    COMPELLING_GROUNDS = "compelling_grounds"  # Art. 21(1): overriding legitimate grounds
    STATUTORY_EXCEPTION = "statutory_exception"  # Art. 23 GDPR, Art. 41 UAVG
    OTHER = "other"


class ExtensionGround(StrEnum):
    """Why the deadline was extended: the two reasons Art. 12(3) allows."""

    COMPLEXITY = "complexity"
    NUMBER_OF_REQUESTS = "number_of_requests"
    COMPLEXITY_AND_NUMBER = "complexity_and_number"


class Channel(StrEnum):
    """How a request reached the organisation; only e-mail ones are read by mailbot itself."""

    EMAIL = "email"
    POST = "post"
    PHONE = "phone"
    OTHER = "other"


def check_transition(current: Status, target: Status) -> None:
    """Raise ``InvalidTransition`` unless the flow allows ``current`` -> ``target``."""
    if target not in TRANSITIONS[current]:
        raise InvalidTransition(f"a case that is {current} cannot become {target}")


def status_after_reclassification(
    current: Status, is_request: bool, rights_changed: bool = True
) -> Status:
    """The status after the officer corrects the rights of a case.

    Rights removed: the case is no request. Other rights for an open case: it is
    new again, so that identity, confirmation and the drafts are decided afresh for
    the rights it now has (adding erasure to an access request needs a confirmation
    the case was not waiting for). The same rights: the status stays. Closed and
    sent cases are not reclassified (reopen first).
    """
    if current in (Status.CLOSED, Status.SENT):
        raise InvalidTransition(f"a case that is {current} cannot be reclassified; reopen it first")
    if not is_request:
        return Status.NOT_A_REQUEST
    if current is Status.NOT_A_REQUEST or rights_changed:
        return Status.NEW
    return current


def format_reference(prefix: str, year: int, number: int) -> str:
    """``AVG-2026-0001``: the prefix, the year of receipt, a number counted per year."""
    return f"{prefix}-{year}-{number:04d}"


def references_in(text: str, prefix: str) -> list[str]:
    """Case references with ``prefix`` mentioned in ``text`` (a subject), in order."""
    pattern = re.compile(rf"(?<![A-Za-z0-9]){re.escape(prefix)}-(\d{{4}})-(\d{{4,}})(?!\d)", re.I)
    return [f"{prefix}-{year}-{number}" for year, number in pattern.findall(text)]


# A forwarded original older than this is not believed to start the clock.
MAX_FORWARD_AGE = timedelta(days=92)


def received_moment(arrived_at: datetime, mail: ParsedMail | None, zone: ZoneInfo) -> datetime:
    """When the organisation received the request: arrival in the mailbox.

    A request a colleague forwarded reached the organisation when the original
    was sent (a request to any address counts), so the clock starts at the
    original's date when it is known, earlier, and plausible.
    """
    forwarded = mail.forwarded if mail is not None else None
    if forwarded is None or forwarded.date is None:
        return arrived_at
    original = forwarded.date
    if original.tzinfo is None:
        original = original.replace(tzinfo=zone)
    if arrived_at - MAX_FORWARD_AGE <= original < arrived_at:
        return original
    return arrived_at


def case_due_date(received_at: datetime, zone: ZoneInfo, is_request: bool) -> date | None:
    """The due date of a case, or None when it asks for no right.

    A case that waits for the officer's decision has the same date, provisionally: if
    it is a request, its month began at receipt.
    """
    return due_date(local_day(received_at, zone)) if is_request else None


BREACH_NOTICE = timedelta(hours=72)  # Art. 33(1): from becoming aware, to notify the authority


def breach_notify_by(received_at: datetime) -> datetime:
    """When the supervisory authority must have been told of a possible breach."""
    return received_at + BREACH_NOTICE


def complaint_is_own_case(status: Status, due: date | None, today: date) -> bool:
    """A complaint in a case's thread is a case of its own (linked to that one) when the
    case was answered (the complaint is about the answer) or is late; while the case is
    open and on time it is a follow-up of it."""
    if status in (Status.SENT, Status.CLOSED, Status.NOT_A_REQUEST):
        return True
    return due is not None and today > due
