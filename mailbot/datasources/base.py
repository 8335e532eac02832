"""Data sources: where the company keeps data about people (``[[sources]]``).

Each adapter implements ``DataSource``: it yields the rows that belong to one
normalised address, streamed, read-only, with a timeout. A source that fails
raises ``DataSourceError`` naming itself; the caller records that in the case
and the draft, never silently leaving the source out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from mailbot.config import DataSourceSettings
from mailbot.errors import MailbotError

Row = dict[str, object]


class DataSourceError(MailbotError):
    """A data source could not be read; the message names it."""


class DataSource(Protocol):
    @property
    def settings(self) -> DataSourceSettings: ...

    def rows(self, address: str) -> Iterator[Row]:
        """The rows about ``address`` (normalised, lower case), streamed."""
        ...

    def check(self) -> None:
        """Read the source once (``mailbot check``); raises ``DataSourceError``."""
        ...

    def close(self) -> None: ...


def found_any(source: DataSource, address: str) -> bool:
    """Whether ``source`` has anything about ``address`` (reads one row at most)."""
    rows = source.rows(address)
    try:
        return next(rows, None) is not None
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()
