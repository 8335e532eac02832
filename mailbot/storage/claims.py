"""Which worker reads which mail, when several workers share a mailbox and a database.

Exactly-once never depends on this: a mail's key is unique in the database, so two workers
that read the same mail record it once (the second finds it recorded). Claims only keep
two workers from both doing the work: before a worker fetches and reads a few mails, it
claims their keys; the other skips what it cannot claim.

On PostgreSQL a claim is a session advisory lock on a hash of the key, held on one
connection of the worker's own: released when the worker releases it, or when the worker
(its connection) ends, so a killed worker's claims never block the others. On SQLite
(one writer at a time; one worker) every claim is granted. If the claims' connection
fails, every claim is granted too: at worst both workers read a mail, as without claims.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
from collections import Counter
from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY, BIGINT
from sqlalchemy.exc import SQLAlchemyError

from mailbot.ports import MailKey
from mailbot.storage.database import Database

log = logging.getLogger(__name__)
_CLAIM = text("SELECT k FROM unnest(:keys) AS t(k) WHERE pg_try_advisory_lock(k)").bindparams(
    bindparam("keys", type_=ARRAY(BIGINT))
)
_RELEASE = text("SELECT pg_advisory_unlock(k) FROM unnest(:keys) AS t(k)").bindparams(
    bindparam("keys", type_=ARRAY(BIGINT))
)


def lock_id(mailbox: str, key: MailKey) -> int:
    """The advisory lock of a mail: a signed 64-bit hash of its mailbox and key."""
    name = f"mailbot-mail\0{mailbox}\0{key.source}\0{key.folder}\0{key.uidvalidity}\0{key.uid}"
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class MailClaims:
    """This worker's claims on mail keys; thread-safe."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.shared = database.url.get_backend_name() == "postgresql"
        self._connection: Connection | None = None
        self._held: Counter[int] = Counter()
        self._lock = threading.Lock()

    def claim(self, mailbox: str, keys: Sequence[MailKey]) -> list[MailKey]:
        """The keys among ``keys`` that this worker may read now (in their order)."""
        if not self.shared or not keys:
            return list(keys)
        ids = {key: lock_id(mailbox, key) for key in keys}
        with self._lock:
            try:
                connection = self._open()
                granted = set(connection.execute(_CLAIM, {"keys": list(ids.values())}).scalars())
            except SQLAlchemyError as exc:
                self._drop(exc)
                return list(keys)
            self._held.update(granted)
        return [key for key in keys if ids[key] in granted]

    def release(self, mailbox: str, keys: Sequence[MailKey]) -> None:
        """Give up the claims on ``keys`` (those this worker holds)."""
        if not self.shared:
            return
        with self._lock:
            ids = [lock_id(mailbox, key) for key in keys]
            held = [lock for lock in ids if self._held[lock] > 0]
            if not held or self._connection is None:
                return
            try:
                self._connection.execute(_RELEASE, {"keys": held})
            except SQLAlchemyError as exc:
                self._drop(exc)
                return
            self._held.subtract(held)
            self._held = +self._held

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                # Never back to the pool with claims (they would stay held by whoever gets
                # it): released at once, and the connection closed, not pooled.
                with contextlib.suppress(SQLAlchemyError):
                    self._connection.execute(text("SELECT pg_advisory_unlock_all()"))
                with contextlib.suppress(SQLAlchemyError):
                    self._connection.invalidate()
                self._connection.close()
                self._connection = None
            self._held.clear()

    def _open(self) -> Connection:
        if self._connection is None:
            engine = self.database.engine.execution_options(isolation_level="AUTOCOMMIT")
            self._connection = engine.connect()
        return self._connection

    def _drop(self, exc: SQLAlchemyError) -> None:
        """The claims' connection failed: its claims are gone; the next claim reconnects."""
        log.warning("claims on mail could not be made (%s); reading without them",
                    type(exc).__name__)  # fmt: skip
        if self._connection is not None:
            with contextlib.suppress(SQLAlchemyError):
                self._connection.invalidate()  # closed, not back to the pool
                self._connection.close()
            self._connection = None
        self._held.clear()
