"""The worker: read every source, hand each new mail to intake, settle it, draft, send, repeat.

Two loops run side by side. The mail loop reads every source, turns new mail
into cases, drafts, and waits for more (IDLE, directory changes). The outbox
loop queues the daily digest when it is due, purges what the retention period
has passed for (once a day), sends what the officer approved, and files it in
his Sent folder, every few seconds (sooner after drafting).

Blocking work (files, database, parsing) runs in threads; the event loop only
coordinates. Mails already recorded are settled again on every pass, so that a
mail whose move was cut off by a crash is moved on the next one. A server that
cannot be reached is retried with backoff, its state is recorded for the
officer, and it does not stop the others. A stop request (``stop()``, which
the service calls on SIGTERM and before a reload) is honoured between mails and
between drafts: the mail in hand, read or sent, is finished and committed first.

Each loop beats a ``Heartbeat`` when it gets somewhere (a mail processed, a pass
whose servers all answered, an outbox pass); the systemd watchdog is fed from
it. With ``max_wait`` set, no wait (IDLE, backoff) lasts longer, so that a
healthy worker beats at least that often.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from mailbot.core.analysis import Analysis
from mailbot.core.heartbeat import Heartbeat
from mailbot.errors import (
    LoginFailed,
    MailbotError,
    MailVanished,
    PermanentError,
    SourceStalled,
    TransientError,
)
from mailbot.ports import MailRef, MailSource, Outcome
from mailbot.service.drafting import Drafting
from mailbot.service.intake import Intake
from mailbot.service.mail_client import MailClientReview
from mailbot.service.outbox import Outbox
from mailbot.service.status import LOGIN_FAILED, OK, UNREACHABLE, record_state
from mailbot.storage.database import DatabaseUnavailable, refusals_reported

log = logging.getLogger(__name__)
FIRST_BACKOFF = 5.0
MAX_BACKOFF = 300.0


OUTBOX_INTERVAL = 5.0
READ_AHEAD = 4  # mails fetched and read while the one before them is stored
READ_AHEAD_BYTES = 32 * 1024 * 1024  # ... unless they are this large together
MAIL_LOOP = "mail"
DATABASE = "database"  # the name under which the database's state is reported
OUTBOX_LOOP = "outbox"


@dataclass
class DrainReport:
    """What one pass over the sources and the outbox did."""

    outcomes: Counter[Outcome] = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)
    drafted: int = 0
    sent: int = 0
    deferred: int = 0
    send_failed: int = 0
    filed: int = 0
    approved: int = 0  # in the officer's mail client

    @property
    def read(self) -> int:
        return sum(self.outcomes.values())


@dataclass(frozen=True)
class _Read:
    raw: bytes | None  # None: too large to read (quarantined unread)
    analysis: Analysis | None


async def _read(intake: Intake, source: MailSource, ref: MailRef) -> _Read | None:
    """Fetch one mail and read it; None when it is gone or cannot be fetched."""
    if intake.too_large(ref):
        return _Read(None, None)
    try:
        raw = await source.fetch(ref)
    except MailVanished as exc:  # another worker, or the officer, took it first
        log.info("%s: %s", source.name, exc)
        return None
    except PermanentError as exc:
        log.warning("%s: a mail could not be read: %s", source.name, exc)
        return None
    return _Read(raw, await asyncio.to_thread(intake.analyse, raw))


@dataclass
class Lane:
    """One mailbox's part of the work: its intake, sources, drafting, outbox and digest."""

    mailbox: str
    intake: Intake
    sources: list[MailSource]
    drafting: Drafting | None = None
    outbox: Outbox | None = None
    digest: Callable[[], object] | None = None  # queues the daily digest when it is due
    review: MailClientReview | None = None  # review in the officer's mail client


