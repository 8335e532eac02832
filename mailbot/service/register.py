"""The register of handled requests, read from the cases (``core.register`` says what a row is).

Every case that asked for a right is in it, from the day it was made, and stays
in it after its personal data are purged; mails that asked for none are not.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from mailbot.core import register
from mailbot.core.cases import Status
from mailbot.core.rights import Right
from mailbot.core.spreadsheet import cell
from mailbot.service.clock import Clock
from mailbot.storage.database import Database
from mailbot.storage.models import CaseRecord
from mailbot.storage.register import RegisterStore


@dataclass(frozen=True, slots=True)
class Row:
    """A register row (``register.FIELDS``): codes, dates and numbers, never personal data."""

    reference: str
    rights: tuple[str, ...]
    channel: str
    received_at: str
    due_date: str | None
    extended: bool
    extension_reason: str | None
    answered_at: str | None
    days_taken: int | None
    outcome: str | None
    refusal_ground: str | None
    identity_method: str
    mailbox: str

    @classmethod
    def of(cls, facts: register.CaseFacts) -> Row:
        """The row ``register.row`` makes of a case's facts."""
        values = register.row(facts)
        return cls(**{**values, "rights": tuple(values["rights"])})

    def as_json(self) -> dict[str, Any]:
        """The row as ``register.row`` makes it: the fields of ``register.FIELDS``, in order."""
        return {
            "reference": self.reference,
            "rights": list(self.rights),
            "channel": self.channel,
            "received_at": self.received_at,
            "due_date": self.due_date,
            "extended": self.extended,
            "extension_reason": self.extension_reason,
            "answered_at": self.answered_at,
            "days_taken": self.days_taken,
            "outcome": self.outcome,
            "refusal_ground": self.refusal_ground,
            "identity_method": self.identity_method,
            "mailbox": self.mailbox,
        }


def facts_of(case: CaseRecord, clock: Clock) -> register.CaseFacts:
    zone = clock.zone
    return register.CaseFacts(
        reference=case.reference,
        rights=tuple(case.rights),
        channel=case.channel,
        received=case.received_at.astimezone(zone).date(),
        due=case.due_date,
        extended=case.original_due_date is not None,
        extension_ground=case.extension_ground,
        answered=case.answered_at.astimezone(zone).date() if case.answered_at else None,
        outcome=case.outcome,
        refusal_ground=case.refusal_ground,
        identity=case.identity,
        confirmed=case.confirmed_at is not None,
        verification=case.verification,
        closed=case.status == Status.CLOSED,
        mailbox=case.mailbox,
        denied=case.denied_at is not None,
    )


def _facts(
    database: Database,
    clock: Clock,
    start: date | None = None,
    end: date | None = None,
    mailboxes: Collection[str] | None = None,
) -> list[register.CaseFacts]:
    with database.reader() as session:
        cases = RegisterStore(session).requests(mailboxes)
    found = [facts_of(case, clock) for case in cases]  # the day of receipt is a local one
    return [
        facts
        for facts in found
        if (start is None or facts.received >= start) and (end is None or facts.received <= end)
    ]


def rows(
    database: Database,
    clock: Clock,
    start: date | None = None,
    end: date | None = None,
    mailboxes: Collection[str] | None = None,
) -> list[Row]:
    """The register rows of the cases received from ``start`` to ``end`` (inclusive)."""
    return [Row.of(facts) for facts in _facts(database, clock, start, end, mailboxes)]


def stats(
    database: Database,
    clock: Clock,
    start: date | None = None,
    end: date | None = None,
    mailboxes: Collection[str] | None = None,
) -> register.Stats:
    found = _facts(database, clock, start, end, mailboxes)
    return register.stats(found, clock.local_today(), [right.value for right in Right])


def as_csv(found: list[Row]) -> str:
    """Rows as CSV: a header of ``register.FIELDS``, rights joined by ``;``, empty for none."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(register.FIELDS)
    for item in found:
        values = item.as_json()
        writer.writerow([cell(_cell(values[name])) for name in register.FIELDS])
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(part) for part in value)
    return str(value)
