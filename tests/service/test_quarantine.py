"""The quarantine's answers (issue 23): a mail shown safely, made a case by the officer
exactly once (numbered and timed as intake does), or dismissed with a reason that is kept,
after which it leaves the quarantine and the digest, stays read, and is purged in time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mailbot import i18n
from mailbot.config.schema import ImapSettings
from mailbot.core.parsing import Limits
from mailbot.core.rights import Right
from mailbot.errors import NotAllowed
from mailbot.ports import MailKey, MailRef, Outcome
from mailbot.service import quarantine, retention
from mailbot.service.cases import list_mails, reclassify
from mailbot.service.intake import Intake, IntakeResult
from mailbot.service.today import gather
from mailbot.sources.imap.inbox import ImapSource
from mailbot.storage.database import Database
from mailbot.storage.models import utcnow
from mailbot.storage.store import CaseStore
from tests.core.test_quarantine import HTML_LEAF, nested
from tests.support.desk import CLOCK, PASS, TOM, Desk, desks
from tests.support.mails import fixture

ARRIVED = datetime(2026, 3, 5, 9, tzinfo=UTC)


@pytest.fixture
def desk(tmp_path: Path, database: Database) -> Iterator[Desk]:
    yield from desks(tmp_path, database)


def arrive(desk: Desk, raw: bytes, uid: str, arrived: datetime = ARRIVED) -> tuple[MailRef, int]:
    """``raw`` lies in the Maildir as ``uid`` and is quarantined: its place and its id."""
    ref = MailRef(MailKey("maildir", "/officer/Maildir", 0, uid), len(raw), arrived)
    result = desk.intake.process(ref, raw)
    assert result.outcome is Outcome.QUARANTINED
    return ref, result.mail_id


def quarantined(desk: Desk, raw: bytes, uid: str) -> int:
    return arrive(desk, raw, uid)[1]


def too_deep_from_tom() -> bytes:
    """Tom's request, authenticated by our server, nested deeper than intake reads."""
    return nested(12, HTML_LEAF, head=f"Authentication-Results: {PASS}\r\n".encode())


def open_case(desk: Desk, mail: int, actor: str = "rudi") -> IntakeResult:
    return quarantine.open_case(desk.database, desk.configuration, CLOCK, mail, actor=actor)


def test_the_quarantined_mail_is_shown_as_text_with_why_it_is_there(desk: Desk) -> None:
    shown = quarantine.show(desk.database, CLOCK, quarantined(desk, too_deep_from_tom(), "a"))
    assert (shown.outcome, shown.quarantined, shown.readable) == ("quarantined", True, True)
    assert "MIME nesting deeper than 8" in shown.reason
    assert shown.arrived_at == "2026-03-05T10:00:00+01:00"
    assert shown.sender == "Tom Baker <tom.baker@example.com>"
    assert "Ik wil graag inzage in mijn gegevens." in shown.text and "alert" not in shown.text
    assert [part.filename for part in shown.attachments] == ["paspoort.pdf"]


def test_opening_makes_exactly_one_case_timed_from_arrival(desk: Desk) -> None:
    mail = quarantined(desk, too_deep_from_tom(), "b")
    made = open_case(desk, mail)
    assert (made.outcome, made.reference, made.mail_id) == (Outcome.NEW_CASE, "AVG-2026-0001", mail)
    case = desk.case("AVG-2026-0001")
    assert (case["status"], case["rights"], case["needs_decision"]) == ("new", [], True)
    assert case["received_at"] == "2026-03-05T10:00:00+01:00"
    assert case["due_date"] == "2026-04-07"  # 5 April a Sunday, 6 April Easter Monday
    assert case["requester"] == "tom.baker@example.com"
    assert case["message_ids"] == ["<deep@example.com>"]
    (created,) = case["events"]
    assert (created["actor"], created["action"]) == ("rudi", "created")
    assert created["detail"]["opened_by_hand"] is True
    assert "nesting" in created["detail"]["quarantine_reason"]
    (record,) = case["mails"]
    assert (record["outcome"], record["sender_verdict"]) == ("new_case", "pass")
    assert record["reason"].startswith("made a case by hand by rudi; quarantined before: MIME")
    assert list_mails(desk.database, CLOCK, "quarantined") == []
    # Nothing is drafted until the officer says what it asks; then it goes as any case does.
    desk.drafting.run()
    assert desk.drafts("AVG-2026-0001") == []
    reclassify(desk.database, CLOCK, "AVG-2026-0001", rights=(Right.ACCESS,), actor="rudi")
    desk.drafting.run()
    assert desk.pending("AVG-2026-0001") == [
        ("acknowledgement", "tom.baker@example.com"),
        ("reply", "tom.baker@example.com"),
    ]
    assert desk.case("AVG-2026-0001")["identity"] == "known"


