"""The note beside a copy: what the officer needs, in his language, nothing for the requester."""

from __future__ import annotations

from datetime import date

from mailbot.core.mail_client.notes import Folders, ReviewFacts, review_note
from mailbot.i18n import LABELS, labeller, texts

FOLDERS = Folders("AVG-beoordelen", "AVG-goedkeuren", "AVG-afwijzen", "AVG-afgehandeld")
FACTS = ReviewFacts(
    draft=12,
    reference="AVG-2026-0042",
    kind="reply",
    to="tom@example.com",
    on_file=False,
    rights=["access", "erasure"],
    identity="spoofed",
    identity_detail="SPF fail",
    due=date(2026, 12, 1),
    today=date(2026, 12, 3),
    evidence=["verwijder mijn gegevens"],
    notes=["check the CRM export"],
    actions=["[3] klanten: delete the customer record"],
    attachments=["klanten.json"],
)


def test_the_note_says_what_the_officer_needs_in_dutch() -> None:
    subject, body = review_note(FACTS, FOLDERS, labeller("nl"), texts("nl"))
    assert subject == "[AVG-2026-0042] Te beoordelen: antwoord (concept 12)"
    for expected in (
        "Rechten: inzage, verwijdering",
        "Identiteit: mogelijk vervalst - SPF fail",
        "Uiterste datum: 2026-12-01 (2 dagen te laat)",
        "NIET het adres in ons bestand",
        '"verwijder mijn gegevens"',
        "[3] klanten: delete the customer record",
        "check the CRM export",
        "Bijlagen: klanten.json",
        '"AVG-goedkeuren"',
        '"AVG-afwijzen"',
        '"AVG-afgehandeld"',
    ):
        assert expected in body, expected


def test_the_note_in_english_and_the_drafts_folder_mentioned_when_used() -> None:
    folders = Folders("r", "a", "j", "d", drafts="Drafts")
    facts = ReviewFacts(
        draft=1, reference="AVG-2026-0001", kind="acknowledgement", to="t@example.com",
        on_file=True, rights=["access"], identity="known", identity_detail="",
        due=date(2026, 12, 1), today=date(2026, 11, 1),
    )  # fmt: skip
    subject, body = review_note(facts, folders, labeller("en"), texts("en"))
    assert subject.startswith("[AVG-2026-0001] To review: acknowledgement")
    assert "(the address on file)" in body and "30 days left" in body
    assert "in your Drafts folder too" in body
    assert "Open actions" not in body  # no empty sections


def test_every_text_has_both_languages_with_the_same_placeholders() -> None:
    import string

    notes = {key: pair for key, pair in LABELS.items() if key.startswith("note.")}
    assert notes
    for key, (english, dutch) in notes.items():
        fields = [
            {name for _, name, _, _ in string.Formatter().parse(text) if name}
            for text in (english, dutch)
        ]
        assert fields[0] == fields[1], key


def test_every_note_the_code_asks_for_is_in_the_catalogue() -> None:
    """A key missing from ``LABELS`` would raise only when that note is written; read the code."""
    import re
    from pathlib import Path

    import mailbot

    root = Path(mailbot.__file__).parent
    files = [
        *root.joinpath("service", "mail_client").glob("*.py"),
        root / "core/mail_client/notes.py",
    ]
    asked = {
        key
        for path in files
        for key in re.findall(r"\b_?t\(\s*[\"']([a-z_.]+)[\"']", path.read_text(encoding="utf-8"))
    }
    assert len(asked) >= 25  # the literal keys; a few are chosen at run time
    assert sorted(key for key in asked if f"note.{key}" not in LABELS) == []
