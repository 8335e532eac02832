"""Case references as the product makes them: from the year the mail arrived, in the
organisation's time zone. A test whose mail arrives now takes the year from the clock, so
that it passes in any year."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Amsterdam")  # the organisation's time zone in the tests' configurations


def reference(number: int, year: int | None = None) -> str:
    """``AVG-<year>-<number>``; the year of today at the organisation unless given."""
    return f"AVG-{year or datetime.now(ZONE).year}-{number:04d}"