def test_a_mail_without_a_readable_sender_makes_a_case_of_an_unknown_person(desk: Desk) -> None:
    made = open_case(desk, quarantined(desk, fixture("no-from.eml"), "c"))
    case = desk.case(made.reference or "")
    assert (case["requester"], case["subject"], case["needs_decision"]) == (None, "anonymous", True)
    assert case["language"] == "en"


def test_opening_twice_or_after_a_retry_made_a_case_is_refused(desk: Desk) -> None:
    first = quarantined(desk, too_deep_from_tom(), "d")
    reference = open_case(desk, first).reference
    with pytest.raises(NotAllowed, match=f"no longer in quarantine: it made case {reference}"):
        open_case(desk, first, actor="deputy")
    with pytest.raises(NotAllowed, match=f"it made case {reference}"):
        quarantine.dismiss(desk.database, CLOCK, first, "deputy", "spam")
    strict = Intake(desk.database, replace(desk.intake.policy, limits=Limits(max_parts=1)))
    ref = MailRef(MailKey("maildir", "/officer/Maildir", 0, "e"), 10, ARRIVED)
    second = strict.process(ref, fixture("attachments.eml"))
    assert second.outcome is Outcome.QUARANTINED
    retried = desk.intake.retry(second.mail_id)
    assert retried.outcome is Outcome.NEW_CASE
    with pytest.raises(NotAllowed, match=f"it made case {retried.reference}"):
        open_case(desk, second.mail_id)
    assert desk.intake.retry(first).reference == reference  # a retry changes nothing either


