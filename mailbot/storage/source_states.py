"""Whether each mail source could be read: the ``source_states`` rows, in the caller's
session (the caller commits)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from mailbot.storage.models import SourceStateRecord


class SourceStateStore:
    """The last known state of each mail source (one row per source, by name)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, name: str) -> SourceStateRecord | None:
        return self.session.get(SourceStateRecord, name)

    def save(self, record: SourceStateRecord) -> None:
        self.session.add(record)

    def all(self) -> list[SourceStateRecord]:
        """Every source's state, by name."""
        return list(
            self.session.exec(select(SourceStateRecord).order_by(col(SourceStateRecord.name)))
        )
