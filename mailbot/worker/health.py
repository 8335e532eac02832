"""Whether each server the worker uses (and the database) can be used, as it last found.

Every failure of a server, whatever its kind (a mail source, the review folders, the
SMTP server, the database), comes here as the exception it raised: ``Health.failed``
decides the state it means, logs and records a change, and counts it for the backoff.
``Health.ok`` says the server answered again. The states are recorded in the database
for ``mailbot status`` (the database's own state only in the journal and the STATUS
line: it cannot be recorded in itself).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Mapping

from mailbot.errors import LoginFailed, SmtpUnavailable, TransientError
from mailbot.service.status import LOGIN_FAILED, OK, UNREACHABLE
from mailbot.storage.database import DatabaseUnavailable, refusals_reported
from mailbot.worker.backoff import backoff

# The logger of the worker: its lines are the worker's, wherever they are written.
log = logging.getLogger("mailbot.worker")
DATABASE = "database"  # the name under which the database's state is reported


def diagnose(exc: TransientError) -> tuple[str, str]:
    """The state a failure puts its server in, and the detail shown with it."""
    if isinstance(exc, DatabaseUnavailable):
        return UNREACHABLE, exc.reason  # the database's own words
    refused = isinstance(exc, LoginFailed) or (isinstance(exc, SmtpUnavailable) and exc.login)
    return (LOGIN_FAILED if refused else UNREACHABLE), str(exc)


class Health:
    """The state of each server by name, its failures in a row, and the STATUS line."""

    def __init__(self, record: Callable[[str, str, str], None]) -> None:
        # Writes (name, state, detail) where ``mailbot status`` reads it (``record_state``
        # on the database); run in a thread, and may find the database unusable.
        self.record = record
        self._states: dict[str, tuple[str, str]] = {}
        self._failures: Counter[str] = Counter()

    async def ok(self, name: str) -> None:
        """``name`` answered: it can be used, and its backoff starts again from the first."""
        self._failures.pop(name, None)
        await self._set(name, OK, "")

    async def failed(self, name: str, exc: TransientError) -> str:
        """``name`` could not be used because of ``exc``: its state follows from the kind of
        ``exc`` (a refused login, or unreachable) and its backoff grows; returns the detail."""
        state, detail = diagnose(exc)
        self._failures[name] += 1
        await self._set(name, state, detail)
        return detail

    def retry_in(self, name: str) -> float | None:
        """The wait before ``name`` is tried again, or None when it did not fail since it last
        answered."""
        failures = self._failures.get(name, 0)
        return backoff(failures) if failures else None

    def status_line(self, activity: str, totals: Mapping[str, int]) -> str:
        """What the worker does, for ``systemctl status``: counts and server names, no person."""
        failing = [name for name, (state, _) in sorted(self._states.items()) if state != OK]
        line = (
            f"{activity}; since start: {totals.get('read', 0)} mails read, "
            f"{totals.get('drafted', 0)} drafted, {totals.get('sent', 0)} sent"
        )
        return line + (f"; cannot use: {', '.join(failing)}" if failing else "")

    async def _set(self, name: str, state: str, detail: str) -> None:
        """Log and record a change of state; the same state again is neither."""
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
                await asyncio.to_thread(self.record, name, state, detail)
        except DatabaseUnavailable as exc:
            log.warning("the state of %s could not be recorded: %s", name, exc)
