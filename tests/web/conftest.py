"""A running site for the web tests: a mailbox drafted by ``mailbot run --once``, users,
aiosmtpd as the SMTP server, and the review pages served by uvicorn on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.support.configs import maildir_config
from tests.support.maildir import drop
from tests.support.smtp import SmtpServer
from tests.support.web import CUSTOMERS, HOSTILE, Site, add_users, invoke, mail, running_site


@pytest.fixture
def site(tmp_path: Path, smtp: SmtpServer) -> Iterator[Site]:
    config = maildir_config(tmp_path, smtp)
    (tmp_path / "klanten.csv").write_text(CUSTOMERS, encoding="utf-8")
    mails = [
        mail("Tom Baker <tom.baker@example.com>", "vraagje",
             "Welke gegevens hebben jullie van mij?"),
        mail("Anna Smit <anna.smit@example.org>", "my data",
             "Hello, please send me a copy of all personal data you hold about me."),
        mail(f"Mallory {HOSTILE} <mallory@example.org>", f"{HOSTILE} inzage",
             f"Ik wil inzage in mijn gegevens. {HOSTILE}", attachment=f"{HOSTILE}.pdf"),
    ]  # fmt: skip
    for index, raw in enumerate(mails):
        drop(tmp_path / "Maildir", f"17000000{index:02d}.M{index}P1.test", raw)
    ran = invoke("run", "--once", "--config", str(config))
    assert ran.exit_code == 0, ran.output
    add_users(config)
    with running_site(config, smtp) as running:
        yield running


@pytest.fixture
def site_with(tmp_path: Path, smtp: SmtpServer) -> Iterator[Callable[[str], Site]]:
    """A site without mail, its ``[web]`` section given: ``site_with('login_attempts = 1')``."""
    with ExitStack() as stack:

        def make(web: str) -> Site:
            config = maildir_config(tmp_path, smtp, f"[web]\n{web}\n")
            add_users(config)
            return stack.enter_context(running_site(config, smtp))

        yield make


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page at 1280 pixels of the test module's ``browser``; any dialog fails the test
    (a script of the page ran)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.on("dialog", lambda dialog: pytest.fail(f"a script ran: {dialog.message}"))
    yield opened
    context.close()
