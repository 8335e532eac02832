"""A mail's bytes are stored whole and exactly, the large ones too (in pieces on SQLite)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from mailbot.storage.database import Database
from mailbot.storage.models import MailRecord
from mailbot.storage.store import RAW_PIECE, CaseStore

MOMENT = datetime(2026, 3, 5, 9, tzinfo=UTC)


def _mail(uid: str) -> MailRecord:
    return MailRecord(
        mailbox="default", source="imap", folder="INBOX", uid=uid, arrived_at=MOMENT,
        processed_at=MOMENT, disposition="new_case",
    )  # fmt: skip


def test_large_and_small_mails_come_back_byte_for_byte(database: Database) -> None:
    large = random.Random(5).randbytes(3 * RAW_PIECE + 17)  # three whole pieces and a part
    small = b"From: a@b.nl\r\n\r\nkort\r\n"
    with database.session() as session:
        store = CaseStore(session)
        store.add_mail(_mail("0"), None)  # so that the mail ids are not the rows' order
        first = store.add_mail(_mail("1"), large)
        second = store.add_mail(_mail("2"), small)
        assert first.id is not None and second.id is not None
        assert store.raw(first.id) == large  # within the transaction already
        session.commit()
    with database.reader() as session:
        store = CaseStore(session)
        assert store.raw(first.id) == large
        assert store.raw(second.id) == small


def test_a_large_mail_rolled_back_leaves_nothing(database: Database) -> None:
    with database.session() as session:
        mail = CaseStore(session).add_mail(_mail("1"), b"x" * (2 * RAW_PIECE))
        mail_id = mail.id
        session.rollback()
    with database.reader() as session:
        assert mail_id is not None
        assert not CaseStore(session).has_raw(mail_id)
        assert session.get(MailRecord, mail_id) is None
