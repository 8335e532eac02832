"""The outbox: sending what the officer approved, exactly as approved, and filing it in Sent.

A mail is claimed (``sending``, with a lease) in one transaction, handed to the
``MailSender``, and its result stored in the next: ``sent``; ``queued`` again
with a later attempt; or ``failed``, which puts the draft back in front of the
officer with the server's answer and reopens the case. The bytes and the
Message-ID were fixed at approval, so a retry sends the same mail.

Delivery is at least once: a worker killed after the server's final reply and
before the ``sent`` commit sends that mail again when the claim is taken over
(same bytes, same Message-ID). Every other path sends once: a claim is an
atomic conditional update, so two workers never hold the same mail, and a
mail that is ``sent`` is never claimed again.

A claim is taken over when its lease has run out, or at once when the worker
that made it ran on this machine and its process is gone.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from mailbot.config import Settings
from mailbot.core.approval import ANSWER_KINDS, status_after_failure, status_after_sent
from mailbot.core.bounces import Bounce
from mailbot.core.cases import Status
from mailbot.core.drafting import DraftKind, DraftStatus
from mailbot.core.outbox import (
    OutboxState,
    gives_up,
    lease,
    rate_limited_until,
    retry_delay,
)
from mailbot.errors import SendDeferred, SendRefused, SmtpUnavailable, SourceUnavailable
from mailbot.ports import Envelope, MailSender, SentFolder
from mailbot.storage.database import Database
from mailbot.storage.models import CaseRecord, DraftRecord, OutboxRecord, utcnow
from mailbot.storage.store import CaseStore

log = logging.getLogger(__name__)
ACTOR = "mailbot"
HOST = socket.gethostname()


def worker_id() -> str:
    """Who holds a claim: this machine, this process, and a token for this outbox."""
    return f"{HOST}:{os.getpid()}:{secrets.token_hex(4)}"


def claimer_gone(claimed_by: str | None) -> bool:
    """True when the claim was made on this machine by a process that no longer runs."""
    if not claimed_by:
        return False
    host, _, rest = claimed_by.partition(":")
    pid_text = rest.partition(":")[0]
    if host != HOST or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


@dataclass
class SendReport:
    """What one pass over the outbox did."""

    sent: int = 0
    deferred: int = 0
    failed: int = 0
    held: int = 0  # waiting for the per-recipient limit
    errors: list[str] = field(default_factory=list)


class Outbox:
    """Sends due mail through a ``MailSender`` and files it through a ``SentFolder``."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        sender: MailSender | None,
        sent_folder: SentFolder | None = None,
        *,
        me: str | None = None,
    ) -> None:
        self.database = database
        self.settings = settings
        self.sender = sender
        self.sent_folder = sent_folder
        self.me = me or worker_id()
        smtp = settings.smtp
        self.lease = lease(smtp.timeout if smtp is not None else 60.0)
        self.retry_for = timedelta(seconds=smtp.retry_for if smtp is not None else 86400.0)
        self.per_hour = smtp.max_per_recipient_per_hour if smtp is not None else 10

    # -- finding and claiming ------------------------------------------------
    def due(self, now: datetime) -> list[int]:
        """Mail that may be sent now: queued and due, or claimed by a worker that is gone."""
        with self.database.reader() as session:
            rows = session.exec(
                select(OutboxRecord.id, OutboxRecord.state, OutboxRecord.claimed_by)
                .where(
                    col(OutboxRecord.mailbox) == self.settings.mailbox,
                    or_(
                        and_(
                            col(OutboxRecord.state) == OutboxState.QUEUED,
                            col(OutboxRecord.next_attempt_at) <= now,
                        ),
                        col(OutboxRecord.state) == OutboxState.SENDING,
                    ),
                )
                .order_by(col(OutboxRecord.next_attempt_at), col(OutboxRecord.id))
            ).all()
            stale = self._expired(session, now)
        return [
            row_id
            for row_id, state, claimed_by in rows
            if row_id is not None
            and (state == OutboxState.QUEUED or row_id in stale or claimer_gone(claimed_by))
        ]

    def _expired(self, session: Session, now: datetime) -> set[int]:
        found = session.exec(
            select(OutboxRecord.id).where(
                col(OutboxRecord.state) == OutboxState.SENDING,
                col(OutboxRecord.lease_until) < now,
            )
        )
        return {row_id for row_id in found if row_id is not None}

    def _claim(self, row_id: int, now: datetime) -> OutboxRecord | None:
        """Take the mail for this worker, or None when it is not free (an atomic update)."""
        with self.database.session() as session:
            current = session.get(OutboxRecord, row_id)
            if current is None:
                return None
            free = current.state == OutboxState.QUEUED and current.next_attempt_at <= now
            taken_over = current.state == OutboxState.SENDING and (
                (current.lease_until is not None and current.lease_until < now)
                or claimer_gone(current.claimed_by)
            )
            if not (free or taken_over):
                return None
            held = self._limited(session, current, now)
            if held is not None:
                current.next_attempt_at = held
                current.state = OutboxState.QUEUED.value
                session.add(current)
                session.commit()
                return None
            claimer = col(OutboxRecord.claimed_by)
            same_claimer = (
                claimer.is_(None) if current.claimed_by is None else claimer == current.claimed_by
            )
            result = session.execute(  # compare and swap: nobody took it since we looked
                update(OutboxRecord)
                .where(
                    col(OutboxRecord.id) == row_id,
                    col(OutboxRecord.state) == current.state,
                    same_claimer,
                )
                .values(
                    state=OutboxState.SENDING.value,
                    claimed_by=self.me,
                    lease_until=now + self.lease,
                )
            )
            if getattr(result, "rowcount", 0) != 1:
                session.rollback()
                return None
            session.commit()
            session.refresh(current)
            if taken_over:
                log.warning("outbox mail %s: taking over a claim that was left behind", row_id)
            return current

    def _limited(self, session: Session, row: OutboxRecord, now: datetime) -> datetime | None:
        """When the recipient's hourly limit is reached: the moment the mail may go."""
        since = now - timedelta(hours=1)
        recent = session.exec(
            select(OutboxRecord.sent_at).where(
                col(OutboxRecord.recipient) == row.recipient,
                col(OutboxRecord.state) == OutboxState.SENT,
                col(OutboxRecord.sent_at) > since,
                col(OutboxRecord.id) != row.id,
            )
        ).all()
        return rate_limited_until([moment for moment in recent if moment], now, self.per_hour)

    # -- sending -------------------------------------------------------------
    async def send(self, report: SendReport, stopping: Callable[[], bool] = lambda: False) -> None:
        """One pass: every mail due now is sent, deferred, failed, or held back; counted in
        ``report``.

        Raises ``SmtpUnavailable`` when the server cannot be used now, as a source raises
        ``SourceUnavailable``: the mail in hand waits, unclaimed, for the next pass, and what
        was done before is in ``report``. ``stopping`` is looked at between mails: a stop
        never cuts a mail in half.
        """
        if self.sender is None:
            return
        for row_id in await asyncio.to_thread(self._unsettled):
            await asyncio.to_thread(self._settle, row_id)
        try:
            for row_id in await asyncio.to_thread(self.due, utcnow()):
                if stopping():
                    break
                row = await asyncio.to_thread(self._claim, row_id, utcnow())
                if row is None:
                    report.held += 1
                    continue
                envelope = Envelope(row.sender, row.recipient, row.content, row.message_id)
                try:
                    reply = await self.sender.send(envelope)
                except SendRefused as exc:
                    await asyncio.to_thread(self._failed, row_id, exc.reply)
                    report.failed += 1
                except SendDeferred as exc:
                    failed = await asyncio.to_thread(self._deferred, row_id, str(exc))
                    report.failed += failed
                    report.deferred += not failed
                    report.errors.append(str(exc))
                except SmtpUnavailable as exc:
                    await asyncio.to_thread(self._release, row_id, str(exc))
                    raise
                except BaseException:
                    await asyncio.to_thread(self._release, row_id, "interrupted")
                    raise
                else:
                    await asyncio.to_thread(self._sent, row_id, reply)
                    report.sent += 1
        finally:
            await self.sender.close()

    async def send_due(self, stopping: Callable[[], bool] = lambda: False) -> SendReport:
        """One pass of ``send`` with a report of its own; raises ``SmtpUnavailable`` as
        ``send`` does."""
        report = SendReport()
        await self.send(report, stopping)
        return report

    def _sent(self, row_id: int, reply: str) -> None:
        """The server took the mail: record it at once (the at-least-once window ends here).

        Only the outbox row is written in this first, small transaction; the draft,
        the case and the trail follow in a second one (``_settle``). A crash between
        the two leaves a sent row whose draft is still approved: settled on the next
        pass, never sent again.
        """
        now = utcnow()
        with self.database.session() as session:
            session.execute(
                update(OutboxRecord)
                .where(col(OutboxRecord.id) == row_id)
                .values(
                    state=OutboxState.SENT.value,
                    sent_at=now,
                    server_reply=reply[:2000],
                    attempts=col(OutboxRecord.attempts) + 1,
                    claimed_by=None,
                    lease_until=None,
                    last_error="",
                )
            )
            session.commit()
        self._settle(row_id)
        log.info("outbox mail %s sent", row_id)

    def _settle(self, row_id: int) -> None:
        """Mark the sent mail's draft sent and move its case; does nothing twice."""
        with self.database.session() as session:
            row = session.get(OutboxRecord, row_id)
            if row is None or row.draft_id is None or row.state != OutboxState.SENT:
                return
            store = CaseStore(session)
            draft = store.draft(row.draft_id)
            if draft.status != DraftStatus.APPROVED:  # settled before, or bounced meanwhile
                return
            case = store.case_by_id(draft.case_id)
            assert case.id is not None
            detail = {"draft": draft.id, "kind": draft.kind, "message_id": row.message_id}
            store.add_event(case.id, ACTOR, "sent", detail)
            record_sent(store, draft, case, row.sent_at or utcnow(), ACTOR)
            session.commit()

    def _unsettled(self) -> list[int]:
        """Sent mail whose draft was not marked sent yet (a crash between the two commits)."""
        with self.database.reader() as session:
            found = session.exec(
                select(OutboxRecord.id)
                .join(DraftRecord, col(DraftRecord.id) == col(OutboxRecord.draft_id))
                .where(
                    col(OutboxRecord.mailbox) == self.settings.mailbox,
                    col(OutboxRecord.state) == OutboxState.SENT,
                    col(DraftRecord.status) == DraftStatus.APPROVED,
                )
            )
            return [row_id for row_id in found if row_id is not None]

    def _deferred(self, row_id: int, error: str) -> bool:
        """A temporary failure: try later, or give up after ``smtp.retry_for``. True: gave up."""
        now = utcnow()
        with self.database.session() as session:
            row = session.get(OutboxRecord, row_id)
            assert row is not None
            row.attempts += 1
            if gives_up(row.created_at, now, self.retry_for):
                hours = self.retry_for.total_seconds() / 3600
                reason = f"not accepted after {row.attempts} attempts in {hours:g} hours: {error}"
                mark_failed(session, row, reason, "send_failed")
                session.commit()
                return True
            delay = retry_delay(row.attempts)
            row.state, row.last_error = OutboxState.QUEUED.value, error[:2000]
            row.next_attempt_at = now + delay
            row.claimed_by, row.lease_until = None, None
            session.add(row)
            session.commit()
        # The server's answer may name the recipient: it is stored, not logged.
        server = self.sender.name if self.sender is not None else "the server"
        log.warning(
            "outbox mail %s deferred by %s; tried again in %d s",
            row_id,
            server,
            delay.total_seconds(),
        )
        return False

    def _release(self, row_id: int, error: str) -> None:
        """The server could not be used: the mail waits, unclaimed, for the next pass."""
        now = utcnow()
        with self.database.session() as session:
            row = session.get(OutboxRecord, row_id)
            assert row is not None
            if gives_up(row.created_at, now, self.retry_for):
                reason = f"the server could not be used for too long: {error}"
                mark_failed(session, row, reason, "send_failed")
                session.commit()
                return
            row.state, row.last_error = OutboxState.QUEUED.value, error[:2000]
            row.claimed_by, row.lease_until = None, None
            session.add(row)
            session.commit()

    def _failed(self, row_id: int, reply: str) -> None:
        """For good: the draft goes back to the officer with the server's answer."""
        with self.database.session() as session:
            row = session.get(OutboxRecord, row_id)
            assert row is not None
            mark_failed(session, row, reply, "send_failed")
            session.commit()
        log.warning("outbox mail %s failed for good", row_id)

    # -- filing in the Sent folder -------------------------------------------
    async def file_sent(self) -> int:
        """Put a copy of each sent mail in the officer's Sent folder; returns how many."""
        if self.sent_folder is None:
            return 0
        filed = 0
        rows = await asyncio.to_thread(self._to_file)
        if not rows:
            return 0
        try:
            for row_id, message_id, content, sent_at in rows:
                try:
                    await self.sent_folder.file(message_id, content, sent_at)
                except SourceUnavailable as exc:
                    await asyncio.to_thread(self._filed, row_id, str(exc))
                    break
                await asyncio.to_thread(self._filed, row_id, "")
                filed += 1
        finally:
            await self.sent_folder.close()
        return filed

    def _to_file(self) -> list[tuple[int, str, bytes, datetime]]:
        with self.database.reader() as session:
            rows = session.exec(
                select(OutboxRecord).where(
                    col(OutboxRecord.mailbox) == self.settings.mailbox,
                    col(OutboxRecord.state) == OutboxState.SENT,
                    col(OutboxRecord.file_in_sent) == True,  # noqa: E712
                    col(OutboxRecord.filed_at).is_(None),
                )
            ).all()
            return [
                (row.id, row.message_id, row.content, row.sent_at or utcnow())
                for row in rows
                if row.id is not None
            ]

    def _filed(self, row_id: int, error: str) -> None:
        with self.database.session() as session:
            row = session.get(OutboxRecord, row_id)
            assert row is not None
            if error:
                row.file_error = error[:2000]
            else:
                row.filed_at, row.file_error = utcnow(), ""
            session.add(row)
            session.commit()


