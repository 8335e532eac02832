"""Warming the worker up before the service says it is ready.

Left to themselves, the first mails after a start wait for what is done only once: the
first starts the readers' fork server (which imports the parser, the classifier, pypdf
and python-docx) and a reader, the second another reader; the first store and draft in
this process open the database's connections (SQLite: one engine for writing, one for
reading), configure the mappings and compile their SQL statements. The first mail took
1.8 times as long from APPEND to moved as the warm ones (bench/warmup.py). ``warm_up``
does all of that with a sample mail of its own, before ``READY=1``:

- every reader is started and reads the sample once; meanwhile, in this process:
- per mailbox, the sample is looked up as intake and drafting look mail and cases up
  (reading only), then stored as a case and drafted inside one database transaction
  that is rolled back: nothing is kept (not even a case number), no mail is sent or
  moved. The data sources are asked for the sample's address, which is no one's.

A warm-up that fails is logged and the service starts all the same: it only saves time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import Connection
from sqlmodel import Session, col, select

from mailbot.ports import MailKey, MailRef
from mailbot.service.drafting import Drafting
from mailbot.service.intake import Intake
from mailbot.service.readers import InThread
from mailbot.storage.database import Database
from mailbot.storage.models import CaseRecord
from mailbot.worker import Lane, Worker

log = logging.getLogger(__name__)
SERVICE_LOGGER = "mailbot.service"  # intake's and drafting's lines, about the sample here
SENDER = "warm-up@mailbot.invalid"  # .invalid (RFC 2606): never anyone's address
TEXT = """\
Geachte heer, mevrouw,

Op grond van artikel 15 van de AVG verzoek ik u om inzage in alle persoonsgegevens
die u van mij verwerkt, de doelen daarvan en de bewaartermijnen.

Met vriendelijke groet,
Proef Persoon
"""


def sample_mail(to: str) -> bytes:
    """A request for access as a person writes it, from an address that is no one's."""
    message = EmailMessage()
    message["From"] = f"Proef Persoon <{SENDER}>"
    message["To"] = to
    message["Subject"] = "Inzageverzoek AVG"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = "<warm-up@mailbot.invalid>"
    message.set_content(TEXT)
    return bytes(message)


class Rehearsal(Database):
    """A database whose sessions all work inside one transaction of ``connection``: their
    commits are savepoints, and the caller rolls the whole transaction back."""

    def __init__(self, database: Database, connection: Connection) -> None:
        # Not Database.__init__: the engines are the database's own, not new ones.
        self.url = database.url
        self.engine = database.engine
        self.read_engine = database.read_engine
        self._connection = connection

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(
            bind=self._connection,
            expire_on_commit=False,
            join_transaction_mode="create_savepoint",
        ) as session:
            yield session

    reader = session  # the rehearsal's reads see its own writes


@contextmanager
def rehearsal(database: Database) -> Iterator[Rehearsal]:
    """A ``Rehearsal`` of ``database``; everything done in it is rolled back at the end."""
    with database.engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield Rehearsal(database, connection)
        finally:
            transaction.rollback()


@dataclass(frozen=True)
class WarmUp:
    """What the warm-up did: per mailbox, what became of the sample (or why it failed)."""

    seconds: float
    rehearsed: dict[str, str]


def warm_up(worker: Worker) -> WarmUp:
    """Warm the worker's readers and each mailbox's intake and drafting up. Failures are
    logged, never raised.

    The readers start (in processes of their own) while this thread rehearses intake
    and drafting, with the sample read here: the two take about as long each.
    """
    started = time.perf_counter()
    readers = {id(lane.intake.reader): lane.intake for lane in worker.lanes}  # often shared
    took: dict[str, float] = {}
    starting = [
        threading.Thread(target=_warm_readers, args=(intake, took), name="warm-up", daemon=True)
        for intake in readers.values()
    ]
    for thread in starting:
        thread.start()
    rehearsed: dict[str, str] = {}
    with _quiet(SERVICE_LOGGER):  # "case AVG-2026-0001 drafted": not a case the officer has
        for lane in worker.lanes:
            try:
                rehearsed[lane.mailbox] = _rehearse(lane)
            except Exception as exc:  # only time is lost: the first mails will be slower
                rehearsed[lane.mailbox] = f"failed: {type(exc).__name__}"
                _failed(f"mailbox {lane.mailbox}", exc)
    took["intake and drafting"] = time.perf_counter() - started
    for thread in starting:
        thread.join()
    done = WarmUp(time.perf_counter() - started, rehearsed)
    parts = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in took.items())
    log.info("warmed up in %.2f s (%s)", done.seconds, parts)
    return done


def _failed(what: str, exc: Exception) -> None:
    log.warning("warming up %s failed (%s: %s); starting all the same",
                what, type(exc).__name__, exc)  # fmt: skip


def _warm_readers(intake: Intake, took: dict[str, float]) -> None:
    policy = intake.policy
    started = time.perf_counter()
    try:
        intake.reader.warm_up(_sample(intake), policy.limits, policy.own_addresses, 60)
    except Exception as exc:  # the readers start with the first mail instead
        _failed("the mail readers", exc)
    took["readers"] = max(took.get("readers", 0.0), time.perf_counter() - started)


def _sample(intake: Intake) -> bytes:
    return sample_mail(min(intake.policy.own_addresses, default="privacy@mailbot.invalid"))


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    """The logger ``name`` and those under it say only warnings and errors meanwhile."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(max(logging.WARNING, logger.getEffectiveLevel()))
    try:
        yield
    finally:
        logger.setLevel(level)


def _rehearse(lane: Lane) -> str:
    """Rehearse one mailbox's intake and drafting; what became of the sample (its outcome,
    and whether it was drafted)."""
    intake = lane.intake
    raw = _sample(intake)
    ref = MailRef(MailKey("warm-up", "INBOX", 1, "1"), len(raw), datetime.now(UTC))
    # Reads on the database itself: on SQLite they go through an engine of their own.
    intake.sort([ref])
    if lane.drafting is not None:
        lane.drafting.due()
    with rehearsal(intake.database) as database:
        rehearsed = Intake(database, intake.policy, InThread())  # the readers are starting
        rehearsed.sort([ref])
        # Two mails, as the worker stores them (a batch: the second a copy of the first).
        again = MailRef(MailKey("warm-up", "INBOX", 1, "2"), len(raw), ref.arrived_at)
        analysis = rehearsed.analyse(raw)
        result = rehearsed.store_batch([(ref, raw, analysis), (again, raw, analysis)])[0]
        if lane.drafting is None or result.reference is None:
            return result.outcome.value
        drafting = lane.drafting
        with database.reader() as session:
            query = select(CaseRecord.id).where(col(CaseRecord.reference) == result.reference)
            case_id = session.exec(query).one()
        assert case_id is not None
        sources = drafting.person_data.sources
        rehearsal_drafting = Drafting(database, drafting.settings, sources, drafting.renderer)
        drafted = rehearsal_drafting.draft(case_id)
        return f"{result.outcome.value}, {'drafted' if drafted else 'not drafted'}"
