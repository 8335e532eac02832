"""How long mailbot keeps the personal data of a case, and what stays after. No I/O.

A case that ended (closed, or found to be no request) more than the configured
number of days ago is *purged*: its mails (bytes, attachments, sender, subject,
text, evidence), its drafts with their copies of the person's data and actions,
its mail in the outbox, the Message-IDs of its thread, the requester's name and
addresses and every free text in its trail are deleted. What stays is the
register row (``core.register``: codes, dates, counts) and the bare trail of
who did what when. Erasure cases may have a shorter period of their own.

A case still open (and one whose answer was sent but that was not closed) is
never purged; quarantined mails wait for the officer. ID copies do not wait
for any period: they are deleted when the officer verifies the person.
"""

from __future__ import annotations

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
        "mail_id",
        "identity",
        "status",
        "entries",
        "new_entries",
    }
)


@dataclass(frozen=True, slots=True)
class Periods:
    """Days after a case ended before it is purged."""

    closed_case_days: int
    erasure_case_days: int

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


def bare_detail(detail: Mapping[str, Any]) -> dict[str, Any]:
    """A trail entry's detail without anything that could be personal."""
    return {key: value for key, value in detail.items() if key in KEPT_DETAIL}
