"""Recall first (issue 21): every mail that may be a request is a case with a clock, marked for
the officer, until he reclassifies or dismisses it; breaches, complaints, authorities, schools
and the dead get what they need."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mailbot.cli.output import cases_table
from mailbot.core.rights import Right
from mailbot.errors import NotAllowed
from mailbot.ports import Outcome
from mailbot.service.cases import list_cases, reclassify, show_case
from mailbot.service.digest import today_digest
from mailbot.service.draft_views import show_draft
from mailbot.storage.database import Database
from mailbot.storage.store import CaseStore
from tests.support.desk import CLOCK, FAIL, TOM, Desk, desks
from tests.support.mails import simple

STRANGER = "Iemand <iemand@elders.example>"


@pytest.fixture
def desk(tmp_path: Path, database: Database) -> Iterator[Desk]:
    yield from desks(tmp_path, database)


def test_a_mail_that_may_be_a_request_gets_a_provisional_clock_and_no_draft(desk: Desk) -> None:
    result = desk.mail("Hoe zit het eigenlijk met mijn privacy bij jullie?", From=STRANGER)
    assert result.outcome is Outcome.NEW_CASE
    case = desk.case(result.reference or "")
    assert (case["status"], case["rights"], case["needs_decision"]) == ("new", [], True)
    assert case["due_date"] == "2026-04-07"  # from receipt on 5 March, as for any request
    assert case["to_do"][0].startswith("Decide whether this mail is a request")
    assert any(item["cue"] == "signal:may_be_request" for item in case["evidence"])
    assert desk.drafts(result.reference or "") == []


def test_mail_about_nothing_of_the_kind_stays_no_request(desk: Desk) -> None:
    result = desk.mail("Wanneer begint de volgende cursus Excel? Groet, Piet", From=STRANGER)
    assert result.outcome is Outcome.NOT_A_REQUEST
    assert desk.case(result.reference or "")["due_date"] is None


def test_dismissing_a_flagged_mail_needs_a_reason_and_records_who(desk: Desk) -> None:
    reference = desk.mail("Hoe zit het met mijn privacy?", From=STRANGER).reference or ""
    with pytest.raises(NotAllowed, match="--note"):
        reclassify(desk.database, CLOCK, reference, rights=(), actor="officer")
    reclassify(
        desk.database, CLOCK, reference, rights=(), actor="officer", note="a general question"
    )
    case = desk.case(reference)
    assert (case["status"], case["needs_decision"], case["due_date"]) == (
        "not_a_request",
        False,
        None,
    )
    event = case["events"][-1]
    assert (event["actor"], event["action"]) == ("officer", "reclassified")
    assert event["detail"]["note"] == "a general question"
    assert event["detail"]["decided"] == "dismissed"


def test_reclassifying_a_flagged_mail_as_a_request_drafts_it(desk: Desk) -> None:
    reference = desk.mail("Hoe zit het met mijn privacy?", From=TOM).reference or ""
    reclassify(desk.database, CLOCK, reference, rights=(Right.ACCESS,), actor="officer")
    desk.drafting.run()
    case = desk.case(reference)
    assert (case["needs_decision"], case["rights"]) == (False, ["access"])
    assert [kind for kind, _ in desk.pending(reference)] == ["acknowledgement", "reply"]


def test_a_possible_breach_is_urgent_with_the_72_hours_shown(desk: Desk) -> None:
    arrived = datetime(2026, 3, 5, 9, tzinfo=UTC)
    raw_body = "Ik kreeg vandaag het rooster van een andere leerling in mijn mail, met zijn adres."
    result = desk.deliver(simple(raw_body, From=STRANGER), arrived)
    case = desk.case(result.reference or "")
    assert case["topics"] == ["data_breach"] and case["urgent"] and case["needs_decision"]
    assert case["breach_notify_by"] == "2026-03-08T10:00:00+01:00"  # receipt plus 72 hours
    digest = today_digest(desk.database, desk.settings, CLOCK)
    assert "URGENT" in digest.body and (result.reference or "?") in digest.body
    assert "meld het dan uiterlijk 2026-03-08 10:00 bij de AP" in digest.body  # his language


def test_a_complaint_about_an_answered_case_is_a_case_of_its_own_linked_to_it(
    desk: Desk,
) -> None:
    first = desk.mail("Ik wil weten welke gegevens jullie van mij hebben.", From=TOM)
    reference = first.reference or ""
    with desk.database.session() as session:  # the answer went out
        record = CaseStore(session).case(reference)
        record.status = "sent"
        session.commit()
    complaint = desk.mail(
        f"Re: {reference}\n\nUw antwoord op mijn verzoek is onvolledig: de facturen ontbreken.",
        From=TOM,
        Subject=f"Re: [{reference}] uw antwoord",
    )
    assert complaint.reference != reference
    case = desk.case(complaint.reference or "")
    assert "complaint" in case["topics"] and case["related_case"] == reference


def _answered_case(desk: Desk) -> tuple[str, list[object]]:
    first = desk.mail(
        "Ik wil weten welke gegevens jullie van mij hebben.", From=TOM, Message_ID="<tom-1@x>"
    )
    reference = first.reference or ""
    with desk.database.session() as session:  # the answer went out
        CaseStore(session).case(reference).status = "sent"
        session.commit()
    return reference, desk.case(reference)["events"]


@pytest.mark.parametrize(
    "headers",
    [
        # an outsider who knows the reference and Tom's Message-ID
        {"From": STRANGER, "In_Reply_To": "<tom-1@x>", "References": "<tom-1@x>"},
        # Tom's address, which our server says was forged
        {"From": TOM, "Authentication_Results": FAIL, "In_Reply_To": "<tom-1@x>"},
    ],
)
def test_an_outsiders_complaint_steers_no_one_elses_case(
    desk: Desk, headers: dict[str, str]
) -> None:
    reference, events = _answered_case(desk)
    complaint = desk.mail(
        "Uw antwoord op mijn verzoek is onvolledig: de facturen ontbreken.",
        Subject=f"Re: [{reference}] uw antwoord",
        **headers,
    )
    assert complaint.reference not in (None, reference)
    case = desk.case(complaint.reference or "")
    assert "complaint" in case["topics"] and case["needs_decision"]
    assert case["related_case"] is None  # never pointed at somebody else's case
    earlier = desk.case(reference)
    assert (earlier["status"], earlier["events"]) == ("sent", events)


def test_a_withdrawal_of_consent_is_an_objection_at_once(desk: Desk) -> None:
    result = desk.mail("Ik trek mijn toestemming voor de nieuwsbrief hierbij in.", From=TOM)
    case = desk.case(result.reference or "")
    assert case["rights"] == ["objection"] and case["topics"] == ["consent_withdrawal"]
    assert not case["needs_decision"]


def test_a_school_about_its_pupils_gets_the_assistance_reply_without_data(desk: Desk) -> None:
    result = desk.mail(
        "Namens onze school verzoeken wij u de gegevens van onze leerlingen uit klas 4b te "
        "verwijderen; zij hebben de school verlaten.",
        From="Schoolbestuur <privacy@school.example>",
    )
    reference = result.reference or ""
    case = desk.case(reference)
    assert "school" in case["topics"] and case["rights"] == ["erasure"]
    assert desk.pending(reference) == [("school_assistance", "privacy@school.example")]
    draft = desk.drafts(reference)[0]
    assert draft["attachments"] == []


def test_a_relative_of_someone_who_died_is_never_asked_for_their_signature(desk: Desk) -> None:
    result = desk.mail(
        "Mijn vader is vorige maand overleden. Wilt u zijn account en gegevens verwijderen?",
        From=STRANGER,
    )
    reference = result.reference or ""
    case = desk.case(reference)
    assert {"deceased", "on_behalf"} <= set(case["topics"]) and case["needs_decision"]
    assert desk.drafts(reference) == []  # the officer decides first
    reclassify(desk.database, CLOCK, reference, rights=(Right.ERASURE,), actor="officer")
    desk.drafting.run()
    request = next(d for d in desk.drafts(reference) if d["kind"] == "identification_request")
    body = show_draft(desk.database, CLOCK, request["id"]).body
    assert "overleden" in body
    assert "ondertekende machtiging" not in body and "machtiging" not in body


def test_a_mail_in_another_language_is_a_case_for_the_officer(desk: Desk) -> None:
    result = desk.mail(
        "Hola, quiero saber qué datos personales tienen ustedes sobre mí. Gracias, saludos",
        From=STRANGER,
    )
    case = desk.case(result.reference or "")
    assert case["topics"] == ["other_language"] and case["needs_decision"]
    assert case["due_date"] == "2026-04-07" and case["language"] is None


def test_the_case_view_of_a_flagged_mail_says_what_to_do(desk: Desk) -> None:
    result = desk.mail("Hoe zit het met mijn privacy?", From=STRANGER)
    shown = show_case(desk.database, CLOCK, result.reference or "")
    assert shown.needs_decision and shown.to_do
    digest = today_digest(desk.database, desk.settings, CLOCK)
    assert "Beslis of deze mail een verzoek is" in digest.body
    assert (result.reference or "?") in digest.body


def test_the_command_line_list_marks_what_needs_the_officer(desk: Desk) -> None:
    flagged = desk.mail("Hoe zit het met mijn privacy?", From=STRANGER).reference or ""
    breach = desk.mail("Mijn gegevens staan op internet, is er een datalek?", From=STRANGER)
    table = cases_table(list_cases(desk.database, CLOCK))
    line = next(row for row in table.splitlines() if flagged in row)
    assert "new DECIDE" in line
    line = next(row for row in table.splitlines() if (breach.reference or "") in row)
    assert "new URGENT DECIDE" in line and "+data_breach" in line
