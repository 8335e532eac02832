"""When a case that waits on the person gets a reminder draft (issue 23). No I/O.

A case waits on the person once mailbot asked them something: to identify themselves
(``awaiting_identity``, after an identification request) or to confirm the request from
the address on file (``awaiting_confirmation``, after a confirmation request). When that
request was *sent* (the SMTP server took it, or the officer sent it from his own mail
client) at least ``[drafts] reminder_after_days`` days ago, and no mail joined the case
since, one reminder is drafted, to the address the request went to, for the officer to
review like any draft.

- Days are whole days at the organisation (its time zone, not UTC): a request sent at
  00:30 in Amsterdam on the 10th (23:30 UTC on the 9th) counts from the 10th.
- One reminder per request, whatever became of it: a reminder the officer rejected is
  his decision, not a reason to draft another. A new request (the case drafted again)
  is a new wait, with a reminder of its own.
- Not reminded: a "did you send this?" sender check (its letter tells the owner of the
  address that ignoring it is fine), a request that was not sent (still a draft, or
  undeliverable), a case about to be drafted again, a case the person said was not theirs.
- A reminder still waiting for review is withdrawn when it would no longer be true: an
  answer arrived, or the case no longer waits for that request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mailbot.core.cases import OPEN, Status
from mailbot.core.deadlines import local_day
from mailbot.core.drafting import DraftKind, DraftStatus

# What each waiting status waits for: the answer to this request.
REMINDED: dict[Status, DraftKind] = {
    Status.AWAITING_IDENTITY: DraftKind.IDENTIFICATION_REQUEST,
    Status.AWAITING_CONFIRMATION: DraftKind.CONFIRMATION_REQUEST,
}


@dataclass(frozen=True, slots=True)
class DraftSeen:
    """One of a case's drafts, as far as reminding goes."""

    id: int
    kind: DraftKind
    status: DraftStatus
    to: str
    sent_at: datetime | None = None
    reminder_of: int | None = None  # for a reminder: the request it reminds of


@dataclass(frozen=True, slots=True)
class Waiting:
    """A case, as far as reminding goes."""

    status: Status
    drafts: Sequence[DraftSeen]
    answers: Sequence[datetime] = ()  # when the mails that joined the case arrived
    drafting_due: bool = False  # about to be drafted again: its drafts are replaced
    denied: bool = False  # the person said the request was not theirs


@dataclass(frozen=True, slots=True)
class Due:
    """A reminder to draft: of the request ``request``, to the address ``to`` it went to,
    ``days`` whole days after it was sent."""

    request: int
    asked: DraftKind
    to: str
    sent_at: datetime
    days: int


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """A pending reminder that is no longer true, and why."""

    draft: int
    reason: str


def days_waiting(sent_at: datetime, today: date, zone: ZoneInfo) -> int:
    """Whole days between the day ``sent_at`` fell on at the organisation and ``today``
    there (0 on the day itself)."""
    return (today - local_day(sent_at, zone)).days


def sent_before(today: date, zone: ZoneInfo, after_days: int) -> datetime | None:
    """The moment before which a request must have been sent for a reminder to be due
    ``today``: the start of the day after ``today - after_days`` at the organisation.
    None when reminders are off."""
    if after_days <= 0:
        return None
    return datetime.combine(today - timedelta(days=after_days - 1), time(), tzinfo=zone)


def awaited(case: Waiting) -> DraftSeen | None:
    """The sent request the case waits on: its newest request of the kind its status waits
    for, if that one was sent (a newer one still in review, or one that failed, is no wait
    of the person's yet)."""
    kind = REMINDED.get(case.status)
    if kind is None:
        return None
    requests = [
        draft
        for draft in case.drafts
        if draft.kind is kind and draft.status is not DraftStatus.REJECTED
    ]
    if not requests:
        return None
    newest = max(requests, key=lambda draft: draft.id)
    if newest.status is not DraftStatus.SENT or newest.sent_at is None:
        return None
    return newest


def _answered(case: Waiting, request: DraftSeen) -> bool:
    assert request.sent_at is not None
    return any(arrived >= request.sent_at for arrived in case.answers)


def reminder_due(case: Waiting, today: date, zone: ZoneInfo, after_days: int) -> Due | None:
    """The reminder to draft now for ``case``, or None. ``after_days`` 0: never."""
    if after_days <= 0 or case.drafting_due or case.denied:
        return None
    request = awaited(case)
    if request is None or request.sent_at is None:
        return None
    if any(draft.reminder_of == request.id for draft in case.drafts):
        return None  # this wait had its reminder (sent, waiting, or rejected by the officer)
    if _answered(case, request):
        return None
    days = days_waiting(request.sent_at, today, zone)
    if days < after_days:
        return None
    return Due(request.id, request.kind, request.to, request.sent_at, days)


def withdrawals(case: Waiting) -> list[Withdrawal]:
    """The case's reminders waiting for review that would no longer be true."""
    pending = [
        draft
        for draft in case.drafts
        if draft.kind is DraftKind.REMINDER and draft.status is DraftStatus.PENDING
    ]
    if not pending or case.status not in OPEN:
        return []  # a closed case's drafts are the closing's business
    request = awaited(case)
    found = []
    for draft in pending:
        if request is None or draft.reminder_of != request.id:
            found.append(Withdrawal(draft.id, "the case no longer waits for that request"))
        elif _answered(case, request):
            found.append(Withdrawal(draft.id, "a mail joined the case after the request was sent"))
    return found
