"""The interfaces between the core and the outside world.

Adapters implement these: ``sources.maildir.MaildirSource`` and
``sources.imap.ImapSource`` implement ``MailSource``; ``sending.smtp.SmtpSender``
implements ``MailSender`` and ``sending.sent_folder.ImapSentFolder``
implements ``SentFolder``. The worker only knows the ports, so every source is
read the same way and exactly once, and tests can put their own behind them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from mailbot.core.followups import CaseLink, ThreadMatch


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
    DISMISSED = "dismissed"  # was quarantined; the officer found it no request, with a reason


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

    async def settle(self, settled: Sequence[tuple[MailRef, Outcome]]) -> None:
        """Called once these mails' outcomes are committed: move or mark each as configured
        (together, where the source can: one command for a batch's mails)."""
        ...

    async def wait(self, timeout: float) -> None:
        """Return when new mail may have arrived, or after ``timeout`` seconds."""
        ...

    async def close(self) -> None:
        """Release connections and files."""
        ...


@dataclass(frozen=True, slots=True)
class Envelope:
    """One mail to send: who it is from and to (SMTP envelope), and its finished bytes."""

    sender: str
    recipient: str
    content: bytes
    message_id: str


class MailSender(Protocol):
    """Hands mail to an SMTP server. One mail at a time; the connection may be kept between."""

    @property
    def name(self) -> str:
        """A short name for logs and status."""
        ...

    async def send(self, envelope: Envelope) -> str:
        """Send one mail; returns the server's final reply.

        Raises ``SendRefused`` (5xx: never retried), ``SendDeferred`` (retry this mail
        later) or ``SmtpUnavailable`` (the server cannot be used now: stop this pass).
        """
        ...

    async def check(self) -> str:
        """Connect and log in without sending anything; describes the server."""
        ...

    async def close(self) -> None:
        """End the connection, if one is open."""
        ...


class SentFolder(Protocol):
    """The officer's Sent folder, where a copy of each mail we sent is filed."""

    @property
    def name(self) -> str: ...

    async def file(self, message_id: str, content: bytes, when: datetime) -> bool:
        """File ``content`` unless a mail with ``message_id`` is there; True when it added one.

        Raises ``SourceUnavailable`` when the folder cannot be reached now.
        """
        ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class FolderMail:
    """A mail in one of the officer's folders: where it lies and its bytes (or its header)."""

    folder: str
    uid: int
    content: bytes


@dataclass(frozen=True, slots=True)
class NewMail:
    """The mail that came into a folder after a mark: (UIDVALIDITY, last UID) to keep."""

    uidvalidity: int
    last_uid: int
    headers: list[FolderMail]


class ReviewMailbox(Protocol):
    """The officer's folders for review in his own mail client (``service.mail_client``).

    Every method raises ``SourceUnavailable`` when the mailbox cannot be used now.
    """

    @property
    def name(self) -> str: ...

    async def prepare(self, folders: list[str], special: dict[str, str]) -> dict[str, str]:
        """Find the ``special`` folders (``"drafts"``, ``"sent"`` to their configured name or
        ``"auto"``: marked so by the server, else the usual name) and create every missing
        one; returns the special ones' names."""
        ...

    async def uids(self, folder: str) -> list[int]:
        """The UIDs of the mails in ``folder`` (not those flagged \\Deleted), in order."""
        ...

    async def new_mail(self, folder: str, mark: tuple[int, int] | None) -> NewMail:
        """The headers of the mail that came into ``folder`` after ``mark``; without a mark
        (or after a UIDVALIDITY change), none: the folder's present end becomes the mark."""
        ...

    async def fetch(self, folder: str, uid: int) -> bytes | None:
        """One mail whole, or None when it is gone."""
        ...

    async def index(self, folder: str) -> dict[str, int]:
        """The Message-ID and UID of every mail in ``folder`` (one command, however many)."""
        ...

    async def append(self, folder: str, content: bytes) -> None:
        """Add a mail to ``folder``, unread."""
        ...

    async def move(self, folder: str, uids: list[int], target: str) -> None:
        """Move mails from ``folder`` to ``target`` (delete them when ``target`` is "");
        mails that are gone already are no error."""
        ...

    async def wait(self, folder: str, timeout: float) -> None:
        """Return when ``folder`` changed, or after ``timeout`` seconds."""
        ...

    async def close(self) -> None: ...


class CaseFinder(Protocol):
    """What intake asks the case store before it decides where a mail belongs: which mails
    are recorded already, and which cases a mail's thread or subject points at.

    ``storage.store.CaseStore`` implements it on one transaction; a unit test can put a
    dictionary behind it. Every answer is a candidate: the decision stays in the core.
    """

    def known_keys(self, keys: Iterable[MailKey], mailbox: str) -> dict[MailKey, str]:
        """The keys among ``keys`` that already have a mail record, with what became of it."""
        ...

    def thread_matches(self, message_ids: Sequence[str], mailbox: str) -> list[ThreadMatch]:
        """The cases holding one of ``message_ids``, newest first, with who wrote it."""
        ...

    def cases_by_reference(self, references: Sequence[str], mailbox: str) -> list[CaseLink]:
        """The cases of ``mailbox`` whose reference is one of ``references``."""
        ...
