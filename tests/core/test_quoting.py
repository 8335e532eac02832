"""Telling the sender's new text from what they quoted or forwarded (``core/quoting.py``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from mailbot.core.html_text import html_to_text
from mailbot.core.quoting import is_forward_subject, split_body

ASK = "Ik wil graag inzage in mijn gegevens."


# -- ">" prefixes ---------------------------------------------------------------
def test_plain_text_is_all_new() -> None:
    split = split_body(f"{ASK}\n\nMet vriendelijke groet,\nPiet")
    assert split.new_text == f"{ASK}\n\nMet vriendelijke groet,\nPiet"
    assert split.quoted_text == "" and split.forwarded is None


def test_quoted_lines_without_an_attribution_are_set_apart() -> None:
    split = split_body(f"> Wat kunnen wij voor u doen?\n>\n{ASK}\n  > nog een regel")
    assert split.new_text == ASK
    assert split.quoted_text == "> Wat kunnen wij voor u doen?\n>\n  > nog een regel"


def test_an_empty_body() -> None:
    split = split_body("")
    assert (split.new_text, split.quoted_text, split.forwarded) == ("", "", None)


# -- attribution lines, in four languages ---------------------------------------------
@pytest.mark.parametrize(
    "attribution",
    [
        "On Mon, 2 Mar 2026 at 10:15, Privacy <privacy@voorbeeld.example> wrote:",
        "Op ma 2 mrt. 2026 om 10:15 schreef Privacy <privacy@voorbeeld.example>:",
        "Op 2 maart 2026 heeft Privacy <privacy@voorbeeld.example> het volgende geschreven:",
        "Am Mo., 2. März 2026 um 10:15 Uhr schrieb Privacy <privacy@voorbeeld.example>:",
        "Le lun. 2 mars 2026 à 10:15, Privacy <privacy@voorbeeld.example> a écrit :",
        "Privacy <privacy@voorbeeld.example> schreef op 2 maart 2026 10:15:",
        "Privacy <privacy@voorbeeld.example> wrote on 2 March 2026 10:15:",
        "> On Mon, 2 Mar 2026, Privacy wrote:",  # itself quoted, in a reply to a reply
    ],
)
def test_an_attribution_line_starts_the_quote(attribution: str) -> None:
    body = f"{ASK}\n\n{attribution}\n> Wat kunnen wij voor u doen?\n> Groet, Privacy"
    split = split_body(body)
    assert split.new_text == ASK
    assert split.quoted_text.startswith(attribution)
    assert split.quoted_text.endswith("> Groet, Privacy")
    assert split.forwarded is None


def test_answers_typed_between_the_lines_of_the_quote_are_the_senders_own() -> None:
    body = (
        "Mijn antwoorden staan hieronder.\n\n"
        "Op di 3 mrt 2026 om 09:12 schreef Privacy <privacy@voorbeeld.example>:\n"
        "> 1. Welke gegevens zijn onjuist?\n\n"
        "==> Mijn achternaam, die moet Oosterbeek zijn.\n\n"
        "> 2. Wilt u een nieuw certificaat?\n\n"
        "==> Ja graag.\n\n"
        "> Met vriendelijke groet, Privacy"
    )
    split = split_body(body)
    assert split.new_text == (
        "Mijn antwoorden staan hieronder.\n\n"
        "==> Mijn achternaam, die moet Oosterbeek zijn.\n==> Ja graag."
    )
    assert split.quoted_text.endswith("> Met vriendelijke groet, Privacy")


def test_a_quoted_line_wrapped_by_the_mail_client_stays_quote() -> None:
    body = (
        f"{ASK}\n\nOp 3 mrt 2026 schreef Privacy <privacy@voorbeeld.example>:\n"
        "> Was u het niet, antwoord dan\nmet NEE.\n> Groet, Privacy"
    )
    assert split_body(body).new_text == ASK


def test_a_reply_above_the_quote_takes_nothing_from_below_it() -> None:
    body = f"{ASK}\n\nOn Mon, 2 Mar 2026, Privacy wrote:\n> Vraag?\n> Groet\n\nPiet"
    assert split_body(body).new_text == ASK


def test_an_attribution_wrapped_over_two_lines_starts_the_quote() -> None:
    body = (
        f"{ASK}\n\nOn Mon, 2 Mar 2026 at 10:15, Privacy Voorbeeld\n"
        "<privacy@voorbeeld.example> wrote:\n> Vraag?"
    )
    split = split_body(body)
    assert split.new_text == ASK
    assert split.quoted_text.startswith("On Mon, 2 Mar 2026 at 10:15, Privacy Voorbeeld")


def test_a_sentence_with_wrote_in_it_is_not_an_attribution() -> None:
    body = "On Monday I wrote to you about my data.\nPlease answer."
    assert split_body(body).new_text == body


def test_the_first_boundary_wins_and_everything_below_is_quoted() -> None:
    body = (
        f"{ASK}\n"
        "On Tue, 3 Mar 2026, Privacy wrote:\n> Dank u.\n"
        "> On Mon, 2 Mar 2026, Piet wrote:\n>> Eerdere vraag"
    )
    split = split_body(body)
    assert split.new_text == ASK
    assert split.quoted_text.count("wrote:") == 2


def test_separator_lines_above_the_quote_are_dropped() -> None:
    body = f"{ASK}\n\n____________\nOn Mon, 2 Mar 2026, Privacy wrote:\n> Vraag?"
    assert split_body(body).new_text == ASK


# -- "Original Message" separators and Outlook header blocks -------------------------
@pytest.mark.parametrize(
    "separator",
    [
        "-----Original Message-----",
        "----- Oorspronkelijk bericht -----",
        "-----Origineel bericht-----",
        "-----Ursprüngliche Nachricht-----",
        "-----Message d'origine-----",
        "----- Message original -----",
    ],
)
def test_an_original_message_separator_in_a_reply_starts_the_quote(separator: str) -> None:
    body = f"{ASK}\n\n{separator}\nFrom: Privacy\nSubject: Uw verzoek\n\nWat wilt u?"
    split = split_body(body, "RE: Uw verzoek")
    assert split.new_text == ASK
    assert split.quoted_text.startswith(separator)
    assert split.forwarded is None


@pytest.mark.parametrize(
    ("sender", "sent", "subject"),
    [
        ("From", "Sent", "Subject"),
        ("Van", "Verzonden", "Onderwerp"),
        ("Von", "Gesendet", "Betreff"),
        ("De", "Envoyé", "Objet"),
    ],
)
def test_an_outlook_header_block_starts_the_quote(sender: str, sent: str, subject: str) -> None:
    body = (
        f"{ASK}\n\n"
        f"{sender}: Privacy Voorbeeld <privacy@voorbeeld.example>\n"
        f"{sent}: Monday, March 2, 2026 10:15 AM\n"
        f"{subject}: Uw verzoek\n\nWat wilt u?"
    )
    split = split_body(body, "RE: Uw verzoek")
    assert split.new_text == ASK
    assert split.quoted_text.startswith(f"{sender}: Privacy Voorbeeld")
    assert split.forwarded is None


def test_outlooks_bold_header_names_count_too() -> None:
    body = f"{ASK}\n\n*From:* Privacy <privacy@voorbeeld.example>\n*Sent:* 2 March 2026\n\nVraag"
    assert split_body(body).new_text == ASK


def test_a_from_line_without_a_date_or_subject_after_it_is_text() -> None:
    body = "From: my old address, please.\nIk wil dat u het verwijdert.\nTo: the team"
    assert split_body(body).new_text == body


def test_an_empty_from_line_is_no_header_block() -> None:
    body = "From:\nSent: today\nIk wil inzage."
    assert split_body(body).new_text == body


# -- forwards ---------------------------------------------------------------------
FORWARDED_HEADERS = (
    "From: Tom Baker <tom.baker@example.com>\n"
    "Date: Mon, 2 Mar 2026 08:12:00 +0100\n"
    "Subject: Inzage\n"
    "To: info@voorbeeld.example\n"
)


@pytest.mark.parametrize(
    "marker",
    [
        "---------- Forwarded message ---------",
        "---------- Doorgestuurd bericht ---------",
        "---------- Weitergeleitete Nachricht ----------",
        "-------- Message transféré --------",
        "Begin forwarded message:",
        "Begin doorgestuurd bericht:",
        "Anfang der weitergeleiteten Nachricht:",
        "Début du message réexpédié :",
    ],
)
def test_a_forward_gives_the_original_sender_date_subject_and_text(marker: str) -> None:
    body = f"Zie hieronder.\n\n{marker}\n{FORWARDED_HEADERS}\n{ASK}\nTom"
    split = split_body(body, "Fwd: Inzage")
    assert split.new_text == "Zie hieronder."
    assert split.quoted_text == ""
    forwarded = split.forwarded
    assert forwarded is not None
    assert forwarded.sender is not None
    assert (forwarded.sender.name, forwarded.sender.address) == (
        "Tom Baker",
        "tom.baker@example.com",
    )
    assert forwarded.date == datetime(2026, 3, 2, 8, 12, tzinfo=timezone(timedelta(hours=1)))
    assert forwarded.subject == "Inzage"
    assert forwarded.text == f"{ASK}\nTom"


def test_a_french_thunderbird_forward_with_sujet_and_pour() -> None:
    body = (
        "Franstalige cursist, kunnen jullie dit overnemen?\n\n"
        "-------- Message transféré --------\n"
        "Sujet : résultats envoyés à mon employeur\n"
        "Date : Mon, 17 Nov 2026 19:41:02 +0100\n"
        "De : Amélie Roussel <amelie.roussel@freemail.example>\n"
        "Pour : helpdesk@voorbeeld.example\n\n"
        "Je m'oppose à cette transmission."
    )
    forwarded = split_body(body, "TR: résultats envoyés à mon employeur").forwarded
    assert forwarded is not None and forwarded.sender is not None
    assert forwarded.sender.address == "amelie.roussel@freemail.example"
    assert forwarded.subject == "résultats envoyés à mon employeur"
    assert forwarded.text == "Je m'oppose à cette transmission."


def test_a_forward_separator_is_a_forward_whatever_the_subject() -> None:
    body = f"---------- Forwarded message ---------\n{FORWARDED_HEADERS}\n{ASK}"
    forwarded = split_body(body, "vraag").forwarded
    assert forwarded is not None and forwarded.text == ASK


def test_an_outlook_header_block_under_a_forward_subject_is_a_forward() -> None:
    body = (
        "Doorgestuurd ter behandeling.\n\n"
        "Van: Tom Baker [mailto:tom.baker@example.com]\n"
        "Verzonden: maandag 2 maart 2026 08:12\n"
        "Aan: info@voorbeeld.example\n"
        "Onderwerp: Inzage\n\n"
        f"{ASK}"
    )
    split = split_body(body, "FW: Inzage")
    assert split.new_text == "Doorgestuurd ter behandeling."
    forwarded = split.forwarded
    assert forwarded is not None and forwarded.sender is not None
    assert (forwarded.sender.name, forwarded.sender.address) == (
        "Tom Baker",
        "tom.baker@example.com",
    )
    assert forwarded.date == datetime(2026, 3, 2, 8, 12)  # no zone: the organisation's local time
    assert forwarded.subject == "Inzage" and forwarded.text == ASK


def test_an_original_message_separator_under_a_forward_subject_is_a_forward() -> None:
    body = f"-----Original Message-----\n{FORWARDED_HEADERS}\n{ASK}"
    forwarded = split_body(body, "TR: Inzage").forwarded
    assert forwarded is not None and forwarded.subject == "Inzage"


def test_a_forwarded_text_quoted_throughout_is_unquoted_once() -> None:
    quoted = FORWARDED_HEADERS.replace("\n", "\n> ")
    body = f"Begin forwarded message:\n\n> {quoted}\n> {ASK}\n>> older"
    forwarded = split_body(body, "Fwd: Inzage").forwarded
    assert forwarded is not None
    assert forwarded.text == f"{ASK}\n> older"


def test_a_header_value_continued_on_an_indented_line_is_joined() -> None:
    body = (
        "---------- Forwarded message ---------\n"
        "From: Tom Baker <tom.baker@example.com>\n"
        "Subject: Inzage in mijn\n"
        "  gegevens\n\n"
        f"{ASK}"
    )
    forwarded = split_body(body, "Fwd: Inzage").forwarded
    assert forwarded is not None and forwarded.subject == "Inzage in mijn gegevens"


def test_blank_lines_between_the_header_lines_are_skipped() -> None:
    body = (
        "---------- Forwarded message ---------\n"
        "From: Tom Baker <tom.baker@example.com>\n\n"
        "Subject: Inzage\n\n"
        f"{ASK}"
    )
    forwarded = split_body(body, "Fwd: Inzage").forwarded
    assert forwarded is not None and forwarded.subject == "Inzage" and forwarded.text == ASK


def test_a_forward_marker_without_headers_is_quoted_history() -> None:
    body = f"Zie hieronder.\n---------- Forwarded message ---------\n\n{ASK}"
    split = split_body(body, "Fwd: vraag")
    assert split.forwarded is None
    assert split.new_text == "Zie hieronder."
    assert split.quoted_text.endswith(ASK)


def test_a_forwarded_sender_without_an_address_is_none() -> None:
    body = f"Begin forwarded message:\nFrom: Tom Baker\nSubject: Inzage\n\n{ASK}"
    forwarded = split_body(body, "Fwd: Inzage").forwarded
    assert forwarded is not None and forwarded.sender is None and forwarded.date is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mon, 2 Mar 2026 08:12:00 +0000", datetime(2026, 3, 2, 8, 12, tzinfo=UTC)),
        ("maandag 2 maart 2026 08:12", datetime(2026, 3, 2, 8, 12)),
        ("Monday, March 2, 2026 8:12 PM", datetime(2026, 3, 2, 20, 12)),  # Outlook's English
        ("Monday, March 2, 2026 12:05 AM", datetime(2026, 3, 2, 0, 5)),
        ("Mon, 2 Mar 2026 8:12 p.m.", datetime(2026, 3, 2, 20, 12)),
        ("Montag, 2. März 2026 um 08:12", datetime(2026, 3, 2, 8, 12)),
        ("lundi 2 mars 2026 à 08.12", datetime(2026, 3, 2, 8, 12)),
        ("2 mrt. 2026", datetime(2026, 3, 2)),
        ("2 brumaire 2026 08:12", None),  # not a month
        ("31 februari 2026 08:12", None),  # not a day
        ("gisteren", None),
    ],
)
def test_the_forwarded_date_as_clients_print_it(value: str, expected: datetime | None) -> None:
    body = f"Begin forwarded message:\nFrom: t@example.com\nDate: {value}\nSubject: x\n\n{ASK}"
    forwarded = split_body(body, "Fwd: x").forwarded
    assert forwarded is not None and forwarded.date == expected


# -- forward subjects -------------------------------------------------------------
@pytest.mark.parametrize(
    "subject",
    ["Fwd: x", "FW: x", "Fw : x", "WG: x", "TR: x", "Doorst: x", "RV: x", "ENC: x", "VS: x",
     "WTR: x", "[extern] Fwd: x", "  fwd: x"],
)  # fmt: skip
def test_forward_subjects(subject: str) -> None:
    assert is_forward_subject(subject)


@pytest.mark.parametrize("subject", ["Re: x", "AW: x", "Forward this", "x Fwd: y", "", "[Fwd] x"])
def test_subjects_that_are_no_forward(subject: str) -> None:
    assert not is_forward_subject(subject)


# -- HTML mail, once turned into text ---------------------------------------------------
def test_a_quoted_html_reply_is_split_as_its_text() -> None:
    html = (
        "<div>Ja, verwijder alles.</div><div class='gmail_quote'>"
        "<div>On Mon, 2 Mar 2026 at 10:15, Privacy &lt;privacy@voorbeeld.example&gt; wrote:</div>"
        "<blockquote class='gmail_quote'><p>Wilt u dat wij uw account verwijderen?</p>"
        "</blockquote></div>"
    )
    split = split_body(html_to_text(html))
    assert split.new_text == "Ja, verwijder alles."
    assert "> Wilt u dat wij uw account verwijderen?" in split.quoted_text


def test_a_signature_is_the_senders_own_text() -> None:
    """Nothing here strips a signature: it stays in the new text."""
    body = f"{ASK}\n\n-- \nPiet Jansen\nKlantnummer C-1001"
    assert split_body(body).new_text == body
