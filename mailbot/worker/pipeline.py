"""Reading ahead: the next mails of a source are fetched and read while the ones before
them are stored.

Reading (fetching, parsing, in the readers' processes) needs no order; storing does. So
mails are read several at once, and handed out in batches (``Batch``: what is read by
then, in the order the source gave them) that intake stores in one transaction each.
What was read ahead and not handed out when the work stops is cancelled: it is read
again on the next pass.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from mailbot.core.analysis import Analysis
from mailbot.errors import MailVanished, PermanentError
from mailbot.ports import MailRef, MailSource
from mailbot.service.intake import Intake

# The logger of the worker: its lines are the worker's, wherever they are written.
log = logging.getLogger("mailbot.worker")
READ_AHEAD = 100  # mails fetched and read while the ones before them are stored
READ_AHEAD_BYTES = 32 * 1024 * 1024  # ... unless they are this large together
CLAIM_CHUNK = 20  # mails claimed at a time when several workers share a mailbox


@dataclass(frozen=True)
class Bounds:
    """How large a batch stored in one transaction may grow: ``mails`` mails, ``size``
    bytes (as the source counts them), and how long to wait after its first mail is read
    for the next ones (``wait`` seconds). One mail is never split, however large."""

    mails: int = 100
    size: int = 32 * 1024 * 1024
    wait: float = 0.05


@dataclass(frozen=True)
class Read:
    """One mail, fetched and read."""

    raw: bytes | None  # None: too large to read (quarantined unread)
    analysis: Analysis | None


async def read(intake: Intake, source: MailSource, ref: MailRef) -> Read | None:
    """Fetch one mail and read it; None when it is gone or cannot be fetched."""
    if intake.too_large(ref):
        return Read(None, None)
    try:
        raw = await source.fetch(ref)
    except MailVanished as exc:  # another worker, or the officer, took it first
        log.info("%s: %s", source.name, exc)
        return None
    except PermanentError as exc:
        log.warning("%s: a mail could not be read: %s", source.name, exc)
        return None
    return Read(raw, await asyncio.to_thread(intake.analyse, raw))


class ReadAhead:
    """The mails ``refs`` of ``source``, read up to READ_AHEAD (or READ_AHEAD_BYTES) ahead.

    With ``claim`` (several workers on one mailbox), the mails are claimed CLAIM_CHUNK at
    a time before they are fetched; the ones another worker claimed are skipped, and
    ``claimed`` lists the ones this worker asked for (the caller releases them: only the
    ones it holds are released).
    """

    def __init__(
        self,
        intake: Intake,
        source: MailSource,
        refs: Sequence[MailRef],
        claim: Callable[[list[MailRef]], Awaitable[list[MailRef]]] | None = None,
    ) -> None:
        self.intake = intake
        self.source = source
        self.claim = claim
        self.claimed: list[MailRef] = []
        self.skipped = 0  # claimed by another worker
        self._waiting = iter(refs)
        self._left = len(refs)
        self._ready: deque[MailRef] = deque()
        self._ahead: deque[tuple[MailRef, asyncio.Future[Read | None]]] = deque()

    @property
    def left(self) -> int:
        """How many mails are still to be handed out (at most: some may be skipped)."""
        return self._left + len(self._ready) + len(self._ahead)

    async def batch(self, bounds: Bounds) -> list[tuple[MailRef, Read | None]]:
        """The next mails in the source's order: the first once it is read, then the ones
        after it that are read within ``bounds.wait`` seconds, up to ``bounds``; empty when
        there are no more. A mail whose reading failed ends the batch before it (its
        failure comes with the next call)."""
        await self._fill()
        if not self._ahead:
            return []
        loop = asyncio.get_running_loop()
        ref, reading = self._ahead.popleft()
        taken = [(ref, await reading)]
        size = ref.size
        deadline = loop.time() + bounds.wait
        while len(taken) < bounds.mails:
            await self._fill()
            if not self._ahead:
                break
            ref, reading = self._ahead[0]
            if size + ref.size > bounds.size:
                break
            if not reading.done():
                await asyncio.wait([reading], timeout=max(0.0, deadline - loop.time()))
                if not reading.done():
                    break
            if reading.cancelled() or reading.exception() is not None:
                break
            self._ahead.popleft()
            taken.append((ref, reading.result()))
            size += ref.size
        await self._fill()
        return taken

    async def cancel(self) -> None:
        """Stop reading what was not handed out yet, and wait until it has stopped."""
        for _, reading in self._ahead:
            reading.cancel()
        await asyncio.gather(*(reading for _, reading in self._ahead), return_exceptions=True)

    async def _fill(self) -> None:
        """Start reading mails until READ_AHEAD mails (or READ_AHEAD_BYTES) are under way."""
        while len(self._ahead) < READ_AHEAD:
            if self._ahead and sum(ref.size for ref, _ in self._ahead) >= READ_AHEAD_BYTES:
                return
            if not self._ready and not await self._supply():
                return
            if not self._ready:
                continue  # another worker claimed that chunk
            ref = self._ready.popleft()
            future = asyncio.ensure_future(read(self.intake, self.source, ref))
            self._ahead.append((ref, future))

    async def _supply(self) -> bool:
        """The next refs, claimed if there is a ``claim``; False when none are left."""
        chunk = list(itertools.islice(self._waiting, CLAIM_CHUNK if self.claim else None))
        if not chunk:
            return False
        self._left -= len(chunk)
        if self.claim is not None:
            self.claimed += chunk  # before the claim: a cancelled one is released all the same
            claimed = await self.claim(chunk)
            self.skipped += len(chunk) - len(claimed)
            chunk = claimed
        self._ready.extend(chunk)
        return True
