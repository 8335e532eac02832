"""The mail-client review's side of the database: the drafts' copies in the officer's mailbox,
how far his Sent folder was read, and the key the copies are signed with."""

from __future__ import annotations

from sqlmodel import Session, col, select

from mailbot.storage.models import ReviewCopyRecord, ReviewMarkRecord, SigningKeyRecord

# A copy's state (``ReviewCopyRecord.state``).
PLACING, PLACED, DONE, REPLACED = "placing", "placed", "done", "replaced"
LIVE = (PLACING, PLACED)  # a copy that is (or is about to be) in the officer's mailbox
REVIEW_KEY = "review"  # the name of the copies' key in the signing_keys table


class ReviewCopyStore:
    """The review copies (one row per copy of a draft placed in the officer's mailbox, found
    by its Message-ID), the marks up to which each Sent folder was read, and the copies'
    signing key, in the caller's session (the caller commits)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def signing_key(self) -> str | None:
        """The key review copies are signed with (hex), made by migration 0010."""
        record = self.session.get(SigningKeyRecord, REVIEW_KEY)
        return None if record is None else record.key

    # -- copies --------------------------------------------------------------
    def live(self, mailbox: str) -> list[ReviewCopyRecord]:
        """The copies of ``mailbox`` that are (or are about to be) in the officer's mailbox."""
        return list(
            self.session.exec(
                select(ReviewCopyRecord).where(
                    col(ReviewCopyRecord.mailbox) == mailbox,
                    col(ReviewCopyRecord.state).in_(LIVE),
                )
            )
        )

    def live_of(self, draft_id: int) -> ReviewCopyRecord | None:
        """The draft's copy that is (or is about to be) in the officer's mailbox."""
        return self.session.exec(
            select(ReviewCopyRecord).where(
                col(ReviewCopyRecord.draft_id) == draft_id,
                col(ReviewCopyRecord.state).in_(LIVE),
            )
        ).first()

    def by_message_id(self, message_id: str) -> ReviewCopyRecord | None:
        """The copy made under this Message-ID, in whatever state."""
        return self.session.exec(
            select(ReviewCopyRecord).where(col(ReviewCopyRecord.message_id) == message_id)
        ).first()

    def copy(self, copy_id: int | None) -> ReviewCopyRecord | None:
        return None if copy_id is None else self.session.get(ReviewCopyRecord, copy_id)

    def add(self, row: ReviewCopyRecord) -> None:
        self.session.add(row)

    # -- the Sent folders ----------------------------------------------------
    def mark(self, mailbox: str, folder: str) -> ReviewMarkRecord | None:
        """How far ``mailbox``'s Sent folder ``folder`` was read."""
        return self.session.get(ReviewMarkRecord, (mailbox, folder))

    def move_mark(self, mailbox: str, folder: str, uidvalidity: int, last_uid: int) -> None:
        """Record that ``folder`` was read up to ``last_uid``; never back, within the same
        UIDVALIDITY."""
        record = self.mark(mailbox, folder)
        if record is None:
            record = ReviewMarkRecord(mailbox=mailbox, folder=folder, uidvalidity=0, last_uid=0)
        if record.uidvalidity == uidvalidity and record.last_uid >= last_uid:
            return
        record.uidvalidity, record.last_uid = uidvalidity, last_uid
        self.session.add(record)
