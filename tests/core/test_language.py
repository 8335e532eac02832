"""Which of Dutch, English, German and French a mail is in (``classification/language.py``)."""

from __future__ import annotations

import pytest

from mailbot.core.classification.language import LANGUAGES, detect_language, language_votes


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ik wil graag weten welke gegevens jullie van mij hebben", "nl"),
        ("hoi, verwijder mijn account aub. mvg piet", "nl"),
        ("please send me a copy of all the data you have about me", "en"),
        ("hi, delete my account please, thanks", "en"),
        ("ich mochte bitte wissen welche daten sie uber mich haben", "de"),
        ("sehr geehrte damen und herren, bitte loschen sie meine daten", "de"),
        ("je voudrais savoir quelles donnees vous avez sur moi", "fr"),
        ("bonjour, merci de supprimer mon compte. cordialement", "fr"),
    ],
)
def test_each_language_is_told(text: str, language: str) -> None:
    guess = detect_language(text)
    assert guess.language == language
    assert 0.0 < guess.confidence <= 1.0


def test_the_four_languages() -> None:
    assert LANGUAGES == ("nl", "en", "de", "fr")


@pytest.mark.parametrize("text", ["", "c-1001", "xyzzy qwerty", "account"])
def test_without_function_words_there_is_no_guess(text: str) -> None:
    guess = detect_language(text)
    assert (guess.language, guess.confidence) == (None, 0.0)


def test_one_distinctive_word_is_too_little() -> None:
    assert detect_language("graag").language is None  # one vote: less than 1.5
    assert detect_language("graag verzoek").language == "nl"


def test_a_word_two_languages_share_is_split_between_them() -> None:
    votes = language_votes("de")  # Dutch article, French preposition
    assert votes == {"nl": 0.5, "fr": 0.5}
    assert language_votes("die") == {"nl": 0.5, "de": 0.5}
    assert language_votes("hallo") == {"nl": 0.5, "de": 0.5}


def test_shared_words_do_not_decide_but_distinctive_ones_do() -> None:
    # "de", "die" and "is" are shared; "het" and "niet" are Dutch only
    assert detect_language("de die is het niet").language == "nl"


def test_the_text_is_expected_lower_case_and_without_accents() -> None:
    assert detect_language("JE VOUDRAIS VOS DONNEES").language is None  # not normalised
    assert detect_language("ich mochte uber meine daten").language == "de"  # mochte, uber


def test_apostrophes_stay_part_of_the_word() -> None:
    assert language_votes("j'ai") == {"fr": 1.0}
    assert language_votes("don't") == {"en": 1.0}


def test_confidence_grows_with_the_margin_and_the_length() -> None:
    # (best - runner-up) / best, plus a twentieth per vote up to ten votes, at most 1
    assert detect_language("het the").confidence == 0.1  # a tie: the length only
    assert detect_language("het het the the").confidence == 0.2  # a tie, twice as long
    assert detect_language("het niet the").confidence == 0.65  # (2 - 1) / 2 + 3 / 20
    assert detect_language("het niet").confidence == 1.0  # (2 - 0) / 2 + 2 / 20, capped
    long = detect_language("please send me all the data you have about me and my account")
    assert (long.language, long.confidence) == ("en", 1.0)


def test_only_the_first_20000_characters_are_read() -> None:
    text = "x " * 10_000 + "ik wil graag weten wat jullie hebben"
    assert detect_language(text).language is None
