"""The plan page in a real headless Chromium: the dry run's counts, the officer's approval,
the proof (what each source did), the audit trail in Dutch, a plan that changed since the
officer saw it, a rectification with the new values typed in, and a case that may not run.

The site is a shop's mailbox (tests/support/shop.py): its SQLite customer database as a
source with statements, an invoice file it must keep, and three requests read by
``mailbot run --once``: Tom's erasure, Sanne's rectification, and a forged erasure.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import create_engine, text

from tests.support.configs import smtp_section
from tests.support.datasets import make_invoices
from tests.support.maildir import drop
from tests.support.mails import simple
from tests.support.shop import (
    AUTHSERV,
    PERSON,
    erasure_mail,
    make_shop,
    rows,
    shop_config,
    snapshot,
)
from tests.support.smtp import SmtpServer
from tests.support.web import Site, add_users, invoke, running_site
from tests.web.pages import check, chromium, log_in
from tests.web.test_pages import ENGLISH, NOT_OURS, VISIBLE_TEXT

pytestmark = pytest.mark.first_pass_only(
    "the pages in a browser: the service calls behind them run on both databases in tests/service"
)

SANNE = "sanne.devries@example.net"
FORGER = "mallory@example.org"
INVOICES = """
[[sources]]
name = "invoices"
kind = "csv"
path = "invoices.csv"
email_column = "email"
category = { nl = "Facturen", en = "Invoices" }
purpose = { nl = "Facturatie", en = "Invoicing" }
legal_basis = { nl = "wettelijke verplichting", en = "legal obligation" }
retention = { nl = "7 jaar", en = "7 years" }
erasure = "keep"
keep_years = 7
"""
APPROVE = "Plan goedkeuren en uitvoeren"


@pytest.fixture
def shop(tmp_path: Path) -> str:
    return make_shop(f"sqlite:///{tmp_path / 'shop.db'}")


@pytest.fixture
def site(tmp_path: Path, smtp: SmtpServer, shop: str) -> Iterator[Site]:
    config = shop_config(tmp_path, f"sqlite:///{tmp_path / 'mailbot.db'}", shop)
    make_invoices(tmp_path / "invoices.csv")
    with config.open("a", encoding="utf-8") as toml:
        toml.write(INVOICES + smtp_section(smtp, from_name="Privacy Voorbeeld"))
    erasure_mail(tmp_path)
    passed = f"{AUTHSERV}; spf=pass smtp.mailfrom=example.net; dkim=pass header.d=example.net; "
    drop(tmp_path / "Maildir", "1700000001.M2P1.test", simple(
        "Mijn telefoonnummer klopt niet, wilt u het corrigeren?",
        From=f"Sanne de Vries <{SANNE}>", Authentication_Results=passed + "dmarc=pass",
    ))  # fmt: skip
    forged = f"{AUTHSERV}; spf=fail smtp.mailfrom=example.org; dkim=none; dmarc=fail"
    drop(tmp_path / "Maildir", "1700000002.M3P1.test", simple(
        "Verwijder al mijn gegevens.", From=f"Mallory <{FORGER}>", Authentication_Results=forged,
    ))  # fmt: skip
    ran = invoke("run", "--once", "--config", str(config))
    assert ran.exit_code == 0, ran.output
    add_users(config)
    with running_site(config, smtp) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def english_on(page: Page) -> list[str]:
    """English words in the page's own text (the company's SQL in ``<code>`` is its own)."""
    words: list[str] = ENGLISH.findall(page.evaluate(VISIBLE_TEXT, f"{NOT_OURS}, code"))
    return words


def cells(page: Page, column: int) -> list[str]:
    """The texts of one column of the step's statements (0: the statement)."""
    return [text.strip() for text in page.locator(f"section.step tbody td:nth-child({column + 1})")
            .all_inner_texts()]  # fmt: skip


def executions(site: Site) -> list[tuple[object, ...]]:
    return rows(f"sqlite:///{site.config.parent / 'mailbot.db'}", "SELECT state FROM executions")


