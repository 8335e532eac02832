"""What waits today, and who acts next: the officer's Today page and the heart of his digest.
No I/O.

Each open case, draft, failed mail and quarantined mail becomes one or more ``Item``\\ s,
grouped by who acts next: ``urgent`` (a possible breach, a supervisory authority's
letter), ``officer`` (drafts to approve, mail to check, actions to carry out, cases to
close, mail that cannot be sent and why, quarantine), ``person`` (awaiting identity or
confirmation, with the days waited), and ``mailbot`` (work it does itself, shown on the
case page only). Within a group, the earliest due date first.

Every item says what happens next as a plain sentence: an English template with
``{placeholders}`` (``Item.text``), translated where it is shown (``mailbot.i18n``), so
the pages and the digest say the same in the officer's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from mailbot.core.cases import Status
from mailbot.core.drafting import CONFIRMING, DraftKind

ADDRESS = re.compile(r"[^\s<>@\"']+@[^\s<>@\"']+")
# The requests the person must answer before the case goes on.
ASKING = frozenset({DraftKind.IDENTIFICATION_REQUEST, *CONFIRMING})


class Group(StrEnum):
    URGENT = "urgent"
    OFFICER = "officer"
    PERSON = "person"
    MAILBOT = "mailbot"


ORDER = (Group.URGENT, Group.OFFICER, Group.PERSON, Group.MAILBOT)


@dataclass(frozen=True, slots=True)
class Item:
    """One thing waiting: for whom, about which case (if any), by when, and what to do."""

    group: Group
    text: str  # an English sentence with {placeholders}: translated where shown
    values: dict[str, str] = field(default_factory=dict)
    reference: str | None = None
    due: date | None = None
    link: str = ""  # the page it is done on, a path of the review pages

    def sentence(
        self, translate: Callable[[str], str] = str, kind: Callable[[str], str] = str
    ) -> str:
        """The sentence, through ``translate`` (``mailbot.i18n.translator``); a draft's kind
        through ``kind`` (its label)."""
        return translate(self.text).format(**self.shown(kind))

    def shown(self, kind: Callable[[str], str] = str) -> dict[str, str]:
        """The values as shown: a draft's kind through ``kind`` (its label)."""
        return {key: kind(value) if key == "kind" else value for key, value in self.values.items()}


# Values quoted from elsewhere, in the words they came in: a mail server's reply, why a mail
# could not be read (mailbot's own English, as in the logs).
QUOTED = frozenset({"error", "reason"})


@dataclass(frozen=True, slots=True)
class DraftFacts:
    id: int
    kind: DraftKind
    status: str  # pending, approved, failed (the others are not waiting)
    error: str = ""
    sent_on: date | None = None
    open_actions: int = 0
    executable: bool = False  # an open action mailbot carries out itself (the plan page)


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """An open case as the Today list needs it (no mail text, no address)."""

    reference: str
    status: Status
    due: date | None
    breach: bool = False  # a possible data breach (Art. 33: 72 hours)
    breach_notify_by: str = ""  # when the AP must be told, if it is one
    authority: bool = False  # a letter from a supervisory authority
    needs_decision: bool = False
    low_confidence: bool = False
    spoofed: bool = False
    denied: bool = False
    answer_to_read: bool = False
    answered_on: date | None = None
    drafts: Sequence[DraftFacts] = ()
    asked_on: date | None = None  # the day the request to identify or confirm was sent


@dataclass(frozen=True, slots=True)
class Facts:
    today: date
    cases: Sequence[CaseFacts] = ()
    quarantined: Sequence[tuple[int, date, str]] = ()  # (mail id, arrived on, reason)
    # mail mailbot took for no request without being sure: (reference, the clock's due date)
    missed: Sequence[tuple[str, date]] = ()
    smtp_configured: bool = True
    approved_waiting: int = 0  # approved mails waiting in the outbox
    # kept data whose period has ended, not erased yet: (reference, source, kept until)
    kept_due: Sequence[tuple[str, str, date]] = ()


