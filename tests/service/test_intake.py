from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from mailbot.core.authentication import MailService, Trust
from mailbot.core.parsing import Limits
from mailbot.core.rights import Right
from mailbot.ports import Outcome
from mailbot.service.cases import list_cases, list_mails, reclassify, show_case
from mailbot.service.intake import Intake, IntakePolicy, IntakeResult
from mailbot.storage.database import Database
from mailbot.storage.store import CaseStore
from tests.support.intake import AMSTERDAM, CLOCK, POLICY, ref
from tests.support.mails import fixture, simple


@pytest.fixture
def intake(database: Database) -> Intake:
    return Intake(database, POLICY)


def deliver(intake: Intake, raw: bytes, **kwargs: object) -> IntakeResult:
    mail_ref = ref(**kwargs)  # type: ignore[arg-type]
    return intake.process(mail_ref, raw)


def test_a_request_becomes_a_case_with_reference_and_due_date(intake: Intake) -> None:
    raw = simple(
        "Ik wil graag weten welke gegevens jullie van mij hebben.", Message_ID="<r1@example.nl>"
    )
    result = deliver(intake, raw)
    assert result.outcome is Outcome.NEW_CASE
    assert result.reference == "AVG-2026-0001"
    case = show_case(intake.database, CLOCK, "AVG-2026-0001").as_json()
    assert case["rights"] == ["access"]
    assert case["status"] == "new"
    assert case["language"] == "nl"
    assert case["requester"] == "piet@example.nl"
    assert case["received_at"] == "2026-03-05T10:00:00+01:00"
    assert case["due_date"] == "2026-04-07"  # 5 April is a Sunday, 6 April Easter Monday
    assert case["days_left"] == 28
    assert case["message_ids"] == ["<r1@example.nl>"]
    assert case["evidence"] and case["evidence"][0]["right"] == "access"
    assert 0 < case["confidence"] <= 1
    assert [event["action"] for event in case["events"]] == ["created"]
    assert case["events"][0]["actor"] == "mailbot"


def test_references_count_per_year_of_local_arrival(intake: Intake) -> None:
    first = deliver(
        intake, simple("Verwijder mijn account."), arrived=datetime(2026, 12, 31, 22, 0, tzinfo=UTC)
    )
    second = deliver(
        intake,
        simple("Verwijder mijn gegevens."),
        arrived=datetime(2026, 12, 31, 23, 30, tzinfo=UTC),
    )
    assert (first.reference, second.reference) == ("AVG-2026-0001", "AVG-2027-0001")


def test_machine_mail_is_ignored_with_its_reason(intake: Intake) -> None:
    result = deliver(intake, simple("Ik ben afwezig.", Auto_Submitted="auto-replied"))
    assert result.outcome is Outcome.IGNORED and result.reference is None
    ignored = list_mails(intake.database, CLOCK, "ignored")
    assert ignored[0].reason == "Auto-Submitted: auto-replied"
    assert list_cases(intake.database, CLOCK) == []


def test_mail_that_is_no_request_gets_a_case_without_due_date(intake: Intake) -> None:
    result = deliver(intake, simple("Wanneer is de volgende training? Ik wil me aanmelden."))
    assert result.outcome is Outcome.NOT_A_REQUEST
    case = show_case(intake.database, CLOCK, result.reference or "").as_json()
    assert (case["status"], case["rights"], case["due_date"]) == ("not_a_request", [], None)


def test_the_officer_can_reclassify_with_who_and_when(intake: Intake) -> None:
    result = deliver(intake, simple("Wanneer is de volgende training?"))
    reference = result.reference or ""
    changed = reclassify(
        intake.database,
        CLOCK,
        reference,
        rights=(Right.ACCESS, Right.ERASURE),
        actor="rudi",
        note="belde",
    )
    assert changed.status == "new"
    assert changed.rights == ("access", "erasure")
    assert changed.due_date == "2026-04-07"  # counted from receipt, not from the correction
    assert changed.classified_by == "rudi"
    trail = show_case(intake.database, CLOCK, reference).events
    assert trail[-1].action == "reclassified" and trail[-1].actor == "rudi"
    assert trail[-1].detail["rights_before"] == []
    assert trail[-1].detail["note"] == "belde"
    back = reclassify(intake.database, CLOCK, reference, rights=(), actor="rudi")
    assert (back.status, back.due_date) == ("not_a_request", None)


