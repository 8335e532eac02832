"""Does a mail belong to a case that already exists? (DOMAIN.md section 6)

A follow-up (ID proof, a clarification, a reminder, a "yes, go ahead") joins
its case instead of opening a new one:

1. its In-Reply-To or References name any mail of the case (ours or theirs);
2. or its subject carries the case reference *and* its sender is already on
   the case. A reference alone is not enough: anyone can type "AVG-2026-0001"
   into a subject, and joining a stranger's mail to a case would show them
   nothing but would mislead the officer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mailbot.core.mail import ParsedMail


@dataclass(frozen=True, slots=True)
class CaseLink:
    """A candidate case: its id, reference, and who has written in it (lower case)."""

    case_id: int
    reference: str
    participants: frozenset[str]


@dataclass(frozen=True, slots=True)
class FollowUp:
    case: CaseLink
    reason: str


def match_follow_up(
    mail: ParsedMail, by_thread: CaseLink | None, by_reference: Sequence[CaseLink]
) -> FollowUp | None:
    """Decide which case ``mail`` follows up, given the candidates the store found.

    ``by_thread`` is the case that owns a Message-ID of the mail's thread headers;
    ``by_reference`` are the cases whose reference the subject carries.
    """
    if by_thread is not None:
        return FollowUp(by_thread, "In-Reply-To/References name a mail of the case")
    sender = mail.sender.key if mail.sender is not None else None
    for candidate in by_reference:
        if sender is not None and sender in candidate.participants:
            return FollowUp(
                candidate, "the subject carries the case reference and the sender is on the case"
            )
    return None
