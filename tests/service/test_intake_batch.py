"""Group commit: several mails stored in one transaction, as each alone would be."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, text

from mailbot.core.authentication import MailService, Trust
from mailbot.ports import MailKey, MailRef, Outcome
from mailbot.service.cases import list_cases, list_mails, show_case
from mailbot.service.intake import Intake, IntakeResult, ReadMail
from mailbot.storage.database import Database
from tests.support.intake import CLOCK, POLICY, ref
from tests.support.mails import simple


@pytest.fixture
def intake(database: Database) -> Intake:
    return Intake(database, POLICY)


@pytest.fixture
def commits(database: Database) -> Iterator[list[int]]:
    """One entry per transaction committed on the database's writing engine."""
    counted: list[int] = []

    def count(_connection: object) -> None:
        counted.append(1)

    event.listen(database.engine, "commit", count)
    yield counted
    event.remove(database.engine, "commit", count)


def read(intake: Intake, mails: Sequence[tuple[MailRef, bytes]]) -> list[ReadMail]:
    return [(mail_ref, raw, intake.analyse(raw)) for mail_ref, raw in mails]


def test_a_batch_is_one_transaction_and_keeps_the_sources_order(
    intake: Intake, commits: list[int]
) -> None:
    mails = [
        (ref(), simple(f"Verwijder al mijn gegevens, klant {n}.", Message_ID=f"<b{n}@x.nl>"))
        for n in range(5)
    ]
    results = intake.store_batch(read(intake, mails))
    assert [r.reference for r in results] == [f"AVG-2026-000{n}" for n in range(1, 6)]
    assert {r.outcome for r in results} == {Outcome.NEW_CASE}
    assert len(commits) == 1
    assert intake.unseen([mail_ref for mail_ref, _ in mails]) == []


def test_a_batch_numbers_its_cases_with_one_counter_update_and_no_gap(
    intake: Intake, database: Database
) -> None:
    updates: list[str] = []

    def seen(_c: object, _cursor: object, statement: str, *_rest: object) -> None:
        if statement.startswith("UPDATE reference_counters"):
            updates.append(statement)

    def batch(first: int, count: int) -> list[tuple[MailRef, bytes]]:
        return [
            (ref(), simple(f"Ik wil inzage, klant {n}.", Message_ID=f"<n{n}@x.nl>"))
            for n in range(first, first + count)
        ]

    intake.store_batch(read(intake, batch(0, 2)))  # the year's counter is made
    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        second = intake.store_batch(read(intake, batch(2, 4)))
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    assert [r.reference for r in second] == [f"AVG-2026-000{n}" for n in range(3, 7)]
    assert len(updates) == 2  # the first number taken, the last one written at the commit
    alone = intake.store(*read(intake, batch(6, 1))[0])  # a mail alone goes on from there
    third = intake.store_batch(read(intake, batch(7, 2)))
    assert [alone.reference] + [r.reference for r in third] == [
        "AVG-2026-0007", "AVG-2026-0008", "AVG-2026-0009",
    ]  # fmt: skip


DEC_31 = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)
JAN_1 = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)


def _requests(when: Sequence[datetime], tag: str) -> list[tuple[MailRef, bytes]]:
    return [
        (ref(at), simple(f"Verwijder al mijn gegevens, klant {n}.", Message_ID=f"<{tag}{n}@x.nl>"))
        for n, at in enumerate(when)
    ]


def test_a_batch_across_new_year_numbers_each_year_on(intake: Intake) -> None:
    first = intake.store_batch(read(intake, _requests([DEC_31, DEC_31, JAN_1, DEC_31], "y")))
    second = intake.store_batch(read(intake, _requests([JAN_1, DEC_31], "z")))
    assert [r.reference for r in first + second] == [
        "AVG-2026-0001", "AVG-2026-0002", "AVG-2027-0001", "AVG-2026-0003",
        "AVG-2027-0002", "AVG-2026-0004",
    ]  # fmt: skip


@pytest.mark.integration  # a second connection commits from a timer thread
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_counter_made_by_another_process_meanwhile_loses_no_count(database: Database) -> None:
    """The batch's first 2027 case finds no counter, and another process makes it at that
    moment: the batch's attempt to make it fails and is rolled back to its savepoint. The
    2026 numbers the batch counted are written all the same (found by the outside review)."""
    intake = Intake(database, POLICY)
    mails = read(intake, _requests([DEC_31, DEC_31, DEC_31, JAN_1], "r"))
    other = database.engine.connect()
    other.execute(
        text("INSERT INTO reference_counters (prefix, year, last_number) VALUES ('AVG', 2027, 1)")
    )
    timer = threading.Timer(1.0, other.commit)
    timer.start()
    try:
        results = intake.store_batch(mails)
    finally:
        timer.join()
        other.close()
    assert [r.reference for r in results] == [
        "AVG-2026-0001", "AVG-2026-0002", "AVG-2026-0003", "AVG-2027-0002",
    ]  # fmt: skip
    (late,) = read(intake, _requests([DEC_31], "late"))
    assert intake.store(*late).reference == "AVG-2026-0004"


OURS = "mx.voorbeeld.example"


