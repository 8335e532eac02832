"""The worker: read every source, hand each new mail to intake, settle it, wait, repeat.

Blocking work (files, database, parsing) runs in threads; the event loop only
coordinates. Mails already recorded are settled again on every pass, so that a
mail whose move was cut off by a crash is moved on the next one. A source that
cannot be reached is retried with backoff, its state is recorded for the
officer, and it does not stop the others. A stop request (SIGTERM, SIGINT) is
honoured between mails: the mail in hand is finished and committed first.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from mailbot.errors import LoginFailed, MailbotError, PermanentError, TransientError
from mailbot.ports import MailSource, Outcome
from mailbot.service.drafting import Drafting
from mailbot.service.intake import Intake
from mailbot.service.status import LOGIN_FAILED, OK, UNREACHABLE, record_state

log = logging.getLogger(__name__)
FIRST_BACKOFF = 5.0
MAX_BACKOFF = 300.0


@dataclass
class DrainReport:
    """What one pass over the sources did."""

    outcomes: Counter[Outcome] = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)
    drafted: int = 0

    @property
    def read(self) -> int:
        return sum(self.outcomes.values())


class Worker:
    def __init__(
        self,
        intake: Intake,
        sources: Sequence[MailSource],
        drafting: Drafting | None = None,
    ) -> None:
        self.intake = intake
        self.sources = list(sources)
        self.drafting = drafting
        self.stopping = asyncio.Event()
        self._backoff: dict[str, float] = {}
        self._states: dict[str, tuple[str, str]] = {}

    def stop(self) -> None:
        """Ask the worker to stop after the mail in hand."""
        self.stopping.set()

    async def drain(self, source: MailSource, report: DrainReport) -> None:
        """Process every mail of ``source`` that has not been recorded yet."""
        refs = await source.pending()
        unseen, recorded = await asyncio.to_thread(self.intake.sort, refs)
        for ref, outcome in recorded:
            await source.settle(ref, outcome)
        for ref in unseen:
            if self.stopping.is_set():
                return
            raw = None
            if not self.intake.too_large(ref):
                try:
                    raw = await source.fetch(ref)
                except PermanentError as exc:
                    log.warning("%s: a mail could not be read: %s", source.name, exc)
                    continue
            result = await asyncio.to_thread(self.intake.process, ref, raw)
            report.outcomes[result.outcome] += 1
            await source.settle(ref, result.outcome)

    async def run_once(self) -> DrainReport:
        """One pass over every source; failures are reported and recorded, not raised."""
        report = DrainReport()
        for source in self.sources:
            try:
                await self.drain(source, report)
            except TransientError as exc:
                report.failures[source.name] = str(exc)
                state = LOGIN_FAILED if isinstance(exc, LoginFailed) else UNREACHABLE
                await self._set_state(source.name, state, str(exc))
            else:
                await self._set_state(source.name, OK, "")
        if self.drafting is not None and not self.stopping.is_set():
            report.drafted = await asyncio.to_thread(self.drafting.run)
        return report

    async def _set_state(self, name: str, state: str, detail: str) -> None:
        if self._states.get(name) == (state, detail):
            return
        if state == OK:
            if name in self._states:
                log.info("%s can be read again", name)
        else:
            log.error("%s cannot be read (%s): %s; retrying with backoff", name, state, detail)
        self._states[name] = (state, detail)
        await asyncio.to_thread(record_state, self.intake.database, name, state, detail)

    async def run_forever(self, idle_timeout: float = 600.0) -> None:
        """Run until ``stop()`` (or SIGTERM/SIGINT) is called."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop)
        try:
            while not self.stopping.is_set():
                report = await self.run_once()
                if report.read:
                    log.info("processed %d mails: %s", report.read, dict(report.outcomes))
                await self._wait(report, idle_timeout)
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)
            await self.close()

    async def _wait(self, report: DrainReport, idle_timeout: float) -> None:
        """Wait for new mail (IDLE, directory changes), a retry after a failure, or a stop."""
        timeout = idle_timeout
        healthy = []
        for source in self.sources:
            if source.name in report.failures:
                delay = min(MAX_BACKOFF, self._backoff.get(source.name, FIRST_BACKOFF / 2) * 2)
                self._backoff[source.name] = delay
                timeout = min(timeout, delay)
            else:
                self._backoff.pop(source.name, None)
                healthy.append(source)
        waits: list[asyncio.Future[object]] = [
            asyncio.ensure_future(source.wait(timeout)) for source in healthy
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
        for source in self.sources:
            try:
                await source.close()
            except MailbotError as exc:
                log.warning("%s did not close cleanly: %s", source.name, exc)
