"""The mail-client review's rows: the drafts' copies, the Sent folders' marks, the copies' key."""

from __future__ import annotations

import pytest

from mailbot.storage.database import Conflict, Database, conflicts_reported
from mailbot.storage.models import ReviewCopyRecord, utcnow
from mailbot.storage.review_copies import DONE, PLACED, PLACING, ReviewCopyStore
from tests.support.drafts import stored_draft


def _copy(draft_id: int, number: int, state: str, mailbox: str = "default") -> ReviewCopyRecord:
    return ReviewCopyRecord(
        mailbox=mailbox, draft_id=draft_id, fingerprint=f"{number}" * 64,
        message_id=f"<review.{number}@x>", note_message_id=f"<note.{number}@x>",
        state=state, placed_at=utcnow(),
    )  # fmt: skip


def test_the_live_copies_are_those_placing_or_placed_of_their_mailbox(database: Database) -> None:
    ours, theirs = stored_draft(database), stored_draft(database, "other", "AVG-2026-2")
    with database.session() as session:
        store = ReviewCopyStore(session)
        for number, (draft_id, state, mailbox) in enumerate([
            (ours, DONE, "default"), (ours, PLACED, "default"), (theirs, PLACING, "other"),
        ]):  # fmt: skip
            store.add(_copy(draft_id, number, state, mailbox))
        session.commit()
    with database.reader() as session:
        store = ReviewCopyStore(session)
        assert [row.message_id for row in store.live("default")] == ["<review.1@x>"]
        assert [row.message_id for row in store.live("other")] == ["<review.2@x>"]
        live = store.live_of(ours)
        assert live is not None and live.state == PLACED
        found = store.by_message_id("<review.0@x>")
        assert found is not None and found.state == DONE
        assert store.copy(found.id) is not None
        assert store.by_message_id("<review.9@x>") is None
        assert store.copy(None) is None


def test_one_message_id_is_one_copy(database: Database) -> None:
    draft_id = stored_draft(database)
    with database.session() as session:
        ReviewCopyStore(session).add(_copy(draft_id, 1, PLACING))
        session.commit()
    with database.session() as session:
        ReviewCopyStore(session).add(_copy(draft_id, 1, PLACING))
        with pytest.raises(Conflict), conflicts_reported(session):
            session.commit()
    with database.reader() as session:
        assert len(ReviewCopyStore(session).live("default")) == 1


def test_a_sent_folder_mark_moves_forward_only_within_one_uidvalidity(
    database: Database,
) -> None:
    def mark() -> tuple[int, int] | None:
        with database.reader() as session:
            found = ReviewCopyStore(session).mark("default", "Sent")
            return None if found is None else (found.uidvalidity, found.last_uid)

    def move(uidvalidity: int, last_uid: int) -> None:
        with database.session() as session:
            ReviewCopyStore(session).move_mark("default", "Sent", uidvalidity, last_uid)
            session.commit()

    assert mark() is None
    move(7, 10)
    assert mark() == (7, 10)
    move(7, 4)  # read again from an older mark: not back
    assert mark() == (7, 10)
    move(8, 2)  # a new UIDVALIDITY: every UID is new
    assert mark() == (8, 2)


def test_the_copies_signing_key_is_the_one_the_migration_made(database: Database) -> None:
    with database.reader() as session:
        key = ReviewCopyStore(session).signing_key()
    assert key is not None and len(bytes.fromhex(key)) == 32
