"""Drafts as the officer sees them (``mailbot drafts list`` / ``show``); JSON fields kept stable."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlmodel import Session, col, select

from mailbot.errors import NotFound
from mailbot.service.clock import Clock
from mailbot.storage.database import Database
from mailbot.storage.models import (
    CaseRecord,
    DraftActionRecord,
    DraftAttachmentRecord,
    DraftRecord,
)


def _summary(
    draft: DraftRecord, case: tuple[str, str], names: list[str], clock: Clock
) -> dict[str, Any]:
    reference, mailbox = case
    return {
        "id": draft.id,
        "case": reference,
        "mailbox": mailbox,
        "kind": draft.kind,
        "language": draft.language,
        "to": draft.to_address,
        "subject": draft.subject,
        "attachments": names,
        "status": draft.status,
        "why": draft.why,
        "notes": list(draft.notes),
        "created_at": clock.moment(draft.created_at),
        "edited": draft.edited_at is not None,
        "approved_by": draft.approved_by,
        "approved_at": clock.moment(draft.approved_at) if draft.approved_at else None,
        "automatic": draft.automatic,
        "message_id": draft.message_id,
        "sent_at": clock.moment(draft.sent_at) if draft.sent_at else None,
        "error": draft.error or None,
        "reason": draft.reason or None,
    }


def case_drafts(session: Session, case: CaseRecord, clock: Clock) -> list[dict[str, Any]]:
    """The drafts of one case, oldest first, as ``drafts list --json`` shows them."""
    drafts = session.exec(
        select(DraftRecord).where(DraftRecord.case_id == case.id).order_by(col(DraftRecord.id))
    ).all()
    result = []
    for draft in drafts:
        names = session.exec(
            select(DraftAttachmentRecord.filename)
            .where(DraftAttachmentRecord.draft_id == draft.id)
            .order_by(col(DraftAttachmentRecord.id))
        ).all()
        result.append(_summary(draft, (case.reference, case.mailbox), list(names), clock))
    return result


def list_drafts(
    database: Database,
    clock: Clock,
    status: str | None = None,
    mailboxes: Collection[str] | None = None,
) -> list[dict[str, Any]]:
    """The drafts, oldest first; only those of ``mailboxes`` when given."""
    with database.reader() as session:
        query = select(DraftRecord, CaseRecord.reference, CaseRecord.mailbox).join(
            CaseRecord, col(CaseRecord.id) == col(DraftRecord.case_id)
        )
        if status is not None:
            query = query.where(DraftRecord.status == status)
        if mailboxes is not None:
            query = query.where(col(CaseRecord.mailbox).in_(list(mailboxes)))
        rows = session.exec(query.order_by(col(DraftRecord.id))).all()
        names: dict[int, list[str]] = {}
        for draft_id, filename in session.exec(
            select(DraftAttachmentRecord.draft_id, DraftAttachmentRecord.filename).order_by(
                col(DraftAttachmentRecord.id)
            )
        ):
            names.setdefault(draft_id, []).append(filename)
        return [
            _summary(draft, (reference, mailbox), names.get(draft.id or 0, []), clock)
            for draft, reference, mailbox in rows
        ]


def show_draft(database: Database, clock: Clock, draft_id: int) -> dict[str, Any]:
    """The whole message: headers, body, attachments, and the actions it depends on."""
    with database.reader() as session:
        draft = session.get(DraftRecord, draft_id)
        if draft is None:
            raise NotFound(f"no draft {draft_id}")
        case = session.get(CaseRecord, draft.case_id)
        assert case is not None
        attachments = session.exec(
            select(DraftAttachmentRecord).where(DraftAttachmentRecord.draft_id == draft_id)
        ).all()
        actions = session.exec(
            select(DraftActionRecord).where(DraftActionRecord.draft_id == draft_id)
        ).all()
        names = [a.filename for a in attachments]
        data = _summary(draft, (case.reference, case.mailbox), names, clock)
        data.update(
            {
                "body": draft.body,
                "in_reply_to": draft.in_reply_to,
                "references": list(draft.references),
                "attachment_files": [
                    {
                        "id": a.id,
                        "filename": a.filename,
                        "content_type": a.content_type,
                        "size": a.size,
                    }
                    for a in attachments
                ],
                "actions": [
                    {
                        "id": action.id,
                        "source": action.source,
                        "right": action.right,
                        "text": action.text,
                        "done": action.done,
                    }
                    for action in actions
                ],
            }
        )
        return data


def attachment_content(database: Database, draft_id: int, filename: str) -> bytes:
    with database.reader() as session:
        found = session.exec(
            select(DraftAttachmentRecord.content).where(
                DraftAttachmentRecord.draft_id == draft_id,
                DraftAttachmentRecord.filename == filename,
            )
        ).first()
    if found is None:
        raise NotFound(f"draft {draft_id} has no attachment {filename!r}")
    return found


def attachment_file(database: Database, draft_id: int, file_id: int) -> DraftAttachmentRecord:
    """One attachment of a draft, with its content."""
    with database.reader() as session:
        found = session.get(DraftAttachmentRecord, file_id)
        if found is None or found.draft_id != draft_id:
            raise NotFound(f"draft {draft_id} has no attachment {file_id}")
        session.expunge(found)
        return found


def case_of_draft(database: Database, draft_id: int) -> str:
    """The reference of the case a draft belongs to."""
    with database.reader() as session:
        draft = session.get(DraftRecord, draft_id)
        if draft is None:
            raise NotFound(f"no draft {draft_id}")
        case = session.get(CaseRecord, draft.case_id)
        assert case is not None
        return case.reference
