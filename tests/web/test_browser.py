"""The officer's day in a real headless Chromium (Debian's), driven by Playwright.

Screenshots go to ``build/screenshots`` (or ``$MAILBOT_SCREENSHOTS``) for a person to
look at. The same flow is done a second time with the keyboard alone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.maildir import drop
from tests.support.web import PASSWORD, Site, invoke, mail
from tests.web.pages import log_in

pytestmark = pytest.mark.first_pass_only(
    "the pages in a browser: the service calls behind them run on both databases in tests/service"
)

ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
REPLY_NL = re.compile(r"Concept \d+: antwoord")
REPLY_EN = re.compile(r"Draft \d+: reply")
SCREENSHOTS = Path(os.environ.get("MAILBOT_SCREENSHOTS", "build/screenshots"))
NAME_OF_FOCUSED = """() => {
  const e = document.activeElement;
  if (!e) return "";
  const label = e.labels && e.labels.length ? e.labels[0].innerText : "";
  return (e.getAttribute("aria-label") || label || e.innerText || e.value || "").trim();
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.fail("Chromium is missing: apt-get install chromium (scripts/setup-system does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield launched
        launched.close()


def shot(page: Page, name: str, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def received_by(site: Site, address: str) -> list[Message]:
    return [
        message_from_bytes(envelope.content)
        for envelope in site.smtp.received
        if address in envelope.rcpt_tos
    ]


def body_of(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "utf-8")


def accessibility_problems(page: Page) -> list[str]:
    """Controls without a label, headings out of order, a page without ``lang``."""
    problems: list[str] = page.evaluate("""() => {
      const found = [];
      if (!document.documentElement.lang) found.push("no lang on <html>");
      for (const e of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
        const named = (e.labels && e.labels.length) || e.getAttribute("aria-label");
        if (!named) found.push("no label: " + e.outerHTML.slice(0, 80));
      }
      for (const b of document.querySelectorAll("button, a")) {
        const named = b.innerText.trim() || b.getAttribute("aria-label");
        if (!named) found.push("no name: " + b.outerHTML.slice(0, 80));
      }
      let last = 0;
      for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
        const level = Number(h.tagName[1]);
        if (level > last + 1) found.push("heading jumps to " + h.tagName + ": " + h.innerText);
        last = level;
      }
      if (document.querySelectorAll("h1").length !== 1) found.push("not exactly one h1");
      return found;
    }""")
    return problems


def open_reply(page: Page, name: re.Pattern[str] = REPLY_NL) -> None:
    """From the case page, the page of the reply waiting for review."""
    waiting = page.locator("ul.drafts li", has_text="wacht op beoordeling")
    waiting.get_by_role("link", name=name).click()
    page.wait_for_url(re.compile(r".*/drafts/\d+$"))


def test_the_officers_day_in_the_browser(site: Site, page: Page) -> None:
    reference = site.reference_of("tom.baker@example.com")
    page.goto(f"{site.url}/cases")
    assert "/login" in page.url
    assert accessibility_problems(page) == []
    shot(page, "01-login")
    page.get_by_label("Gebruikersnaam").fill("rudi")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/cases")  # where he wanted to go
    assert page.locator("html").get_attribute("lang") == "nl"
    assert accessibility_problems(page) == []
    shot(page, "02-cases")

    page.get_by_role("link", name=reference).click()
    page.wait_for_url(f"**/cases/{reference}")
    assert accessibility_problems(page) == []
    assert "Welke gegevens hebben jullie van mij?" in page.locator("pre.mail").first.inner_text()
    # what happens next, as a sentence: he checks and approves the reply
    assert "Controleer concept" in page.locator("section.next").inner_text()
    # the classifier found access; the officer adds portability, on the page where he decides
    page.get_by_role("link", name="Beslissen").click()
    page.wait_for_url("**/decide")
    page.get_by_label("overdraagbaarheid").check()
    page.get_by_label("Notitie (optioneel)").first.fill("vraagt ook om een kopie voor een ander")
    page.get_by_role("button", name="Rechten opslaan").click()
    assert "de rechten zijn gecorrigeerd" in page.get_by_role("status").inner_text()

    open_reply(page)
    assert accessibility_problems(page) == []
    text = page.get_by_label("Tekst", exact=True)
    text.fill(text.input_value() + "\nPS: gecontroleerd door Rudi.\n")
    page.get_by_role("button", name="Tekst opslaan").click()
    assert "de tekst is opgeslagen" in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="Goedkeuren…").click()
    # the confirmation step: to whom, with what, in what state
    page.wait_for_url("**/confirm")
    facts = page.locator("dl.facts").inner_text()
    assert "tom.baker@example.com" in facts and "klanten.csv" in facts and "bekend" in facts
    assert "PS: gecontroleerd door Rudi." in page.locator("pre.mail").inner_text()
    assert accessibility_problems(page) == []
    shot(page, "day-confirm-1280")
    page.get_by_role("button", name="Goedkeuren en versturen").click()
    page.wait_for_url(f"**/cases/{reference}?done=approved*")
    assert "goedgekeurd" in page.get_by_role("status").inner_text()

    assert invoke("run", "--once", "--config", str(site.config)).exit_code == 0
    sent = received_by(site, "tom.baker@example.com")
    replies = [m for m in sent if "Uw verzoek" in str(m["Subject"])]
    assert len(replies) == 1
    assert "PS: gecontroleerd door Rudi." in body_of(replies[0])
    names = {part.get_filename() for part in replies[0].walk() if part.get_filename()}
    assert "klanten.csv" in names

    page.goto(f"{site.url}/cases/{reference}")
    assert page.locator("ul.drafts li", has_text=REPLY_NL).filter(has_text="verzonden").count() == 1
    assert "sluit de zaak met de uitkomst" in page.locator("section.next").inner_text()
    shot(page, "day-case-1280")
    page.get_by_role("link", name="Logboek").click()
    page.wait_for_url("**/trail")
    trail = page.locator("table.trail").inner_text()
    assert "rudi" in trail and "rechten gecorrigeerd" in trail and "bewerkt" in trail
    shot(page, "03-case-trail")


def test_approving_sends_the_text_on_screen_unsaved_edits_included(site: Site, page: Page) -> None:
    """Issue 23's lost edit: change the text, press approve without saving first; what the SMTP
    server receives is the text on screen."""
    reference = site.reference_of("tom.baker@example.com")
    log_in(page, site)
    page.goto(f"{site.url}/cases/{reference}")
    open_reply(page)
    text = page.get_by_label("Tekst", exact=True)
    text.fill(text.input_value() + "\nNooit opgeslagen, wel goedgekeurd.\n")
    page.get_by_role("button", name="Goedkeuren…").click()
    page.wait_for_url("**/confirm")
    assert "Nooit opgeslagen, wel goedgekeurd." in page.locator("pre.mail").inner_text()
    page.get_by_role("button", name="Goedkeuren en versturen").click()
    assert "goedgekeurd" in page.get_by_role("status").inner_text()

    assert invoke("run", "--once", "--config", str(site.config)).exit_code == 0
    replies = [
        m for m in received_by(site, "tom.baker@example.com") if "Uw verzoek" in str(m["Subject"])
    ]
    assert len(replies) == 1
    assert "Nooit opgeslagen, wel goedgekeurd." in body_of(replies[0])
    page.goto(f"{site.url}/cases/{reference}/trail")
    trail = page.locator("table.trail").inner_text()
    assert "bewerkt" in trail and "goedgekeurd" in trail


def test_a_text_changed_after_the_confirmation_is_not_sent(site: Site, page: Page) -> None:
    """The officer confirms one version; someone edits it meanwhile: nothing goes, he is told."""
    reference = site.reference_of("tom.baker@example.com")
    log_in(page, site)
    page.goto(f"{site.url}/cases/{reference}")
    open_reply(page)
    draft_id = page.url.rsplit("/", 1)[1]
    page.get_by_role("button", name="Goedkeuren…").click()
    page.wait_for_url("**/confirm")
    other = site.config.parent / "other.txt"
    other.write_text("Een andere tekst.\n", encoding="utf-8")
    edited = invoke("drafts", "edit", draft_id, "--file", str(other), "--config",
                    str(site.config))  # fmt: skip
    assert edited.exit_code == 0, edited.output
    page.get_by_role("button", name="Goedkeuren en versturen").click()
    assert "gewijzigd sinds u het bevestigde" in page.get_by_role("alert").first.inner_text()
    shown = json.loads(invoke("drafts", "show", draft_id, "--json", "--config",
                              str(site.config)).output)  # fmt: skip
    assert shown["status"] == "pending"


def test_a_page_opened_before_someone_elses_edit_does_not_overwrite_it(
    site: Site, page: Page
) -> None:
    log_in(page, site)
    page.goto(f"{site.url}/cases/{site.reference_of('tom.baker@example.com')}")
    open_reply(page)
    draft_id = page.url.rsplit("/", 1)[1]
    other = site.config.parent / "deputy.txt"
    other.write_text("De tekst van de plaatsvervanger.\n", encoding="utf-8")
    assert invoke("drafts", "edit", draft_id, "--file", str(other), "--config",
                  str(site.config)).exit_code == 0  # fmt: skip
    text = page.get_by_label("Tekst", exact=True)
    text.fill(text.input_value() + "\nMijn oude versie.\n")
    page.get_by_role("button", name="Tekst opslaan").click()
    assert "gewijzigd sinds u het opende" in page.get_by_role("alert").first.inner_text()
    shown = json.loads(invoke("drafts", "show", draft_id, "--json", "--config",
                              str(site.config)).output)  # fmt: skip
    assert shown["body"] == "De tekst van de plaatsvervanger.\n"


def test_nothing_is_preselected_and_verification_only_where_identity_is_open(
    site: Site, page: Page
) -> None:
    """Issue 23's guards: one click must not write "granted" or "ID checked" into the register."""
    log_in(page, site)
    page.goto(f"{site.url}/cases/{site.reference_of('tom.baker@example.com')}/decide")
    assert page.locator("#close-outcome").input_value() == ""  # no outcome chosen for him
    assert page.locator("#verify-check").count() == 0  # a known address: nothing to verify
    # the drafts still waiting need his choice too, none made for him
    assert not page.locator("#close-drafts-reject").is_checked()
    assert not page.locator("#close-drafts-keep").is_checked()
    page.goto(f"{site.url}/cases/{site.reference_of('mallory@example.org')}/decide")
    assert page.locator("#verify-check").input_value() == ""  # unknown: offered, not chosen
    page.get_by_label("Hoe is de persoon geverifieerd?").fill("klantnummer gecontroleerd")
    page.locator("#verify-check").evaluate("select => select.removeAttribute('required')")
    page.get_by_role("button", name="Als geverifieerd markeren").click()
    assert "kies wat er is gecontroleerd" in page.get_by_role("alert").first.inner_text()  # Dutch


def test_granted_only_after_the_answer_went_out_and_drafts_need_a_choice(
    site: Site, page: Page
) -> None:
    reference = site.reference_of("tom.baker@example.com")
    log_in(page, site)
    page.goto(f"{site.url}/cases/{reference}/decide")
    page.get_by_label("Uitkomst", exact=True).select_option("granted")
    page.get_by_label("Afwijzen: er wordt niets meer verstuurd").check()
    page.get_by_role("button", name="Sluiten", exact=True).click()
    refused = page.get_by_role("alert").first.inner_text()
    assert "er is er geen verzonden: keur eerst het antwoord goed" in refused
    shown = json.loads(invoke("cases", "show", reference, "--json", "--config",
                              str(site.config)).output)  # fmt: skip
    assert shown["status"] != "closed"
    assert {d["status"] for d in shown["drafts"]} == {"pending"}  # nothing rejected silently
    # withdrawn, keeping the acknowledgement to send after the close
    page.get_by_label("Uitkomst", exact=True).select_option("withdrawn")
    page.get_by_label("Bewaren, om na het sluiten goed te keuren (niet het antwoord of de "
                      "weigering)").check()  # fmt: skip
    page.get_by_role("button", name="Sluiten", exact=True).click()
    assert "beantwoorden het verzoek en kunnen na het sluiten niet meer weg" in (
        page.get_by_role("alert").first.inner_text()
    )
    page.get_by_label("Uitkomst", exact=True).select_option("withdrawn")
    page.get_by_label("Afwijzen: er wordt niets meer verstuurd").check()
    page.get_by_role("button", name="Sluiten", exact=True).click()
    assert "de zaak is gesloten" in page.get_by_role("status").inner_text()


def test_the_today_page_says_who_acts_next(site: Site, page: Page) -> None:
    log_in(page, site)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Vandaag")
    mine = page.locator("section.officer").inner_text()
    for requester in ("tom.baker@example.com", "anna.smit@example.org"):
        assert site.reference_of(requester) in mine
    assert "Controleer concept" in mine
    # no SMTP problem here: the site has a server
    assert "geen SMTP-server" not in page.locator("main").inner_text()
    assert accessibility_problems(page) == []
    shot(page, "day-today-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 391
    shot(page, "day-today-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    first = page.locator("section.officer a.reference").first
    target = first.get_attribute("href") or ""
    first.click()
    page.wait_for_url(f"**{target}")


def tab_to(page: Page, name: str, limit: int = 400) -> None:
    """Press Tab until the focused control is called ``name`` (as a screen reader would say)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(NAME_OF_FOCUSED) == name:
            outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"no visible focus on {name!r}"
            return
    pytest.fail(f"Tab never reached {name!r}")


def submit(page: Page) -> None:
    """Press Enter on the focused button and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_same_day_with_the_keyboard_alone(site: Site, page: Page) -> None:
    reference = site.reference_of("anna.smit@example.org")
    page.goto(f"{site.url}/login")
    tab_to(page, "Gebruikersnaam")  # the login page speaks the configured language
    page.keyboard.type("deputy")
    tab_to(page, "Wachtwoord")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}/")
    assert page.locator("html").get_attribute("lang") == "en"

    tab_to(page, "Cases")
    submit(page)
    tab_to(page, "Skip to the content")
    tab_to(page, reference)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/cases/{reference}")
    tab_to(page, "Decide")
    submit(page)

    tab_to(page, "rectification")  # a right the classifier did not see; the officer adds it
    page.keyboard.press("Space")
    tab_to(page, "Save the rights")
    submit(page)
    assert "the rights were corrected" in page.get_by_role("status").inner_text()
    # a reply to rectification waits for its action in the data source: tick it off first
    tab_to(page, "Mark as done: Correct in klanten (Klantprofiel) what the person asked for")
    submit(page)
    assert "the action is marked as done" in page.get_by_role("status").inner_text()
    # and its recipient told of the correction (Art. 19): an action of its own
    tab_to(page, "Mark as done: Tell Hosting (verwerker) (a recipient of klanten) what was "
           "corrected (Art. 19)")  # fmt: skip
    submit(page)
    assert "the action is marked as done" in page.get_by_role("status").inner_text()

    waiting = page.locator("ul.drafts li", has_text="waiting for review")
    reply_name = waiting.get_by_role("link", name=REPLY_EN).inner_text()
    tab_to(page, reply_name)
    submit(page)
    tab_to(page, "Text")
    page.keyboard.press("Control+End")
    page.keyboard.type("\nChecked by the deputy, with the keyboard.\n")
    page.keyboard.press("Tab")
    assert page.evaluate(NAME_OF_FOCUSED) == "Save the text"
    submit(page)
    assert "the text was saved" in page.get_by_role("status").inner_text()
    tab_to(page, "Approve…")
    submit(page)
    tab_to(page, "Approve and send")
    submit(page)
    assert "approved" in page.get_by_role("status").inner_text()
    shot(page, "04-keyboard-approved")

    assert invoke("run", "--once", "--config", str(site.config)).exit_code == 0
    texts = [body_of(m) for m in received_by(site, "anna.smit@example.org")]
    assert sum("Checked by the deputy, with the keyboard." in t for t in texts) == 1


def test_quarantine_register_and_today_pages(site: Site, page: Page) -> None:
    log_in(page, site, "deputy")
    for path, heading in (
        ("/register", "Register of handled requests"),
        ("/quarantine", "Quarantined mail"),
        ("/digest", "Today"),  # the digest's old page is the Today page now
    ):
        page.goto(f"{site.url}{path}")
        assert page.get_by_role("heading", level=1).inner_text().startswith(heading)
        assert accessibility_problems(page) == []
        shot(page, path.strip("/"))
    assert page.url == f"{site.url}/"
    assert "Check and approve the reply" in page.locator("section.officer").inner_text()


def test_an_answer_mailbot_left_to_the_officer_and_a_denial(site: Site, page: Page) -> None:
    # Anna asks for erasure without authentication: a confirmation request to her address.
    # Her next mail, with the reference, asks a question instead of answering: for the officer.
    maildir = site.config.parent / "Maildir"
    first = mail("Anna Smit <anna.smit@example.org>", "verwijderen", "Verwijder al mijn gegevens.")
    drop(maildir, "1700000100.M100P1.test", first)
    assert invoke("run", "--once", "--config", str(site.config)).exit_code == 0
    reference = next(
        c["reference"]
        for c in json.loads(invoke("cases", "list", "--json", "--config", str(site.config)).output)
        if c["requester"] == "anna.smit@example.org" and "erasure" in c["rights"]
    )
    question = mail(
        "Anna Smit <anna.smit@example.org>",
        f"Re: [{reference}] verwijderen",
        "Welk verzoek bedoelt u?",
    )
    drop(maildir, "1700000101.M101P1.test", question)
    assert invoke("run", "--once", "--config", str(site.config)).exit_code == 0
    log_in(page, site)
    assert "Lees het antwoord van de persoon" in (
        page.locator("section.officer li", has_text=reference).first.inner_text()
    )
    page.goto(f"{site.url}/cases")
    row = page.get_by_role("row").filter(has_text=reference)
    assert "antwoord om te lezen" in row.inner_text()
    page.get_by_role("link", name=reference).click()
    page.get_by_role("link", name="Beslissen").click()
    page.wait_for_url("**/decide")
    alert = page.get_by_role("alert").filter(has_text="Een antwoord om te lezen")
    assert "het is geen antwoord op het verzoek om bevestiging" in alert.inner_text()
    assert accessibility_problems(page) == []
    shot(page, "case-answer-to-read")
    alert.get_by_label("Nee: het was iemand anders; stop").check()
    alert.get_by_label("Waarom (voor het dossier)").fill("Anna belde: zij heeft niets gestuurd")
    alert.get_by_role("button", name="Antwoord vastleggen").click()
    assert "het antwoord is vastgelegd" in page.get_by_role("status").inner_text()
    page.get_by_role("link", name="Beslissen").click()
    page.wait_for_url("**/decide")
    denied = page.get_by_role("alert").filter(has_text="niet van hem of haar is")
    assert accessibility_problems(page) == []
    shot(page, "case-denied")
    denied.get_by_role("button", name="Sluiten: niet het verzoek van de persoon").click()
    assert "de zaak is gesloten" in page.get_by_role("status").inner_text()
    shown = json.loads(
        invoke("cases", "show", reference, "--json", "--config", str(site.config)).output
    )
    assert (shown["status"], shown["outcome"]) == ("closed", "not_the_person")
    assert shown["denied_at"] and shown["reply_to_check"] is None
    assert [d["status"] for d in shown["drafts"] if d["kind"] == "confirmation_request"] == [
        "rejected"
    ]


def test_mail_that_may_be_a_request_is_marked_and_dismissed_with_a_reason(
    site: Site, page: Page
) -> None:
    maildir = site.config.parent / "Maildir"
    drop(maildir, "1700000200.M200P1.test", mail(
        "Kees <kees@elders.example>", "vraag", "Hoe zit het eigenlijk met mijn privacy bij jullie?"
    ))  # fmt: skip
    drop(maildir, "1700000201.M201P1.test", mail(
        "Lies <lies@elders.example>", "rooster",
        "Ik kreeg het rooster van een andere leerling in mijn mail, met zijn naam en adres.",
    ))  # fmt: skip
    assert invoke("run", "--once", "--config", str(site.config)).exit_code == 0
    listed = json.loads(invoke("cases", "list", "--json", "--config", str(site.config)).output)
    flagged = next(c["reference"] for c in listed if c["requester"] == "kees@elders.example")
    breach = next(c["reference"] for c in listed if c["requester"] == "lies@elders.example")
    log_in(page, site)
    urgent = page.locator("section.urgent").inner_text()
    assert breach in urgent and "Mogelijk datalek" in urgent  # on top of his day
    page.goto(f"{site.url}/cases")
    rows = page.get_by_role("row")
    assert breach in rows.nth(1).inner_text()  # urgent on top, whatever its due date
    assert "urgent" in rows.nth(1).inner_text() and "mogelijk datalek" in rows.nth(1).inner_text()
    assert "te beslissen" in rows.filter(has_text=flagged).inner_text()
    assert accessibility_problems(page) == []
    page.get_by_role("link", name=breach).click()
    todo = page.get_by_role("alert").filter(has_text="Wat te doen")
    assert "binnen 72 uur" in todo.inner_text() and "meld het bij de AP" in todo.inner_text()
    shot(page, "case-breach")
    page.goto(f"{site.url}/cases/{flagged}")
    todo = page.get_by_role("alert").filter(has_text="Wat te doen")
    assert "Beslis of deze mail een verzoek is" in todo.inner_text()
    # the evidence says, in his language, why the mail was held for him
    assert "over de gegevens, privacy" in page.locator("ul.evidence").inner_text()
    assert accessibility_problems(page) == []
    page.get_by_role("link", name="Beslissen").click()
    page.wait_for_url("**/decide")
    page.get_by_label("Waarom (voor het logboek; nodig om af te wijzen)").fill(
        "algemene vraag, geen verzoek"
    )
    page.get_by_role("button", name="Rechten opslaan").click()
    shown = json.loads(
        invoke("cases", "show", flagged, "--json", "--config", str(site.config)).output
    )
    assert (shown["status"], shown["needs_decision"]) == ("not_a_request", False)
    decided = next(e for e in shown["events"] if e["action"] == "reclassified")
    assert decided["detail"]["note"] == "algemene vraag, geen verzoek"
    assert (decided["actor"], decided["detail"]["decided"]) == ("rudi", "dismissed")
