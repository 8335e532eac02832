"""What a test reads back from mailbot's database: counts of records, the mails recorded."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import select

from mailbot.storage.database import Database
from mailbot.storage.models import CaseRecord, MailRecord


def count(database: Database, model: Any) -> int:
    """How many rows of ``model`` (a record class) there are."""
    with database.reader() as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def counts(database: Database) -> tuple[int, int, int]:
    """(mail records, distinct mail keys, cases)."""
    with database.reader() as session:
        mails = session.exec(select(func.count()).select_from(MailRecord)).one()
        pairs = select(MailRecord.uidvalidity, MailRecord.uid).distinct().subquery()
        keys = session.exec(select(func.count()).select_from(pairs)).one()
        cases = session.exec(select(func.count()).select_from(CaseRecord)).one()
    return mails, keys, cases


def message_ids(database: Database) -> list[str]:
    with database.reader() as session:
        return sorted(str(found) for found in session.exec(select(MailRecord.message_id)))
