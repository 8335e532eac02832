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
from mailbot.service.clock import Clock
from mailbot.service.notices import not_told, told
from mailbot.storage.database import Database, Session
from mailbot.storage.models import CaseRecord, DraftRecord, OutboxRecord, utcnow
from mailbot.storage.outbox import Listed, OutboxStore
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
            found = OutboxStore(session).candidates(self.settings.mailbox, now)
        return [
            mail.id
            for mail in found
            if mail.queued or mail.lease_expired or claimer_gone(mail.claimed_by)
        ]

    def _claim(self, row_id: int, now: datetime) -> OutboxRecord | None:
        """Take the mail for this worker, or None when it is not free (an atomic update)."""
        with self.database.session() as session:
            outbox = OutboxStore(session)
            current = outbox.row(row_id)
            if current is None:
                return None
            free = current.state == OutboxState.QUEUED and current.next_attempt_at <= now
            taken_over = current.state == OutboxState.SENDING and (
                (current.lease_until is not None and current.lease_until < now)
                or claimer_gone(current.claimed_by)
            )
            if not (free or taken_over):
                return None
            recent = outbox.sent_since(current, now - timedelta(hours=1))
            held = rate_limited_until(recent, now, self.per_hour)
            if held is not None:  # the recipient's hourly limit is reached
                outbox.hold(current, held)
                session.commit()
                return None
            if not outbox.take(current, self.me, now + self.lease):  # somebody took it first
                session.rollback()
                return None
            session.commit()
            if taken_over:
                log.warning("outbox mail %s: taking over a claim that was left behind", row_id)
            return current

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
        with self.database.session() as session:
            OutboxStore(session).mark_sent(row_id, reply, utcnow())
            session.commit()
        self._settle(row_id)
        log.info("outbox mail %s sent", row_id)

    def _settle(self, row_id: int) -> None:
        """Mark the sent mail's draft sent and move its case; does nothing twice."""
        with self.database.session() as session:
            row = OutboxStore(session).row(row_id)
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
            record_sent(store, draft, case, row.sent_at or utcnow(), ACTOR, settings=self.settings)
            session.commit()

    def _unsettled(self) -> list[int]:
        """Sent mail whose draft was not marked sent yet (a crash between the two commits)."""
        with self.database.reader() as session:
            return OutboxStore(session).unsettled(self.settings.mailbox)

    def _deferred(self, row_id: int, error: str) -> bool:
        """A temporary failure: try later, or give up after ``smtp.retry_for``. True: gave up."""
        now = utcnow()
        with self.database.session() as session:
            outbox = OutboxStore(session)
            row = outbox.row(row_id)
            assert row is not None
            row.attempts += 1
            if gives_up(row.created_at, now, self.retry_for):
                hours = self.retry_for.total_seconds() / 3600
                reason = f"not accepted after {row.attempts} attempts in {hours:g} hours: {error}"
                mark_failed(session, row, reason, "send_failed")
                session.commit()
                return True
            delay = retry_delay(row.attempts)
            outbox.requeue(row, error, now + delay)
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
            outbox = OutboxStore(session)
            row = outbox.row(row_id)
            assert row is not None
            if gives_up(row.created_at, now, self.retry_for):
                reason = f"the server could not be used for too long: {error}"
                mark_failed(session, row, reason, "send_failed")
                session.commit()
                return
            outbox.requeue(row, error)
            session.commit()

    def _failed(self, row_id: int, reply: str) -> None:
        """For good: the draft goes back to the officer with the server's answer."""
        with self.database.session() as session:
            row = OutboxStore(session).row(row_id)
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
            rows = OutboxStore(session).to_file(self.settings.mailbox)
            return [
                (row.id, row.message_id, row.content, row.sent_at or utcnow())
                for row in rows
                if row.id is not None
            ]

    def _filed(self, row_id: int, error: str) -> None:
        with self.database.session() as session:
            outbox = OutboxStore(session)
            row = outbox.row(row_id)
            assert row is not None
            outbox.mark_filed(row, error, utcnow())
            session.commit()