class _Maker:
    """Items of one case."""

    def __init__(self, case: CaseFacts) -> None:
        self.case = case
        self.link = f"/cases/{case.reference}"

    def __call__(self, group: Group, text: str, path: str = "", **values: object) -> Item:
        shown = {key: str(value) for key, value in values.items()}
        case = self.case
        return Item(group, text, shown, case.reference, case.due, path or self.link)


def case_items(case: CaseFacts, today: date) -> list[Item]:
    """What waits in ``case``, and for whom (the first item is what happens next)."""
    item = _Maker(case)
    items = [*_flags(case, item), *_drafts(case, item), *_waiting(case, item, today)]
    if case.status is Status.SENT:
        items.append(
            item(
                Group.OFFICER,
                "The answer was sent on {day}: close the case with its outcome.",
                f"/cases/{case.reference}/decide",
                day=case.answered_on or "?",
            )
        )
    if items:
        return items
    if any(draft.status == "approved" for draft in case.drafts):
        return [item(Group.MAILBOT, "Approved: mailbot sends it shortly.")]
    if case.status in (Status.NEW, Status.READY_FOR_REVIEW):
        return [item(Group.MAILBOT, "mailbot is drafting the letters.")]
    return [item(Group.MAILBOT, "Nothing waits.")]


def _flags(case: CaseFacts, item: _Maker) -> list[Item]:
    items = []
    if case.breach:
        if case.breach_notify_by:
            text = "Possible data breach: if it is one, notify the AP by {by}."
            items.append(item(Group.URGENT, text, by=case.breach_notify_by))
        else:
            items.append(item(Group.URGENT, "Possible data breach: assess it today."))
    if case.authority:
        text = "A letter from a supervisory authority: read it today and answer in time."
        items.append(item(Group.URGENT, text))
    if case.denied:
        text = "The person says the request was not theirs: close the case."
        items.append(item(Group.OFFICER, text, f"/cases/{case.reference}/decide"))
    if case.answer_to_read:
        text = "Read the person's answer: mailbot left it to you."
        items.append(item(Group.OFFICER, text, f"/cases/{case.reference}/decide"))
    if case.needs_decision:
        text = "Decide whether this mail is a request, and which rights."
        items.append(item(Group.OFFICER, text, f"/cases/{case.reference}/decide"))
    elif case.low_confidence and any(draft.status == "pending" for draft in case.drafts):
        text = "Check the rights first: mailbot is not sure what this mail asks."
        items.append(item(Group.OFFICER, text, f"/cases/{case.reference}/decide"))
    return items


def _drafts(case: CaseFacts, item: _Maker) -> list[Item]:
    items = []
    for draft in case.drafts:
        path = f"/drafts/{draft.id}"
        if draft.status == "failed":
            # a server's reply may name the person's address: the list names cases only
            error = ADDRESS.sub("[address]", " ".join(draft.error.split()))[:200] or "unknown error"
            text = (
                "The {kind} (draft {draft}) could not be sent: {error}. Approve it again or "
                "change it."
            )
            items.append(
                item(Group.OFFICER, text, path, kind=draft.kind, draft=draft.id, error=error)
            )
        if draft.status != "pending":
            continue
        if draft.open_actions:
            text = (
                "Carry out {count} action(s) in the data sources, then approve the {kind} "
                "(draft {draft})."
            )
            values = {"count": draft.open_actions, "kind": draft.kind, "draft": draft.id}
            plan = f"/cases/{case.reference}/plan" if draft.executable else ""
            items.append(item(Group.OFFICER, text, plan, **values))
            continue
        text = "Check and approve the {kind} (draft {draft})."
        if case.spoofed and draft.kind is not DraftKind.SENDER_CHECK:
            text = "The sender may be forged: check, then approve the {kind} (draft {draft})."
        items.append(item(Group.OFFICER, text, path, kind=draft.kind, draft=draft.id))
    return items


