"""Drafts as the officer sees them (``mailbot drafts list`` / ``show``); JSON fields kept stable."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Self

from mailbot.service.clock import Clock
from mailbot.service.views import JsonView
from mailbot.storage.database import Database, Session
from mailbot.storage.drafts import AttachmentInfo, DraftStore
from mailbot.storage.models import CaseRecord, DraftAttachmentRecord, DraftRecord
from mailbot.storage.store import CaseStore


@dataclass(frozen=True, slots=True)
class DraftView(JsonView):
    """A draft as ``drafts list --json`` prints it (``attachments``: the files' names)."""

    id: int
    case: str
    mailbox: str
    kind: str
    language: str
    to: str
    subject: str
    attachments: tuple[str, ...]
    status: str
    why: str
    notes: tuple[str, ...]
    created_at: str
    edited: bool
    approved_by: str | None
    approved_at: str | None
    automatic: bool
    message_id: str | None
    sent_at: str | None
    error: str | None
    reason: str | None

    @classmethod
    def of(
        cls,
        draft: DraftRecord,
        case: tuple[str, str],
        files: list[AttachmentInfo],
        clock: Clock,
        **more: Any,
    ) -> Self:
        """The view of ``draft`` of ``case`` (its reference and mailbox), with ``more``, the
        fields a larger view adds."""
        assert draft.id is not None
        reference, mailbox = case
        return cls(
            id=draft.id,
            case=reference,
            mailbox=mailbox,
            kind=draft.kind,
            language=draft.language,
            to=draft.to_address,
            subject=draft.subject,
            attachments=tuple(item.filename for item in files),
            status=draft.status,
            why=draft.why,
            notes=tuple(draft.notes),
            created_at=clock.moment(draft.created_at),
            edited=draft.edited_at is not None,
            approved_by=draft.approved_by,
            approved_at=clock.moment(draft.approved_at) if draft.approved_at else None,
            automatic=draft.automatic,
            message_id=draft.message_id,
            sent_at=clock.moment(draft.sent_at) if draft.sent_at else None,
            error=draft.error or None,
            reason=draft.reason or None,
            **more,
        )


@dataclass(frozen=True, slots=True)
class DraftFile(JsonView):
    """An attached file of a draft, without its bytes."""

    id: int
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class DraftAction(JsonView):
    """An action in a data source that the draft's approval waits for."""

    id: int
    source: str
    right: str
    text: str
    done: bool


@dataclass(frozen=True, slots=True)
class DraftDetail(DraftView):
    """A draft as ``drafts show --json`` prints it: the whole message and its actions."""

    body: str
    in_reply_to: str | None
    references: tuple[str, ...]
    attachment_files: tuple[DraftFile, ...]
    actions: tuple[DraftAction, ...]


def case_drafts(session: Session, case: CaseRecord, clock: Clock) -> tuple[DraftView, ...]:
    """The drafts of one case, oldest first, as ``drafts list --json`` shows them."""
    store = DraftStore(session)
    drafts = store.of_case(case.id or 0)
    files = store.files(draft.id or 0 for draft in drafts)
    where = (case.reference, case.mailbox)
    return tuple(DraftView.of(draft, where, files[draft.id or 0], clock) for draft in drafts)


def list_drafts(
    database: Database,
    clock: Clock,
    status: str | None = None,
    mailboxes: Collection[str] | None = None,
) -> list[DraftView]:
    """The drafts, oldest first; only those of ``mailboxes`` when given."""
    with database.reader() as session:
        store = DraftStore(session)
        rows = store.with_cases(status, mailboxes)
        files = store.files(draft.id or 0 for draft, _, _ in rows)
        return [
            DraftView.of(draft, (reference, mailbox), files[draft.id or 0], clock)
            for draft, reference, mailbox in rows
        ]


def show_draft(database: Database, clock: Clock, draft_id: int) -> DraftDetail:
    """The whole message: headers, body, attachments (not their bytes), and the actions it
    depends on."""
    with database.reader() as session:
        store = DraftStore(session)
        draft = store.draft(draft_id)
        case = CaseStore(session).case_by_id(draft.case_id)
        files = store.files([draft_id])[draft_id]
        return DraftDetail.of(
            draft,
            (case.reference, case.mailbox),
            files,
            clock,
            body=draft.body,
            in_reply_to=draft.in_reply_to,
            references=tuple(draft.references),
            attachment_files=tuple(
                DraftFile(item.id, item.filename, item.content_type, item.size) for item in files
            ),
            actions=tuple(
                DraftAction(action.id or 0, action.source, action.right, action.text, action.done)
                for action in store.actions(draft_id)
            ),
        )


def attachment_content(database: Database, draft_id: int, filename: str) -> bytes:
    """The bytes of a draft's attachment, by its file name."""
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
        return CaseStore(session).case_by_id(draft.case_id).reference
