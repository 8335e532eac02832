"""The reminder pass: a reminder draft for each person who has not answered in time.

Part of the drafting pass (``Drafting.run``), after the cases due for drafting. The
cases that may need one are read in bulk (``storage.reminders``); ``core.reminders``
decides, per case, whether a reminder is due and which reminders waiting for review
stopped being true. A reminder is built outside the transaction (its letter reads the
data sources, as the request's did), then stored in one that locks the case and decides
again on what is stored now: two workers, or a restart between the two steps, never
make two. The unique ``drafts.reminder_of`` backs that up.

A reminder goes to the address the request went to, threaded below it, and waits for
the officer like any draft: nothing here sends anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from mailbot.config import Settings
from mailbot.core.cases import Status
from mailbot.core.drafting import DraftKind, DraftStatus
from mailbot.core.reminders import (
    DraftSeen,
    Due,
    Waiting,
    reminder_due,
    sent_before,
    withdrawals,
)
from mailbot.logs import log_failure
from mailbot.service.clock import Clock
from mailbot.storage.database import REFUSALS, Conflict, Database, conflicts_reported
from mailbot.storage.drafts import DraftStore
from mailbot.storage.models import DraftRecord, utcnow
from mailbot.storage.reminders import ReminderStore, Seen
from mailbot.storage.store import CaseStore

log = logging.getLogger(__name__)
ACTOR = "mailbot"
MAX_REFERENCES = 20


class ReminderBuilder(Protocol):
    """What makes a reminder's text: the mailbox's ``Drafting``."""

    def build_reminder(self, case_id: int, due: Due) -> DraftRecord: ...


def waiting(seen: Seen) -> Waiting:
    """A case as ``core.reminders`` sees it."""
    case = seen.case
    return Waiting(
        status=Status(case.status),
        drafts=[
            DraftSeen(
                id=draft.id or 0,
                kind=DraftKind(draft.kind),
                status=DraftStatus(draft.status),
                to=draft.to_address,
                sent_at=draft.sent_at,
                reminder_of=draft.reminder_of,
            )
            for draft in seen.drafts
        ],
        answers=seen.answers,
        drafting_due=case.drafting_due,
        denied=case.denied_at is not None,
    )


class Reminders:
    """One mailbox's reminders."""

    def __init__(
        self, database: Database, settings: Settings, builder: ReminderBuilder, clock: Clock
    ) -> None:
        self.database = database
        self.settings = settings
        self.builder = builder
        self.clock = clock

    @property
    def after_days(self) -> int:
        return self.settings.drafts.reminder_after_days

    def run(self, stopping: Callable[[], bool] = lambda: False) -> int:
        """Withdraw the reminders no longer true, draft those due; returns how many were
        drafted."""
        today = self.clock.local_today()
        before = sent_before(today, self.clock.zone, self.after_days)
        with self.database.reader() as session:
            found = ReminderStore(session).candidates(self.settings.mailbox, before)
        drafted = 0
        for seen in found:
            if stopping():
                break  # the rest are found again on the next pass
            case_id = seen.case.id or 0
            try:
                case = waiting(seen)
                if withdrawals(case):
                    self.withdraw(case_id)
                due = reminder_due(case, today, self.clock.zone, self.after_days)
                if due is not None:
                    drafted += self.draft(case_id, due)
            except REFUSALS:
                raise  # the database, not the case: the others would fail the same way
            except Exception as exc:  # one case's failure must not stop the others
                log_failure(log, "case id %s: no reminder drafted; tried again on the next pass",
                            case_id, exc=exc)  # fmt: skip
        return drafted

    def draft(self, case_id: int, due: Due) -> bool:
        """Draft the reminder ``due``; False when it is not due any more (another worker
        drafted it, the person answered, the case moved on)."""
        reminder = self.builder.build_reminder(case_id, due)
        today = self.clock.local_today()
        with self.database.session() as session:
            store = CaseStore(session)
            case = store.case_for_update(case_id)
            (seen,) = ReminderStore(session).seen([case_id])
            if reminder_due(waiting(seen), today, self.clock.zone, self.after_days) != due:
                return False
            request = next(draft for draft in seen.drafts if draft.id == due.request)
            reminder.reminder_of = request.id
            if request.message_id:  # below the request in the person's mail program
                reminder.in_reply_to = request.message_id
                thread = [*request.references, request.message_id]
                reminder.references = thread[-MAX_REFERENCES:]
            try:
                with conflicts_reported(session):
                    DraftStore(session).add(case_id, reminder)
                    store.add_event(
                        case_id,
                        ACTOR,
                        "drafted",
                        {
                            "drafts": [f"{DraftKind.REMINDER} to {reminder.to_address}"],
                            "reminder_of": request.id,
                            "days_waiting": due.days,
                        },
                    )
                    session.commit()
            except Conflict:
                return False  # another worker stored it first
        log.info("case %s: reminder drafted, %d days after the request", case.reference, due.days)
        return True

    def withdraw(self, case_id: int) -> int:
        """Reject the case's pending reminders that are no longer true; how many."""
        with self.database.session() as session:
            store = CaseStore(session)
            case = store.case_for_update(case_id)
            (seen,) = ReminderStore(session).seen([case_id])
            found = withdrawals(waiting(seen))
            drafts = {draft.id: draft for draft in seen.drafts}
            now = utcnow()
            for withdrawal in found:
                draft = drafts[withdrawal.draft]
                draft.status, draft.reason = DraftStatus.REJECTED.value, withdrawal.reason
                draft.updated_at = now
                session.add(draft)
                store.add_event(
                    case_id,
                    ACTOR,
                    "rejected",
                    {"draft": draft.id, "kind": draft.kind, "reason": withdrawal.reason},
                )
            session.commit()
        if found:
            log.info("case %s: %d reminder(s) withdrawn", case.reference, len(found))
        return len(found)
