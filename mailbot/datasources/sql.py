"""A SQL database as a data source: any SQLAlchemy URL, one query taking ``:email``.

The query runs read-only (SQLite opened with ``mode=ro`` and ``query_only``;
PostgreSQL and MySQL/MariaDB in a read-only transaction) with a time limit, the
address passed only as a bound parameter, and the rows streamed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry

from mailbot.config import DataSourceSettings
from mailbot.datasources.base import DataSourceError, Row
from mailbot.storage.database import normalise_url

_PROGRESS_STEPS = 10_000  # SQLite virtual-machine steps between looks at the clock


def _read_only_sqlite(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only = ON")
    cursor.close()


class SqlSource:
    def __init__(self, settings: DataSourceSettings) -> None:
        self._settings = settings
        self._engine: Engine | None = None

    @property
    def settings(self) -> DataSourceSettings:
        return self._settings

    def _connect(self) -> Engine:
        if self._engine is not None:
            return self._engine
        assert self._settings.url is not None
        url = normalise_url(self._settings.url)
        if url.get_backend_name() == "sqlite":
            database = url.database or ""
            # A read-only URI: the file is never created, locked for writing, or changed.
            url = make_url(f"sqlite:///file:{database}?mode=ro&uri=true")
            engine = create_engine(url)
            event.listen(engine, "connect", _read_only_sqlite)
        else:
            engine = create_engine(url, pool_pre_ping=True, pool_size=2)
        self._engine = engine
        return engine

    def _limit(self, connection: Connection) -> None:
        """Make this connection's transaction read-only and time-limited."""
        seconds = self._settings.timeout
        dialect = connection.dialect.name
        if dialect == "postgresql":
            connection.execute(text("SET TRANSACTION READ ONLY"))
            connection.execute(text(f"SET LOCAL statement_timeout = {int(seconds * 1000)}"))
        elif dialect in ("mysql", "mariadb"):
            connection.execute(text("SET SESSION TRANSACTION READ ONLY"))
            connection.execute(text(f"SET SESSION MAX_EXECUTION_TIME = {int(seconds * 1000)}"))
        elif dialect == "sqlite":
            deadline = time.monotonic() + seconds
            raw = connection.connection.driver_connection
            assert raw is not None
            raw.set_progress_handler(lambda: int(time.monotonic() > deadline), _PROGRESS_STEPS)

    def rows(self, address: str) -> Iterator[Row]:
        name = self._settings.name
        assert self._settings.query is not None
        try:
            with self._connect().connect() as connection:
                self._limit(connection)
                result = connection.execution_options(stream_results=True).execute(
                    text(self._settings.query), {"email": address}
                )
                try:
                    for row in result.mappings():
                        yield dict(row)
                finally:  # a reader that stops early: PostgreSQL's server cursor closed now
                    result.close()
        except SQLAlchemyError as exc:
            reason = getattr(exc, "orig", None) or exc
            raise DataSourceError(f"source {name}: {type(reason).__name__}: {reason}") from None

    def check(self) -> None:
        for _ in self.rows("mailbot-check@invalid.example"):
            break

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