def record_sent(
    store: CaseStore, draft: DraftRecord, case: CaseRecord, when: datetime, actor: str
) -> None:
    """The draft went out at ``when`` (by mailbot, or by the officer himself): the draft is
    sent, an answer answers the case, and the case moves on."""
    draft.status, draft.sent_at, draft.updated_at = DraftStatus.SENT.value, when, utcnow()
    store.session.add(draft)
    kind = DraftKind(draft.kind)
    if kind in ANSWER_KINDS and case.answered_at is None:
        case.answered_at = when
    store.set_status(case, status_after_sent(kind, Status(case.status)), actor)


def mark_failed(session: Session, row: OutboxRecord, reply: str, action: str) -> str | None:
    """Record that a mail will not arrive; returns the case reference, if it had one."""
    row.state, row.last_error = OutboxState.FAILED.value, reply[:2000]
    row.claimed_by, row.lease_until = None, None
    session.add(row)
    if row.draft_id is None:
        return None
    store = CaseStore(session)
    draft = store.draft(row.draft_id)
    draft.status, draft.error, draft.updated_at = DraftStatus.FAILED.value, reply[:2000], utcnow()
    session.add(draft)
    case = store.case_by_id(draft.case_id)
    assert case.id is not None
    store.add_event(case.id, ACTOR, action, {"draft": draft.id, "kind": draft.kind, "reply": reply})
    if DraftKind(draft.kind) in ANSWER_KINDS:  # not answered after all: the next answer counts
        case.answered_at = None
    target = status_after_failure(DraftKind(draft.kind), Status(case.status))
    store.set_status(case, target, ACTOR, "the mail could not be delivered")
    return case.reference


