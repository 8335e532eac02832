"""A service's refusal as a page shows it: in Dutch on a Dutch page, and never naming a
command-line option; the messages are the ones the code raises, made by the code."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from mailbot.core.approval import UNFILLED, ApprovalFacts, approval_problems, extension_problems
from mailbot.core.cases import Status
from mailbot.core.drafting import DraftKind, DraftStatus
from mailbot.core.execution import ExecutionFacts, execution_problems
from mailbot.errors import MailbotError, NotAllowed
from mailbot.service import approval
from mailbot.service.cases import not_purged, nothing_in_flight, reclassify, verify
from mailbot.service.clock import Clock
from mailbot.storage.database import Database
from mailbot.storage.models import CaseRecord, OutboxRecord, utcnow
from mailbot.storage.store import CaseStore
from mailbot.web.refusals import on_page
from tests.support.drafts import stored_draft

# English words a Dutch page must not show, and what the command line says but a page may not.
ENGLISH = re.compile(
    r"\b(the|and|with|for|your|you|not|draft|pending|granted|awaiting|request|reply|approved"
    r"|rejected|review|waiting|sent|case|identity|give|choose|cannot|already|still)\b"
)
COMMAND_LINE = re.compile(r"--[a-z]|\bmailbot [a-z]")
CLOCK = Clock(ZoneInfo("Europe/Amsterdam"), date(2026, 3, 10))


def core_refusals() -> list[str]:
    """What approving or extending can be refused with (``core.approval``), made by the core."""
    facts = ApprovalFacts(DraftKind.REPLY, DraftStatus.PENDING, Status.READY_FOR_REVIEW,
                          "AVG-2026-0007")  # fmt: skip
    variants = [
        ApprovalFacts(DraftKind.REPLY, status, Status.READY_FOR_REVIEW, "AVG-2026-0007")
        for status in (DraftStatus.APPROVED, DraftStatus.SENT, DraftStatus.REJECTED)
    ] + [
        ApprovalFacts(DraftKind.REPLY, DraftStatus.PENDING, status, "AVG-2026-0007",
                      open_actions=("Wis in klanten", "Vertel Hosting"))
        for status in (Status.AWAITING_IDENTITY, Status.AWAITING_CONFIRMATION, Status.NEW)
    ] + [
        ApprovalFacts(DraftKind.REPLY, DraftStatus.PENDING, Status.CLOSED, "AVG-2026-0007"),
        ApprovalFacts(DraftKind.RECIPIENT_NOTICE, DraftStatus.PENDING, Status.READY_FOR_REVIEW,
                      "AVG-2026-0007", recipient="privacy@elders.example", contact=None),
        ApprovalFacts(DraftKind.EXTENSION, DraftStatus.PENDING, Status.NEW, "AVG-2026-0007",
                      recipient_allowed=False, recipient="x@elders.example",
                      today=date(2026, 3, 10), first_month_ends=date(2026, 3, 1),
                      body=f"Beste, {UNFILLED}purpose]"),
    ]  # fmt: skip
    found = [str(NotAllowed("draft 12 cannot be approved", approval_problems(f))) for f in variants]
    assert approval_problems(facts) == []
    for status, ends, extended in (
        (Status.CLOSED, date(2026, 4, 1), False),
        (Status.NEW, None, False),
        (Status.NEW, date(2026, 4, 1), True),
        (Status.NEW, date(2026, 3, 1), False),
    ):
        problems = extension_problems(status, date(2026, 3, 10), ends, extended)
        found.append(str(NotAllowed("case AVG-2026-0007 cannot be extended", problems)))
    return found


def execution_refusals() -> list[str]:
    """Why a plan cannot be carried out (``core.execution``), as ``service.execution`` raises
    it, for a case that may not run in each way the core knows, and a plan seen before."""
    reply = ApprovalFacts(DraftKind.REPLY, DraftStatus.PENDING, Status.READY_FOR_REVIEW,
                          "AVG-2026-0007")  # fmt: skip
    variants = [
        ExecutionFacts("AVG-2026-0007", Status.READY_FOR_REVIEW, "spoofed", False, reply),
        ExecutionFacts("AVG-2026-0007", Status.READY_FOR_REVIEW, "unknown", True, reply),
        ExecutionFacts("AVG-2026-0007", Status.AWAITING_CONFIRMATION, "known", False, None),
        ExecutionFacts("AVG-2026-0007", Status.CLOSED, "known", False, reply),
        ExecutionFacts("AVG-2026-0007", Status.READY_FOR_REVIEW, "known", False, reply,
                       missing_values=["naam"], unknown_values=["adres"]),
    ]  # fmt: skip
    what = "case AVG-2026-0007: the plan cannot be carried out"
    found = [str(NotAllowed(what, execution_problems(facts))) for facts in variants]
    return [
        *found,
        str(NotAllowed(what, ["the plan changed since you saw it: look again"])),
        "case AVG-2026-0007 is in mailbox sales",
    ]


def refused(work: Callable[[], object]) -> str:
    """The refusal ``work`` raises."""
    with pytest.raises((MailbotError, ValueError)) as caught:
        work()
    return str(caught.value)


def service_refusals(database: Database) -> list[str]:
    """Refusals the services raise, made by the services on a stored case and draft."""
    draft = stored_draft(database)
    with database.session() as session:
        case = CaseStore(session).case("AVG-2026-1")
        case.needs_decision = True
        session.commit()
    found = [
        refused(lambda: approval.reject(database, CLOCK, draft, "rudi", " ")),
        refused(lambda: approval.edit(database, CLOCK, draft, "rudi", " ")),
        refused(lambda: approval.edit(database, CLOCK, draft, "rudi", "x", subject="a\nb")),
        refused(lambda: approval.edit(database, CLOCK, draft, "rudi", "x", subject=" ")),
        refused(lambda: reclassify(database, CLOCK, "AVG-2026-1", rights=(), actor="rudi")),
        refused(lambda: verify(database, CLOCK, "AVG-2026-1", method="x", actor="r", send_to="x")),
    ]
    approval.reject(database, CLOCK, draft, "rudi", "niet nodig")
    found.append(refused(lambda: approval.reject(database, CLOCK, draft, "rudi", "nog eens")))
    found.append(refused(lambda: approval.edit(database, CLOCK, draft, "rudi", "nieuw")))
    with database.session() as session:
        CaseStore(session).case("AVG-2026-1").status = Status.CLOSED.value
        session.commit()
    found.append(refused(lambda: verify(database, CLOCK, "AVG-2026-1", method="x", actor="r")))
    now = utcnow()
    purged = CaseRecord(
        reference="AVG-2026-2", mailbox="default", status="closed", received_at=now,
        classified_at=now, created_at=now, updated_at=now, purged_at=now,
    )  # fmt: skip
    found.append(refused(lambda: not_purged(purged, "case AVG-2026-2 cannot be reopened")))
    with database.session() as session:
        store = CaseStore(session)
        store.draft(draft).status = DraftStatus.APPROVED.value
        session.add(OutboxRecord(
            draft_id=draft, kind="draft", message_id="<1@voorbeeld.example>", sender="p@v.example",
            recipient="a@example.net", content=b"...", state="queued", next_attempt_at=now,
            created_at=now,
        ))  # fmt: skip
        session.flush()
        case = store.case("AVG-2026-1")
        found.append(
            refused(lambda: nothing_in_flight(store, case, "case AVG-2026-1 cannot be verified"))
        )
        session.rollback()
    return found


# What the page's forms raise themselves (``web.cases``), and the casework's literal reasons.
FORMS = [
    "say how the person was verified", "choose how the person was verified", "choose a ground",
    "choose an outcome", "choose what the person says", "give a reason for reopening",
    "case AVG-2026-0007 cannot be closed: it is already closed",
    "case AVG-2026-0007 cannot be closed: a refusal needs its ground (--ground)",
    "case AVG-2026-0007: the answer cannot be recorded: give a note",
    "case AVG-2026-0007: no answer is awaited: it is ready_for_review",
    "case AVG-2026-0007 cannot be reopened: it is new",
    "case AVG-2026-0007 cannot be extended: give the reasons",
    "case AVG-2026-0007 cannot be extended: already extended",
    "case AVG-2026-0007 cannot be refused: it is closed",
    "draft 12 cannot be rejected: it is being sent now",
    "case AVG-2026-0007 has no action 3",
]  # fmt: skip


@pytest.fixture
def refusals(sqlite_database: Database) -> list[str]:
    return core_refusals() + execution_refusals() + service_refusals(sqlite_database) + FORMS


def test_a_dutch_page_shows_every_refusal_in_dutch(refusals: list[str]) -> None:
    marker = UNFILLED.strip()  # the words a draft shows where a text is missing: quoted
    untranslated = {
        message: shown
        for message in refusals
        if ENGLISH.search((shown := on_page(message, "nl")).replace(marker, ""))
        or COMMAND_LINE.search(shown)
    }
    assert untranslated == {}
    assert len(refusals) > 30


def test_an_english_page_names_what_to_click_not_the_command_line(refusals: list[str]) -> None:
    shown = {message: on_page(message, "en") for message in refusals}
    assert {m: s for m, s in shown.items() if COMMAND_LINE.search(s)} == {}
    assert all(re.search(r"\b[a-z]+_[a-z]+\b", s) is None for s in shown.values()), shown


def test_the_words_kept_and_the_ones_translated() -> None:
    message = (
        "draft 12 cannot be approved: case AVG-2026-0007 is awaiting_identity; verify the "
        "person first (mailbot cases verify); 2 action(s) are still open: Wis in klanten; "
        "Vertel Hosting (record each with: mailbot cases done AVG-2026-0007 ID)"
    )
    assert on_page(message, "nl") == (
        "concept 12 kan niet worden goedgekeurd: zaak AVG-2026-0007 wacht op identificatie; "
        "verifieer eerst de persoon (“Als geverifieerd markeren”); 2 actie(s) staan nog open: "
        "Wis in klanten; Vertel Hosting (markeer elk als gedaan onder “Acties in de "
        "gegevensbronnen”)"
    )
    assert on_page(message, "en") == (
        "draft 12 cannot be approved: case AVG-2026-0007 is awaiting identity; verify the "
        "person first (“Mark as verified”); 2 action(s) are still open: Wis in klanten; "
        "Vertel Hosting (mark each as done under “Actions in the data sources”)"
    )
    # what no rule knows stays as it is; a rewritten part is not rewritten again
    assert on_page("the moon is made of cheese", "nl") == "the moon is made of cheese"
    assert on_page("draft 3 cannot be edited: it is sent", "nl") == (
        "concept 3 kan niet worden bewerkt: de status is ‘verzonden’"
    )


def test_a_plan_that_may_not_run_says_why_in_dutch() -> None:
    message = execution_refusals()[0]
    assert on_page(message, "nl") == (
        "zaak AVG-2026-0007: het plan kan niet worden uitgevoerd: de afzender van het verzoek "
        "was vervalst: er wordt niets uitgevoerd"
    )
    assert "(“Mark as verified”)" in on_page(execution_refusals()[1], "en")


def test_a_refusal_echoing_a_long_value_is_shown_as_it_is() -> None:
    """What a form echoes back is not rewritten at any length (no pattern scans it)."""
    echoed = "--send-to: \"'" + "1" * 40_000 + '" is not an e-mail address'
    assert on_page(echoed, "nl") == echoed
