"""The drafts' side of the database: drafts, their attached copies and their actions.

What lists and pages show reads the attachments' metadata only; their bytes are read where
they are used (sending, a download, the review copy in the mail client).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import defer
from sqlmodel import Session, col, func, select

from mailbot.core.drafting import DraftStatus
from mailbot.errors import NotFound
from mailbot.storage.models import (
    CaseRecord,
    DraftActionRecord,
    DraftAttachmentRecord,
    DraftRecord,
)


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    """An attached file without its bytes."""

    id: int
    draft_id: int
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class Waiting:
    """A draft waiting for review, and when it last changed."""

    id: int
    updated_at: datetime


class DraftStore:
    """Drafts, with their attached copies and their actions, in the caller's session (the
    caller commits)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, draft_id: int) -> DraftRecord | None:
        return self.session.get(DraftRecord, draft_id)

    def draft(self, draft_id: int) -> DraftRecord:
        record = self.find(draft_id)
        if record is None:
            raise NotFound(f"no draft {draft_id}")
        return record

    def add(
        self,
        case_id: int,
        draft: DraftRecord,
        attachments: Sequence[DraftAttachmentRecord] = (),
        actions: Sequence[DraftActionRecord] = (),
    ) -> DraftRecord:
        """A new draft of the case with its attached copies and its actions; flushed, so
        that the draft has its id."""
        draft.case_id = case_id
        self.session.add(draft)
        self.session.flush()
        assert draft.id is not None
        for attachment in attachments:
            attachment.draft_id = draft.id
            self.session.add(attachment)
        for action in actions:
            action.draft_id, action.case_id = draft.id, case_id
            self.session.add(action)
        return draft

    def with_cases(
        self, status: str | None = None, mailboxes: Collection[str] | None = None
    ) -> list[tuple[DraftRecord, str, str]]:
        """Drafts (of ``status``, of ``mailboxes``) with their case's reference and mailbox,
        oldest first."""
        query = select(DraftRecord, CaseRecord.reference, CaseRecord.mailbox).join(
            CaseRecord, col(CaseRecord.id) == col(DraftRecord.case_id)
        )
        if status is not None:
            query = query.where(DraftRecord.status == status)
        if mailboxes is not None:
            query = query.where(col(CaseRecord.mailbox).in_(list(mailboxes)))
        return [tuple(row) for row in self.session.exec(query.order_by(col(DraftRecord.id)))]  # type: ignore[misc]

    def waiting(self, mailbox: str) -> list[Waiting]:
        """The drafts of ``mailbox`` waiting for review, oldest first."""
        rows = self.session.exec(
            select(DraftRecord.id, DraftRecord.updated_at)
            .join(CaseRecord, col(CaseRecord.id) == col(DraftRecord.case_id))
            .where(
                col(DraftRecord.status) == DraftStatus.PENDING,
                col(CaseRecord.mailbox) == mailbox,
            )
            .order_by(col(DraftRecord.id))
        )
        return [Waiting(draft_id, updated) for draft_id, updated in rows if draft_id is not None]

    def of_case(self, case_id: int) -> list[DraftRecord]:
        return list(
            self.session.exec(
                select(DraftRecord)
                .where(DraftRecord.case_id == case_id)
                .order_by(col(DraftRecord.id))
            )
        )

    # -- attached copies ---------------------------------------------------
    def files(self, draft_ids: Iterable[int]) -> dict[int, list[AttachmentInfo]]:
        """The attachments of each draft, in order, without their bytes."""
        wanted = list(draft_ids)
        found: dict[int, list[AttachmentInfo]] = {draft_id: [] for draft_id in wanted}
        if not wanted:
            return found
        rows = self.session.exec(
            select(DraftAttachmentRecord)
            .options(defer(DraftAttachmentRecord.content))  # type: ignore[arg-type]
            .where(col(DraftAttachmentRecord.draft_id).in_(wanted))
            .order_by(col(DraftAttachmentRecord.id))
        )
        for row in rows:
            assert row.id is not None
            info = AttachmentInfo(row.id, row.draft_id, row.filename, row.content_type, row.size)
            found[row.draft_id].append(info)
        return found

    def attachments(self, draft_id: int | None) -> list[DraftAttachmentRecord]:
        """The attachments of a draft with their bytes (to send, or to copy for review)."""
        return list(
            self.session.exec(
                select(DraftAttachmentRecord)
                .where(DraftAttachmentRecord.draft_id == draft_id)
                .order_by(col(DraftAttachmentRecord.id))
            )
        )

    def content(self, draft_id: int, filename: str) -> bytes:
        found = self.session.exec(
            select(DraftAttachmentRecord.content).where(
                DraftAttachmentRecord.draft_id == draft_id,
                DraftAttachmentRecord.filename == filename,
            )
        ).first()
        if found is None:
            raise NotFound(f"draft {draft_id} has no attachment {filename!r}")
        return found

    def attachment(self, draft_id: int, file_id: int) -> DraftAttachmentRecord:
        found = self.session.get(DraftAttachmentRecord, file_id)
        if found is None or found.draft_id != draft_id:
            raise NotFound(f"draft {draft_id} has no attachment {file_id}")
        return found

    # -- actions in the data sources ---------------------------------------
    def of_cases(self, case_ids: Collection[int]) -> list[DraftRecord]:
        """Every draft of ``case_ids``, oldest first."""
        query = select(DraftRecord).where(col(DraftRecord.case_id).in_(list(case_ids)))
        return list(self.session.exec(query.order_by(col(DraftRecord.id))))

    def open_action_counts(self, draft_ids: Collection[int]) -> dict[int, int]:
        """How many actions of each of ``draft_ids`` are not done yet (absent: none)."""
        if not draft_ids:
            return {}
        query = (
            select(DraftActionRecord.draft_id, func.count())
            .where(col(DraftActionRecord.draft_id).in_(list(draft_ids)))
            .where(col(DraftActionRecord.done).is_(False))
            .group_by(col(DraftActionRecord.draft_id))
        )
        return {draft_id: count for draft_id, count in self.session.exec(query).all()}  # noqa: C416

    def actions(self, draft_id: int | None, *, open_only: bool = False) -> list[DraftActionRecord]:
        """A draft's actions in order; only those not done yet with ``open_only``."""
        query = select(DraftActionRecord).where(DraftActionRecord.draft_id == draft_id)
        if open_only:
            query = query.where(col(DraftActionRecord.done).is_(False))
        return list(self.session.exec(query.order_by(col(DraftActionRecord.id))))