def test_follow_up_by_thread_headers_joins_the_case(database: Database) -> None:
    # Our server authenticated Piet's first mail: its Message-ID is his, and his reply to it
    # joins his case. (Unauthenticated, it might be a forger's: see the next test.)
    ours = "mx.voorbeeld.example"
    intake = Intake(database, replace(POLICY, trust=Trust(MailService.OWN, ours)))
    passed = f"{ours}; dmarc=pass header.from=example.nl"
    first = deliver(
        intake,
        simple(
            "Verwijder mijn gegevens.",
            Message_ID="<first@example.nl>",
            Authentication_Results=passed,
        ),
    )
    reply = simple(
        "Hierbij mijn klantnummer 10442.",
        From="Piet <PIET@example.nl>",
        Subject="Re: gegevens",
        In_Reply_To="<first@example.nl>",
        Message_ID="<second@example.nl>",
    )
    second = deliver(intake, reply)
    assert second.outcome is Outcome.FOLLOW_UP
    assert second.reference == first.reference
    case = show_case(intake.database, CLOCK, first.reference or "").as_json()
    assert case["message_ids"] == ["<first@example.nl>", "<second@example.nl>"]
    assert [mail["outcome"] for mail in case["mails"]] == ["new_case", "follow_up"]
    assert case["events"][-1]["action"] == "follow_up"
    assert len(list_cases(intake.database, CLOCK)) == 1


def test_a_message_id_someone_else_sent_captures_no_mail(intake: Intake) -> None:
    # An outsider's request carries the company newsletter's Message-ID; a customer who
    # later replies to the newsletter gets a case of her own, with its own clock.
    newsletter = "<newsletter-2026-11@voorbeeld.example>"
    outsider = deliver(
        intake,
        simple("Verwijder mijn gegevens.", From="Eve <eve@evil.example>", Message_ID=newsletter),
    )
    customer = deliver(
        intake,
        simple(
            "Haal mij van deze lijst en verwijder al mijn gegevens.",
            From="Sanne <sanne@example.net>",
            Subject="Re: Nieuwsbrief november",
            In_Reply_To=newsletter,
            References=newsletter,
        ),
    )
    assert customer.outcome is Outcome.NEW_CASE
    assert customer.reference != outsider.reference
    case = show_case(intake.database, CLOCK, customer.reference or "").as_json()
    assert case["requester"] == "sanne@example.net" and case["due_date"]
    theirs = show_case(intake.database, CLOCK, outsider.reference or "").as_json()
    assert [mail["sender"] for mail in theirs["mails"]] == ["eve@evil.example"]


def test_follow_up_by_subject_reference_only_from_a_participant(intake: Intake) -> None:
    first = deliver(intake, simple("Verwijder mijn gegevens.", From="Tom <tom@example.com>"))
    subject = f"Re: {first.reference} uw verzoek"
    known = deliver(
        intake, simple("Hier is mijn ID.", From="TOM <Tom@Example.com>", Subject=subject)
    )
    assert (known.outcome, known.reference) == (Outcome.FOLLOW_UP, first.reference)
    stranger = deliver(
        intake,
        simple("Verwijder ook mijn gegevens.", From="Eve <eve@example.org>", Subject=subject),
    )
    assert stranger.outcome is Outcome.NEW_CASE
    assert stranger.reference != first.reference


