from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlmodel import SQLModel, select

from mailbot.core.retention import mail_content_hash, mail_key_hash
from mailbot.ports import MailKey
from mailbot.storage.database import (
    HEAD,
    MIGRATIONS,
    Database,
    _alembic_config,
    normalise_url,
)
from mailbot.storage.models import (
    AttachmentRecord,
    CaseEventRecord,
    CaseRecord,
    MailRecord,
    PurgedMailRecord,
    SigningKeyRecord,
    utcnow,
)
from mailbot.storage.purged_mails import MAIL_KEY, PurgedMailStore
from mailbot.storage.store import CaseStore


# SQLAlchemy cannot read an index on an expression back from SQLite (it says so and skips
# it); on PostgreSQL the comparison sees it, and on SQLite it is looked for by name below.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_migrations_create_exactly_the_models(database: Database) -> None:
    assert database.is_current()
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
        if connection.dialect.name == "sqlite":
            found = connection.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'ix_cases_requester_lower'")
            ).scalar_one()
            assert "lower(requester)" in found


def test_a_persons_earlier_cases_are_found_by_the_index(database: Database) -> None:
    query = "SELECT id FROM cases WHERE lower(requester) = 'a@b.nl'"
    with database.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            rows = connection.execute(text(f"EXPLAIN QUERY PLAN {query}"))
        else:  # an empty table would be scanned anyway: ask whether the index can serve
            connection.execute(text("SET enable_seqscan = off"))
            rows = connection.execute(text(f"EXPLAIN {query}"))
        plan = " ".join(str(row) for row in rows)
    assert "ix_cases_requester_lower" in plan


def test_head_names_the_newest_migration() -> None:
    """A database at ``HEAD`` is used without Alembic: HEAD must be the migrations' head."""
    assert ScriptDirectory(str(MIGRATIONS)).get_current_head() == HEAD


def test_a_database_behind_is_upgraded_at_open(database: Database) -> None:
    with database.engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "0016")
    assert database.revision() == "0016"
    assert not database.is_current()
    database.upgrade()
    assert database.revision() == HEAD


def test_upgrade_twice_is_harmless(database: Database) -> None:
    database.upgrade()
    assert database.is_current()


def test_each_database_gets_its_own_signing_key_once(database: Database) -> None:
    """Migration 0010 makes the key that signs the review copies: one, random, kept."""
    review = select(SigningKeyRecord).where(SigningKeyRecord.name == "review")
    with database.reader() as session:
        (first,) = session.exec(review).all()
    assert first.name == "review" and len(bytes.fromhex(first.key)) == 32
    database.upgrade()
    with database.engine.begin() as connection:  # back to 0009 and up again: a new key
        command.downgrade(_alembic_config(connection), "0009")
        command.upgrade(_alembic_config(connection), "head")
    with database.reader() as session:
        (again,) = session.exec(review).all()
    assert again.key != first.key


@pytest.mark.database_incidental("reads URLs, connects to nothing")
def test_plain_postgresql_url_means_psycopg() -> None:
    url = normalise_url("postgresql://u:p@db.example.org:5432/mailbot")
    assert url.drivername == "postgresql+psycopg"
    assert normalise_url("postgres://u@h/d").drivername == "postgresql+psycopg"
    assert normalise_url("sqlite:///x.db").drivername == "sqlite"


@pytest.mark.own_database  # SQLite's own settings
def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_database: Database) -> None:
    with sqlite_database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def _case(reference: str, received: datetime) -> CaseRecord:
    now = utcnow()
    return CaseRecord(
        reference=reference,
        status="new",
        rights=["access"],
        received_at=received,
        due_date=date(2026, 4, 5),
        classified_at=now,
        created_at=now,
        updated_at=now,
    )


def test_moments_come_back_as_the_same_aware_utc_instant(database: Database) -> None:
    amsterdam_summer = timezone(timedelta(hours=2))
    received = datetime(2026, 7, 1, 0, 30, tzinfo=amsterdam_summer)
    with database.session() as session:
        CaseStore(session).add_case(_case("AVG-2026-0001", received))
        session.commit()
    with database.session() as session:
        stored = CaseStore(session).case("avg-2026-0001")
    assert stored.received_at == received
    assert stored.received_at.tzinfo is not None
    assert stored.received_at.utcoffset() == timedelta(0)
    assert stored.received_at == datetime(2026, 6, 30, 22, 30, tzinfo=UTC)


