"""The reminders' side of the database: the cases that may need one, read in a few queries.

Every pass of the worker asks, so the cases are found in bulk (never one query per
waiting case): those whose identification or confirmation request was sent before a
given moment, not reminded of and not answered yet, and that still wait on the person;
and those with a reminder waiting for review (it may have stopped being true).
``core.reminders`` decides on what is read; these queries only narrow it down.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from mailbot.core.drafting import DraftKind, DraftStatus
from mailbot.core.reminders import REMINDED
from mailbot.ports import Outcome
from mailbot.storage.models import CaseRecord, DraftRecord, MailRecord


@dataclass
class Seen:
    """A case with its drafts and when the mails that joined it later arrived."""

    case: CaseRecord
    drafts: list[DraftRecord] = field(default_factory=list)
    answers: list[datetime] = field(default_factory=list)


class ReminderStore:
    """Reads for the reminders, in the caller's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def candidates(self, mailbox: str, sent_before: datetime | None) -> list[Seen]:
        """``mailbox``'s cases that wait on the person for a request sent before
        ``sent_before`` (None: none), and those with a reminder waiting for review."""
        ids: set[int] = set()
        if sent_before is not None:
            # Requests reminded of, or answered, are left out here already: a case that
            # waits for weeks is not read again on every pass.
            reminder = aliased(DraftRecord)
            reminded = select(reminder.id).where(col(reminder.reminder_of) == col(DraftRecord.id))
            answered = select(MailRecord.id).where(
                col(MailRecord.case_id) == col(DraftRecord.case_id),
                col(MailRecord.disposition) == Outcome.FOLLOW_UP,
                col(MailRecord.arrived_at) >= col(DraftRecord.sent_at),
            )
            waiting = (
                select(DraftRecord.case_id)
                .join(CaseRecord, col(CaseRecord.id) == col(DraftRecord.case_id))
                .where(
                    col(CaseRecord.mailbox) == mailbox,
                    col(CaseRecord.status).in_([status.value for status in REMINDED]),
                    col(DraftRecord.kind).in_([kind.value for kind in REMINDED.values()]),
                    col(DraftRecord.status) == DraftStatus.SENT,
                    col(DraftRecord.sent_at) < sent_before,
                    ~reminded.exists(),
                    ~answered.exists(),
                )
            )
            ids.update(self.session.exec(waiting))
        reminding = (
            select(DraftRecord.case_id)
            .join(CaseRecord, col(CaseRecord.id) == col(DraftRecord.case_id))
            .where(
                col(CaseRecord.mailbox) == mailbox,
                col(DraftRecord.kind) == DraftKind.REMINDER,
                col(DraftRecord.status) == DraftStatus.PENDING,
            )
        )
        ids.update(self.session.exec(reminding))
        return self.seen(sorted(ids))

    def seen(self, case_ids: Sequence[int]) -> list[Seen]:
        """The cases ``case_ids`` (in that order) with their drafts and later mails."""
        if not case_ids:
            return []
        cases = self.session.exec(select(CaseRecord).where(col(CaseRecord.id).in_(case_ids)))
        found = {case.id: Seen(case) for case in cases}
        drafts = self.session.exec(
            select(DraftRecord)
            .where(col(DraftRecord.case_id).in_(case_ids))
            .order_by(col(DraftRecord.id))
        )
        for draft in drafts:
            found[draft.case_id].drafts.append(draft)
        for case_id, arrived in self._answers(case_ids):
            found[case_id].answers.append(arrived)
        return [found[case_id] for case_id in case_ids if case_id in found]

    def _answers(self, case_ids: Collection[int]) -> list[tuple[int, datetime]]:
        """When each follow-up of the cases arrived (mails that joined them after the first)."""
        rows = self.session.exec(
            select(MailRecord.case_id, MailRecord.arrived_at).where(
                col(MailRecord.case_id).in_(list(case_ids)),
                col(MailRecord.disposition) == Outcome.FOLLOW_UP,
            )
        )
        return [(case_id, arrived) for case_id, arrived in rows if case_id is not None]
