"""A running site for the web tests: a mailbox drafted by ``mailbot run --once``, users,
aiosmtpd as the SMTP server, and the review pages served by uvicorn on loopback."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result

from mailbot.app import App, load_app
from mailbot.cli.main import cli
from mailbot.web.serve import server as web_server
from tests.smtp import SmtpServer
from tests.sources.test_maildir import drop
from tests.test_sending_end_to_end import maildir_config

PASSWORD = "correct horse battery staple"
CUSTOMERS = (
    "email,naam,klantnummer\n"
    "tom.baker@example.com,Tom Baker,C-1001\n"
    "anna.smit@example.org,Anna Smit,C-1002\n"
)
HOSTILE = "<script>alert('x')</script>"


def invoke(*args: str, stdin: str | None = None) -> Result:
    """A mailbot command, in a thread of its own: Playwright's sync API keeps an event loop
    running in the test's thread, and ``mailbot run`` starts one of its own."""
    results: list[Result] = []
    thread = threading.Thread(
        target=lambda: results.append(
            CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)
        )
    )
    thread.start()
    thread.join(120)
    assert results, f"mailbot {' '.join(args)} did not finish"
    return results[0]


def mail(sender: str, subject: str, body: str, attachment: str | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "privacy@voorbeeld.example"
    message["Subject"] = subject
    message["Date"] = "Tue, 10 Mar 2026 09:00:00 +0100"
    message["Message-ID"] = f"<{abs(hash((sender, subject)))}@example.net>"
    message.set_content(body)
    if attachment is not None:
        message.add_attachment(b"%PDF-1.4 test", maintype="application", subtype="pdf",
                               filename=attachment)  # fmt: skip
    return message.as_bytes()


@dataclass
class Site:
    url: str
    config: Path
    app: App
    smtp: SmtpServer
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self) -> httpx.Client:
        """An HTTP client of its own (its own cookies), closed with the site."""
        client = httpx.Client(base_url=self.url, follow_redirects=False, timeout=20)
        self.clients.append(client)
        return client

    def login(self, name: str = "rudi", password: str = PASSWORD) -> httpx.Client:
        client = self.client()
        csrf = form_token(client.get("/login").text)
        answer = client.post("/login", data={"csrf": csrf, "name": name, "password": password})
        assert answer.status_code == 303, answer.text
        return client

    def reference_of(self, requester: str) -> str:
        cases = invoke("cases", "list", "--json", "--config", str(self.config)).output
        return str(next(c["reference"] for c in json.loads(cases) if c["requester"] == requester))


def form_token(html: str) -> str:
    marker = 'name="csrf" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpServer]:
    running = SmtpServer(tmp_path).start()
    yield running
    running.stop()


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


def add_users(config: Path) -> None:
    """The officer (rudi, Dutch) and his deputy (English), both with ``PASSWORD``."""
    for name, language in (("rudi", "nl"), ("deputy", "en")):
        added = invoke("users", "add", name, "--language", language, "--config", str(config),
                       stdin=f"{PASSWORD}\n")  # fmt: skip
        assert added.exit_code == 0, added.output


@contextmanager
def running_site(config: Path, smtp: SmtpServer) -> Iterator[Site]:
    with serving(config) as (url, app):
        running = Site(url, config, app, smtp)
        yield running
        for client in running.clients:
            client.close()


@contextmanager
def serving(config: Path) -> Iterator[tuple[str, App]]:
    """The review pages for ``config``, served by uvicorn on a free loopback port."""
    app = load_app(config)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    served = web_server(app, "127.0.0.1", port)
    thread = threading.Thread(target=served.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not served.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the review pages did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        served.should_exit = True
        thread.join(10)
        sock.close()
        app.close()
