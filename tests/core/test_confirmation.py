from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailbot.config import settings_from_dict
from mailbot.core.confirmation import Answer, Reading, read_answer
from mailbot.core.drafting import DraftKind
from mailbot.core.quoting import split_body
from mailbot.letters.context import DraftFacts, context
from mailbot.letters.render import Renderer
from tests.support.configs import base_config

DENIALS = [
    # nl
    "Nee, dit verzoek heb ik niet gestuurd!",
    "dat was ik niet",
    "Ik heb niks gestuurd",
    "ik heb hier niet om gevraagd",
    "niet door mij verstuurd",
    "dat was ik nie",
    "DAT WAS IK NIET!!!",
    "Ja, dit was ik niet",
    "Ik was het niet",
    "Dat ben ik niet!",
    "Ik heb NOOIT een verzoek ingediend",
    "Dit verzoek komt niet van mij.",
    "Ja, ik bevestig dat ik dit verzoek niet heb gedaan",
    "Dat klopt niet",
    "Ik weet hier niks van",
    "Ik wil dit niet",
    "Dit is fraude",
    "Dat heeft iemand anders gestuurd",
    "nee",
    "Neen.",
    "NEE 😡",
    "Beste mevrouw, nee.",
    "Hallo,\n\nnee hoor.\n\nGroet, Piet",
    "Nee\n\nMet vriendelijke groet,\nJan de Vries\nKlantnummer 12345",
    # en
    "I did not send this",
    "I didn't send that",
    "I didn’t send that",
    "I didn´t send that",
    "didnt send it",
    "this wasn't me",
    "wasnt me",
    "not me",
    "Not me!!",
    "no",
    "Nope.",
    "Dear Sir, no.",
    "No, I never asked for this",
    "Never sent anything like that",
    "I confirm this was not me",
    "Yes it was not me",
    "I don't want this",
    "This is phishing",
    "Someone else sent this",
    "It wasn't sent by me",
    "This request did not come from me",
    "Absolutely not",
    "No\n\nKind regards,\nJohn Smith\nSent from my iPhone",
    # de
    "das war ich nicht",
    "Ich habe das nicht geschickt",
    "nein, habe ich nicht",
    "hab ich nicht geschickt",
    "Hab ich nie beantragt",
    "ich hab nichts geschickt",
    "Das bin ich nicht",
    "Das stimmt nicht",
    "Ich will das nicht",
    "Das war jemand anders",
    "Ich bestätige, dass ich das nicht geschickt habe",
    "Nein.",
    "Nö",
    # fr
    "ce n'était pas moi",
    "ce n'est pas moi",
    "c'etait pas moi",
    "c est pas moi",
    "pas moi",
    "je n'ai rien envoyé",
    "j'ai rien envoye",
    "non, je n'ai pas fait cette demande",
    "Je n'ai jamais demandé ça",
    "Je n'ai fait aucune demande",
    "Je ne veux pas",
    "C'est une arnaque",
    "Non merci",
    # someone else in the person's name: a denial, whatever the "yes" before it
    "Yes I got your mail. Please disregard it, someone is pretending to be me.",
    "Iemand doet zich voor als mij.",
    "Ja, iemand geeft zich uit als mij",
    "Jemand gibt sich als mich aus",
    "Quelqu'un se fait passer pour moi",
]
YESES = [
    # nl
    "Ja",
    "JA!!",
    "Ja, ik bevestig mijn verzoek",
    "ja dat klopt",
    "Klopt, ga uw gang",
    "akkoord",
    "bevestigd",
    "Ja, dat was ik",
    "Klopt, dat was ik",
    "Ja, verwijder alles",
    "Geen probleem, ik bevestig het.",
    "Ja, graag zo snel mogelijk",
    "Ja 👍\n\nMet vriendelijke groet,\nJan",
    "Goedemiddag,\n\nJa, ik bevestig.\n\nGroet, Piet",
    # en
    "Yes",
    "Yes, I confirm",
    "I confirm my request",
    "correct, please go ahead",
    "Correct.",
    "Yes, that was me",
    "No problem, I confirm",
    "Yes, I confirm. Let me know if you need anything else.",
    # de
    "Ja, ich bestätige",
    "ja, das war ich",
    "Genau, das war ich.",
    "Ich bestätige hiermit meine Anfrage",
    # fr
    "Oui",
    "Oui, je confirme",
    "je confirme ma demande",
    "c'est bien moi",
    "d'accord",
    "Oui, c'était moi",
    "Oui, c'est bien moi qui ai fait la demande.",
    "Oui, pas de souci",
    # the reply each template suggests, in a greeting and a signature as people write them
    "Beste heer,\n\nJa, ik bevestig.\n\nMet vriendelijke groet,\nTom Baker\n06-12345678",
    "Hello,\n\nYes, I confirm.\n\nThanks,\nTom",
    "Ja, dat was ik.\n\nGroeten, Sanne",
    "Oui, je confirme.\nCordialement,\nNicolas Girard",
    "Ja, ich bestätige.\n\nMit freundlichen Grüßen\nMichael Weber",
    "Klopt.",
    'Geachte heer, mevrouw,\n\n"Ja, ik bevestig"\n\nMvg,\nJ. de Vries',
    "Dear Sir or Madam,\n\nYes, that was me.\n\nKind regards,\nJohn Smith\nAcme Ltd",
    "Sehr geehrte Damen und Herren,\nja, das war ich.\nViele Grüße\nAnna Schmidt",
    "Bonjour Madame, oui, c'était moi. Bien à vous, Marie Dupont",
    "« Oui, je confirme »",
    "Yes\n\nSent from my iPhone",
    "Ja, ik bevestig.\n-- \nTom Baker\nwww.example.nl",
    "Hallo,\n\nJa, dat ben ik.\n\nMet vriendelijke groet,\n\nK. Jansen\nJansen B.V.\n"
    "Tel. 06-12345678\nk.jansen@example.nl",
]
# Each of these said yes under the old rule (a yes word and no blocker) and is no clear yes.
NOT_A_CLEAR_YES = [
    ("Yes, this is a mistake, please stop.", Answer.UNCLEAR),
    ("Ja, dit is een vergissing.", Answer.UNCLEAR),
    # "hacked" or "misused" does not say whether this request came from the intruder (that
    # would be a no) or is the person's answer to it (an erasure because of it): unclear.
    ("Ja, mijn account is gehackt.", Answer.UNCLEAR),
    ("Ja, iemand heeft mijn gegevens misbruikt.", Answer.UNCLEAR),
    ("Ja, das ist ein Irrtum.", Answer.UNCLEAR),
    ("Ja, bitte stoppen Sie das.", Answer.UNCLEAR),
    ("Oui, c'est une erreur.", Answer.UNCLEAR),
    # someone close to the person sent it, perhaps for them: the officer asks
    ("Yes, that was my ex-husband, he has my password", Answer.UNCLEAR),
    ("Yes, my son sent it, please ignore", Answer.UNCLEAR),
    ("Yes, keep my data", Answer.UNCLEAR),
    ("Ja, bewaar alles", Answer.UNCLEAR),
    ("Ja hoor, alsof ik dat zou doen.", Answer.UNCLEAR),  # sarcasm
    ("Já jsem to neposlal", Answer.UNCLEAR),  # Czech: "I did not send it"
    ("Ja, men det var ikke meg", Answer.UNCLEAR),  # Norwegian: "yes, but it wasn't me"
    ("Stop\n\nYes Consultancy BV", Answer.UNCLEAR),  # a signature with "Yes" in it
    (
        "Bedankt. Klopt, ik had jullie vorige maand ook al gemaild over mijn abonnement.",
        Answer.UNCLEAR,
    ),  # an answer to an acknowledgement, not to our question
    ("Ja graag, schrijf mij uit van deze nieuwsbrief.", Answer.UNCLEAR),
    ("Yes I received your email", Answer.UNCLEAR),
    ("Yes I got your mail. Please disregard it, someone is pretending to be me.", Answer.NO),
    # more of the same kind
    ("Hallo, ja hoor", Answer.UNCLEAR),  # a yes under the old rule; "ja hoor" is often irony
    ("Ja ja", Answer.UNCLEAR),
    ("Yeah right", Answer.UNCLEAR),
    ("Ja 👎", Answer.UNCLEAR),
    ("Ja, dat was mijn zoon", Answer.UNCLEAR),
    ("Oui, c'était mon mari", Answer.UNCLEAR),
    ("Ja, das war mein Sohn", Answer.UNCLEAR),
    ("Yes, on behalf of my client", Answer.UNCLEAR),
    ("Ja, ik bevestig dat ik mijn abonnement wil opzeggen", Answer.UNCLEAR),
    ("Ja, ik heb uw mail ontvangen", Answer.UNCLEAR),
    ("Go ahead", Answer.UNCLEAR),  # a go-ahead is no yes on its own
    ("Hallo dit is fout, ja", Answer.UNCLEAR),  # no greeting: "dit is fout" is no name
    # a signature only follows a closing or a "-- " line: a name alone is a sentence too
    ("Ja, ik bevestig\nTom Baker", Answer.UNCLEAR),
    # what follows a closing must look like a signature
    ("Hello,\nYes, I confirm.\nThanks,\nTom\nIt was my son", Answer.UNCLEAR),
    ("Ja\n\nGroeten,\nik wil het niet meer", Answer.UNCLEAR),
    ("Yes\nRegards\nOther Person", Answer.UNCLEAR),
    (
        "Ja\n\nMet vriendelijke groet,\nJan\nInkoop\nVoorbeeld BV\nPostbus 12\nAmsterdam",
        Answer.UNCLEAR,
    ),
    # a long message is for the officer to read, however it starts
    ("Ja, ik bevestig. Het gaat om mijn account bij jullie webshop.", Answer.UNCLEAR),
]
# Nothing of the person's own: the answer is unclear and there is no phrase to show.
NOTHING_OF_THEIR_OWN = [
    "",
    "   \n ",
    "> Heeft u dit verzoek niet gestuurd? Laat het ons dan weten",
    "Op 3 dec. 2026 schreef Privacy <privacy@x.nl>:\n> Ja, ik bevestig",
]
UNCLEAR = [
    "👍",
    "Ok",
    "Thanks",
    "Bedankt voor uw bericht",
    # a question, "who is this?", "what request?"
    "Wie bent u?",
    "Ja? Wat is dit?",
    "What request?",
    "who is this",
    "What do you want from me?",
    "Welche Anfrage?",
    "Quelle demande ?",
    # a question without its question mark; a word that starts another kind of sentence
    "Klopt het dat jullie mijn gegevens hebben",
    "Stimmt es, dass Sie meine Daten haben",
    "Correct my address please",
    "Confirmed by whom",
    "Confirme moi que c'est vous",
    # doubt
    "Misschien",
    "maybe",
    "I'm not sure",
    "Ich weiß nicht",
    "Je ne sais pas",
    # a yes with a withdrawal or a "but": not a denial, and not a yes either
    "ja, maar ik wil het niet meer",
    "Yes, but I want to withdraw it",
    "Ja, aber ich ziehe die Anfrage zurück",
    "Ja, ich will das nicht mehr",
    "Oui, mais je veux annuler",
    "Oui, je ne veux plus recevoir vos mails",
    "Yes. Never send me mail again.",
    # disagreement is not "that was not me"
    "Ik ben het er niet mee eens",
    # colloquial: "nee hoor" with a go-ahead may mean yes; a "no problem" alone confirms nothing
    "Nee hoor, ga maar door",
    "No problem, go ahead",
]
REQUEST_NL = (
    "Op 3 dec. 2026 om 10:12 schreef Privacy <privacy@x.nl>:\n"
    '> Antwoord op deze e-mail met "Ja, ik bevestig".\n'
    "> Heeft u dit verzoek niet gestuurd? Laat het ons dan weten.\n"
)
REQUEST_EN = (
    "On Thu, 3 Dec 2026 at 10:12, Privacy <privacy@x.nl> wrote:\n"
    '> Please reply "Yes, I confirm".\n'
    "> If you did not send it, tell us.\n"
)
REQUEST_OUTLOOK = (
    "________________________________\n"
    "Van: Privacy <privacy@x.nl>\n"
    "Verzonden: donderdag 3 december 2026 10:12\n"
    "Aan: Jan <jan@example.com>\n"
    "Onderwerp: [AVG-2026-0007] Bevestigt u uw verzoek?\n\n"
    "Heeft u dit verzoek niet gestuurd? Laat het ons dan weten.\n"
)


