"""The interfaces between the core and the outside world.

Adapters implement these: ``sources.maildir.MaildirSource`` (and the IMAP
source of the next issue) implement ``MailSource``. The worker only knows the
port, so every source is read the same way and exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


@dataclass(frozen=True, slots=True, order=True)
class MailKey:
    """Where a mail lies, stable across restarts: the key of "exactly once".

    IMAP: (``"imap"``, folder, UIDVALIDITY, UID). Maildir: (``"maildir"``, the
    directory, 0, the unique part of the file name).
    """

    source: str
    folder: str
    uidvalidity: int
    uid: str


@dataclass(frozen=True, slots=True)
class MailRef:
    """A mail the source has, before its content is read."""

    key: MailKey
    size: int
    arrived_at: datetime


class Outcome(StrEnum):
    """What became of a mail; a source may move or mark it accordingly."""

    NEW_CASE = "new_case"
    FOLLOW_UP = "follow_up"
    NOT_A_REQUEST = "not_a_request"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    QUARANTINED = "quarantined"


class MailSource(Protocol):
    """A mailbox mailbot reads. Implementations must not change any mail in ``pending``
    or ``fetch``; only ``settle`` may, and only after the mail is committed."""

    @property
    def name(self) -> str:
        """A short name for logs and status (no personal data)."""
        ...

    async def pending(self) -> list[MailRef]:
        """Every mail the source holds now (the caller skips the ones already recorded)."""
        ...

    async def fetch(self, ref: MailRef) -> bytes:
        """The raw bytes of one mail. Raises ``SourceUnavailable`` when it cannot be read now."""
        ...

    async def settle(self, ref: MailRef, outcome: Outcome) -> None:
        """Called once the mail's outcome is committed: move or mark it as configured."""
        ...

    async def wait(self, timeout: float) -> None:
        """Return when new mail may have arrived, or after ``timeout`` seconds."""
        ...

    async def close(self) -> None:
        """Release connections and files."""
        ...
