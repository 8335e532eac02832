"""The database: engine, sessions, and migrations applied at start.

SQLite (the default) runs in WAL mode with foreign keys on. Sessions that
write start with ``BEGIN IMMEDIATE``, so that two processes writing at once
wait for each other instead of failing on a lock upgrade; read-only sessions
(``Database.reader``) start a plain deferred transaction and never wait for a
writer. A plain ``postgresql://`` URL is served by psycopg 3.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError, InternalError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, create_engine

from mailbot.errors import TransientError

if TYPE_CHECKING:
    from alembic.config import Config

# Services hold a ``Session`` (one transaction) from here, never from sqlmodel itself.
__all__ = [
    "REFUSALS",
    "Conflict",
    "Database",
    "DatabaseUnavailable",
    "Session",
    "conflicts_reported",
    "create_db_engine",
    "normalise_url",
    "refusals_reported",
]

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration: a database at it is used as it is, without importing Alembic (and
# Mako, Pygments: some 12 MB in every process that opens the database). A test checks it
# against the migrations.
HEAD = "0017"
# Any 64-bit number, the same in every process: serialises migrations on PostgreSQL.
_MIGRATION_LOCK = 0x6D61696C626F74


class DatabaseUnavailable(TransientError):
    """The database cannot be reached, opened or written right now (down, full, read-only).

    Nothing is recorded as failed because of it: the work in hand is done again once the
    database can be used. ``reason`` is the database's own words."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message


# What the database raises when it cannot do its work (DB-API "operational" errors: gone,
# locked too long, disk full, read-only; PostgreSQL's read-only transaction is "internal").
REFUSALS = (OperationalError, InternalError)
# PostgreSQL gave up a transaction that waited in a cycle with another, or could not
# serialise it: nothing was written, and the same work alone (one row at a time) goes through.
_GIVEN_UP = ("40P01", "40001")


def given_up(exc: BaseException) -> bool:
    """Whether ``exc`` is a transaction PostgreSQL rolled back in a deadlock (or could not
    serialise), not a database that cannot be used."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in _GIVEN_UP


class Conflict(Exception):
    """Another transaction stored the same unique row first: an insert lost a race.

    The session is rolled back and may be used again; what the other one stored stands."""


@contextmanager
def conflicts_reported(session: Session) -> Iterator[None]:
    """Turn a unique row stored twice (while flushing or committing) into ``Conflict``,
    after rolling ``session`` back."""
    try:
        yield
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(str(exc.orig or exc).strip().splitlines()[0]) from exc


@contextmanager
def refusals_reported() -> Iterator[None]:
    """Turn the database refusing to work into ``DatabaseUnavailable`` with its reason."""
    try:
        yield
    except REFUSALS as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise DatabaseUnavailable(f"the database cannot be used: {reason}", reason) from None


def normalise_url(url: str) -> URL:
    """``postgresql://`` and ``postgres://`` mean psycopg 3; everything else as written."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # Let SQLAlchemy's "begin" event below start transactions, not the sqlite3 module.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted rows (purged mails, ID copies) are overwritten, not left in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _sqlite_begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_begin_deferred(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def _make_private(path: Path) -> None:
    """A new SQLite database file for its owner only (and its directory, when made here).

    SQLite would make it with the umask's permissions (0644 under the usual one); made
    here first, empty (which SQLite takes as a new database), it is 0600, and so are the
    -wal and -shm files, which SQLite makes with the database file's permissions. When it
    cannot be made (there already, a read-only directory, a full disk), SQLite opens it
    and reports what is wrong in its own words.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def create_db_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine for ``url``; nothing is connected yet.

    On SQLite, ``read_only`` engines begin deferred transactions (see the module docstring).
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            _make_private(Path(database))
        engine = create_engine(
            parsed, connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,  # an error's traceback never shows a row's values
        )  # fmt: skip
        event.listen(engine, "connect", _sqlite_pragmas)
        begin = _sqlite_begin_deferred if read_only else _sqlite_begin_immediate
        event.listen(engine, "begin", begin)
        return engine
    return create_engine(
        parsed, pool_pre_ping=True, pool_size=5, connect_args={"connect_timeout": 10},
        hide_parameters=True,
    )  # fmt: skip


def _alembic_config(connection: Connection) -> Config:
    from alembic.config import Config  # noqa: PLC0415 - only for a migration

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


class Database:
    """The engine and what to do with it; created once in ``main()``."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = create_db_engine(url)
        sqlite = self.url.get_backend_name() == "sqlite"
        self.read_engine = create_db_engine(url, read_only=True) if sqlite else self.engine

    @property
    def safe_url(self) -> str:
        """The URL without its password, for messages."""
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for reading and writing; objects stay readable after commit."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A session that only reads: it never waits for (or holds up) a writer."""
        with Session(self.read_engine, expire_on_commit=False) as session:
            yield session

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (safe to run from several processes)."""
        try:
            if self.revision() == HEAD:
                return
            from alembic import command  # noqa: PLC0415 - only for a migration

            with self.engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                    )
                command.upgrade(_alembic_config(connection), "head")
        except OperationalError as exc:
            raise DatabaseUnavailable(
                f"database {self.safe_url} cannot be used: {exc.orig}"
            ) from None

    def revision(self) -> str | None:
        """The migration the schema is at (None: an empty database)."""
        with self.read_engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def is_current(self) -> bool:
        """True when the schema is at the newest migration."""
        return self.revision() == HEAD

    def release_deleted(self, tables: Sequence[str]) -> None:
        """After a purge: leave no copy of deleted rows in the database's own files.

        SQLite overwrites deleted rows (``secure_delete``), but not every old copy of a
        row that was moved within its page: VACUUM rebuilds the file from the live rows
        (measured: a purged person's address was left in a page's free space without
        it), and the checkpoint copies the write-ahead log into the database and empties
        it. PostgreSQL's VACUUM makes the space of deleted rows reusable (it is
        overwritten as it is reused).
        """
        if self.url.get_backend_name() == "sqlite":
            raw = self.engine.raw_connection()  # outside a transaction, which would block it
            try:
                cursor = raw.cursor()
                try:
                    cursor.execute("VACUUM")
                except sqlite3.OperationalError as exc:  # another connection is writing
                    log.info("the database could not be rebuilt yet (%s)", exc)
                busy = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                cursor.close()
            finally:
                raw.close()
            if busy:  # a reader holds an older snapshot; the next checkpoint will do it
                log.info("the database log could not be emptied yet (a reader is busy)")
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in tables:
                connection.exec_driver_sql(f'VACUUM "{table}"')

    def dispose(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()