def squeezed(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("text", DENIALS)
def test_a_denial_is_no(text: str) -> None:
    assert read_answer(text) == Reading(Answer.NO, squeezed(text))


@pytest.mark.parametrize("text", YESES)
def test_a_clear_yes_is_yes(text: str) -> None:
    assert read_answer(text) == Reading(Answer.YES, squeezed(text))


@pytest.mark.parametrize("text", UNCLEAR)
def test_anything_else_is_unclear(text: str) -> None:
    assert read_answer(text) == Reading(Answer.UNCLEAR, squeezed(text))


@pytest.mark.parametrize(("text", "answer"), NOT_A_CLEAR_YES)
def test_a_yes_word_with_more_to_it_is_no_yes(text: str, answer: Answer) -> None:
    assert read_answer(text) == Reading(answer, squeezed(text))


@pytest.mark.parametrize("text", NOTHING_OF_THEIR_OWN)
def test_nothing_of_their_own_is_unclear_with_no_phrase(text: str) -> None:
    assert read_answer(text) == Reading(Answer.UNCLEAR, "")


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Nee, dit verzoek heb ik niet gestuurd!", "Nee, dit verzoek heb ik niet gestuurd!"),
        (
            "Goedemiddag,\n\nDit verzoek komt niet\nvan mij.\n\nGroet",
            "Goedemiddag, Dit verzoek komt niet van mij. Groet",
        ),
        (
            "Ja, ik bevestig.\n\nMet vriendelijke groet,\nJan",
            "Ja, ik bevestig. Met vriendelijke groet, Jan",
        ),
        ("Hallo. Nee.\nJan", "Hallo. Nee. Jan"),
        ("Ja, dit is een vergissing.\n\n> Bevestigt u uw verzoek?", "Ja, dit is een vergissing."),
    ],
)
def test_the_phrase_is_all_the_person_wrote(text: str, phrase: str) -> None:
    # The officer sees everything of the person's own, not only the words the answer was read
    # from: "Ja" with "someone else has my password" below it must not look like a plain "Ja".
    assert read_answer(text).phrase == phrase