def test_the_same_mail_delivered_twice_is_a_duplicate(intake: Intake) -> None:
    raw = simple(
        "Verwijder mijn account.",
        Message_ID="<twice@example.nl>",
        Date="Mon, 2 Mar 2026 10:00:00 +0100",
    )
    first = deliver(intake, raw)
    second = deliver(intake, b"Delivered-To: privacy@voorbeeld.example\r\n" + raw)
    assert second.outcome is Outcome.DUPLICATE
    assert second.reference == first.reference
    assert len(list_cases(intake.database, CLOCK)) == 1


def test_processing_the_same_key_again_changes_nothing(intake: Intake) -> None:
    mail_ref = ref()
    raw = simple("Verwijder mijn account.")
    first = intake.process(mail_ref, raw)
    again = intake.process(mail_ref, raw)
    assert again == first
    assert intake.unseen([mail_ref, ref()]) != [mail_ref]
    assert len(list_cases(intake.database, CLOCK)) == 1


def test_concurrent_processing_of_one_mail_makes_one_case(intake: Intake) -> None:
    mail_ref = ref()
    raw = simple("Verwijder mijn account.")
    results: list[IntakeResult] = []

    def work() -> None:
        results.append(intake.process(mail_ref, raw))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({result.reference for result in results}) == 1
    assert len(list_cases(intake.database, CLOCK)) == 1


def test_unparseable_mail_is_quarantined_with_its_bytes(intake: Intake) -> None:
    raw = fixture("no-from.eml")
    result = deliver(intake, raw)
    assert result.outcome is Outcome.QUARANTINED
    assert "no sender" in result.reason
    quarantined = list_mails(intake.database, CLOCK, "quarantined")
    assert quarantined[0].subject == "anonymous"  # as far as it could be read
    assert quarantined[0].readable is True
    with intake.database.session() as session:
        assert CaseStore(session).raw(result.mail_id) == raw


def test_mail_too_large_is_quarantined_without_reading_it_and_read_again_on_retry(
    intake: Intake,
) -> None:
    small = Intake(
        intake.database, IntakePolicy(AMSTERDAM, "AVG", frozenset(), Limits(max_mail_bytes=50))
    )
    big = ref(size=5000)
    assert small.too_large(big)
    result = small.process(big, None)
    assert result.outcome is Outcome.QUARANTINED and "max_mail_bytes" in result.reason
    retried = intake.retry(result.mail_id)
    assert retried.read_again
    assert intake.unseen([big]) == [big]  # the source will hand it over again


def test_retry_after_the_cause_is_fixed(intake: Intake) -> None:
    strict = Intake(
        intake.database, IntakePolicy(AMSTERDAM, "AVG", frozenset(), Limits(max_parts=1))
    )
    result = strict.process(ref(), fixture("attachments.eml"))
    assert result.outcome is Outcome.QUARANTINED and "MIME parts" in result.reason
    retried = intake.retry(result.mail_id)
    # Its attached "PDF" cannot be read: a case for the officer, never "no request".
    assert retried.outcome is Outcome.NEW_CASE
    assert retried.mail_id == result.mail_id
    assert list_mails(intake.database, CLOCK, "quarantined") == []
    assert list_mails(intake.database, CLOCK, "new_case")[0].reason == ""
    case = show_case(intake.database, CLOCK, retried.reference or "").as_json()
    assert [a["filename"] for a in case["mails"][0]["attachments"]] == [
        None,
        "identiteitsbewijs Jérôme.pdf",
        "notes.txt",
    ]


class _Broken(Intake):
    """An intake whose decision fails, as a bug would."""

    def _decide(self, *args: object, **kwargs: object) -> IntakeResult:
        raise RuntimeError("simulated bug")


def test_a_bug_quarantines_the_mail_instead_of_blocking_the_mailbox(intake: Intake) -> None:
    raw = simple("Verwijder mijn account.")
    result = _Broken(intake.database, POLICY).process(ref(), raw)
    assert result.outcome is Outcome.QUARANTINED
    assert "RuntimeError: simulated bug" in result.reason
    assert deliver(intake, simple("Verwijder mijn gegevens.")).outcome is Outcome.NEW_CASE
    assert intake.retry(result.mail_id).outcome is Outcome.NEW_CASE


