"""What stays of purged mails: keyed hashes of their keys and bytes, in the caller's session.

Intake asks here whether a mail it has no record of was read before and purged since
(``known``, ``by_content``); the purge adds an entry for each mail record it deletes
(``add``). The key lives in the database (``signing_keys``, ``MAIL_KEY``), made once
(by migration 0013, or by the first purge): it must never change, or every purged
mail still in the mailbox would be read again as a new one.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from mailbot.core.retention import mail_content_hash, mail_key_hash
from mailbot.ports import MailKey
from mailbot.storage.models import PurgedMailRecord, SigningKeyRecord

MAIL_KEY = "mails"  # the name of the purged mails' key in the signing_keys table
_CHUNK = 500


class PurgedMailStore:
    """The purged mails' entries, found by the keyed hash of a mail's key or bytes."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._key: str | None = None

    def key(self) -> str | None:
        """The key of the hashes (None: none was made, so no mail was purged yet)."""
        if self._key is None:
            record = self.session.get(SigningKeyRecord, MAIL_KEY)
            self._key = record.key if record is not None else None
        return self._key

    def known(self, keys: Iterable[MailKey], mailbox: str) -> dict[MailKey, str]:
        """The keys among ``keys`` of purged mails, with what became of each."""
        secret = self.key()
        if secret is None:
            return {}
        hashed = {_key_hash(secret, key): key for key in keys}
        found: dict[MailKey, str] = {}
        hashes = list(hashed)
        for start in range(0, len(hashes), _CHUNK):
            rows = self.session.exec(
                select(PurgedMailRecord.key_hash, PurgedMailRecord.disposition).where(
                    PurgedMailRecord.mailbox == mailbox,
                    col(PurgedMailRecord.key_hash).in_(hashes[start : start + _CHUNK]),
                )
            )
            for key_hash, disposition in rows:
                found[hashed[key_hash]] = disposition
        return found

    def renumbered(self, mailbox: str, uidvalidities: Iterable[int]) -> bool:
        """Whether a mail of ``mailbox`` was purged under another UIDVALIDITY than all of
        ``uidvalidities`` (``by_content`` may find one)."""
        if self.key() is None:
            return False
        validities = list(uidvalidities)
        query = select(PurgedMailRecord.key_hash).where(PurgedMailRecord.mailbox == mailbox)
        if len(validities) == 1:
            query = query.where(PurgedMailRecord.uidvalidity != validities[0])
        return self.session.exec(query.limit(1)).first() is not None

    def by_content(self, key: MailKey, mailbox: str, content_hash: str) -> PurgedMailRecord | None:
        """A purged mail of the same folder with the same bytes under another UIDVALIDITY (the
        server renumbered the folder), as ``CaseStore.stale_copy`` finds a record. Under the
        same one, the same bytes at a new place are new mail (sent again), never this one."""
        secret = self.key()
        if secret is None:
            return None
        digest = mail_content_hash(secret, key.source, key.folder, content_hash)
        return self.session.exec(
            select(PurgedMailRecord)
            .where(
                PurgedMailRecord.mailbox == mailbox,
                PurgedMailRecord.content_hash == digest,
                PurgedMailRecord.uidvalidity != key.uidvalidity,
            )
            .order_by(col(PurgedMailRecord.key_hash))
        ).first()

    def add(
        self, secret: str, mailbox: str, key: MailKey, content_hash: str | None, disposition: str
    ) -> None:
        """Remember the mail at ``key`` as read (and purged), by keyed hashes only."""
        key_hash = _key_hash(secret, key)
        if self.session.get(PurgedMailRecord, (mailbox, key_hash)) is not None:
            return
        content = (
            mail_content_hash(secret, key.source, key.folder, content_hash)
            if content_hash
            else None
        )
        self.session.add(
            PurgedMailRecord(
                mailbox=mailbox,
                key_hash=key_hash,
                content_hash=content,
                uidvalidity=key.uidvalidity,
                disposition=disposition,
            )
        )
        self.session.flush()


def _key_hash(secret: str, key: MailKey) -> str:
    return mail_key_hash(secret, key.source, key.folder, key.uidvalidity, key.uid)
