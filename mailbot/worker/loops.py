"""The worker's two loops over every mailbox: reading mail, and sending it.

What each server's failure means, and how long to wait after it, is ``health``'s;
reading ahead is ``pipeline``'s. Here: what is done in which order, when to stop, when
to beat the heartbeat.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from mailbot.core.heartbeat import Heartbeat
from mailbot.errors import MailbotError, SmtpUnavailable, SourceStalled, TransientError
from mailbot.logs import log_failure
from mailbot.ports import MailRef, MailSource, Outcome
from mailbot.service.drafting import Drafting
from mailbot.service.intake import Intake
from mailbot.service.mail_client import MailClientReview
from mailbot.service.outbox import Outbox, SendReport
from mailbot.service.status import record_state
from mailbot.storage.claims import MailClaims
from mailbot.storage.database import DatabaseUnavailable, refusals_reported
from mailbot.worker.backoff import backoff
from mailbot.worker.drafter import Drafted, Drafter, DraftingProcess
from mailbot.worker.health import DATABASE, Health
from mailbot.worker.pipeline import Bounds, ReadAhead

# The logger of the worker: its lines are the worker's, wherever they are written.
log = logging.getLogger("mailbot.worker")
OUTBOX_INTERVAL = 5.0
MAIL_LOOP = "mail"
DRAFTING = "drafting"  # the drafting process, in a report's failures
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
    database_error: DatabaseUnavailable | None = field(default=None, repr=False)

    @property
    def read(self) -> int:
        return sum(self.outcomes.values())

    def database_failed(self, exc: DatabaseUnavailable) -> None:
        """The database could not be used in this pass (its state is set once, at the end)."""
        self.failures[DATABASE] = exc.reason
        self.database_error = exc

    def count_sent(self, sent: SendReport) -> None:
        self.sent += sent.sent
        self.deferred += sent.deferred
        self.send_failed += sent.failed


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


async def first_of(waits: Sequence[Awaitable[object]], timeout: float) -> list[object]:
    """Wait until one of ``waits`` is done, or ``timeout`` seconds; the others are cancelled.
    Returns what each ended with (a result, an exception, a cancellation)."""
    futures = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(futures, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for future in futures:
            future.cancel()
        ended = await asyncio.gather(*futures, return_exceptions=True)
    return list(ended)


class Worker:
    """The loops over every mailbox (``lanes``); one failing mailbox does not stop the others."""

    def __init__(
        self,
        lanes: Sequence[Lane],
        *,
        heartbeat: Heartbeat | None = None,
        max_wait: float | None = None,
        purge: Callable[[], object] | None = None,
        bounds: Bounds | None = None,
        drafting: DraftingProcess | None = None,
    ) -> None:
        if not lanes:
            raise ValueError("a worker needs at least one mailbox")
        self.lanes = list(lanes)
        self.named = len(self.lanes) > 1  # state names carry the mailbox
        self.database = self.lanes[0].intake.database  # the one every mailbox shares
        self.health = Health(functools.partial(record_state, self.database))
        self.purge = purge  # deletes the personal data of old cases, once a day
        self.heartbeat = heartbeat if heartbeat is not None else Heartbeat()
        self.max_wait = max_wait
        self.bounds = bounds if bounds is not None else Bounds()  # of a batch of mails stored
        # Batches are stored one at a time, on a thread of their own: never queued behind
        # the mails being read ahead (those wait for the readers on the default threads).
        self._storing = ThreadPoolExecutor(1, thread_name_prefix="mailbot-store")
        self.claims = MailClaims(self.database)  # several workers on one mailbox: who reads what
        # Drafting in a process of its own (``drafting`` says how to start it), woken after
        # each batch of mail; without one, each lane drafts in this process after reading.
        self.drafter = Drafter(drafting, self._drafted) if drafting is not None else None
        self._new_drafts = asyncio.Event()  # the drafter drafted: the review folders may want them
        self.stopping = asyncio.Event()
        self.activity = "starting"
        self.totals: Counter[str] = Counter()  # read, drafted, sent since start (for STATUS)
        self._outbox_wake = asyncio.Event()

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
        return self.health.status_line(self.activity, self.totals)

    def _capped(self, seconds: float) -> float:
        return seconds if self.max_wait is None else min(seconds, self.max_wait)

    @property
    def sources(self) -> list[MailSource]:
        return [source for lane in self.lanes for source in lane.sources]

    def _name(self, lane: Lane, name: str) -> str:
        return f"{lane.mailbox}: {name}" if self.named else name

    # -- reading mail ----------------------------------------------------------
    async def drain(self, lane: Lane, source: MailSource, report: DrainReport) -> None:
        """Process every mail of ``source`` (one of ``lane``'s) that has not been recorded yet.

        The next mails are fetched and read (in the readers' processes) while the ones
        before are stored; they are stored in batches (``self.bounds``), one transaction
        each, in the order the source gave them. The mails of a batch are settled (moved)
        after its commit, without waiting for that before the next batch.
        """
        intake = lane.intake
        refs = await source.pending()
        unseen, recorded = await asyncio.to_thread(intake.sort, refs)
        if recorded:
            await source.settle(recorded)
        mailbox = lane.mailbox

        async def claim(refs: list[MailRef]) -> list[MailRef]:
            keys = await asyncio.to_thread(self.claims.claim, mailbox, [r.key for r in refs])
            return [ref for ref in refs if ref.key in set(keys)]

        reading = ReadAhead(intake, source, unseen, claim if self.claims.shared else None)
        settling: list[asyncio.Future[None]] = []
        loop = asyncio.get_running_loop()
        try:
            while not self.stopping.is_set():
                self.activity = f"reading mail ({reading.left} waiting in {source.name})"
                batch = await reading.batch(self.bounds)
                if not batch:
                    break
                read = [(ref, done.raw, done.analysis) for ref, done in batch if done is not None]
                if not read:
                    continue
                results = await loop.run_in_executor(self._storing, intake.store_batch, read)
                stored = [
                    (ref, result.outcome) for (ref, _, _), result in zip(read, results, strict=True)
                ]
                for _, outcome in stored:
                    report.outcomes[outcome] += 1
                    self.totals["read"] += 1
                settling.append(asyncio.ensure_future(source.settle(stored)))  # together
                if self.drafter is not None:
                    self.drafter.wake()  # the cases of this batch are drafted meanwhile
                self.beat(MAIL_LOOP)
        finally:  # a stop or a failure: what was read ahead is read again next time
            await reading.cancel()
            settled = await asyncio.gather(*settling, return_exceptions=True)
            if reading.claimed:  # settled, or left for any worker's next pass
                keys = [ref.key for ref in reading.claimed]
                await asyncio.to_thread(self.claims.release, mailbox, keys)
        if reading.skipped:
            log.info("%s: %d mails left to another worker", source.name, reading.skipped)
        for done in settled:  # a move that failed is done again on the next pass
            if isinstance(done, BaseException):
                raise done

    async def run_once(self) -> DrainReport:
        """One pass over every source, then the outbox until nothing more can go now."""
        report = await self.mail_pass(finish_drafting=True)
        if not self.stopping.is_set():
            await self.outbox_pass(report)
        return report

    async def mail_pass(self, *, finish_drafting: bool = False) -> DrainReport:
        """One pass over every source; failures are reported and recorded, not raised.
        ``finish_drafting``: wait until every case due is drafted, and end the drafting
        process (``mailbot run --once``)."""
        report = DrainReport()
        self._new_drafts.clear()
        self._start_drafter()
        # The mailboxes side by side: a slow or stalled server holds up only its own.
        answered = await asyncio.gather(*(self._read_lane(lane, report) for lane in self.lanes))
        stalled = not all(answered)
        try:
            if self.drafter is not None and DATABASE not in report.failures:
                await self._draft_elsewhere(self.drafter, report, finish=finish_drafting)
            for lane in self.lanes:
                if (
                    self.drafter is not None
                    or lane.drafting is None
                    or self.stopping.is_set()
                    or DATABASE in report.failures
                ):
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
            report.database_failed(exc)
        if report.database_error is not None:
            await self.health.failed(DATABASE, report.database_error)
        else:
            await self.health.ok(DATABASE)
        if report.drafted or report.approved:
            self._outbox_wake.set()
        if not stalled:  # every server answered (or said no): the loop got somewhere
            self.beat(MAIL_LOOP)
        return report

    async def _draft_elsewhere(
        self, drafter: Drafter, report: DrainReport, *, finish: bool
    ) -> None:
        """Wake the drafting process (``finish``: and wait until it has drafted everything
        due and ended); its failure goes into ``report``."""
        if finish:
            self.activity = "drafting replies"
            before = drafter.drafted
            await drafter.finish()
            report.drafted += drafter.drafted - before
        else:
            drafter.wake()  # also the reminders, and cases left due before
        if drafter.failure:  # the cases stay due; said, and retried
            report.failures[DRAFTING] = drafter.failure

    def start_drafting(self) -> None:
        """Start the drafting process now (else the first pass does)."""
        self._start_drafter()

    def _start_drafter(self) -> None:
        """Start the drafting process, or start it again if it died (its cases stay due)."""
        drafter = self.drafter
        if drafter is None or drafter.running or self.stopping.is_set():
            return
        if drafter.started:
            log.warning("the drafting process ended unexpectedly; started again")
        drafter.start()

    def _drafted(self, drafted: Drafted) -> None:
        """A report of the drafting process (on the event loop)."""
        if drafted.failure:
            log.error("drafting failed (the cases stay due, retried): %s", drafted.failure)
        self.totals["drafted"] += drafted.count
        if drafted.count:
            self._outbox_wake.set()  # an acknowledgement may go out unreviewed
            if any(lane.review is not None for lane in self.lanes):
                self._new_drafts.set()  # to the officer's review folders

    async def _read_lane(self, lane: Lane, report: DrainReport) -> bool:
        """Read every source of one mailbox; False when a server did not answer (a stall)."""
        answered = True
        for source in lane.sources:
            name = self._name(lane, source.name)
            try:
                with refusals_reported():
                    await self.drain(lane, source, report)
            except DatabaseUnavailable as exc:  # not the source's fault: it stays as it is
                report.database_failed(exc)
                return answered
            except TransientError as exc:
                answered = answered and not isinstance(exc, SourceStalled)
                report.failures[name] = await self.health.failed(name, exc)
            else:
                await self.health.ok(name)
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
            report.failures[name] = await self.health.failed(name, exc)
            return not isinstance(exc, SourceStalled)
        await self.health.ok(name)
        report.approved += done.approved
        counts = {key: value for key, value in vars(done).items() if value}
        if counts:
            log.info("%s: %s", name, counts)
        return True

    # -- sending mail ----------------------------------------------------------
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
        """Send until nothing more can go now (or the server cannot be used), then file."""
        if lane.digest is not None:
            await asyncio.to_thread(lane.digest)
        sender = outbox.sender
        while sender is not None and not self.stopping.is_set():
            name = self._name(lane, sender.name)
            sent = SendReport()
            unavailable: SmtpUnavailable | None = None
            try:
                await outbox.send(sent, self.stopping.is_set)
            except SmtpUnavailable as exc:  # what went before it is counted all the same
                unavailable = exc
            report.count_sent(sent)
            self.totals["sent"] += sent.sent
            if unavailable is not None:
                report.failures[name] = await self.health.failed(name, unavailable)
                break
            if not (sent.sent or sent.failed or sent.deferred):
                break
            await self.health.ok(name)  # the server answered: it can be used
        report.filed += await outbox.file_sent()

    async def _outbox_loop(self) -> None:
        """Send approved mail every few seconds (at once after drafting), with backoff."""
        failures = 0  # passes in a row that failed
        while not self.stopping.is_set():
            self._outbox_wake.clear()
            report = DrainReport()
            try:
                with refusals_reported():
                    await self.outbox_pass(report)
            except TransientError as exc:
                report.failures["outbox"] = str(exc)
                log.error("the outbox could not be handled: %s; retrying", exc)
            except Exception as exc:  # a bug must not stop sending for good; logged, retried
                report.failures["outbox"] = "error"
                log_failure(log, "the outbox pass failed; retrying", exc=exc)
            else:
                self.beat(OUTBOX_LOOP)
            if report.sent:
                log.info("sent %d mails", report.sent)
            failures = failures + 1 if report.failures else 0
            # The first retry comes after two intervals, as the regular pass after one.
            delay = backoff(failures, first=2 * OUTBOX_INTERVAL) if failures else OUTBOX_INTERVAL
            waits = [self.stopping.wait(), self._outbox_wake.wait()]
            await first_of(waits, self._capped(delay))

    # -- running -----------------------------------------------------------------
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
                if report.read and not report.failures:
                    # Mail that came during the pass was announced with its commands, not to
                    # the IDLE after it: look again first, and wait only after a pass that
                    # found nothing new.
                    continue
                self.activity = "waiting for mail"
                await self._wait(report, idle_timeout)
        finally:
            self.stopping.set()
            self.activity = "stopping"
            await sending  # finishes the mail in hand, then ends
            await self.close()

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
        # A server that failed in this pass (or the database) is not waited on but retried,
        # after its backoff; the others may wake the worker sooner.
        retries = [self.health.retry_in(name) for name in report.failures]
        timeout = min([timeout, *(delay for delay in retries if delay is not None)])
        waits: list[Awaitable[object]] = [
            wait(timeout) for name, wait in watched if name not in report.failures
        ]
        waits.append(self._new_drafts.wait())  # drafts for the officer's review folders
        ended = await first_of([*waits, self.stopping.wait()], timeout)
        for result in ended:
            if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                # The next pass reconnects; a wait that failed only ends the wait early.
                log.warning("waiting for mail failed: %s: %s", type(result).__name__, result)

    async def close(self) -> None:
        if self.drafter is not None:
            await self.drafter.close()  # after the batch in hand
        self._storing.shutdown(wait=False)  # idle: every batch was awaited
        await asyncio.to_thread(self.claims.close)
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
