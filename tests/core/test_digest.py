"""The officer's daily digest: the Today list as a mail (``core.digest``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from mailbot.core.cases import Status
from mailbot.core.digest import compose
from mailbot.core.drafting import DraftKind
from mailbot.core.today import CaseFacts, DraftFacts, Facts, today_items
from mailbot.i18n import labeller, translator

TODAY = date(2026, 11, 25)
CASE = CaseFacts(
    "AVG-2026-0001",
    Status.READY_FOR_REVIEW,
    date(2026, 11, 20),
    drafts=[DraftFacts(4, DraftKind.REPLY, "pending")],
)
ITEMS = today_items(
    Facts(
        TODAY,
        cases=[
            CASE,
            replace(CASE, reference="AVG-2026-0002", drafts=[], breach=True,
                    breach_notify_by="2026-11-27 10:00"),
        ],
        quarantined=[(9, TODAY, "no sender <script>")],
    )
)  # fmt: skip


def test_the_digest_in_dutch_with_links_to_the_pages() -> None:
    label = labeller("nl")
    digest = compose(
        ITEMS, today=TODAY, organisation="Voorbeeld B.V.", language="nl",
        translate=translator("nl"), kind=lambda code: label("kind", code),
        base_url="https://privacy.voorbeeld.example/mailbot/",
    )  # fmt: skip
    assert digest.subject == "mailbot 2026-11-25: 1 urgent, 2 voor u"
    body = digest.body
    assert body.startswith("Privacyverzoeken bij Voorbeeld B.V., 2026-11-25: 1 urgent, 2 voor u.")
    assert "URGENT (1)\n- AVG-2026-0002 · uiterlijk 2026-11-20\n  * Mogelijk datalek" in body
    assert "Controleer concept 4 (antwoord) en keur het goed." in body
    assert "    https://privacy.voorbeeld.example/mailbot/drafts/4\n" in body
    assert "Alles op één pagina: https://privacy.voorbeeld.example/mailbot/" in body
    html = digest.html
    assert (
        '<a href="https://privacy.voorbeeld.example/mailbot/cases/AVG-2026-0001">AVG-2026-0001'
        in html
    )
    assert '<a href="https://privacy.voorbeeld.example/mailbot/drafts/4">Controleer' in html
    assert "&lt;script&gt;" in html and "<script>" not in html  # a mail's reason, escaped
    assert '<html lang="nl">' in html and not digest.empty


def test_in_english_and_without_a_base_url_no_links() -> None:
    digest = compose(ITEMS, today=TODAY, organisation="Voorbeeld B.V.", language="en")
    assert digest.subject == "mailbot 2026-11-25: 1 urgent, 2 for you"
    assert "Check and approve the reply (draft 4)." in digest.body
    assert "http" not in digest.body and "href" not in digest.html
    assert "Open the review pages (mailbot web)" in digest.body


def test_a_quiet_day() -> None:
    digest = compose([], today=TODAY, organisation="Voorbeeld B.V.", language="en")
    assert digest.empty and digest.subject == "mailbot 2026-11-25: nothing waits"


def test_a_long_day_shows_fifty_cases_a_group_and_says_how_many_more() -> None:
    many = today_items(
        Facts(TODAY, cases=[replace(CASE, reference=f"AVG-2026-{n:04d}") for n in range(1, 61)])
    )
    digest = compose(many, today=TODAY, organisation="Voorbeeld B.V.", language="en")
    assert "For you (60)" in digest.body and digest.body.count("AVG-2026-") == 50
    assert "- And 10 more: the case list has them all" in digest.body
