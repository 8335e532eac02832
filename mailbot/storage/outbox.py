"""The one way a mail enters the outbox: a queued row the worker sends."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from mailbot.core.outbox import OutboxState
from mailbot.storage.models import OutboxRecord


def enqueue(
    session: Session,
    *,
    kind: str,
    mailbox: str,
    message_id: str,
    sender: str,
    recipient: str,
    content: bytes,
    now: datetime,
    draft_id: int | None = None,
    file_in_sent: bool = False,
) -> OutboxRecord:
    """Queue a mail to be sent now, in the caller's transaction (added and flushed, not
    committed): the row has its id."""
    row = OutboxRecord(
        draft_id=draft_id,
        kind=kind,
        mailbox=mailbox,
        message_id=message_id,
        sender=sender,
        recipient=recipient,
        content=content,
        state=OutboxState.QUEUED.value,
        next_attempt_at=now,
        created_at=now,
        file_in_sent=file_in_sent,
    )
    session.add(row)
    session.flush()
    return row