def test_reference_numbers_never_repeat_under_concurrency(database: Database) -> None:
    numbers: list[int] = []
    lock = threading.Lock()

    def take(count: int) -> None:
        for _ in range(count):
            with database.session() as session:
                number = CaseStore(session).next_reference_number("AVG", 2026)
                session.commit()
            with lock:
                numbers.append(number)

    threads = [threading.Thread(target=take, args=(25,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == list(range(1, 101))
    with database.session() as session:
        assert CaseStore(session).next_reference_number("AVG", 2027) == 1
        assert CaseStore(session).next_reference_number("XYZ", 2026) == 1


@pytest.mark.own_database  # SQLite's own settings
def test_sqlite_readers_do_not_wait_for_a_writer(sqlite_database: Database) -> None:
    from sqlmodel import func, select

    with sqlite_database.session() as writer:
        CaseStore(writer).add_case(_case("AVG-2026-0001", datetime(2026, 3, 5, tzinfo=UTC)))
        # The writer holds its transaction open (BEGIN IMMEDIATE) while a reader reads. With a
        # busy timeout of zero the reader would fail at once if it needed the writer's lock.
        with sqlite_database.reader() as reader:
            reader.connection().exec_driver_sql("PRAGMA busy_timeout=0")
            assert reader.exec(select(func.count()).select_from(CaseRecord)).one() == 0
        writer.commit()
    with sqlite_database.reader() as reader:
        assert reader.exec(select(func.count()).select_from(CaseRecord)).one() == 1


def test_0013_leaves_only_keyed_hashes_of_the_mails_purged_before(database: Database) -> None:
    """A database purged by an older version kept each purged mail's record: its key, its
    fingerprint and content hash, its case. The upgrade keeps only keyed hashes of them."""
    with database.engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "0012")
        moment = {"at": datetime(2026, 3, 5, 9, tzinfo=UTC)}
        connection.execute(
            text(
                "INSERT INTO cases (id, reference, mailbox, status, rights, subject, received_at, "
                "confidence, low_confidence, evidence, signals, classified_by, classified_at, "
                "identity_detail, drafting_due, channel, direct_marketing, purged_at, "
                "created_at, updated_at, related_case, reply_to_check, needs_decision, topics, "
                "urgent) VALUES (1, 'AVG-2026-0001', 'default', 'closed', '[]', '', :at, 1, "
                "false, '[]', '[]', 'mailbot', :at, '', false, 'email', false, :at, :at, :at, "
                "'AVG-2025-0009', 7, false, '[]', false)"
            ),
            moment,
        )
        for mail_id, case_id, disposition in ((7, 1, "new_case"), (8, None, "ignored")):
            connection.execute(
                text(
                    "INSERT INTO mails (id, mailbox, source, folder, uidvalidity, uid, "
                    "fingerprint, content_hash, arrived_at, size, subject, disposition, reason, "
                    "case_id, rights, evidence, notes, body_text, identity_evidence, "
                    "processed_at) VALUES (:id, 'default', 'imap', 'INBOX', 5, :uid, :fp, :ch, "
                    ":at, 10, '', :disposition, '', :case_id, '[]', '[]', '[]', '', false, :at)"
                ),
                moment
                | {"id": mail_id, "uid": f"{mail_id}00", "fp": "f" * 64, "ch": f"{mail_id}" * 64}
                | {"disposition": disposition, "case_id": case_id},
            )
        connection.execute(
            text(
                "INSERT INTO case_events (case_id, at, actor, action, detail) "
                """VALUES (1, :at, 'mailbot', 'created', '{"mail_id": 7, "rights": []}')"""
            ),
            moment,
        )
        command.upgrade(_alembic_config(connection), "head")
    with database.reader() as session:
        assert session.exec(select(MailRecord)).all() == []
        case = session.exec(select(CaseRecord)).one()
        assert (case.related_case, case.reply_to_check) == (None, None)
        assert session.exec(select(CaseEventRecord.detail)).one() == {"rights": []}
        key = session.get(SigningKeyRecord, MAIL_KEY)
        assert key is not None
        found = PurgedMailStore(session).known(
            [MailKey("imap", "INBOX", 5, "700"), MailKey("imap", "INBOX", 5, "800")], "default"
        )
        entry = session.exec(
            select(PurgedMailRecord).where(
                PurgedMailRecord.key_hash == mail_key_hash(key.key, "imap", "INBOX", 5, "700")
            )
        ).one()
    assert set(found.values()) == {"new_case", "ignored"}
    assert entry.content_hash == mail_content_hash(key.key, "imap", "INBOX", "7" * 64)


def _mail_record(uid: str, moment: datetime) -> MailRecord:
    return MailRecord(
        mailbox="default", source="imap", folder="INBOX", uid=uid, arrived_at=moment,
        processed_at=moment, disposition="new_case",
    )  # fmt: skip


def test_0017_marks_the_attachments_whose_bytes_were_kept(database: Database) -> None:
    """Before 0017 an attachment's decoded bytes were stored beside the mail's own; the upgrade
    marks those rows ``kept`` and clears the second copy where the mail's bytes are stored;
    the rows of an attachment over the limit (no bytes) are not kept."""
    moment = datetime(2026, 3, 5, 9, tzinfo=UTC)
    with database.session() as session:
        store = CaseStore(session)
        mails = [
            store.add_mail(_mail_record(uid, moment), raw)
            for uid, raw in (("1", b"From: a@b.nl\r\n\r\nscan"), ("2", None))
        ]
        session.commit()
    with database.engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "0016")
        for mail, name, content in (
            (mails[0], "id.pdf", b"%PDF-1.4"),
            (mails[0], "huge.zip", None),
            (mails[1], "alone.pdf", b"%PDF-1.5"),  # its mail's bytes are not stored
        ):
            connection.execute(
                text(
                    "INSERT INTO attachments (mail_id, filename, content_type, size, inline, "
                    "content) VALUES (:mail, :name, 'application/octet-stream', 8, false, "
                    ":content)"
                ),
                {"mail": mail.id, "name": name, "content": content},
            )
        command.upgrade(_alembic_config(connection), "head")
    with database.reader() as session:
        rows = session.exec(select(AttachmentRecord).order_by(AttachmentRecord.filename)).all()
    assert [(row.filename, row.kept, row.content) for row in rows] == [
        ("alone.pdf", True, b"%PDF-1.5"),
        ("huge.zip", False, None),
        ("id.pdf", True, None),
    ]
