"""Drafts as the officer sees them (``mailbot drafts list`` / ``show``); JSON fields kept stable."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlmodel import Session

from mailbot.service.clock import Clock
from mailbot.storage.database import Database
from mailbot.storage.drafts import AttachmentInfo, DraftStore
from mailbot.storage.models import CaseRecord, DraftAttachmentRecord, DraftRecord


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
    store = DraftStore(session)
    drafts = store.of_case(case.id or 0)
    files = store.files(draft.id or 0 for draft in drafts)
    where = (case.reference, case.mailbox)
    return [_summary(draft, where, _names(files[draft.id or 0]), clock) for draft in drafts]


def list_drafts(
    database: Database,
    clock: Clock,
    status: str | None = None,
    mailboxes: Collection[str] | None = None,
) -> list[dict[str, Any]]:
    """The drafts, oldest first; only those of ``mailboxes`` when given."""
    with database.reader() as session:
        store = DraftStore(session)
        rows = store.with_cases(status, mailboxes)
        files = store.files(draft.id or 0 for draft, _, _ in rows)
        return [
            _summary(draft, (reference, mailbox), _names(files[draft.id or 0]), clock)
            for draft, reference, mailbox in rows
        ]


def _names(files: list[AttachmentInfo]) -> list[str]:
    return [item.filename for item in files]


def show_draft(database: Database, clock: Clock, draft_id: int) -> dict[str, Any]:
    """The whole message: headers, body, attachments (not their bytes), and the actions it
    depends on."""
    with database.reader() as session:
        store = DraftStore(session)
        draft = store.draft(draft_id)
        case = session.get(CaseRecord, draft.case_id)
        assert case is not None
        files = store.files([draft_id])[draft_id]
        data = _summary(draft, (case.reference, case.mailbox), _names(files), clock)
        data.update(
            {
                "body": draft.body,
                "in_reply_to": draft.in_reply_to,
                "references": list(draft.references),
                "attachment_files": [
                    {
                        "id": item.id,
                        "filename": item.filename,
                        "content_type": item.content_type,
                        "size": item.size,
                    }
                    for item in files
                ],
                "actions": [
                    {
                        "id": action.id,
                        "source": action.source,
                        "right": action.right,
                        "text": action.text,
                        "done": action.done,
                    }
                    for action in store.actions(draft_id)
                ],
            }
        )
        return data


def attachment_content(database: Database, draft_id: int, filename: str) -> bytes:
    with database.reader() as session:
        return DraftStore(session).content(draft_id, filename)


def attachment_file(database: Database, draft_id: int, file_id: int) -> DraftAttachmentRecord:
    """One attachment of a draft, with its content."""
    with database.reader() as session:
        found = DraftStore(session).attachment(draft_id, file_id)
        session.expunge(found)
        return found


def case_of_draft(database: Database, draft_id: int) -> str:
    """The reference of the case a draft belongs to."""
    with database.reader() as session:
        draft = DraftStore(session).draft(draft_id)
        case = session.get(CaseRecord, draft.case_id)
        assert case is not None
        return case.reference