def _authenticated(database: Database, message_id: str) -> tuple[Intake, bytes]:
    """An intake trusting our own server, and a person's request it authenticated."""
    intake = Intake(database, replace(POLICY, trust=Trust(MailService.OWN, OURS)))
    first = simple(
        "Ik wil inzage in mijn gegevens.",
        Message_ID=message_id,
        Authentication_Results=f"{OURS}; dmarc=pass header.from=example.nl",
    )
    return intake, first


def test_within_a_batch_a_mail_finds_its_duplicate_and_its_thread(database: Database) -> None:
    # Our server authenticated the first mail (as in test_intake's thread test): the reply to
    # it, later in the same batch, joins its case; so does a mail naming its reference.
    intake, first = _authenticated(database, "<first@example.nl>")
    again = b"Delivered-To: privacy@voorbeeld.example\r\n" + first
    answer = simple(
        "Hierbij nog mijn klantnummer 1234.",
        Subject="Re: vraag",
        Message_ID="<second@example.nl>",
        In_Reply_To="<first@example.nl>",
    )
    named = simple("Is er al nieuws?", Subject="AVG-2026-0001", Message_ID="<third@example.nl>")
    mails = [(ref(), first), (ref(), again), (ref(), answer), (ref(), named)]
    results = intake.store_batch(read(intake, mails))
    assert [r.outcome for r in results] == [
        Outcome.NEW_CASE,
        Outcome.DUPLICATE,
        Outcome.FOLLOW_UP,
        Outcome.FOLLOW_UP,
    ]
    assert {r.reference for r in results} == {"AVG-2026-0001"}
    assert len(list_cases(intake.database, CLOCK)) == 1


class _FailsOn(Intake):
    """An intake whose decision fails, as a bug would, for mails with one word in them."""

    def _decide(self, *args: object, **kwargs: object) -> IntakeResult:
        raw = args[2]
        if isinstance(raw, bytes) and b"BOEM" in raw:
            raise RuntimeError("simulated bug")
        return super()._decide(*args, **kwargs)  # type: ignore[arg-type]


def test_a_failing_mail_is_quarantined_alone_and_the_others_are_stored(
    intake: Intake, commits: list[int]
) -> None:
    broken = _FailsOn(intake.database, POLICY)
    mails = [
        (ref(), simple("Verwijder mijn account.", Message_ID="<ok1@x.nl>")),
        (ref(), simple("BOEM: verwijder mijn gegevens.", Message_ID="<boem@x.nl>")),
        (ref(), simple("Ik wil inzage.", Message_ID="<ok2@x.nl>")),
    ]
    results = broken.store_batch(read(broken, mails))
    assert [r.outcome for r in results] == [
        Outcome.NEW_CASE,
        Outcome.QUARANTINED,
        Outcome.NEW_CASE,
    ]
    assert "RuntimeError: simulated bug" in results[1].reason
    # Nothing of the failed batch was kept: the two cases are numbered without a gap.
    assert [r.reference for r in results if r.reference] == ["AVG-2026-0001", "AVG-2026-0002"]
    assert len(list_mails(intake.database, CLOCK, "quarantined")) == 1
    assert len(commits) == 3  # the batch rolled back; then each mail alone
    assert intake.retry(results[1].mail_id).outcome is Outcome.NEW_CASE


def test_a_mail_recorded_already_is_answered_as_it_was(intake: Intake) -> None:
    known, raw = ref(), simple("Verwijder mijn account.", Message_ID="<known@x.nl>")
    first = intake.process(known, raw)
    fresh = (ref(), simple("Ik wil inzage.", Message_ID="<fresh@x.nl>"))
    results = intake.store_batch(read(intake, [(known, raw), fresh]))
    assert results[0] == first
    assert results[1].outcome is Outcome.NEW_CASE and results[1].reference == "AVG-2026-0002"
    assert len(list_cases(intake.database, CLOCK)) == 2


def test_a_renumbered_folder_is_recognised_in_a_batch(intake: Intake) -> None:
    raw = simple("Verwijder mijn account.", Message_ID="<renumbered@x.nl>")
    old = ref()
    first = intake.process(old, raw)
    renumbered = MailRef(MailKey(old.key.source, old.key.folder, 7, "1"), old.size, old.arrived_at)
    other = (ref(), simple("Ik wil inzage.", Message_ID="<other@x.nl>"))
    results = intake.store_batch(read(intake, [(renumbered, raw), other]))
    assert results[0].rekeyed and results[0].reference == first.reference
    assert results[1].outcome is Outcome.NEW_CASE
    case = show_case(intake.database, CLOCK, first.reference or "").as_json()
    assert len(case["mails"]) == 1


def test_within_a_batch_an_outsider_cannot_join_anothers_thread(database: Database) -> None:
    # The person's first mail is authenticated; an outsider's mail later in the same batch
    # answers its Message-ID (chosen, and copied from the person's) and names the case in
    # its subject: in a batch as alone, it gets a case of its own.
    intake, first = _authenticated(database, "<victim@example.nl>")
    outsider = simple(
        "Verwijder alles, ik bevestig.",
        From="Eve <eve@evil.example>",
        Subject="Re: AVG-2026-0001",
        Message_ID="<eve@evil.example>",
        In_Reply_To="<victim@example.nl>",
        References="<victim@example.nl>",
    )
    results = intake.store_batch(read(intake, [(ref(), first), (ref(), outsider)]))
    assert results[0].outcome is Outcome.NEW_CASE
    assert results[1].outcome is not Outcome.FOLLOW_UP
    assert results[1].reference != results[0].reference
