"""When a reminder is due: whole days at the organisation, one per request, none after an
answer."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from mailbot.core.cases import Status
from mailbot.core.drafting import DraftKind, DraftStatus
from mailbot.core.reminders import (
    DraftSeen,
    Due,
    Waiting,
    Withdrawal,
    days_waiting,
    reminder_due,
    sent_before,
    withdrawals,
)

ZONE = ZoneInfo("Europe/Amsterdam")
EVE = "eve@example.org"
# Tuesday 10 March 2026, 16:00 in Amsterdam
SENT = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def asked(
    sent_at: datetime | None = SENT,
    status: DraftStatus = DraftStatus.SENT,
    kind: DraftKind = DraftKind.IDENTIFICATION_REQUEST,
    draft_id: int = 2,
) -> DraftSeen:
    return DraftSeen(draft_id, kind, status, EVE, sent_at if status is DraftStatus.SENT else None)


def reminder(
    of: int = 2, status: DraftStatus = DraftStatus.PENDING, draft_id: int = 9
) -> DraftSeen:
    return DraftSeen(draft_id, DraftKind.REMINDER, status, EVE, reminder_of=of)


def case(
    *drafts: DraftSeen,
    status: Status = Status.AWAITING_IDENTITY,
    answers: tuple[datetime, ...] = (),
    drafting_due: bool = False,
    denied: bool = False,
) -> Waiting:
    acknowledgement = DraftSeen(1, DraftKind.ACKNOWLEDGEMENT, DraftStatus.SENT, EVE, SENT)
    return Waiting(status, (acknowledgement, *drafts), answers, drafting_due, denied)


def due_on(waiting: Waiting, today: date, after_days: int = 7) -> Due | None:
    return reminder_due(waiting, today, ZONE, after_days)


@pytest.mark.parametrize(
    ("today", "days"),
    [(date(2026, 3, 16), None), (date(2026, 3, 17), 7), (date(2026, 3, 18), 8)],
)
def test_due_from_the_seventh_day_after_the_request_was_sent(today: date, days: int | None) -> None:
    found = due_on(case(asked()), today)
    if days is None:
        assert found is None
    else:
        assert found == Due(2, DraftKind.IDENTIFICATION_REQUEST, EVE, SENT, days)


def test_days_are_counted_at_the_organisation_not_in_utc() -> None:
    # 23:30 UTC on the 9th is 00:30 on the 10th in Amsterdam: the wait began on the 10th
    just_after_midnight = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
    waiting = case(asked(just_after_midnight))
    assert days_waiting(just_after_midnight, date(2026, 3, 16), ZONE) == 6
    assert due_on(waiting, date(2026, 3, 16)) is None
    assert due_on(waiting, date(2026, 3, 17)) is not None
    # the same moment written in another zone is the same moment
    in_karachi = just_after_midnight.astimezone(timezone(timedelta(hours=5)))
    assert in_karachi.day == 10 and days_waiting(in_karachi, date(2026, 3, 16), ZONE) == 6
    # 22:30 UTC on the 9th is 23:30 on the 9th in Amsterdam: one day more
    before_midnight = datetime(2026, 3, 9, 22, 30, tzinfo=UTC)
    assert due_on(case(asked(before_midnight)), date(2026, 3, 16)) is not None


def test_a_change_to_summer_time_does_not_move_the_day() -> None:
    # the clocks go forward on 29 March 2026: still seven calendar days
    sent = datetime(2026, 3, 27, 23, 30, tzinfo=UTC)  # 00:30 on the 28th, winter time
    assert due_on(case(asked(sent)), date(2026, 4, 3)) is None
    assert due_on(case(asked(sent)), date(2026, 4, 4)) is not None


@pytest.mark.parametrize("after_days", [1, 7, 30])
def test_the_query_bound_lets_through_exactly_the_requests_that_may_be_due(after_days: int) -> None:
    today = date(2026, 3, 29)  # the day summer time begins
    bound = sent_before(today, ZONE, after_days)
    assert bound is not None
    for moment in (bound - timedelta(seconds=1), bound, bound + timedelta(hours=1)):
        due = due_on(case(asked(moment)), today, after_days)
        assert (due is not None) == (moment < bound), moment


def test_zero_days_means_never() -> None:
    assert due_on(case(asked()), date(2027, 1, 1), after_days=0) is None
    assert sent_before(date(2027, 1, 1), ZONE, 0) is None


def test_only_a_sent_request_starts_the_wait() -> None:
    for status in (DraftStatus.PENDING, DraftStatus.APPROVED, DraftStatus.FAILED):
        assert due_on(case(asked(status=status)), date(2026, 4, 30)) is None, status
    # a newer request still in review: the person has not been asked that one yet
    newer = asked(status=DraftStatus.PENDING, draft_id=5)
    assert due_on(case(asked(), newer), date(2026, 4, 30)) is None
    # a newer one rejected by the officer leaves the sent one waiting
    rejected = asked(status=DraftStatus.REJECTED, draft_id=5)
    assert due_on(case(asked(), rejected), date(2026, 4, 30)) is not None


def test_one_reminder_per_request_whatever_became_of_it() -> None:
    for status in DraftStatus:
        assert due_on(case(asked(), reminder(status=status)), date(2026, 4, 30)) is None, status
    # a reminder of an earlier request does not count for a new one
    earlier = asked(datetime(2026, 2, 1, tzinfo=UTC), draft_id=2)
    again = asked(draft_id=4)
    found = due_on(case(earlier, reminder(of=2, status=DraftStatus.SENT), again), date(2026, 3, 20))
    assert found is not None and found.request == 4


def test_no_reminder_once_a_mail_joined_the_case_after_the_request() -> None:
    before = SENT - timedelta(days=2)  # the request itself, or anything before it was sent
    assert due_on(case(asked(), answers=(before,)), date(2026, 3, 20)) is not None
    assert due_on(case(asked(), answers=(SENT + timedelta(days=3),)), date(2026, 3, 20)) is None


def test_confirmation_requests_are_reminded_sender_checks_are_not() -> None:
    confirm = asked(kind=DraftKind.CONFIRMATION_REQUEST)
    found = due_on(case(confirm, status=Status.AWAITING_CONFIRMATION), date(2026, 3, 20))
    assert found is not None and found.asked is DraftKind.CONFIRMATION_REQUEST and found.to == EVE
    # the sender check tells the address's owner that ignoring it is fine
    check = asked(kind=DraftKind.SENDER_CHECK)
    assert due_on(case(check, status=Status.AWAITING_CONFIRMATION), date(2026, 3, 20)) is None
    # the status says which request is waited on
    assert due_on(case(confirm, status=Status.AWAITING_IDENTITY), date(2026, 3, 20)) is None


@pytest.mark.parametrize(
    "status",
    [Status.NEW, Status.READY_FOR_REVIEW, Status.SENT, Status.CLOSED, Status.NOT_A_REQUEST],
)
def test_no_reminder_for_a_case_that_does_not_wait_on_the_person(status: Status) -> None:
    assert due_on(case(asked(), status=status), date(2026, 4, 30)) is None


def test_no_reminder_for_a_case_about_to_be_drafted_again_or_denied() -> None:
    assert due_on(case(asked(), drafting_due=True), date(2026, 4, 30)) is None
    assert due_on(case(asked(), denied=True), date(2026, 4, 30)) is None


def test_a_pending_reminder_is_withdrawn_when_no_longer_true() -> None:
    assert withdrawals(case(asked(), reminder())) == []
    answered = case(asked(), reminder(), answers=(SENT + timedelta(days=8),))
    assert withdrawals(answered) == [
        Withdrawal(9, "a mail joined the case after the request was sent")
    ]
    moved_on = case(asked(), reminder(), status=Status.READY_FOR_REVIEW)
    assert withdrawals(moved_on) == [Withdrawal(9, "the case no longer waits for that request")]
    # sent or rejected reminders stay as they are; a closed case's drafts are the closing's
    assert withdrawals(case(asked(), reminder(status=DraftStatus.SENT), status=Status.NEW)) == []
    assert withdrawals(case(asked(), reminder(), status=Status.CLOSED)) == []