def test_the_phrase_of_a_long_reply_is_its_start() -> None:
    text = "Ja, ik bevestig.\n" + "Verder nog dit over mijn account. " * 30
    reading = read_answer(text)
    assert reading.answer is Answer.UNCLEAR
    assert reading.phrase.startswith("Ja, ik bevestig. Verder nog dit")
    assert reading.phrase.endswith(" …") and len(reading.phrase) <= 302
    assert reading.phrase[:-2] in squeezed(text)


@pytest.mark.parametrize("quote", [REQUEST_NL, REQUEST_EN, REQUEST_OUTLOOK])
def test_the_quoted_request_counts_for_nothing(quote: str) -> None:
    # Our request says "did you not send it? tell us": quoted, it makes no "Ja" a no...
    assert read_answer(f"Ja\n\n{quote}").answer is Answer.YES
    assert read_answer(f"Yes, I confirm.\n\n{quote}").answer is Answer.YES
    # ...and its "Ja, ik bevestig" makes no empty reply a yes.
    assert read_answer(quote).answer is Answer.UNCLEAR
    assert read_answer(f"\n\n{quote}").answer is Answer.UNCLEAR
    assert read_answer(f"Nee, dat was ik niet.\n\n{quote}").answer is Answer.NO


def test_a_long_reply_is_for_the_officer_to_read() -> None:
    assert read_answer("Ja, ik bevestig.\n" + "Verder nog dit. " * 1000).answer is Answer.UNCLEAR
    signature = "\n\nMet vriendelijke groet,\nJan"
    assert read_answer("Ja, ik bevestig. Graag zo snel mogelijk." + signature).answer is Answer.YES
    many = "Ja, ik bevestig. Graag zo snel mogelijk, dank u wel. Alvast hartelijk bedankt."
    assert read_answer(many + signature).answer is Answer.UNCLEAR  # more than 12 words


