"""Recall first, in the core: what is clearly no request, what else a mail is (its topics),
and the request that is only in an attached letter."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mailbot.core.analysis import analyse
from mailbot.core.classification import classify
from mailbot.core.classification.topics import Topic, advice
from mailbot.core.mail import DocumentText
from mailbot.core.parsing import Limits
from mailbot.core.rights import Right
from mailbot.documents import read_documents

RECALL_SET = Path(__file__).parents[1] / "fixtures" / "mails" / "recall"


@pytest.mark.parametrize(
    ("text", "rights"),
    [
        # the three a new user tried (issue 21)
        (
            "Ik wil niet dat mijn gegevens nog langer door jullie verwerkt worden. "
            "Stop daar per direct mee.",
            {Right.OBJECTION},
        ),
        (
            "Waarom hebben jullie mijn gegevens? Hoe komen jullie aan mijn e-mailadres?",
            {Right.ACCESS},
        ),
        ("Stuur mijn gegevens per post", {Right.ACCESS}),
        ("Why do you have my data? How did you get my e-mail address?", {Right.ACCESS}),
        ("Woher haben Sie meine Telefonnummer?", {Right.ACCESS}),
        ("Pourquoi avez-vous mes données ?", {Right.ACCESS}),
    ],
)
def test_unanticipated_wording_is_found(text: str, rights: set[Right]) -> None:
    assert set(classify("", text).rights) == rights


@pytest.mark.parametrize(
    "text",
    [
        "Hoe zit het met mijn privacy bij jullie?",
        "I am not happy with how you use my personal information.",
        "Was passiert eigentlich mit meinen Daten?",
        "Zie bijlage.",  # the letter was forgotten, or cannot be read
        "Ik heb al een maand geen antwoord op mijn verzoek.",  # a lost request
    ],
)
def test_what_may_be_a_request_waits_for_the_officer(text: str) -> None:
    found = classify("", text)
    assert found.needs_decision and found.is_request
    assert found.confidence <= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "Wanneer begint de volgende cursus Excel?",
        "Congratulations, you have won a prize! Send a copy of your passport to claim it.",
        "Ihr Konto wurde gesperrt. Bestätigen Sie bitte innerhalb von 24 Stunden Ihre Daten.",
        "Herinnering: factuur 2026-113 staat nog open.",  # a payment reminder
        "Bedankt dat jullie mijn verzoek zo snel hebben afgehandeld!",
        "You're invited to our privacy officers' meetup on 11 June.",
    ],
)
def test_what_is_clearly_no_request_stays_that(text: str) -> None:
    found = classify("", text)
    assert not found.is_request, found.evidence


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Ik trek mijn toestemming voor de foto's in.", Topic.CONSENT_WITHDRAWAL),
        ("I withdraw my consent to the newsletter.", Topic.CONSENT_WITHDRAWAL),
        ("Hiermit widerrufe ich meine Einwilligung.", Topic.CONSENT_WITHDRAWAL),
        ("Je retire mon consentement.", Topic.CONSENT_WITHDRAWAL),
        ("Mijn gegevens staan op internet, is er een datalek?", Topic.DATA_BREACH),
        ("I received someone else's timetable.", Topic.DATA_BREACH),
        ("Ich habe den Stundenplan eines anderen Schülers bekommen.", Topic.DATA_BREACH),
        ("J'ai reçu l'emploi du temps d'un autre élève.", Topic.DATA_BREACH),
        ("Uw antwoord op mijn verzoek is onvolledig.", Topic.COMPLAINT),
        ("Ich habe auf meine Anfrage keine Antwort bekommen.", Topic.COMPLAINT),
        (
            "Wij hebben een klacht ontvangen over uw organisatie. Ons kenmerk: z2026-1. "
            "Autoriteit Persoonsgegevens",
            Topic.SUPERVISORY_AUTHORITY,
        ),
        ("I write on behalf of my son, who is 12.", Topic.ON_BEHALF),
        ("Ma mère est décédée le mois dernier.", Topic.DECEASED),
        ("Namens onze school: verwijder de gegevens van onze leerlingen.", Topic.SCHOOL),
    ],
)
def test_topics_in_four_languages(text: str, topic: Topic) -> None:
    found = classify("", text)
    assert topic in found.topics
    assert any(item.cue == f"topic:{topic}" for item in found.evidence)


def test_a_threat_to_go_to_the_authority_is_no_letter_from_it() -> None:
    found = classify("", "Als ik geen antwoord krijg op mijn verzoek, ga ik naar de Autoriteit "
                     "Persoonsgegevens.")  # fmt: skip
    assert Topic.SUPERVISORY_AUTHORITY not in found.topics and Topic.COMPLAINT in found.topics


def test_a_breach_and_an_authority_are_urgent_and_need_a_decision() -> None:
    breach = classify("", "Ik kreeg het rooster van een andere leerling in mijn mail.")
    assert breach.urgent and breach.needs_decision
    letter = classify(
        "Klacht", "Wij hebben een klacht ontvangen over inzage. Ons kenmerk z1. Autoriteit "
        "Persoonsgegevens", sender_domain="autoriteitpersoonsgegevens.nl",
    )  # fmt: skip
    assert letter.urgent and letter.needs_decision and letter.rights == ()


def test_another_language_is_told_and_never_answered_in_a_wrong_one() -> None:
    found = classify("", "Dzień dobry, proszę o usunięcie moich danych osobowych. Z poważaniem")
    assert Topic.OTHER_LANGUAGE in found.topics and found.language is None
    assert "written_in:pl" in found.signals


def test_a_request_only_in_the_attached_letter_is_read_there() -> None:
    letter = DocumentText("brief.pdf", "Hierbij verzoek ik om inzage in mijn persoonsgegevens.")
    found = classify("Verzoek", "Zie bijlage.", documents=[letter])
    assert found.rights == (Right.ACCESS,) and not found.needs_decision
    assert any(item.where == "attachment:brief.pdf" for item in found.evidence)


@pytest.mark.parametrize("problem", ["no_text", "encrypted", "unreadable", "too_large"])
def test_an_unreadable_attachment_is_flagged_not_guessed(problem: str) -> None:
    found = classify("Verzoek", "Zie bijlage.", documents=[DocumentText("scan.pdf", "", problem)])
    assert found.needs_decision and found.rights == ()
    assert "attachment_without_text" in found.signals
    assert any(item.note == problem for item in found.evidence)


def test_a_holiday_photo_beside_a_long_mail_is_no_unread_letter() -> None:
    text = "Wanneer begint de volgende cursus? " * 10
    photo = DocumentText("vakantie.jpg", "", "image")
    assert not classify("cursus", text, documents=[photo]).needs_decision
    assert classify("", "", documents=[photo]).needs_decision


def test_advice_names_the_decision_first_then_each_topic() -> None:
    lines = advice(["data_breach", "unknown"], needs_decision=True)
    assert lines[0].startswith("Decide") and "72 hours" in lines[1] and len(lines) == 2


def test_every_request_of_the_development_set_gets_a_clock() -> None:
    """The set mailbot's rules were tuned on (tests/fixtures/mails/recall): no request without
    a clock, machine mail never a case, at most one non-request in five flagged."""
    with (RECALL_SET / "labels.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    outcome: dict[str, list[bool]] = {"request": [], "not-a-request": [], "machine": []}
    for row in rows:
        read = analyse((RECALL_SET / row["file"]).read_bytes(), Limits(), {"privacy@omix.example"},
                       read_documents)  # fmt: skip
        case = read.classification is not None and read.classification.is_request
        outcome[row["kind"]].append(case)
    assert all(outcome["request"]) and len(outcome["request"]) >= 50
    assert not any(outcome["machine"])
    assert sum(outcome["not-a-request"]) <= len(outcome["not-a-request"]) / 5