def record_bounce(session: Session, bounce: Bounce) -> str | None:
    """A bounce naming one of our mails marks it failed; returns the case reference."""
    rows = session.exec(
        select(OutboxRecord).where(col(OutboxRecord.message_id).in_(list(bounce.message_ids)))
    ).all()
    for row in rows:
        if row.state in (OutboxState.SENT, OutboxState.SENDING) and bounce.failed:
            return mark_failed(session, row, f"bounced: {bounce.explanation}", "bounced")
    return None


def outbox_list(database: Database, clock: Any, state: str | None = None) -> list[dict[str, Any]]:
    """The outbox for ``mailbot outbox list``: what waits, what failed, what went."""
    with database.reader() as session:
        query = select(OutboxRecord, DraftRecord).join(
            DraftRecord, col(DraftRecord.id) == col(OutboxRecord.draft_id), isouter=True
        )
        if state is not None:
            query = query.where(col(OutboxRecord.state) == state)
        result = []
        for row, draft in session.exec(query.order_by(col(OutboxRecord.id))).all():
            case = CaseStore(session).case_by_id(draft.case_id) if draft is not None else None
            result.append(
                {
                    "id": row.id,
                    "draft": row.draft_id,
                    "case": case.reference if case is not None else None,
                    "kind": draft.kind if draft is not None else row.kind,
                    "to": row.recipient,
                    "message_id": row.message_id,
                    "state": row.state,
                    "attempts": row.attempts,
                    "next_attempt_at": clock.moment(row.next_attempt_at)
                    if row.state == OutboxState.QUEUED
                    else None,
                    "last_error": row.last_error,
                    "server_reply": row.server_reply,
                    "sent_at": clock.moment(row.sent_at) if row.sent_at else None,
                    "filed_at": clock.moment(row.filed_at) if row.filed_at else None,
                    "file_error": row.file_error,
                }
            )
        return result
