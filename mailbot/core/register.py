"""The register of handled requests (DOMAIN.md section 5): the facts of the procedure. No I/O.

A row holds the reference, the rights, the channel, the days of receipt, the
deadline and the answer, whether and why the deadline was extended, the
outcome, the refusal ground and how the person was identified. Every value is
a date, a number or a code from a fixed list: never a name, an address, a
subject or any text from a mail or typed by the officer, so that a row of a
purged case (and any row of an erasure case) leads to no person.

The statistics count each case once in the totals and once under each of its
rights (a mail asking for access and erasure counts under both), and by the
month it was received.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from mailbot.core.cases import CaseOutcome
from mailbot.core.deadlines import due_date, extended_due_date
from mailbot.core.identity import Identity, Verification

FIELDS = (
    "reference",
    "rights",
    "channel",
    "received_at",
    "due_date",
    "extended",
    "extension_reason",
    "answered_at",
    "days_taken",
    "outcome",
    "refusal_ground",
    "identity_method",
    "mailbox",
)

KNOWN_ADDRESS = "known address"
CONFIRMED = "confirmed from known address"
NOT_ESTABLISHED = "not established"
VERIFIED: Mapping[Verification, str] = {
    Verification.ID_DOCUMENT: "ID checked",
    Verification.DETAILS: "details on file checked",
    Verification.OTHER: "verified by the officer",
}


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the register needs of a case (read from the database by ``service.register``)."""

    reference: str
    rights: tuple[str, ...]
    channel: str
    received: date  # the local day of receipt
    due: date | None  # the deadline now (after an extension, the extended one)
    extended: bool
    extension_ground: str | None
    answered: date | None  # the local day the answer (reply or refusal) was sent
    outcome: str | None
    refusal_ground: str | None
    identity: str | None
    confirmed: bool
    verification: str | None
    closed: bool
    mailbox: str = "default"
    denied: bool = False  # the address's owner said the request was not theirs


def identity_method(
    identity: str | None, confirmed: bool, verification: str | None, denied: bool = False
) -> str:
    """How the person was identified, in the register's words ("known address", "ID checked")."""
    if denied:  # the owner of the address on file said it was not them
        return NOT_ESTABLISHED
    if identity == Identity.VERIFIED:
        try:
            return VERIFIED[Verification(verification or Verification.OTHER)]
        except ValueError:
            return VERIFIED[Verification.OTHER]
    if identity == Identity.KNOWN:
        return CONFIRMED if confirmed else KNOWN_ADDRESS
    return NOT_ESTABLISHED


def row(facts: CaseFacts) -> dict[str, Any]:
    """The register row of a case, with the fields of ``FIELDS`` in that order."""
    answered = facts.answered
    return {
        "reference": facts.reference,
        "rights": list(facts.rights),
        "channel": facts.channel,
        "received_at": facts.received.isoformat(),
        "due_date": facts.due.isoformat() if facts.due else None,
        "extended": facts.extended,
        "extension_reason": facts.extension_ground if facts.extended else None,
        "answered_at": answered.isoformat() if answered else None,
        "days_taken": (answered - facts.received).days if answered else None,
        "outcome": facts.outcome,
        "refusal_ground": facts.refusal_ground,
        "identity_method": identity_method(
            facts.identity, facts.confirmed, facts.verification, facts.denied
        ),
        "mailbox": facts.mailbox,
    }


@dataclass
class Tally:
    """Counts for one group of cases (all, one right, one month of receipt)."""

    received: int = 0
    answered: int = 0
    within_one_month: int = 0  # answered by the first deadline (one month from receipt)
    within_three_months: int = 0  # answered by the extended deadline (three months)
    late: int = 0  # answered after its deadline (the extended one, if extended)
    open: int = 0  # not answered and not closed
    overdue: int = 0  # open, and its deadline has passed
    extended: int = 0
    refused: int = 0  # refused in whole or in part (an outcome or a refusal ground)
    not_the_person: int = 0  # closed because the address's owner did not send it (forged)

    def add(self, facts: CaseFacts, today: date) -> None:
        self.received += 1
        self.extended += facts.extended
        self.not_the_person += facts.outcome == CaseOutcome.NOT_THE_PERSON
        refused = facts.outcome == CaseOutcome.REFUSED or facts.refusal_ground is not None
        self.refused += refused
        if facts.answered is not None:
            self.answered += 1
            self.within_one_month += facts.answered <= due_date(facts.received)
            self.within_three_months += facts.answered <= extended_due_date(facts.received)
            self.late += facts.due is not None and facts.answered > facts.due
        elif not facts.closed:
            self.open += 1
            self.overdue += facts.due is not None and today > facts.due

    def as_dict(self) -> dict[str, int]:
        return {item.name: getattr(self, item.name) for item in fields(self)}


@dataclass
class Stats:
    total: Tally = field(default_factory=Tally)
    by_right: dict[str, Tally] = field(default_factory=dict)
    by_month: dict[str, Tally] = field(default_factory=dict)  # "2026-03": received that month

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total.as_dict(),
            "by_right": {right: tally.as_dict() for right, tally in self.by_right.items()},
            "by_month": {month: tally.as_dict() for month, tally in self.by_month.items()},
        }


def stats(cases: Iterable[CaseFacts], today: date, rights_order: Sequence[str]) -> Stats:
    """Tally ``cases``; rights in ``rights_order``, months in order, only those that occur."""
    result = Stats()
    by_right: dict[str, Tally] = {}
    by_month: dict[str, Tally] = {}
    for facts in cases:
        result.total.add(facts, today)
        for right in facts.rights:
            by_right.setdefault(right, Tally()).add(facts, today)
        by_month.setdefault(facts.received.strftime("%Y-%m"), Tally()).add(facts, today)
    order = {right: index for index, right in enumerate(rights_order)}
    result.by_right = dict(sorted(by_right.items(), key=lambda item: order.get(item[0], 99)))
    result.by_month = dict(sorted(by_month.items()))
    return result
