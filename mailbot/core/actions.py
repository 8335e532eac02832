"""What the officer must do in each data source before the reply can go (no I/O).

For erasure, rectification, restriction and objection the reply may only say
what was done once it was done. Each source that holds data about the person
gets one action per such right, and for erasure, rectification and restriction
one more per recipient of that source, to tell it (Art. 19); the officer records
each as done (``mailbot cases done``: the reply cannot be approved before), and
the reply states them, naming the recipients told.

A source the law makes the company keep (``erasure = "keep"``) is not erased: its action
says until when it is kept, with the date when ``keep_years`` gives one (``core.kept``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

from mailbot.core.kept import kept_until
from mailbot.core.rights import Right


class SourcePolicy(Protocol):
    """What a data source's configuration (``[[sources]]``) says about it: what to do there,
    and what a letter says of it."""

    @property
    def name(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def erasure(self) -> Literal["erase", "keep"]: ...
    @property
    def retention(self) -> str | None: ...
    @property
    def keep_years(self) -> int | None: ...
    @property
    def legal_basis(self) -> str | None: ...
    @property
    def recipients(self) -> list[str] | None: ...
    @property
    def marketing(self) -> bool: ...
    @property
    def purpose(self) -> str | None: ...
    @property
    def origin(self) -> str | None: ...
    @property
    def provided_by_subject(self) -> bool: ...
    def text(self, key: str, language: str, own: str) -> str | list[str] | None:
        """A text a letter shows (``purpose``, ...) in ``language``, if given in it."""


@dataclass(frozen=True, slots=True)
class Action:
    source: str
    right: Right
    text: str
    # for an erasure that keeps the data (invoices): the ISO date when known, else the
    # source's retention text
    kept_until: str | None = None
    recipient: int | None = None  # telling the source's recipient at this index (Art. 19)


@dataclass(frozen=True, slots=True)
class SourceHolding:
    """A data source and how many rows it holds about the person."""

    settings: SourcePolicy
    rows: int
    newest: date | None = None  # the newest of the rows' ``keep_from`` dates, when all known


def actions_for(
    rights: Sequence[Right], holdings: Sequence[SourceHolding], today: date | None = None
) -> list[Action]:
    """The actions in the data sources; ``today``: the day of the erasure, for the date kept
    data are kept until (without it, only a ``keep_from`` date gives one)."""
    actions: list[Action] = []
    for holding in holdings:
        if holding.rows == 0:
            continue
        source = holding.settings
        label = f"{source.name} ({source.category})"
        for right in rights:
            action = _action(right, holding, label, today)
            if action is not None:
                actions.append(action)
            if right in _TOLD and not (right is Right.ERASURE and source.erasure == "keep"):
                actions.extend(_tell_recipients(right, source))
    return actions


_TOLD = {
    Right.ERASURE: "to erase the person's data too",
    Right.RECTIFICATION: "what was corrected",
    Right.RESTRICTION: "that the person's data are restricted",
}


def _tell_recipients(right: Right, source: SourcePolicy) -> list[Action]:
    """Art. 19: each recipient of the source is told, unless that proves impossible."""
    return [
        Action(
            source.name,
            right,
            f"Tell {recipient} (a recipient of {source.name}) {_TOLD[right]} (Art. 19)",
            recipient=index,
        )
        for index, recipient in enumerate(source.recipients or [])
    ]


def _action(right: Right, holding: SourceHolding, label: str, today: date | None) -> Action | None:
    source, rows = holding.settings, holding.rows
    if right is Right.ERASURE:
        if source.erasure == "keep":
            until = _kept_until(holding, today)
            basis = f" ({source.legal_basis})" if source.legal_basis else ""
            text = f"Keep {label} until {until}{basis}, but close it to employees; erase it then"
            return Action(source.name, right, text, kept_until=until)
        return Action(source.name, right, f"Erase the {rows} record(s) about the person in {label}")
    if right is Right.RECTIFICATION:
        return Action(source.name, right, f"Correct in {label} what the person asked for")
    if right is Right.RESTRICTION:
        text = f"Mark the records in {label} restricted: stored only, not otherwise used"
        return Action(source.name, right, text)
    if right is Right.OBJECTION:
        return _objection(source, label)
    return None


def _kept_until(holding: SourceHolding, today: date | None) -> str:
    """Until when a kept source is kept: the ISO date when ``keep_years`` gives one, else the
    source's retention text."""
    source = holding.settings
    anchor = holding.newest or today
    if source.keep_years is not None and anchor is not None:
        return kept_until(source.keep_years, anchor).isoformat()
    return source.retention or "the end of its legal retention period"


def _objection(source: SourcePolicy, label: str) -> Action | None:
    if source.erasure == "keep" and not source.marketing:
        return None  # kept because the law requires it: Art. 21(1) does not reach it
    if source.marketing:
        text = f"Stop direct marketing: remove or flag the person in {label}"
        return Action(source.name, Right.OBJECTION, text)
    text = (
        f"Assess the objection to {label}: stop processing the records (the reply says "
        "so), or refuse with the compelling grounds (cases refuse)"
    )
    return Action(source.name, Right.OBJECTION, text)