def _waiting(case: CaseFacts, item: _Maker, today: date) -> list[Item]:
    """A case waiting on the person, once the request to them has gone (while it is a
    draft, the officer acts next: approving it)."""
    if case.status not in (Status.AWAITING_IDENTITY, Status.AWAITING_CONFIRMATION):
        return []
    if any(draft.kind in ASKING and draft.status == "pending" for draft in case.drafts):
        return []
    if case.asked_on is None and any(draft.kind in ASKING for draft in case.drafts):
        return []  # approved, not sent yet (or could not be): the person has not been asked
    identity = case.status is Status.AWAITING_IDENTITY
    if case.asked_on is None:
        text = (
            "Waiting for the person to prove who they are."
            if identity
            else "Waiting for the person to confirm the request."
        )
        return [item(Group.PERSON, text)]
    text = (
        "Waiting {days} day(s) for the person to prove who they are (asked on {asked})."
        if identity
        else "Waiting {days} day(s) for the person to confirm the request (asked on {asked})."
    )
    return [item(Group.PERSON, text, days=(today - case.asked_on).days, asked=case.asked_on)]


def today_items(facts: Facts) -> list[Item]:
    """Everything waiting today, grouped (``ORDER``), each group by due date."""
    items: list[Item] = []
    if facts.approved_waiting and not facts.smtp_configured:
        items.append(
            Item(
                Group.OFFICER,
                "{count} approved mail(s) cannot leave: no SMTP server is configured "
                "([smtp] in the configuration; ask the administrator).",
                {"count": str(facts.approved_waiting)},
            )
        )
    for case in facts.cases:
        items += [
            entry for entry in case_items(case, facts.today) if entry.group is not Group.MAILBOT
        ]
    for reference, due in facts.missed:
        items.append(
            Item(
                Group.OFFICER,
                "mailbot took this mail for no request, but is not sure: check it, and make it "
                "a request if it is one.",
                reference=reference,
                due=due,
                link=f"/cases/{reference}/decide",
            )
        )
    for mail_id, arrived, reason in facts.quarantined:
        items.append(
            Item(
                Group.OFFICER,
                "Mail {mail} of {day} could not be read ({reason}): look at it, make a case "
                "of it, or dismiss it.",
                {
                    "mail": str(mail_id),
                    "day": arrived.isoformat(),
                    "reason": ADDRESS.sub("[address]", reason)[:150],
                },
                due=arrived,
                link=f"/quarantine/{mail_id}",
            )
        )
    for reference, source, until in facts.kept_due:
        # no case link: the case itself was purged long before its kept data may go
        items.append(
            Item(
                Group.OFFICER,
                "Kept data of {reference} in {source} may now be erased (kept until {until}).",
                {"reference": reference, "source": source, "until": until.isoformat()},
                due=until,
            )
        )
    return sorted(items, key=order)


def order(item: Item) -> tuple[int, date, str]:
    """Urgent first, then the officer's, then the person's; the earliest due date first."""
    return (ORDER.index(item.group), item.due or date.max, item.reference or "")


def grouped(items: Iterable[Item]) -> list[tuple[Group, list[Item]]]:
    """``items`` per group, in ``ORDER``, leaving out empty groups."""
    found = list(items)
    return [
        (group, [entry for entry in found if entry.group is group])
        for group in ORDER
        if any(entry.group is group for entry in found)
    ]


@dataclass(frozen=True, slots=True)
class Entry:
    """A group's items about one case (or one item about none), shown together."""

    reference: str | None
    due: date | None
    items: list[Item]


def per_case(items: Iterable[Item]) -> list[Entry]:
    """``items`` of one group, those about the same case together (in their order)."""
    entries: list[Entry] = []
    index: dict[str, Entry] = {}
    for item in items:
        if item.reference is not None and item.reference in index:
            index[item.reference].items.append(item)
            continue
        entry = Entry(item.reference, item.due, [item])
        entries.append(entry)
        if item.reference is not None:
            index[item.reference] = entry
    return entries


SHOWN = 50  # cases per group on the Today page and in the digest; the case list has the rest


def first_entries(entries: list[Entry], shown: int = SHOWN) -> tuple[list[Entry], int]:
    """The first ``shown`` of a group's entries, and how many more there are."""
    return entries[:shown], max(0, len(entries) - shown)