def test_a_question_inside_the_quote_does_not_spoil_a_yes_above_it() -> None:
    text = (
        "Ja\n\nOp 3 dec. 2026 schreef Privacy <privacy@x.nl>:\n"
        "> Heeft u dit verzoek niet gestuurd? ..."
    )
    reading = read_answer(text)
    assert (reading.answer, reading.phrase) == (Answer.YES, "Ja")


# The reply each template suggests, per kind and language: yes, then no.
SUGGESTED = {
    DraftKind.CONFIRMATION_REQUEST: {
        "nl": ("Ja, ik bevestig", "Nee, dat was ik niet"),
        "en": ("Yes, I confirm", "No, that was not me"),
        "de": ("Ja, ich bestätige", "Nein, das war ich nicht"),
        "fr": ("Oui, je confirme", "Non, ce n'était pas moi"),
    },
    DraftKind.SENDER_CHECK: {
        "nl": ("Ja, dat was ik", "Nee, dat was ik niet"),
        "en": ("Yes, that was me", "No, that was not me"),
        "de": ("Ja, das war ich", "Nein, das war ich nicht"),
        "fr": ("Oui, c'était moi", "Non, ce n'était pas moi"),
    },
}
ASKING = [(kind, language) for kind, languages in SUGGESTED.items() for language in languages]


