"""The organisation's clock: its time zone, and today's date there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Clock:
    """The organisation's time zone and today's date there (a parameter, so tests can fix it)."""

    zone: ZoneInfo
    today: date | None = None

    def local_today(self) -> date:
        return self.today or datetime.now(self.zone).date()

    def moment(self, value: datetime) -> str:
        """ISO 8601 with the organisation's offset."""
        return value.astimezone(self.zone).isoformat(timespec="seconds")
