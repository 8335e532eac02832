"""Does a mail belong to a case that already exists? (DOMAIN.md sections 6 and 7)

A follow-up (ID proof, a clarification, a reminder, a "yes, go ahead") joins
its case instead of opening a new one, on evidence the writer could only have
by taking part in the case:

1. its In-Reply-To or References name a mail the case sent (mailbot's own, with
   a random Message-ID, or the officer's own recorded in the case);
2. or they name a mail that *the same address* sent in the case: a Message-ID is
   the sender's to choose, so one chosen by somebody else (a copy of the company
   newsletter's, say) never captures another person's mail;
3. or its subject carries the case reference and it comes from the requester's
   address. References are sequential: anyone can type one, so a reference alone
   joins nothing.

Joining is not believing: whether a follow-up confirms or denies anything is
decided apart (``core.confirmation``, ``core.answers``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from mailbot.core.mail import ParsedMail


class Direction(StrEnum):
    """A Message-ID of a case: of a mail the case sent, or of one it received."""

    OUT = "out"
    IN = "in"


@dataclass(frozen=True, slots=True)
class CaseLink:
    """A candidate case: its id, reference, and the requester's address (lower case)."""

    case_id: int
    reference: str
    requester: str | None


@dataclass(frozen=True, slots=True)
class ThreadMatch:
    """A Message-ID from the mail's thread headers that a case holds, and whose it is."""

    case: CaseLink
    direction: Direction
    sender: str | None = None  # who sent it, for a mail the case received (lower case)


@dataclass(frozen=True, slots=True)
class FollowUp:
    case: CaseLink
    reason: str


def match_follow_up(
    mail: ParsedMail, by_thread: Sequence[ThreadMatch], by_reference: Sequence[CaseLink]
) -> FollowUp | None:
    """Decide which case ``mail`` follows up, given the candidates the store found.

    ``by_thread`` are the cases holding a Message-ID of the mail's thread headers (the
    newest case first); ``by_reference`` the cases whose reference the subject carries.
    """
    sender = mail.sender.key if mail.sender is not None else None
    for match in by_thread:
        if match.direction is Direction.OUT:
            return FollowUp(match.case, "answers a mail sent in the case")
        if sender is not None and match.sender == sender:
            return FollowUp(match.case, "answers a mail the same address sent in the case")
    for candidate in by_reference:
        if sender is not None and sender == candidate.requester:
            return FollowUp(
                candidate, "the subject carries the case reference and comes from the requester"
            )
    return None
