"""What the case list asks for (``CaseFilter``) and which page of it is shown (``Paging``). No I/O.

The filter is what the officer chose on the list page, kept in the page's address so that
it holds across pages (``CaseFilter.query``). The database applies it, pages and counts
(``storage.case_list``); nothing here reads a case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from mailbot.core.cases import Status
from mailbot.core.rights import Right

PAGE_SIZE = 50
# ``status`` beside the statuses themselves: open cases (and mail that may be a missed request,
# see ``CaseFilter.status``), or every case.
OPEN_VIEW, ALL_VIEW = "open", "all"
STATUS_VIEWS = (OPEN_VIEW, ALL_VIEW, *(status.value for status in Status))


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """The cases the list shows.

    ``status``: ``open`` (the default: every open case, and mail mailbot took for no request
    with low confidence that nobody has looked at: possibly a missed request), ``all``, or one
    status. ``waiting_for_me``: cases where the officer acts next (a decision, an answer to
    read, a draft to approve or one that failed, a case to close). ``overdue``: open cases past
    their due date. ``reference``: part of a case's reference, any case.
    """

    status: str = OPEN_VIEW
    right: str = ""
    mailbox: str = ""
    waiting_for_me: bool = False
    overdue: bool = False
    reference: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str], mailboxes: tuple[str, ...] = ()) -> CaseFilter:
        """The filter a list page's address asks for; what is not a choice is left out (a
        mailbox only among ``mailboxes``)."""
        status = query.get("status", OPEN_VIEW)
        right = query.get("right", "")
        mailbox = query.get("mailbox", "")
        return cls(
            status=status if status in STATUS_VIEWS else OPEN_VIEW,
            right=right if right in set(Right) else "",
            mailbox=mailbox if mailbox in mailboxes else "",
            waiting_for_me=query.get("mine", "") == "1",
            overdue=query.get("overdue", "") == "1",
            reference=query.get("q", "").strip()[:40],
        )

    def query(self, page: int = 1) -> str:
        """The page's address query for this filter (``status=open`` and page 1 left out)."""
        pairs = [
            ("status", self.status if self.status != OPEN_VIEW else ""),
            ("right", self.right),
            ("mailbox", self.mailbox),
            ("mine", "1" if self.waiting_for_me else ""),
            ("overdue", "1" if self.overdue else ""),
            ("q", self.reference),
            ("page", str(page) if page > 1 else ""),
        ]
        return urlencode([(key, value) for key, value in pairs if value])


@dataclass(frozen=True, slots=True)
class Paging:
    """Page ``number`` (from 1) of ``total`` cases, ``size`` a page; a number past the last
    page is the last page."""

    number: int
    total: int
    size: int = PAGE_SIZE

    @classmethod
    def of(cls, asked: str | None, total: int, size: int = PAGE_SIZE) -> Paging:
        """The page ``asked`` for (the ``page`` of an address; anything else: the first)."""
        wanted = asked is not None and asked.isascii() and asked.isdigit() and len(asked) < 7
        number = int(asked) if wanted and asked else 1
        last = max(1, -(-total // size))
        return cls(min(max(number, 1), last), total, size)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first(self) -> int:
        """The position of the page's first case (from 1); 0 when there is none."""
        return self.offset + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.offset + self.size, self.total)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None