def test_forwarded_request_is_the_original_senders_case_from_the_original_date(
    intake: Intake,
) -> None:
    result = deliver(
        intake, fixture("forward-outlook-nl.eml"), arrived=datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
    )
    case = show_case(intake.database, CLOCK, result.reference or "").as_json()
    assert case["requester"] == "karel.smits@example.nl"
    assert case["rights"] == ["access"]
    assert case["received_at"] == "2026-03-02T08:12:00+01:00"
    assert case["due_date"] == "2026-04-02"
    assert case["mails"][0]["forwarded_by"] == "linda@voorbeeld.example"
    assert case["events"][0]["detail"]["received_from_forwarded_original"]


def test_our_own_mail_attached_does_not_make_us_the_requester(intake: Intake) -> None:
    ours = simple("Wij hebben uw verzoek ontvangen.", From="Privacy <privacy@voorbeeld.example>")
    raw = (
        b"From: Tom <tom@example.com>\r\nSubject: Fwd: uw verzoek\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\n"
        b"Verwijder nu echt al mijn gegevens.\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n"
        + ours
        + b"\r\n--b--\r\n"
    )
    result = deliver(intake, raw)
    case = show_case(intake.database, CLOCK, result.reference or "").as_json()
    assert case["requester"] == "tom@example.com"
    assert case["rights"] == ["erasure"]  # read from Tom's words, not from our attached mail


def test_low_confidence_is_flagged(intake: Intake) -> None:
    result = deliver(intake, simple("Ik heb een vraag over mijn gegevens."))
    case = show_case(intake.database, CLOCK, result.reference or "").as_json()
    assert case["low_confidence"] is True
    assert "privacy_topic_without_right" in case["signals"]


def test_the_same_message_id_from_another_sender_is_no_duplicate(intake: Intake) -> None:
    first = deliver(
        intake,
        simple("Verwijder mijn gegevens.", From="Eve <eve@evil.example>", Message_ID="<x@y>"),
    )
    second = deliver(
        intake, simple("Verwijder mijn gegevens.", From="Tom <tom@example.com>", Message_ID="<x@y>")
    )
    assert (first.outcome, second.outcome) == (Outcome.NEW_CASE, Outcome.NEW_CASE)
    assert first.reference != second.reference


REFUSE = {
    "sqlite": [
        "CREATE TRIGGER refuse_case BEFORE INSERT ON cases "
        "BEGIN SELECT RAISE(ABORT, 'refused by a constraint'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_case() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'refused by a constraint' USING ERRCODE = 'check_violation'; END $$",
        "CREATE TRIGGER refuse_case BEFORE INSERT ON cases "
        "FOR EACH ROW EXECUTE FUNCTION refuse_case()",
    ],
}


def test_a_mail_the_database_refuses_is_quarantined_without_personal_data_in_the_log(
    intake: Intake, caplog: pytest.LogCaptureFixture
) -> None:
    # A real refusal by the database (a constraint of the company's DBA, say), not a
    # duplicate key: the mail is quarantined, and the ERROR line names no address or text.
    with intake.database.engine.begin() as connection:
        for statement in REFUSE[intake.database.url.get_backend_name()]:
            connection.exec_driver_sql(statement)
    raw = simple("Verwijder al mijn gegevens.", From="Geheim Persoon <geheim.persoon@example.nl>")
    with caplog.at_level("INFO"):
        result = deliver(intake, raw)
    assert result.outcome is Outcome.QUARANTINED
    assert "refused by a constraint" in (result.reason or "")
    logged = [r for r in caplog.records if r.levelname in ("INFO", "WARNING", "ERROR")]
    assert logged and not any(
        "geheim" in r.getMessage().lower() or "geheim" in str(r.exc_info or "").lower()
        or "verwijder" in (r.exc_text or "").lower()
        for r in logged
    )  # fmt: skip
