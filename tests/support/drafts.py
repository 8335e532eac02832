"""A case with one draft, stored directly: for the tests of the stores."""

from __future__ import annotations

from mailbot.storage.database import Database
from mailbot.storage.drafts import DraftStore
from mailbot.storage.models import (
    CaseRecord,
    DraftActionRecord,
    DraftAttachmentRecord,
    DraftRecord,
    utcnow,
)
from mailbot.storage.store import CaseStore


def stored_draft(
    database: Database,
    mailbox: str = "default",
    reference: str = "AVG-2026-1",
    *,
    attachments: tuple[DraftAttachmentRecord, ...] = (),
    actions: tuple[DraftActionRecord, ...] = (),
) -> int:
    """A new case of ``mailbox`` with one pending reply; returns the draft's id."""
    now = utcnow()
    with database.session() as session:
        case = CaseStore(session).add_case(
            CaseRecord(
                reference=reference, mailbox=mailbox, status="new", received_at=now,
                classified_at=now, created_at=now, updated_at=now,
            )
        )  # fmt: skip
        assert case.id is not None
        draft = DraftStore(session).add(
            case.id,
            DraftRecord(
                case_id=0, kind="reply", language="nl", to_address="a@example.net",
                subject="Uw verzoek", body="Beste", status="pending", created_at=now,
                updated_at=now,
            ),
            attachments,
            actions,
        )  # fmt: skip
        session.commit()
        assert draft.id is not None
        return draft.id
