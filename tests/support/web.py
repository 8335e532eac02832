"""The review pages served for the tests: a site on loopback, its users, and logging in.

The fixtures that build a site (``site``, ``site_with``, ``smtp``) are in ``tests/web/conftest.py``.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result

from mailbot.app import App, load_app
from mailbot.cli.main import cli
from mailbot.web.serve import server as web_server
from tests.support.smtp import SmtpServer

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


WRONG = "not the password"


def attempt(client: httpx.Client, name: str, password: str, **headers: str) -> int:
    """A login through the form, as a browser does it: the status of the answer."""
    csrf = form_token(client.get("/login").text)
    data = {"csrf": csrf, "name": name, "password": password}
    return client.post("/login", data=data, headers=headers).status_code


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
