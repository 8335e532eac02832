"""Running a source's statements (``[sources.statements]``) in the company's database.

Each call is one transaction of the company's database: ``dry_run`` rolls it back
(the rows each statement would change), ``execute`` commits only when ``confirm``
lists nothing left to do for the person and the control address
(``control_address``, a test customer) reads exactly as before. The address and the
officer's values are bound parameters, never formatted into the SQL; each statement
has a time limit. The database's own messages are passed on, first line only (a
PostgreSQL DETAIL line may quote a row's values).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Literal

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry, NullPool

from mailbot.config import DataSourceSettings
from mailbot.config.schema import StatementSettings, bind_names
from mailbot.datasources.base import DataSourceError
from mailbot.errors import MailbotError
from mailbot.storage.database import normalise_url

CHECK_ADDRESS = "mailbot-check@invalid.example"
_PROGRESS_STEPS = 10_000  # SQLite virtual-machine steps between looks at the clock

Kind = Literal["failed", "unconfirmed", "touched_another"]


class StatementError(MailbotError):
    """A source's statements did not run through; the company's transaction was rolled back.

    ``kind``: ``failed`` (the database refused a statement: ``message`` is its error),
    ``unconfirmed`` (``confirm`` still lists rows for the person), ``touched_another``
    (the control address's rows changed).
    """

    def __init__(self, kind: Kind, message: str) -> None:
        self.kind: Kind = kind
        self.message = message
        super().__init__(message)


def _statements(settings: DataSourceSettings) -> StatementSettings:
    if settings.statements is None:
        raise ValueError(f"source {settings.name} has no statements")
    return settings.statements


def _sqlite_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" below starts transactions
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _engine(settings: DataSourceSettings) -> Engine:
    statements = _statements(settings)
    url = statements.write_url or settings.url
    assert url is not None
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        seconds = statements.timeout or settings.timeout
        engine = create_engine(
            parsed, poolclass=NullPool, connect_args={"timeout": seconds}, hide_parameters=True
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    seconds = int(statements.timeout or settings.timeout) or 1
    if parsed.get_backend_name() == "postgresql":  # the time limit holds for connecting too
        return create_engine(
            parsed, poolclass=NullPool, connect_args={"connect_timeout": seconds},
            hide_parameters=True,
        )  # fmt: skip
    return create_engine(parsed, poolclass=NullPool, hide_parameters=True)


class _Run:
    """One transaction of the company's database, each statement under the time limit."""

    def __init__(self, settings: DataSourceSettings, connection: Connection) -> None:
        self.settings = settings
        self.connection = connection
        statements = _statements(settings)
        self.seconds = statements.timeout or settings.timeout
        self.deadline = 0.0
        dialect = connection.dialect.name
        if dialect == "postgresql":
            milliseconds = int(self.seconds * 1000)
            connection.execute(text(f"SET LOCAL statement_timeout = {milliseconds}"))
        elif dialect in ("mysql", "mariadb"):
            if connection.dialect.is_mariadb:  # type: ignore[attr-defined]
                # MariaDB limits every statement (seconds), MySQL's limit only SELECTs
                connection.execute(text(f"SET SESSION max_statement_time = {self.seconds}"))
            else:
                milliseconds = int(self.seconds * 1000)
                connection.execute(text(f"SET SESSION MAX_EXECUTION_TIME = {milliseconds}"))
            wait = max(int(self.seconds), 1)  # a statement waiting for a row lock
            connection.execute(text(f"SET SESSION innodb_lock_wait_timeout = {wait}"))
        elif dialect == "sqlite":
            raw = connection.connection.driver_connection
            assert raw is not None
            raw.set_progress_handler(lambda: int(time.monotonic() > self.deadline), _PROGRESS_STEPS)

    def run(self, sql: str, values: Mapping[str, object]) -> Any:
        """``sql`` with the values of its own parameters only."""
        self.deadline = time.monotonic() + self.seconds
        params = {name: values.get(name) for name in bind_names(sql)}
        return self.connection.execute(text(sql), params)

    def count(self, sql: str, values: Mapping[str, object]) -> int:
        return sum(1 for _ in self.run(sql, values))

    def control(self, *, before: bool = False) -> list[tuple[str, ...]]:
        """The control address's rows as the source's ``query`` reads them, in a fixed order.
        ``before`` the statements, none is an error: the check would see nothing."""
        assert self.settings.query is not None
        address = (_statements(self.settings).control_address or "").lower()  # as the person's
        rows = self.run(self.settings.query, {"email": address})
        found = sorted(tuple(repr(value) for value in row) for row in rows)
        if before and not found:
            raise StatementError(
                "failed",
                f"source {self.settings.name}: the control address has no row in the source's "
                "query, so no check could see another person touched: nothing runs until the "
                "test customer is back",
            )
        return found


@contextmanager
def _transaction(settings: DataSourceSettings) -> Iterator[_Run]:
    """A transaction that the caller commits (``run.connection.commit()``); anything else
    rolls it back. Database errors become ``StatementError("failed", ...)``."""
    try:
        engine = _engine(settings)
    except (SQLAlchemyError, ImportError) as exc:  # a bad write_url, a driver not installed
        raise StatementError(
            "failed", f"source {settings.name}: {type(exc).__name__}: {exc}"
        ) from None
    try:
        with engine.connect() as connection:
            try:
                with connection.begin() as transaction:
                    yield _Run(settings, connection)
                    if transaction.is_active:
                        transaction.rollback()
            except SQLAlchemyError as exc:
                raise StatementError("failed", _message(settings, exc)) from None
    finally:
        engine.dispose()


def _message(settings: DataSourceSettings, exc: SQLAlchemyError) -> str:
    reason = getattr(exc, "orig", None) or exc
    first = (str(reason).strip().splitlines() or [""])[0]
    return f"source {settings.name}: {type(reason).__name__}: {first}"


def _values(address: str, values: Mapping[str, str] | None) -> dict[str, object]:
    return {**(values or {}), "email": address.lower()}


def _statements_run(
    run: _Run, key: str, values: Mapping[str, object], *, every: bool = False
) -> list[int]:
    """Each statement of ``key``, with the rows it changed; a rectify statement setting only
    fields the officer gave no value for is left out (0): those fields stay as they are
    (``every``: run each all the same, as ``mailbot check`` does)."""
    counts = []
    for sql in _statements(run.settings).for_key(key):
        fields = [name for name in bind_names(sql) if name != "email"]
        if not every and fields and not any(values.get(name) is not None for name in fields):
            counts.append(0)
            continue
        result = run.run(sql, values)
        counts.append(max(int(getattr(result, "rowcount", -1)), 0))
    return counts


def _proved(run: _Run, key: str, bound: Mapping[str, object], counts: Sequence[int]) -> None:
    """Beyond the company's ``confirm``, what mailbot sees itself before the commit: after an
    erasure the source's own ``query`` finds nothing about the person (a statement that
    matched nothing, ``email = :email`` against ``Tom.Baker@...``, is not an erasure); a
    restriction or rectification changed at least one row."""
    name = run.settings.name
    if key == "erase":
        assert run.settings.query is not None
        left = run.count(run.settings.query, {"email": bound["email"]})
        if left:
            raise StatementError(
                "unconfirmed",
                f"source {name}: its query still finds {left} row(s) about the person after "
                "erase: rolled back (do the statements match the address as the query does?)",
            )
    elif not any(counts):
        raise StatementError(
            "unconfirmed",
            f"source {name}: {key} changed no row: rolled back (do the statements match the "
            "address as the query does?)",
        )


def _touched(settings: DataSourceSettings, key: str) -> StatementError:
    return StatementError(
        "touched_another",
        f"source {settings.name}: {key} changed the rows of the control address "
        f"(another person's): rolled back",
    )


def dry_run(
    settings: DataSourceSettings,
    key: str,
    address: str,
    values: Mapping[str, str] | None = None,
    *,
    every: bool = False,
) -> list[int]:
    """The rows each statement of ``key`` would change for ``address``, in a transaction
    that is rolled back; raises ``StatementError`` as ``execute`` would."""
    bound = _values(address, values)
    with _transaction(settings) as run:
        before = run.control(before=True)
        counts = _statements_run(run, key, bound, every=every)
        if run.control() != before:
            raise _touched(settings, key)
    return counts


def execute(
    settings: DataSourceSettings, key: str, address: str, values: Mapping[str, str] | None = None
) -> list[int]:
    """Run the statements of ``key`` for ``address`` in one transaction, committed only when
    ``confirm`` lists nothing left and the control address reads as before; the rows each
    statement changed. Raises ``StatementError`` (rolled back) otherwise."""
    bound = _values(address, values)
    statements = _statements(settings)
    confirm = getattr(statements.confirm, key)
    assert confirm is not None
    with _transaction(settings) as run:
        before = run.control(before=True)
        counts = _statements_run(run, key, bound)
        left = run.count(confirm, bound)
        if left:
            raise StatementError(
                "unconfirmed",
                f"source {settings.name}: confirm.{key} still lists {left} row(s) for the "
                "person afterwards: rolled back",
            )
        if run.control() != before:
            raise _touched(settings, key)
        _proved(run, key, bound, counts)
        run.connection.commit()
    return counts


def confirm(
    settings: DataSourceSettings, key: str, address: str, values: Mapping[str, str] | None = None
) -> int:
    """The rows left to do for ``address`` (nothing changed): what ``confirm.<key>`` lists,
    and after an erasure what the source's own ``query`` still finds (``_proved``'s rule,
    so that a crash recovered decides as a finished run would)."""
    sql = getattr(_statements(settings).confirm, key)
    assert sql is not None
    bound = _values(address, values)
    with _transaction(settings) as run:
        left = run.count(sql, bound)
        if key == "erase":
            assert settings.query is not None
            left += run.count(settings.query, {"email": bound["email"]})
        return left


def check(settings: DataSourceSettings) -> list[str]:
    """``mailbot check``: every statement as a dry run for a sample address, rolled back.
    Raises ``DataSourceError`` naming the source, the key and the database's error, or that
    the control address has no row (then nothing may run: no check could see another person
    touched). Returns warnings (none so far)."""
    statements = _statements(settings)
    try:
        with _transaction(settings) as run:
            run.control(before=True)
    except StatementError as exc:
        raise DataSourceError(f"statements.control_address: {exc.message}") from None
    for key in ("erase", "restrict", "rectify"):
        if not statements.for_key(key):
            continue
        try:  # a rectification's fields as NULL: of any type, and left as they are
            dry_run(settings, key, CHECK_ADDRESS, every=True)
            confirm(settings, key, CHECK_ADDRESS)
        except StatementError as exc:
            raise DataSourceError(f"statements.{key}: {exc.message}") from None
    return []
