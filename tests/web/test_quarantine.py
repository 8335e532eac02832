"""The quarantine in Chromium (issue 23): a mail mailbot could not read is shown safely, as
text (its script never runs, its image never loads), made a case by the officer, or dismissed
with a reason; each page checked for accessibility and shot at 1280 and 390 pixels."""

from __future__ import annotations

import json
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Page

from mailbot.service.users import add_user
from tests.core.test_quarantine import nested
from tests.support.maildir import drop
from tests.support.web import PASSWORD, Site, form_token, invoke
from tests.web import test_browser
from tests.web.pages import log_in
from tests.web.test_browser import accessibility_problems, shot

pytestmark = pytest.mark.first_pass_only(
    "the pages in a browser: the service calls behind them run on both databases in tests/service"
)

# Chromium, as the officer's day uses it (its page: tests/web/conftest.py).
browser = test_browser.browser

PIXEL = "http://127.0.0.1:9/pixel.png"
HTML = (
    "<html><head><script>alert('quarantine')</script></head><body>"
    "<p>Ik wil graag <b>inzage</b> in al mijn gegevens.</p>"
    f'<img src="{PIXEL}" onerror="alert(1)"><p>Met vriendelijke groet, Tom Baker</p>'
    "</body></html>"
)
NO_SENDER = (
    b"To: privacy@voorbeeld.example\r\nSubject: nieuwsbrief\r\n"
    b"Message-ID: <letter@example.org>\r\n\r\nOnze aanbiedingen van deze week.\r\n"
)


def quarantine_two(site: Site) -> dict[str, int]:
    """Tom's request nested too deep to read, and a mail without a sender: both quarantined."""
    maildir = site.config.parent / "Maildir"
    leaf = b"Content-Type: text/html; charset=utf-8\r\n\r\n" + HTML.encode()
    drop(maildir, "1800000001.M1P1.test", nested(12, leaf))
    drop(maildir, "1800000002.M2P1.test", NO_SENDER)
    assert invoke("run", "--once", "--config", str(site.config)).exit_code == 0
    listed = json.loads(invoke("quarantine", "list", "--json", "--config", str(site.config)).output)
    return {mail["subject"]: mail["id"] for mail in listed}


def serious(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page."""
    found: dict[str, Any] = Axe().run(page).response
    return [
        f"{item['id']}: {item['help']}"
        for item in found["violations"]
        if item["impact"] in ("serious", "critical")
    ]


def both_widths(page: Page, name: str) -> None:
    assert accessibility_problems(page) == []
    assert serious(page) == []
    shot(page, f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_view_safely_make_a_case_and_dismiss(site: Site, page: Page) -> None:
    ids = quarantine_two(site)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    log_in(page, site)
    page.get_by_role("link", name="Quarantaine").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Mail in quarantaine"
    both_widths(page, "quarantine-list")

    page.get_by_role("link", name="inzage Zoë").click()
    page.wait_for_url(f"**/quarantine/{ids['inzage Zoë']}")
    text = page.locator("pre.mail").inner_text()
    assert "Ik wil graag inzage in al mijn gegevens." in text
    assert "Met vriendelijke groet, Tom Baker" in text
    assert "alert" not in text and "<img" not in text
    assert page.locator("main img, main script, main iframe").count() == 0
    facts = page.locator("main").inner_text()
    for expected in (
        "MIME-nesting dieper dan 8",
        "Tom Baker <tom.baker@example.com>",
        "Tue, 10 Mar 2026 09:00:00 +0100",
        "paspoort.pdf",
        "application/pdf",
    ):
        assert expected in facts
    both_widths(page, "quarantine-mail")
    assert [url for url in requested if not url.startswith(site.url)] == []  # PIXEL never

    page.get_by_role("button", name="Zaak maken").click()
    page.wait_for_url("**/cases/*?done=opened")
    reference = page.url.split("/cases/")[1].split("?")[0]
    assert "de mail is nu een zaak" in page.get_by_role("status").first.inner_text()
    assert "Ik wil graag inzage in al mijn gegevens." in page.locator("pre.mail").first.inner_text()
    shot(page, "quarantine-opened-case-1280")
    case = json.loads(
        invoke("cases", "show", reference, "--json", "--config", str(site.config)).output
    )
    assert (case["needs_decision"], case["requester"], case["received_at"][:10]) == (
        True, "tom.baker@example.com", case["mails"][0]["arrived_at"][:10],
    )  # fmt: skip
    assert case["events"][0]["actor"] == "rudi"

    page.goto(f"{site.url}/quarantine/{ids['inzage Zoë']}")  # decided: no actions any more
    assert "Deze mail staat niet meer in quarantaine" in page.get_by_role("status").inner_text()
    assert page.get_by_role("button", name="Zaak maken").count() == 0

    page.goto(f"{site.url}/quarantine")
    page.get_by_role("link", name="nieuwsbrief").click()
    reason = page.get_by_label("Waarom het geen verzoek is (wordt bij de mail bewaard)")
    reason.fill("Een nieuwsbrief zonder afzender; geen verzoek.")
    both_widths(page, "quarantine-dismiss")
    page.get_by_role("button", name="Terzijde leggen").click()
    page.wait_for_url("**/quarantine?done=dismissed")
    assert "terzijde gelegd" in page.get_by_role("status").inner_text()
    assert "Niets in quarantaine." in page.locator("main").inner_text()
    both_widths(page, "quarantine-empty")
    shown = json.loads(
        invoke(
            "quarantine", "show", str(ids["nieuwsbrief"]), "--json", "--config", str(site.config)
        ).output
    )
    assert (shown["outcome"], shown["dismissed_by"], shown["dismissal_reason"]) == (
        "dismissed", "rudi", "Een nieuwsbrief zonder afzender; geen verzoek.",
    )  # fmt: skip
    assert [url for url in requested if not url.startswith(site.url)] == []


def test_the_actions_need_a_reason_a_token_and_the_mailbox(site: Site) -> None:
    ids = quarantine_two(site)
    mail = ids["nieuwsbrief"]
    client = site.login()
    csrf = form_token(client.get(f"/quarantine/{mail}").text)
    empty = client.post(f"/quarantine/{mail}/dismiss", data={"csrf": csrf, "reason": " "})
    assert empty.status_code == 409 and "give a reason" in empty.text
    forged = client.post(f"/quarantine/{mail}/dismiss", data={"csrf": "x", "reason": "spam"})
    assert forged.status_code == 403
    add_user(site.app.database, "elsewhere", PASSWORD, "en", ("another",))
    other = site.login("elsewhere")
    token = form_token(other.get("/quarantine").text)
    assert "Nothing in quarantine." in other.get("/quarantine").text
    assert other.get(f"/quarantine/{mail}").status_code == 404
    for action in ("retry", "open", "dismiss"):
        refused = other.post(f"/quarantine/{mail}/{action}", data={"csrf": token, "reason": "x"})
        assert refused.status_code == 404, action
    listed = json.loads(invoke("quarantine", "list", "--json", "--config", str(site.config)).output)
    assert sorted(item["id"] for item in listed) == sorted(ids.values())  # nothing was done
    assert client.get("/quarantine/99999").status_code == 404
