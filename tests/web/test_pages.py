"""Every page, filled with data, in a real headless Chromium: axe-core finds no serious or
critical violation at 1280 and at 390 pixels, nothing scrolls sideways on the phone, a
screenshot of each is kept (tests/web/pages.py); and the Dutch pages hold no English.

The site is the one the other web tests use (``site``) with more mail: enough requests for a
second page of the case list, a possible data breach, mail that may be a request, and a mail
that cannot be read (quarantine).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.support.maildir import drop
from tests.support.web import Site, invoke, mail
from tests.web.pages import check, chromium, log_in

pytestmark = pytest.mark.first_pass_only(
    "the pages in a browser: the service calls behind them run on both databases in tests/service"
)

# Words that are English and not Dutch, as whole words in a Dutch page's visible text.
ENGLISH = re.compile(
    r"\b(the|and|with|for|your|you|not|my|all|to|by|from|what|who|when|done|show|search|page"
    r"|next|previous|change|language|signed|password|user|name|draft|drafts|pending|granted"
    r"|awaiting|request|requests|reply|approved|rejected|review|waiting|sent|case|cases"
    r"|identity|overdue|due|none|received|download|back|no|found)\b",
    re.IGNORECASE,
)
# What is not the pages' own text: the mails and letters (in the person's language), the
# files, addresses and names the data hold, and what a page quotes (a server's reply).
NOT_OURS = "pre.mail, pre.file, textarea, iframe, .address, .quoted"
VISIBLE_TEXT = """(skip) => {
  const copy = document.body.cloneNode(true);
  for (const element of copy.querySelectorAll(skip)) element.remove();
  for (const element of copy.querySelectorAll(".visually-hidden")) element.remove();
  return copy.innerText;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def busy(site: Site) -> Site:
    """``site`` with 55 more requests (a second page of cases), a possible data breach, mail
    that may be a request, and a mail that cannot be read."""
    maildir = site.config.parent / "Maildir"
    asks = (
        "Ik wil inzage in mijn gegevens.", "Verwijder al mijn gegevens alstublieft.",
        "Please send me a copy of my personal data.", "Ik maak bezwaar tegen reclame.",
    )  # fmt: skip
    for number in range(55):
        sender = f"Persoon {number} <persoon{number}@example.net>"
        raw = mail(sender, f"verzoek {number}", asks[number % len(asks)])
        drop(maildir, f"17100000{number:02d}.M{number}P2.test", raw)
    drop(maildir, "1710000100.M100P2.test", mail(
        "Lies <lies@elders.example>", "rooster",
        "Ik kreeg het rooster van een andere leerling in mijn mail, met zijn naam en adres.",
    ))  # fmt: skip
    drop(maildir, "1710000101.M101P2.test", mail(
        "Kees <kees@elders.example>", "vraag", "Hoe zit het eigenlijk met mijn privacy bij jullie?"
    ))  # fmt: skip
    drop(maildir, "1710000102.M102P2.test", b"no headers, only words\n")
    ran = invoke("run", "--once", "--config", str(site.config))
    assert ran.exit_code == 0, ran.output
    return site


def reply_of(page: Page, site: Site, reference: str) -> str:
    """The address of the page of case ``reference``'s reply waiting for review."""
    page.goto(f"{site.url}/cases/{reference}")
    waiting = page.locator("ul.drafts li", has_text=re.compile("wacht op beoordeling|waiting"))
    href = waiting.get_by_role("link", name=re.compile(r"(Concept|Draft) \d+: (antwoord|reply)"))
    found = href.first.get_attribute("href")
    assert found, f"case {reference} has no reply waiting"
    return f"{site.url}{found}"


def preview_of_a_file(page: Page, site: Site, reference: str) -> str:
    """The address of the preview of a file attached to a draft of case ``reference``."""
    page.goto(reply_of(page, site, reference))
    href = page.locator("a[href$='/preview']").first.get_attribute("href")
    assert href, f"case {reference} has no draft with a file"
    return f"{site.url}{href}"


def pages(page: Page, site: Site) -> dict[str, str]:
    """Every page of the site, by name, its address filled with the site's data."""
    reference = site.reference_of("tom.baker@example.com")
    reply = reply_of(page, site, reference)
    return {
        "today": f"{site.url}/",
        "cases": f"{site.url}/cases",
        "cases-filtered": f"{site.url}/cases?mine=1&right=access",
        "cases-page-2": f"{site.url}/cases?page=2",
        "case": f"{site.url}/cases/{reference}",
        "case-decide": f"{site.url}/cases/{reference}/decide",
        "case-trail": f"{site.url}/cases/{reference}/trail",
        "case-plan": f"{site.url}/cases/{reference}/plan",
        "draft": reply,
        "confirm": f"{reply}/confirm",
        "preview": preview_of_a_file(page, site, reference),
        "quarantine": f"{site.url}/quarantine",
        "register": f"{site.url}/register",
        "not-found": f"{site.url}/cases/AVG-1999-9999",
    }


def test_every_page_filled_with_data_passes_axe_at_1280_and_390_pixels(
    busy: Site, page: Page
) -> None:
    problems = check(page, f"{busy.url}/login", "login")
    log_in(page, busy)
    page.goto(f"{busy.url}/cases")
    second = page.get_by_role("navigation", name="Pagina's van de lijst")
    assert "Zaken 1–50 van" in page.locator("table.cases caption").inner_text()
    assert second.get_by_role("link", name="Volgende pagina").count() == 1
    for name, url in pages(page, busy).items():
        problems += check(page, url, name)
    assert problems == [], "\n".join(problems)


def english_on(page: Page, url: str) -> list[str]:
    page.goto(url)
    words: list[str] = ENGLISH.findall(page.evaluate(VISIBLE_TEXT, NOT_OURS))
    return words


def test_the_dutch_pages_hold_no_english(busy: Site, page: Page) -> None:
    """Every page in Dutch, with data: no English word outside the mails, letters and data."""
    found = {"login": english_on(page, f"{busy.url}/login")}
    log_in(page, busy)
    page.goto(f"{busy.url}/cases")
    for name, url in pages(page, busy).items():
        found[name] = english_on(page, url)
    assert {name: words for name, words in found.items() if words} == {}
    # the same check finds the English of the same pages for the deputy, who reads English
    page.context.clear_cookies()
    log_in(page, busy, "deputy")
    page.goto(f"{busy.url}/cases")
    for name, url in pages(page, busy).items():
        assert len(english_on(page, url)) >= 3, name


def test_the_case_list_pages_and_keeps_its_filters(busy: Site, page: Page) -> None:
    log_in(page, busy)
    page.goto(f"{busy.url}/cases")
    page.get_by_label("Wacht op mijn beslissing").check()  # nearly every case: a draft waits
    page.get_by_role("button", name="Tonen").click()
    total = int(page.locator("table.cases caption").inner_text().split()[-1])
    assert total > 50
    page.get_by_role("link", name="Volgende pagina").click()
    assert "mine=1" in page.url and "page=2" in page.url
    assert page.get_by_label("Wacht op mijn beslissing").is_checked()
    caption = page.locator("table.cases caption").inner_text()
    assert caption == f"Zaken 51–{total} van {total}"
    assert page.get_by_role("link", name="Vorige pagina").count() == 1
    assert page.get_by_role("link", name="Volgende pagina").count() == 0
    assert (
        "Pagina 2 van 2"
        in page.get_by_role("navigation", name="Pagina's van de lijst").inner_text()
    )

    page.get_by_label("Recht").select_option(label="inzage")  # chosen on page 2: from page 1
    page.get_by_role("button", name="Tonen").click()
    assert "page=" not in page.url and "right=access" in page.url
    rights = page.locator("table.cases tbody td[data-label='Rechten']").all_inner_texts()
    assert rights and all("inzage" in text for text in rights)
    page.get_by_label("Te laat").check()
    page.get_by_role("button", name="Tonen").click()
    assert page.get_by_text("Geen zaken gevonden.").count() == 1
    page.get_by_role("link", name="Filters wissen").click()
    assert page.url.endswith("/cases")
