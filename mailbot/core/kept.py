"""Data an erasure must keep, and until when. No I/O.

A data source the law makes the company keep (invoices: seven years from the end of the
financial year, Art. 52 AWR and Art. 2:10 BW) is configured with ``erasure = "keep"`` and
``keep_years``. Its rows are not erased: they are kept, closed to employees, until 31
December of the year of the newest of the person's rows (their ``keep_from`` column, the
invoice date), plus ``keep_years``; without ``keep_from``, of the year of the erasure. The
financial year is taken to be the calendar year.

A row whose date cannot be read (empty, not a date) could be the newest: then the year of
the erasure counts, which is never earlier than any row's, so nothing goes too soon.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


def kept_until(keep_years: int, anchor: date) -> date:
    """The last day the data must be kept: the end of ``anchor``'s year plus ``keep_years``."""
    return date(anchor.year + keep_years, 12, 31)


def row_date(value: object) -> date | None:
    """A row's date as a source gives it: a date, a datetime, or ISO 8601 text; else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text[:10]) if len(text) >= 10 else None
        except ValueError:
            return None
    return None


@dataclass
class RowDates:
    """The dates of a source's rows as they stream past: the newest, and whether one could
    not be read (then the newest is not known)."""

    newest: date | None = None
    unreadable: bool = False

    def see(self, value: object) -> None:
        day = row_date(value)
        if day is None:
            self.unreadable = True
        elif self.newest is None or day > self.newest:
            self.newest = day

    @property
    def known(self) -> date | None:
        """The newest row's date, when every row's could be read."""
        return None if self.unreadable else self.newest


def iso_date(text: str | None) -> date | None:
    """An action's ``kept_until`` as a date, when it is one (else it is a retention text)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def kept_due(until: date, done: bool, today: date) -> bool:
    """True when kept data may now be erased: their last day has passed and no one did it."""
    return not done and today > until