def test_two_officers_opening_at_once_make_one_case(desk: Desk) -> None:
    mail = quarantined(desk, too_deep_from_tom(), "f")
    made: list[str | None] = []
    refused: list[str] = []

    def work(actor: str) -> None:
        try:
            made.append(open_case(desk, mail, actor).reference)
        except NotAllowed as exc:
            refused.append(str(exc))

    threads = [threading.Thread(target=work, args=(f"officer{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert made == ["AVG-2026-0001"] and len(refused) == 3
    with desk.database.reader() as session:
        assert len(CaseStore(session).cases()) == 1


def test_a_mail_never_read_cannot_be_made_a_case(desk: Desk) -> None:
    ref = MailRef(MailKey("maildir", "/officer/Maildir", 0, "g"), 10**9, ARRIVED)
    result = desk.intake.process(ref, None)
    with pytest.raises(NotAllowed, match="never read"):
        open_case(desk, result.mail_id)
    assert not quarantine.show(desk.database, CLOCK, result.mail_id).readable


def test_dismissing_keeps_who_when_and_why_and_hides_it(desk: Desk) -> None:
    kept = quarantined(desk, fixture("no-from.eml"), "h")
    dismissed = quarantined(desk, fixture("garbage.eml"), "i")
    assert len(gather(desk.database, desk.settings, CLOCK).quarantined) == 2
    with pytest.raises(NotAllowed, match="give a reason"):
        quarantine.dismiss(desk.database, CLOCK, dismissed, "rudi", "  ")
    with pytest.raises(NotAllowed, match="longer than 2000"):
        quarantine.dismiss(desk.database, CLOCK, dismissed, "rudi", "x" * 2001)
    before = utcnow()
    shown = quarantine.dismiss(desk.database, CLOCK, dismissed, "rudi", "nieuwsbrief, kapot")
    assert (shown.outcome, shown.dismissed_by, shown.dismissal_reason) == (
        "dismissed",
        "rudi",
        "nieuwsbrief, kapot",
    )
    assert shown.dismissed_at is not None
    assert datetime.fromisoformat(shown.dismissed_at) >= before.replace(microsecond=0)
    assert [mail.id for mail in list_mails(desk.database, CLOCK, "quarantined")] == [kept]
    assert [mail.id for mail in list_mails(desk.database, CLOCK, "dismissed")] == [dismissed]
    facts = gather(desk.database, desk.settings, CLOCK)
    assert [mail_id for mail_id, _, _ in facts.quarantined] == [kept]
    dismissed_on = r"it was dismissed by rudi on 20\d\d-\d\d-\d\d: nieuwsbrief, kapot"
    with pytest.raises(NotAllowed, match=dismissed_on):
        open_case(desk, dismissed)
    with pytest.raises(NotAllowed, match="dismissed by rudi"):
        quarantine.dismiss(desk.database, CLOCK, dismissed, "deputy", "twice")


def test_a_dismissed_mail_stays_read_and_is_purged_from_its_dismissal(desk: Desk) -> None:
    long_ago = datetime(2024, 1, 8, 9, tzinfo=UTC)
    ref, mail = arrive(desk, fixture("garbage.eml"), "j", arrived=long_ago)
    quarantine.dismiss(desk.database, CLOCK, mail, "rudi", "rommel")
    assert desk.intake.sort([ref]) == ([], [(ref, Outcome.DISMISSED)])  # never read again
    soon = retention.purge(desk.database, desk.settings, now=utcnow() + timedelta(days=30))
    assert soon.mails == 0  # the period runs from the dismissal, not from arrival
    later = retention.purge(desk.database, desk.settings, now=utcnow() + timedelta(days=366))
    assert (later.mails, later.raw_mails) == (1, 1)
    assert list_mails(desk.database, CLOCK, "dismissed") == []
    assert desk.intake.sort([ref]) == ([], [(ref, Outcome.DISMISSED)])  # still read, by hash
    assert desk.intake.process(ref, fixture("garbage.eml")).purged


def test_a_quarantined_mail_is_kept_past_the_period_until_the_officer_decides(desk: Desk) -> None:
    arrive(desk, fixture("garbage.eml"), "k")
    report = retention.purge(desk.database, desk.settings, now=utcnow() + timedelta(days=366))
    assert (report.mails, report.quarantined_kept) == (0, 1)


def test_every_outcome_of_a_mail_has_a_label_in_both_languages() -> None:
    assert [o.value for o in Outcome if f"mail.{o.value}" not in i18n.LABELS] == []


def test_a_dismissed_mail_is_settled_as_other_mail_in_an_imap_mailbox() -> None:
    values = {"host": "127.0.0.1", "security": "none", "username": "u", "password": "p"}
    kept = ImapSource(ImapSettings.model_validate(values))
    moved = ImapSource(ImapSettings.model_validate(values | {"other_folder": "Overig"}))
    assert (kept.target(Outcome.DISMISSED), kept.target(Outcome.QUARANTINED)) == ("", "")
    assert moved.target(Outcome.DISMISSED) == moved.target(Outcome.NOT_A_REQUEST) == "Overig"


def test_an_answer_in_a_cases_thread_is_not_made_a_case_of_its_own(desk: Desk) -> None:
    """A quarantined "that was not me" or ID copy belongs to the case it answers: a case of its
    own would leave the first case's reply approvable and the ID copy undeleted."""
    first = desk.mail("Verwijder al mijn gegevens.", From=TOM).reference or ""
    answer = too_deep_from_tom().replace(  # Tom answers, the reference in the subject
        b"Subject: =?utf-8?q?inzage_Zo=C3=AB?=", f"Subject: Re: [{first}] nee".encode()
    )
    mail = quarantined(desk, answer, "thread")
    with pytest.raises(NotAllowed, match=f"it answers case {first}"):
        open_case(desk, mail)
    assert quarantine.show(desk.database, CLOCK, mail).quarantined
