"""The officer's daily digest: what needs him today, as a short plain-text mail. No I/O.

Urgent cases first (a possible data breach, a supervisory authority's letter),
then mail that may be a request and waits for his decision, cases due within a
week, overdue cases, drafts waiting for review, mails that could not be sent,
quarantined mail, and extension notices not sent yet. It
names cases by reference and says what to run next; it carries no mail text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

DUE_SOON_DAYS = 7


@dataclass(frozen=True, slots=True)
class CaseLine:
    reference: str
    rights: Sequence[str]
    status: str
    due: date
    topics: Sequence[str] = ()
    needs_decision: bool = False


@dataclass(frozen=True, slots=True)
class DraftLine:
    draft_id: int
    reference: str
    kind: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class DigestFacts:
    today: date
    organisation: str
    open_cases: Sequence[CaseLine] = ()
    waiting: Sequence[DraftLine] = ()
    failed: Sequence[DraftLine] = ()
    unsent_extensions: Sequence[DraftLine] = ()
    quarantined: Sequence[str] = field(default=())  # "#id reason" per mail
    denied: Sequence[str] = field(default=())  # cases whose person said "that was not me"
    answers: Sequence[tuple[str, str]] = field(default=())  # (reference, why) to read
    urgent: Sequence[tuple[str, str]] = field(default=())  # (reference, what and by when)


@dataclass(frozen=True, slots=True)
class Digest:
    subject: str
    body: str
    empty: bool


def _case(line: CaseLine, today: date) -> str:
    days = (line.due - today).days
    left = f"{-days} days overdue" if days < 0 else ("due today" if days == 0 else f"{days} days")
    rights = ", ".join((*line.rights, *(f"+{topic}" for topic in line.topics))) or "-"
    status = f"{line.status}, DECIDE" if line.needs_decision else line.status
    return f"  {line.reference}  {rights:<28} due {line.due.isoformat()} ({left})  [{status}]"


def _draft(line: DraftLine) -> str:
    detail = f": {line.detail}" if line.detail else ""
    return f"  draft {line.draft_id}  {line.reference}  {line.kind}{detail}"


def compose(facts: DigestFacts) -> Digest:
    """The digest's subject and body."""
    today = facts.today
    overdue = [line for line in facts.open_cases if line.due < today]
    soon = [line for line in facts.open_cases if 0 <= (line.due - today).days <= DUE_SOON_DAYS]
    deciding = [line for line in facts.open_cases if line.needs_decision]
    sections: list[tuple[str, list[str]]] = [
        (
            "URGENT: a possible data breach or a supervisory authority's letter",
            [f"  {reference}  {what}" for reference, what in facts.urgent],
        ),
        (
            "May be a request: decide (mailbot cases reclassify REF --rights RIGHTS, "
            "or --rights none --note WHY)",
            [_case(line, today) for line in deciding],
        ),
        (
            "The person says the request was not theirs: close as not_the_person",
            [f"  {reference}" for reference in facts.denied],
        ),
        (
            "Answers mailbot left to you (mailbot cases confirm REF --answer ...)",
            [f"  {reference}  {why}" for reference, why in facts.answers],
        ),
        ("Overdue cases", [_case(line, today) for line in overdue]),
        (f"Due within {DUE_SOON_DAYS} days", [_case(line, today) for line in soon]),
        ("Mails that could not be sent", [_draft(line) for line in facts.failed]),
        (
            "Extension notices not sent yet (they must leave within the first month)",
            [_draft(line) for line in facts.unsent_extensions],
        ),
        ("Drafts waiting for your review", [_draft(line) for line in facts.waiting]),
        ("Quarantined mail (could not be read)", [f"  {line}" for line in facts.quarantined]),
    ]
    counts = [
        (len(facts.urgent), "urgent"),
        (len(deciding), "to decide"),
        (len(facts.denied), "denied"),
        (len(facts.answers), "answers to read"),
        (len(overdue), "overdue"),
        (len(soon), "due within a week"),
        (len(facts.failed), "not sent"),
        (len(facts.waiting), "drafts waiting"),
        (len(facts.quarantined), "quarantined"),
    ]
    summary = ", ".join(f"{count} {what}" for count, what in counts if count) or "nothing waiting"
    lines = [
        f"Privacy requests at {facts.organisation}, {today.isoformat()}: {summary}.",
        "",
    ]
    for title, entries in sections:
        if entries:
            lines += [f"{title} ({len(entries)}):", *entries, ""]
    lines += [
        "See a case:       mailbot cases show REFERENCE",
        "Review a draft:   mailbot drafts show ID, then drafts approve / edit / reject ID",
        "Failed mail:      mailbot outbox list",
    ]
    empty = not any(entries for _, entries in sections)
    return Digest(f"mailbot {today.isoformat()}: {summary}", "\n".join(lines) + "\n", empty)
