"""The outbox's rules: states, retries, which failures are final, and the per-recipient limit.

An approved mail is built once and queued. A worker *claims* it (``sending``,
with a lease), hands exactly those bytes to the SMTP server, and records the
result: ``sent``; back to ``queued`` with a later attempt for a temporary
failure (4xx, a lost connection, a timeout); ``failed`` for a permanent one
(5xx, a refused recipient), which goes back to the officer. A claim whose
worker died is taken over when its lease ends (or at once, when that worker
ran on this machine and its process is gone). No I/O here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(minutes=30)
RATE_WINDOW = timedelta(hours=1)


class OutboxState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


def retry_delay(attempts: int) -> timedelta:
    """30 s after the first failed attempt, doubling, at most 30 minutes."""
    factor: int = 2 ** max(0, min(attempts - 1, 16))
    return min(FIRST_RETRY * factor, MAX_RETRY)


def is_permanent(code: int | None) -> bool:
    """A 5xx reply is final for this mail; 4xx, no reply, or a lost connection is not."""
    return code is not None and 500 <= code < 600


def gives_up(created_at: datetime, now: datetime, retry_for: timedelta) -> bool:
    """True when a mail has been retried for longer than ``retry_for``."""
    return now - created_at >= retry_for


def lease(timeout_seconds: float) -> timedelta:
    """How long a claim holds: long enough for connect, login and DATA, each with a timeout."""
    return timedelta(seconds=4 * timeout_seconds + 30)


def rate_limited_until(
    recent: Sequence[datetime], now: datetime, limit: int, window: timedelta = RATE_WINDOW
) -> datetime | None:
    """When the next mail to a recipient may go, given the times of the mails sent to them.

    None when it may go now: fewer than ``limit`` were sent within ``window``.
    """
    inside = sorted(moment for moment in recent if now - moment < window)
    if len(inside) < limit:
        return None
    return inside[len(inside) - limit] + window
