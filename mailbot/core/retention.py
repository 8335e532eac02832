"""How long mailbot keeps the personal data of a case, and what stays after. No I/O.

A case that ended (closed, or found to be no request) more than the configured
number of days ago is *purged*: its mails (bytes, attachments, sender, subject,
text, evidence), its drafts with their copies of the person's data and actions,
its mail in the outbox, the Message-IDs of its thread, the requester's name and
addresses and every free text in its trail are deleted. What stays is the
register row (``core.register``: codes, dates, counts) and the bare trail of
who did what when. Erasure cases may have a shorter period of their own.

The mails' records go too: a mail that may still lie in the officer's mailbox
leaves only keyed hashes of where it lies and of its bytes (``mail_key_hash``,
``mail_content_hash``), tied to no case, so that it is not read again as a new
mail. The register row and the bare trail have a period of their own
(``register_days``, five years by default), counted from the same end, after
which they are deleted too.

A case still open (and one whose answer was sent but that was not closed) is
never purged; quarantined mails wait for the officer. ID copies do not wait
for any period: they are deleted when the officer verifies the person.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mailbot.core.cases import Status
from mailbot.core.rights import Right

ENDED = frozenset({Status.CLOSED, Status.NOT_A_REQUEST})

# Trail details that are codes, numbers or dates, never a person or free text.
KEPT_DETAIL = frozenset(
    {
        "from",
        "to",
        "outcome",
        "kind",
        "draft",
        "automatic",
        "rights",
        "rights_before",
        "rights_after",
        "status_before",
        "status_after",
        "channel",
        "due_before",
        "due_after",
        "due_date",
        "ground",
        "check",
        "id_documents_deleted",
        "identity",
        "status",
        "entries",
        "new_entries",
        # what was carried out in a source (service.execution): counts, never the data
        "source",
        "right",
        "rows",
        "counts",
        "failure",
        "recovered_as",
    }
)


REGISTER_DAYS = 1826  # five years (of 365 days, and one leap day)


@dataclass(frozen=True, slots=True)
class Periods:
    """Days after a case ended before it is purged, and before its register row goes."""

    closed_case_days: int
    erasure_case_days: int
    register_days: int = REGISTER_DAYS

    def days_for(self, rights: Iterable[str]) -> int:
        if Right.ERASURE.value in set(rights):
            return min(self.closed_case_days, self.erasure_case_days)
        return self.closed_case_days


def purge_due(
    status: str, ended_at: datetime | None, rights: Iterable[str], now: datetime, periods: Periods
) -> bool:
    """True when a case's personal data must go now."""
    if Status(status) not in ENDED or ended_at is None:
        return False
    return now - ended_at >= timedelta(days=periods.days_for(rights))


def register_due(status: str, ended_at: datetime | None, now: datetime, periods: Periods) -> bool:
    """True when a case's register row and bare trail must go now (it ended that long ago)."""
    if Status(status) not in ENDED or ended_at is None:
        return False
    return now - ended_at >= timedelta(days=periods.register_days)


def mail_key_hash(key: str, source: str, folder: str, uidvalidity: int, uid: str) -> str:
    """What stays of a purged mail's place in the mailbox: HMAC-SHA256 (hex) of its key."""
    return _mac(key, "key", source, folder, str(uidvalidity), uid)


def mail_content_hash(key: str, source: str, folder: str, content_hash: str) -> str:
    """What stays of a purged mail's bytes (``content_hash``, their SHA-256), to know the
    mail in the same folder after the server gave it a new UIDVALIDITY: HMAC-SHA256 (hex)."""
    return _mac(key, "content", source, folder, content_hash)


def _mac(key: str, *parts: str) -> str:
    message = "\x00".join(parts).encode("utf-8", "surrogatepass")
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def bare_detail(detail: Mapping[str, Any]) -> dict[str, Any]:
    """A trail entry's detail without anything that could be personal."""
    return {key: value for key, value in detail.items() if key in KEPT_DETAIL}