def rendered_body(tmp_path: Path, kind: DraftKind, language: str, name: str = "") -> str:
    config = settings_from_dict(base_config(tmp_path), tmp_path / "mailbot.toml", environ={})
    facts = DraftFacts(
        reference="AVG-2026-0007",
        received=date(2026, 12, 3),
        due=date(2027, 1, 4),
        rights=["erasure", "objection"],
        person_name=name,
    )
    rendered = Renderer().render(kind, language, context(config, language, facts))
    assert rendered.language == language
    return rendered.body


@pytest.mark.parametrize(("kind", "language"), ASKING)
def test_the_reply_each_template_suggests_reads_as_meant(
    tmp_path: Path, kind: DraftKind, language: str
) -> None:
    body = rendered_body(tmp_path, kind, language)
    yes, no = SUGGESTED[kind][language]
    assert yes in body and no in body
    assert read_answer(yes).answer is Answer.YES
    assert read_answer(no).answer is Answer.NO
    quoted = "\n".join(f"> {line}" for line in body.splitlines())
    assert read_answer(f"{yes}\n\n{quoted}").answer is Answer.YES
    assert read_answer(f"{no}\n\n{quoted}").answer is Answer.NO


# How people frame an answer: a greeting above it, a closing and a signature below.
FRAMES = {
    "nl": (
        "Beste heer,\n\n{}.\n\nMet vriendelijke groet,\nTom Baker\n06-12345678",
        "Hallo,\n{}\nGroeten, Sanne",
    ),
    "en": ("Hello,\n\n{}.\n\nThanks,\nTom", "Dear Sir or Madam,\n{}\n\nKind regards,\nJohn Smith"),
    "de": ("Guten Tag,\n\n{}.\n\nMit freundlichen Grüßen\nMichael Weber", "Hallo,\n{}\nLG Anna"),
    "fr": ("Bonjour,\n{}.\nCordialement,\nNicolas Girard", "Madame, Monsieur,\n{}\nBien à vous"),
}


@pytest.mark.parametrize(("kind", "language"), ASKING)
def test_the_suggested_reply_reads_as_meant_in_a_greeting_and_signature(
    kind: DraftKind, language: str
) -> None:
    yes, no = SUGGESTED[kind][language]
    for frame in FRAMES[language]:
        assert read_answer(frame.format(yes)).answer is Answer.YES, frame.format(yes)
        assert read_answer(frame.format(no)).answer is Answer.NO, frame.format(no)


