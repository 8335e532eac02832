"""Reading ahead: the next few mails of a source are fetched and read while the one before
them is stored.

Reading (fetching, parsing, in the readers' processes) takes longer than storing, and
needs no order; storing does. So a few mails are read at once, and handed out one by one
in the order the source gave them. What was read ahead and not handed out when the work
stops is cancelled: it is read again on the next pass.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from mailbot.core.analysis import Analysis
from mailbot.errors import MailVanished, PermanentError
from mailbot.ports import MailRef, MailSource
from mailbot.service.intake import Intake

# The logger of the worker: its lines are the worker's, wherever they are written.
log = logging.getLogger("mailbot.worker")
READ_AHEAD = 4  # mails fetched and read while the one before them is stored
READ_AHEAD_BYTES = 32 * 1024 * 1024  # ... unless they are this large together


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
    """The mails ``refs`` of ``source``, read up to READ_AHEAD (or READ_AHEAD_BYTES) ahead."""

    def __init__(self, intake: Intake, source: MailSource, refs: Sequence[MailRef]) -> None:
        self.intake = intake
        self.source = source
        self._waiting = iter(refs)
        self._ahead: deque[tuple[MailRef, asyncio.Future[Read | None]]] = deque()

    async def next(self) -> tuple[MailRef, Read | None]:
        """The next mail in the source's order, once it is read (None: it could not be);
        the ones after it are started meanwhile. Call it no more often than there are
        ``refs``."""
        self._start()
        ref, reading = self._ahead.popleft()
        return ref, await reading

    async def cancel(self) -> None:
        """Stop reading what was not handed out yet, and wait until it has stopped."""
        for _, reading in self._ahead:
            reading.cancel()
        await asyncio.gather(*(reading for _, reading in self._ahead), return_exceptions=True)

    def _start(self) -> None:
        """Start reading mails until READ_AHEAD mails (or READ_AHEAD_BYTES) are under way."""
        while len(self._ahead) < READ_AHEAD:
            if self._ahead and sum(ref.size for ref, _ in self._ahead) >= READ_AHEAD_BYTES:
                return
            ref = next(self._waiting, None)
            if ref is None:
                return
            future = asyncio.ensure_future(read(self.intake, self.source, ref))
            self._ahead.append((ref, future))
