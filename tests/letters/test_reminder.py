"""The reminder letter in each language: what is still needed, in the request's terms, and
nothing untrue about what follows. (That it is in one language only is checked, with every
other kind, by ``test_render.test_every_letter_is_in_one_language_only``.)"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from mailbot.config import Settings, settings_from_dict
from mailbot.core.confirmation import Answer, read_answer
from mailbot.core.drafting import DraftKind
from mailbot.letters.context import DraftFacts, context
from mailbot.letters.render import Renderer, bundled_templates, date_text
from tests.support.configs import base_config

pytestmark = pytest.mark.database_incidental("the letters, rendered from facts in memory")

LANGUAGES = ("nl", "en", "de", "fr")
FACTS = DraftFacts(
    reference="AVG-2026-0042",
    received=date(2026, 3, 2),
    due=date(2026, 4, 2),
    rights=["access"],
    person_name="Eve Smit",
    reminded="identification_request",
    asked_on=date(2026, 3, 5),
)
# What each language's identification request asks first (the least intrusive way), and
# what it says of an ID copy.
ASKED = {
    "nl": ("klantnummer", "KopieID", "BSN"),
    "en": ("customer number", "KopieID", "BSN"),
    "de": ("Kundennummer", "KopieID", "BSN"),
    "fr": ("numéro de client", "KopieID", "BSN"),
}
AUTHORITY = {"nl": "machtiging", "en": "authorisation", "de": "Vollmacht", "fr": "mandat"}
SUBJECT = {"nl": "Herinnering", "en": "Reminder", "de": "Erinnerung", "fr": "Rappel"}


@pytest.fixture
def config(tmp_path: Path) -> Settings:
    return settings_from_dict(base_config(tmp_path), tmp_path / "mailbot.toml", environ={})


def letter(config: Settings, language: str, facts: DraftFacts = FACTS) -> tuple[str, str]:
    rendered = Renderer().render(DraftKind.REMINDER, language, context(config, language, facts))
    assert rendered.language == language
    return rendered.subject, " ".join(rendered.body.split())


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_identification_reminder_says_again_what_to_send(
    config: Settings, language: str
) -> None:
    subject, body = letter(config, language)
    assert subject.startswith(f"[AVG-2026-0042] {SUBJECT[language]}")
    assert "AVG-2026-0042" in body  # the reference, in the text too
    assert date_text(date(2026, 3, 5), language) in body  # when we asked
    for needle in ASKED[language]:
        assert needle in body, needle
    assert "Eve Smit" in body
    # nothing about the deadline: it runs on while we wait, and may be near or past
    assert date_text(FACTS.due, language) not in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_representatives_reminder_asks_for_authority_a_relatives_never(
    config: Settings, language: str
) -> None:
    _, acting = letter(config, language, replace(FACTS, representation="namens mijn zoon"))
    assert AUTHORITY[language] in acting
    _, relative = letter(config, language, replace(FACTS, deceased=True))
    assert AUTHORITY[language] not in relative  # never ask the dead for a signature
    assert ASKED[language][1] not in relative  # and no ID copy of theirs


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_confirmation_reminder_offers_the_answers_mailbot_reads(
    config: Settings, language: str
) -> None:
    facts = replace(FACTS, reminded="confirmation_request", person_name="")
    subject, body = letter(config, language, facts)
    assert subject.startswith(f"[AVG-2026-0042] {SUBJECT[language]}")
    assert "AVG-2026-0042" in body and date_text(date(2026, 3, 5), language) in body
    quoted = re.findall(r'"([^"]+)"|„([^“]+)“|« ([^»]+) »', body)
    phrases = [next(part for part in found if part) for found in quoted]
    assert [read_answer(phrase).answer for phrase in phrases] == [Answer.YES, Answer.NO]
    assert ASKED[language][0] not in body  # nothing to send, only to answer


def test_every_kind_is_listed_in_the_templates_readme_with_a_file_per_language() -> None:
    folder = bundled_templates()
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for kind in DraftKind:
        assert f"| `{kind.value}` |" in readme, kind
        for language in LANGUAGES:
            assert (folder / language / f"{kind.value}.txt.j2").is_file(), (language, kind)