def record_sent(
    store: CaseStore,
    draft: DraftRecord,
    case: CaseRecord,
    when: datetime,
    actor: str,
    *,
    settings: Settings | None = None,
) -> None:
    """The draft went out at ``when`` (by mailbot, or by the officer himself): the draft is
    sent, an answer answers the case, a recipient notice's recipient is told, and the case
    moves on (``draft`` and ``case`` are records of ``store``'s session: they are written
    when it commits; ``settings`` name the recipient told in the trail)."""
    draft.status, draft.sent_at, draft.updated_at = DraftStatus.SENT.value, when, utcnow()
    told(store, draft, settings)
    kind = DraftKind(draft.kind)
    if kind in ANSWER_KINDS and case.answered_at is None:
        case.answered_at = when
    store.set_status(case, status_after_sent(kind, Status(case.status)), actor)


def mark_failed(session: Session, row: OutboxRecord, reply: str, action: str) -> str | None:
    """Record that a mail will not arrive; returns the case reference, if it had one."""
    OutboxStore(session).mark_failed(row, reply)
    if row.draft_id is None:
        return None
    store = CaseStore(session)
    draft = store.draft(row.draft_id)
    draft.status, draft.error, draft.updated_at = DraftStatus.FAILED.value, reply[:2000], utcnow()
    case = store.case_by_id(draft.case_id)
    assert case.id is not None
    store.add_event(case.id, ACTOR, action, {"draft": draft.id, "kind": draft.kind, "reply": reply})
    if DraftKind(draft.kind) in ANSWER_KINDS:  # not answered after all: the next answer counts
        case.answered_at = None
    not_told(store, draft)  # a recipient notice that bounced told no one
    target = status_after_failure(DraftKind(draft.kind), Status(case.status))
    store.set_status(case, target, ACTOR, "the mail could not be delivered")
    return case.reference


def record_bounce(session: Session, bounce: Bounce) -> str | None:
    """A bounce naming one of our mails marks it failed; returns the case reference."""
    for row in OutboxStore(session).with_message_ids(bounce.message_ids):
        if row.state in (OutboxState.SENT, OutboxState.SENDING) and bounce.failed:
            return mark_failed(session, row, f"bounced: {bounce.explanation}", "bounced")
    return None


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A mail in the outbox as ``mailbot outbox list`` shows it; moments in local time."""

    id: int | None
    draft: int | None
    case: str | None
    kind: str
    to: str
    message_id: str
    state: str
    attempts: int
    next_attempt_at: str | None  # only while queued
    last_error: str
    server_reply: str
    sent_at: str | None
    filed_at: str | None
    file_error: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "draft": self.draft,
            "case": self.case,
            "kind": self.kind,
            "to": self.to,
            "message_id": self.message_id,
            "state": self.state,
            "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at,
            "last_error": self.last_error,
            "server_reply": self.server_reply,
            "sent_at": self.sent_at,
            "filed_at": self.filed_at,
            "file_error": self.file_error,
        }


def outbox_list(database: Database, clock: Clock, state: str | None = None) -> list[OutboxItem]:
    """The outbox for ``mailbot outbox list``: what waits, what failed, what went."""
    with database.reader() as session:
        return [_item(listed, clock) for listed in OutboxStore(session).listing(state)]


def _item(listed: Listed, clock: Clock) -> OutboxItem:
    row = listed.mail
    return OutboxItem(
        id=row.id,
        draft=row.draft_id,
        case=listed.case,
        kind=listed.draft_kind if listed.draft_kind is not None else row.kind,
        to=row.recipient,
        message_id=row.message_id,
        state=row.state,
        attempts=row.attempts,
        next_attempt_at=clock.moment(row.next_attempt_at)
        if row.state == OutboxState.QUEUED
        else None,
        last_error=row.last_error,
        server_reply=row.server_reply,
        sent_at=clock.moment(row.sent_at) if row.sent_at else None,
        filed_at=clock.moment(row.filed_at) if row.filed_at else None,
        file_error=row.file_error,
    )