@pytest.mark.parametrize(("kind", "language"), ASKING)
def test_our_own_text_never_reads_as_yes(tmp_path: Path, kind: DraftKind, language: str) -> None:
    # A client that pastes our mail below the reply with no quote marks or header: the
    # denial we suggest in it wins, so the worst case is a no the officer looks at.
    body = rendered_body(tmp_path, kind, language)
    assert read_answer(body).answer is Answer.NO
    assert read_answer(f"{SUGGESTED[kind][language][0]}\n\n{body}").answer is not Answer.YES


@pytest.mark.parametrize("language", ["nl", "en", "de", "fr"])
def test_the_sender_check_repeats_nothing_from_the_suspicious_mail(
    tmp_path: Path, language: str
) -> None:
    # The name came from the forged mail: the forger's words never reach the owner.
    body = rendered_body(tmp_path, DraftKind.SENDER_CHECK, language, name="Eve http://x.example")
    assert "Eve" not in body and "http" not in body


FUZZ = settings(max_examples=300, deadline=None, derandomize=True, database=None)
# Line breaks would let arbitrary text form a quote header that rightly hides the denial.
ONE_LINE = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    ),
    max_size=80,
)


@FUZZ
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_reading_arbitrary_text_never_fails(text: str) -> None:
    reading = read_answer(text)
    assert reading.answer in set(Answer)
    own = squeezed(split_body(text).new_text)
    assert reading.phrase == own[: len(reading.phrase)] or reading.phrase.endswith(" …")
    assert (reading.phrase == "") == (own == "")
    assert reading.phrase or reading.answer is Answer.UNCLEAR


# Pieces a long reply could be made of, each of them a yes or harmless on its own.
PIECES = [*YESES, "Ja", "yes", "Klopt.", "Bedankt!", "Tom Baker", "Met vriendelijke groet,", "👍"]


@FUZZ
@given(
    pieces=st.lists(st.sampled_from(PIECES), min_size=41, max_size=60),
    separator=st.sampled_from([" ", "\n", ". ", ",\n", "\n\n"]),
)
def test_more_than_forty_words_are_never_yes(pieces: list[str], separator: str) -> None:
    text = separator.join(pieces)
    assert len(text.split()) > 40
    assert read_answer(text).answer is not Answer.YES


@FUZZ
@given(before=ONE_LINE, denial=st.sampled_from(DENIALS), after=ONE_LINE)
def test_a_text_holding_a_denial_is_never_yes(before: str, denial: str, after: str) -> None:
    assert read_answer(f"{before} {denial}. {after}").answer is not Answer.YES


@FUZZ
@given(before=ONE_LINE, yes=st.sampled_from(YESES), denial=st.sampled_from(DENIALS))
def test_a_yes_next_to_a_denial_is_never_yes(before: str, yes: str, denial: str) -> None:
    assert read_answer(f"{yes} {before} {denial}").answer is not Answer.YES


def test_our_quoted_question_wrapped_by_the_mail_client_is_not_their_answer() -> None:
    # "Ja" on top; below, our question quoted, one of its lines wrapped without its ">"
    reply = (
        "Ja\n\n"
        "Op 3 mrt 2026 om 09:12 schreef Privacy <privacy@voorbeeld.example>:\n"
        "> Heeft u dit verzoek zelf gestuurd? Was u het niet, antwoord dan\n"
        "met NEE.\n"
        "> Met vriendelijke groet, Privacy"
    )
    assert read_answer(reply).answer is Answer.YES


def test_a_denial_typed_between_the_lines_of_our_quote_is_theirs() -> None:
    reply = (
        "Zie hieronder.\n\n"
        "Op 3 mrt 2026 om 09:12 schreef Privacy <privacy@voorbeeld.example>:\n"
        "> Heeft u dit verzoek zelf gestuurd?\n\n"
        "Nee, dat was ik niet.\n\n"
        "> Met vriendelijke groet, Privacy"
    )
    assert read_answer(reply).answer is Answer.NO