class Worker:
    """The loops over every mailbox (``lanes``); one failing mailbox does not stop the others."""

    def __init__(
        self,
        lanes: Sequence[Lane],
        *,
        heartbeat: Heartbeat | None = None,
        max_wait: float | None = None,
        purge: Callable[[], object] | None = None,
    ) -> None:
        if not lanes:
            raise ValueError("a worker needs at least one mailbox")
        self.lanes = list(lanes)
        self.named = len(self.lanes) > 1  # state names carry the mailbox
        self.database = self.lanes[0].intake.database  # the one every mailbox shares
        self.purge = purge  # deletes the personal data of old cases, once a day
        self.heartbeat = heartbeat if heartbeat is not None else Heartbeat()
        self.max_wait = max_wait
        self.stopping = asyncio.Event()
        self.activity = "starting"
        self.totals: Counter[str] = Counter()  # read, drafted, sent since start (for STATUS)
        self._outbox_wake = asyncio.Event()
        self._backoff: dict[str, float] = {}
        self._states: dict[str, tuple[str, str]] = {}

    @classmethod
    def single(
        cls,
        intake: Intake,
        sources: Sequence[MailSource],
        drafting: Drafting | None = None,
        outbox: Outbox | None = None,
        digest: Callable[[], object] | None = None,
        **options: Any,
    ) -> Worker:
        """A worker for one mailbox (the one of ``intake``)."""
        lane = Lane(intake.policy.mailbox, intake, list(sources), drafting, outbox, digest)
        return cls([lane], **options)

    def stop(self) -> None:
        """Ask the worker to stop after the mail in hand."""
        self.stopping.set()

    def beat(self, loop: str) -> None:
        self.heartbeat.beat(loop, time.monotonic())

    def status_line(self) -> str:
        """What the worker does, for ``systemctl status``: counts and server names, no person."""
        failing = [name for name, (state, _) in sorted(self._states.items()) if state != OK]
        line = (
            f"{self.activity}; since start: {self.totals['read']} mails read, "
            f"{self.totals['drafted']} drafted, {self.totals['sent']} sent"
        )
        return line + (f"; cannot use: {', '.join(failing)}" if failing else "")

    def _capped(self, seconds: float) -> float:
        return seconds if self.max_wait is None else min(seconds, self.max_wait)

    @property
    def sources(self) -> list[MailSource]:
        return [source for lane in self.lanes for source in lane.sources]

    def _name(self, lane: Lane, name: str) -> str:
        return f"{lane.mailbox}: {name}" if self.named else name

    async def drain(self, lane: Lane, source: MailSource, report: DrainReport) -> None:
        """Process every mail of ``source`` (one of ``lane``'s) that has not been recorded yet.

        The next few mails are fetched and read (in the readers' processes) while the one
        before is stored; they are stored one by one, in the order the source gave them.
        A mail is settled (moved) after its commit, without waiting for that before the next.
        """
        intake = lane.intake
        refs = await source.pending()
        unseen, recorded = await asyncio.to_thread(intake.sort, refs)
        for ref, outcome in recorded:
            await source.settle(ref, outcome)
        waiting = iter(unseen)
        ahead: deque[tuple[MailRef, asyncio.Future[_Read | None]]] = deque()
        settling: list[asyncio.Future[None]] = []
        try:
            for left in range(len(unseen), 0, -1):
                if self.stopping.is_set():
                    return
                self._read_ahead(intake, source, waiting, ahead)
                self.activity = f"reading mail ({left} waiting in {source.name})"
                ref, reading = ahead.popleft()
                read = await reading
                if read is None:
                    continue
                result = await asyncio.to_thread(intake.store, ref, read.raw, read.analysis)
                report.outcomes[result.outcome] += 1
                self.totals["read"] += 1
                settling.append(asyncio.ensure_future(source.settle(ref, result.outcome)))
                self.beat(MAIL_LOOP)
        finally:  # a stop or a failure: what was read ahead is read again next time
            for _, reading in ahead:
                reading.cancel()
            await asyncio.gather(*(reading for _, reading in ahead), return_exceptions=True)
            settled = await asyncio.gather(*settling, return_exceptions=True)
        for done in settled:  # a move that failed is done again on the next pass
            if isinstance(done, BaseException):
                raise done

    def _read_ahead(
        self,
        intake: Intake,
        source: MailSource,
        waiting: Iterator[MailRef],
        ahead: deque[tuple[MailRef, asyncio.Future[_Read | None]]],
    ) -> None:
        """Start reading mails until READ_AHEAD mails (or READ_AHEAD_BYTES) are under way."""
        while len(ahead) < READ_AHEAD:
            if ahead and sum(ref.size for ref, _ in ahead) >= READ_AHEAD_BYTES:
                return
            ref = next(waiting, None)
            if ref is None:
                return
            ahead.append((ref, asyncio.ensure_future(_read(intake, source, ref))))

    async def run_once(self) -> DrainReport:
        """One pass over every source, then the outbox until nothing more can go now."""
        report = await self.mail_pass()
        if not self.stopping.is_set():
            await self.outbox_pass(report)
        return report

    async def mail_pass(self) -> DrainReport:
        """One pass over every source; failures are reported and recorded, not raised."""
        report = DrainReport()
        # The mailboxes side by side: a slow or stalled server holds up only its own.
        answered = await asyncio.gather(*(self._read_lane(lane, report) for lane in self.lanes))
        stalled = not all(answered)
        try:
            for lane in self.lanes:
                if lane.drafting is None or self.stopping.is_set() or DATABASE in report.failures:
                    continue
                self.activity = "drafting replies"
                with refusals_reported():
                    drafted = await asyncio.to_thread(lane.drafting.run, self.stopping.is_set)
                report.drafted += drafted
                self.totals["drafted"] += drafted
            for lane in self.lanes:
                if lane.review is None or self.stopping.is_set() or DATABASE in report.failures:
                    continue
                stalled = not await self._review(lane, lane.review, report) or stalled
        except DatabaseUnavailable as exc:
            report.failures[DATABASE] = exc.reason
        if DATABASE in report.failures:
            await self._set_state(DATABASE, UNREACHABLE, report.failures[DATABASE])
        elif DATABASE in self._states:
            await self._set_state(DATABASE, OK, "")
        if report.drafted or report.approved:
            self._outbox_wake.set()
        if not stalled:  # every server answered (or said no): the loop got somewhere
            self.beat(MAIL_LOOP)
        return report

    async def _read_lane(self, lane: Lane, report: DrainReport) -> bool:
        """Read every source of one mailbox; False when a server did not answer (a stall)."""
        answered = True
        for source in lane.sources:
            name = self._name(lane, source.name)
            try:
                with refusals_reported():
                    await self.drain(lane, source, report)
            except DatabaseUnavailable as exc:  # not the source's fault: it stays as it is
                report.failures[DATABASE] = exc.reason
                return answered
            except TransientError as exc:
                answered = answered and not isinstance(exc, SourceStalled)
                report.failures[name] = str(exc)
                state = LOGIN_FAILED if isinstance(exc, LoginFailed) else UNREACHABLE
                await self._set_state(name, state, str(exc))
            else:
                await self._set_state(name, OK, "")
        return answered

    async def _review(self, lane: Lane, review: MailClientReview, report: DrainReport) -> bool:
        """One pass over the officer's review folders; False when the server did not answer."""
        name = self._name(lane, review.name)
        self.activity = "reading the review folders"
        try:
            with refusals_reported():
                done = await review.run(self.stopping.is_set)
        except DatabaseUnavailable:
            raise  # the database's fault, not the mailbox's: reported as such by the caller
        except TransientError as exc:
            report.failures[name] = str(exc)
            state = LOGIN_FAILED if isinstance(exc, LoginFailed) else UNREACHABLE
            await self._set_state(name, state, str(exc))
            return not isinstance(exc, SourceStalled)
        await self._set_state(name, OK, "")
        report.approved += done.approved
        counts = {key: value for key, value in vars(done).items() if value}
        if counts:
            log.info("%s: %s", name, counts)
        return True

    async def outbox_pass(self, report: DrainReport) -> None:
        """Purge once a day; per mailbox: queue the digest if due, send, file what was sent."""
        if not self.has_outbox:
            return
        if self.purge is not None:
            await asyncio.to_thread(self.purge)
        for lane in self.lanes:
            if lane.outbox is not None and not self.stopping.is_set():
                await self._lane_outbox(lane, lane.outbox, report)

    @property
    def has_outbox(self) -> bool:
        return any(lane.outbox is not None for lane in self.lanes)

    async def _lane_outbox(self, lane: Lane, outbox: Outbox, report: DrainReport) -> None:
        if lane.digest is not None:
            await asyncio.to_thread(lane.digest)
        while not self.stopping.is_set():
            sent = await outbox.send_due(self.stopping.is_set)
            report.sent += sent.sent
            self.totals["sent"] += sent.sent
            report.deferred += sent.deferred
            report.send_failed += sent.failed
            if outbox.sender is not None:
                name = self._name(lane, outbox.sender.name)
                if sent.unavailable is not None:
                    report.failures[name] = sent.unavailable
                    state = LOGIN_FAILED if sent.login_refused else UNREACHABLE
                    await self._set_state(name, state, sent.unavailable)
                    break
            if not (sent.sent or sent.failed or sent.deferred):
                break
            if outbox.sender is not None:  # the server answered: it can be used
                await self._set_state(self._name(lane, outbox.sender.name), OK, "")
        report.filed += await outbox.file_sent()

    async def _outbox_loop(self) -> None:
        """Send approved mail every few seconds (at once after drafting), with backoff."""
        delay = OUTBOX_INTERVAL
        while not self.stopping.is_set():
            self._outbox_wake.clear()
            report = DrainReport()
            try:
                with refusals_reported():
                    await self.outbox_pass(report)
            except TransientError as exc:
                report.failures["outbox"] = str(exc)
                log.error("the outbox could not be handled: %s; retrying", exc)
            except Exception:  # a bug must not stop sending for good; logged, retried
                report.failures["outbox"] = "error"
                log.exception("the outbox pass failed; retrying")
            else:
                self.beat(OUTBOX_LOOP)
            if report.sent:
                log.info("sent %d mails", report.sent)
            delay = min(MAX_BACKOFF, delay * 2) if report.failures else OUTBOX_INTERVAL
            delay = self._capped(delay)
            waits = [
                asyncio.ensure_future(self.stopping.wait()),
                asyncio.ensure_future(self._outbox_wake.wait()),
            ]
            try:
                await asyncio.wait(waits, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in waits:
                    task.cancel()
                await asyncio.gather(*waits, return_exceptions=True)

    async def _set_state(self, name: str, state: str, detail: str) -> None:
        if self._states.get(name) == (state, detail):
            return
        if state == OK:
            if name in self._states:
                log.info("%s can be used again", name)
        else:
            log.error("%s cannot be used (%s): %s; retrying with backoff", name, state, detail)
        self._states[name] = (state, detail)
        if name == DATABASE:
            return  # told in the journal and the STATUS line: it cannot be recorded in itself
        try:
            with refusals_reported():
                await asyncio.to_thread(record_state, self.database, name, state, detail)
        except DatabaseUnavailable as exc:
            log.warning("the state of %s could not be recorded: %s", name, exc)

    async def run_forever(self, idle_timeout: float = 600.0) -> None:
        """Run until ``stop()`` is called; the mail and the draft in hand are finished first."""
        self.beat(MAIL_LOOP)
        if self.has_outbox:
            self.beat(OUTBOX_LOOP)
        sending = asyncio.ensure_future(self._outbox_loop())
        try:
            while not self.stopping.is_set():
                report = await self.mail_pass()
                if report.read:
                    log.info("processed %d mails: %s", report.read, dict(report.outcomes))
                self.activity = "waiting for mail"
                await self._wait(report, idle_timeout)
        finally:
            self.stopping.set()
            self.activity = "stopping"
            await sending  # finishes the mail in hand, then ends
            await self.close()

    def _backoff_for(self, name: str, report: DrainReport) -> float | None:
        """The wait before ``name`` is tried again after it failed in ``report`` (doubling up
        to MAX_BACKOFF), or None when it did not fail."""
        if name not in report.failures:
            self._backoff.pop(name, None)
            return None
        delay = min(MAX_BACKOFF, self._backoff.get(name, FIRST_BACKOFF / 2) * 2)
        self._backoff[name] = delay
        return delay

    async def _wait(self, report: DrainReport, idle_timeout: float) -> None:
        """Wait for new mail (IDLE, directory changes), a retry after a failure, or a stop."""
        timeout = self._capped(idle_timeout)
        # What may wake the worker: every source, and every mailbox's review folders.
        watched: list[tuple[str, Callable[[float], Awaitable[None]]]] = [
            (self._name(lane, source.name), source.wait)
            for lane in self.lanes
            for source in lane.sources
        ]
        watched += [
            (self._name(lane, lane.review.name), lane.review.wait)
            for lane in self.lanes
            if lane.review is not None
        ]
        healthy = []
        for name, wait in watched:
            delay = self._backoff_for(name, report)
            if delay is None:
                healthy.append(wait)
            else:
                timeout = min(timeout, delay)
        delay = self._backoff_for(DATABASE, report)  # retried with backoff like a server
        if delay is not None:
            timeout = min(timeout, delay)
        waits: list[asyncio.Future[object]] = [
            asyncio.ensure_future(wait(timeout)) for wait in healthy
        ]
        waits.append(asyncio.ensure_future(self.stopping.wait()))
        try:
            await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
            results = await asyncio.gather(*waits, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                # The next pass reconnects; a wait that failed only ends the wait early.
                log.warning("waiting for mail failed: %s: %s", type(result).__name__, result)

    async def close(self) -> None:
        readers = {id(lane.intake.reader): lane.intake.reader for lane in self.lanes}
        for reader in readers.values():
            await asyncio.to_thread(reader.close)
        for source in self.sources:
            try:
                await source.close()
            except MailbotError as exc:
                log.warning("%s did not close cleanly: %s", source.name, exc)
        for lane in self.lanes:
            if lane.review is not None:
                await lane.review.close()