def test_the_plan_is_approved_carried_out_and_proved(site: Site, page: Page, shop: str) -> None:
    reference = site.reference_of(PERSON)
    plan = f"{site.url}/cases/{reference}/plan"
    log_in(page, site)
    # the Today list and the case's next steps lead to the plan, where mailbot carries out
    to_plan = f'a[href="/cases/{reference}/plan"]'
    assert page.locator(to_plan).inner_text().startswith("Voer 3 actie(s) uit in de gegevensbr")
    page.goto(f"{site.url}/cases/{reference}")
    assert (
        "Voer 3 actie(s) uit"
        in page.get_by_role("region", name="Wat er nu gebeurt").locator(to_plan).inner_text()
    )
    page.get_by_role("link", name="Uitvoeren", exact=True).click()  # the tab: it has actions
    page.wait_for_url(plan)
    assert page.locator("section.step h3").inner_text() == "shop: verwijdering · gepland"
    assert cells(page, 1) == ["2", "1", "1"]  # the dry run: two orders, a mailing, the customer
    assert cells(page, 2) == ["–", "–", "–"]
    assert cells(page, 0)[0].startswith("DELETE FROM bestellingen")
    assert page.locator("code.sql").first.get_attribute("lang") == "en"
    kept = page.get_by_role("region", name="Gegevens die bewaard blijven").inner_text()
    assert re.search(r"invoices: bewaard tot en met \d{4}-\d\d-\d\d", kept), kept
    by_hand = page.get_by_role("region", name="Wat u zelf doet").inner_text()
    assert "Vertel Bezorger Z (een ontvanger van shop)" in by_hand
    problems = check(page, plan, "plan")
    assert english_on(page) == []

    page.get_by_role("button", name=APPROVE).click()
    page.wait_for_url(f"{plan}?done=executed")
    assert "het plan is uitgevoerd" in page.get_by_role("status").first.inner_text()
    assert page.locator("section.step h3").inner_text() == "shop: verwijdering · uitgevoerd"
    assert cells(page, 2) == ["2", "1", "1"]  # the proof: the rows each statement changed
    assert page.get_by_role("button", name=APPROVE).count() == 0
    assert rows(shop, "SELECT count(*) FROM klanten WHERE lower(email) = :e", e=PERSON) == [(0,)]
    assert rows(shop, "SELECT count(*) FROM bestellingen WHERE klant_id = 1") == [(0,)]
    assert executions(site) == [("executed",)]
    problems += check(page, f"{plan}?done=executed", "plan-done")
    assert english_on(page) == []

    page.get_by_role("link", name="Logboek").first.click()
    trail = page.locator("table.trail").inner_text()
    assert "plan goedgekeurd" in trail and "uitgevoerd in de bron" in trail
    assert "rijen gepland: 2, 1, 1" in trail and "rijen gewijzigd: 2, 1, 1" in trail
    assert "bron: shop; recht: verwijdering" in trail
    assert english_on(page) == []
    assert problems == [], "\n".join(problems)


def test_a_plan_changed_since_it_was_seen_is_refused_and_nothing_runs(
    site: Site, page: Page, shop: str
) -> None:
    reference = site.reference_of(PERSON)
    log_in(page, site)
    page.goto(f"{site.url}/cases/{reference}/plan")
    assert cells(page, 1) == ["2", "1", "1"]
    engine = create_engine(shop)  # meanwhile Tom orders once more
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO bestellingen VALUES (14, 1, 'stoel')"))
    engine.dispose()
    before = snapshot(shop)
    with page.expect_response(lambda answer: answer.url.endswith("/execute")) as answered:
        page.get_by_role("button", name=APPROVE).click()
    assert answered.value.status == 409
    alert = page.get_by_role("alert").first.inner_text()
    assert "het plan is gewijzigd sinds u het zag: bekijk het opnieuw" in alert, alert
    assert snapshot(shop) == before and executions(site) == []
    assert cells(page, 1) == ["3", "1", "1"]  # the new plan, to approve again
    page.get_by_role("button", name=APPROVE).click()
    page.wait_for_url(re.compile(r".*\?done=executed$"))
    assert cells(page, 2) == ["3", "1", "1"]


def test_a_rectification_with_the_values_typed_in(
    site: Site, page: Page, shop: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="mailbot")
    reference = site.reference_of(SANNE)
    log_in(page, site)
    page.goto(f"{site.url}/cases/{reference}/plan")
    assert page.locator("section.step h3").inner_text() == "shop: rectificatie · gepland"
    assert page.get_by_role("alert").count() == 0  # the values are asked, not a problem
    page.get_by_label("naam", exact=True).fill("Sanne de Vries-Jansen")
    page.get_by_label("telefoon", exact=True).fill("0611112222")
    page.get_by_role("button", name=APPROVE).click()
    page.wait_for_url(f"{site.url}/cases/{reference}/plan?done=executed")
    assert page.locator("section.step h3").inner_text() == "shop: rectificatie · uitgevoerd"
    assert cells(page, 2) == ["1"]
    assert rows(shop, "SELECT naam, telefoon FROM klanten WHERE id = 3") == [
        ("Sanne de Vries-Jansen", "0611112222")
    ]
    # the new values went in the form's body: not in an address, the trail, the log or the store
    mailbot_db = f"sqlite:///{site.config.parent / 'mailbot.db'}"
    kept = str(rows(mailbot_db, "SELECT new_values FROM executions"))
    kept += str(rows(mailbot_db, "SELECT detail FROM case_events"))
    for value in ("0611112222", "Jansen"):
        assert value not in page.url and value not in kept and value not in caplog.text


def test_a_forged_request_shows_why_nothing_runs_and_no_button(
    site: Site, page: Page, shop: str
) -> None:
    reference = site.reference_of(FORGER)
    plan = f"{site.url}/cases/{reference}/plan"
    before = snapshot(shop)
    log_in(page, site)
    page.goto(plan)
    why = page.get_by_role("alert").filter(has_text="Waarom het nu niet kan worden uitgevoerd")
    assert "de afzender van het verzoek was vervalst: er wordt niets uitgevoerd" in why.inner_text()
    assert page.get_by_role("button", name=APPROVE).count() == 0
    assert page.locator("section.step").count() == 0  # no reply drafted: nothing planned
    problems = check(page, plan, "plan-forged")
    assert english_on(page) == []
    assert problems == [], "\n".join(problems)
    # a form posted all the same is refused, and nothing runs
    client = site.login()
    token = re.search(r'name="csrf" value="([^"]+)"', client.get(f"/cases/{reference}/plan").text)
    assert token is not None
    answer = client.post(
        f"/cases/{reference}/execute", data={"csrf": token[1], "version": "0123456789ab"}
    )
    assert answer.status_code == 409
    assert "het plan kan niet worden uitgevoerd: de afzender van het verzoek was vervalst" in (
        answer.text
    )
    assert snapshot(shop) == before and executions(site) == []
