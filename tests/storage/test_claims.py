"""Claims on mail keys: two workers on one PostgreSQL database split a mailbox's mail."""

from __future__ import annotations

from mailbot.ports import MailKey
from mailbot.storage.claims import MailClaims
from mailbot.storage.database import Database


def keys(*uids: int) -> list[MailKey]:
    return [MailKey("imap", "INBOX", 7, str(uid)) for uid in uids]


def test_what_one_worker_claims_the_other_skips_until_released(database: Database) -> None:
    first, second = MailClaims(database), MailClaims(Database(database.url.render_as_string(False)))
    try:
        assert first.claim("default", keys(1, 2, 3)) == keys(1, 2, 3)
        if not first.shared:  # SQLite: one writer at a time; every claim is granted
            assert second.claim("default", keys(2, 3, 4)) == keys(2, 3, 4)
            return
        assert second.claim("default", keys(2, 3, 4, 5)) == keys(4, 5)
        assert second.claim("other", keys(2)) == keys(2)  # another mailbox, another mail
        first.release("default", keys(2))
        assert second.claim("default", keys(2, 3)) == keys(2)
        first.close()  # a worker that ends (or is killed) holds nothing
        assert second.claim("default", keys(1, 3)) == keys(1, 3)
        second.release("default", keys(1, 2, 3, 4, 5))
        assert first.claim("default", keys(1, 2, 3, 4, 5)) == keys(1, 2, 3, 4, 5)
    finally:
        first.close()
        second.close()
        second.database.dispose()
