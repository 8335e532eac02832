"""A real SMTP server for the tests: aiosmtpd on loopback, with failures injected by its handler.

``SmtpServer.scenario`` says what the next connections and mails meet: a 421
greeting, a refused recipient, a 451 or 550 reply after DATA, a connection
dropped in the middle of DATA, or a slow reply. Everything the server accepted
is in ``received``, with the moment it answered 250.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.support.sockets import free_port

USER, PASSWORD, TOKEN = "privacy@voorbeeld.example", "smtp-secret", "token-123"


@dataclass
class Scenario:
    """What the server does next; each queue is consumed one entry per connection or mail."""

    refuse_greetings: int = 0
    rcpt: deque[str] = field(default_factory=deque)  # "" accepts; else the reply, e.g. "550 ..."
    data: deque[str] = field(default_factory=deque)  # "" accepts; a reply; or "drop-mid"
    delay: float = 0.0  # seconds before the reply to DATA


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes
    at: float  # time.time() when the server answered 250

    @property
    def message_id(self) -> str:
        return str(message_from_bytes(self.content, policy=policy.SMTP)["Message-ID"])

    @property
    def message(self) -> Any:
        return message_from_bytes(self.content, policy=policy.default)


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: Any
    ) -> Any:
        with self.server.lock:
            self.server.greetings += 1
        session.host_name = hostname  # what aiosmtpd does itself when there is no hook
        return responses

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        scenario = self.server.scenario
        answer = scenario.rcpt.popleft() if scenario.rcpt else ""
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        scenario = self.server.scenario
        answer = scenario.data.popleft() if scenario.data else ""
        if scenario.delay:
            await asyncio.sleep(scenario.delay)
        if answer:
            return answer
        content = envelope.original_content or b""
        with self.server.lock:
            self.server.received.append(
                Received(
                    str(envelope.mail_from), tuple(envelope.rcpt_tos), bytes(content), time.time()
                )
            )
        return "250 2.0.0 Ok: queued"

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        import base64

        decoded = base64.b64decode(args[1]).decode() if len(args) > 1 else ""
        expected = f"user={USER}\x01auth=Bearer {TOKEN}\x01\x01"
        return AuthResult(success=decoded == expected, handled=False)


class _ScenarioSMTP(SMTP):
    """aiosmtpd's server, with a refused greeting and a drop in the middle of DATA."""

    def __init__(self, handler: Any, owner: SmtpServer, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.owner = owner
        self._greeted = False

    async def push(self, status: Any) -> None:
        text = status.decode() if isinstance(status, bytes) else status
        if not self._greeted and text.startswith("220 "):
            self._greeted = True
            if self.owner.scenario.refuse_greetings > 0:
                self.owner.scenario.refuse_greetings -= 1
                await super().push("421 4.3.2 Service not available, closing transmission channel")
                assert self.transport is not None
                self.transport.close()
                return
        await super().push(status)

    async def smtp_DATA(self, arg: str) -> None:
        data = self.owner.scenario.data
        if data and data[0] == "drop-mid" and self.envelope is not None and self.envelope.rcpt_tos:
            data.popleft()
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            await self._reader.readuntil(b"\r\n")  # the first line of the mail, then gone
            assert self.transport is not None
            self.transport.close()
            return
        await super().smtp_DATA(arg)


class _Controller(Controller):
    def __init__(self, owner: SmtpServer, **kwargs: Any) -> None:
        self.owner = owner
        super().__init__(_Handler(owner), **kwargs)

    def factory(self) -> SMTP:
        return _ScenarioSMTP(self.handler, self.owner, **self.SMTP_kwargs)


def _authenticate(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


class SmtpServer:
    """One aiosmtpd server on 127.0.0.1; ``security``: "none", "tls" or "starttls"."""

    def __init__(self, root: Path, security: str = "none", auth: bool = False) -> None:
        self.port = free_port()
        self.security = security
        self.scenario = Scenario()
        self.received: list[Received] = []
        self.greetings = 0  # EHLOs seen: one per connection (two with STARTTLS)
        self.lock = threading.Lock()
        self.ca_file: Path | None = None
        kwargs: dict[str, Any] = {"hostname": "127.0.0.1", "port": self.port}
        if security != "none":
            authority = trustme.CA()
            issued = authority.issue_cert("127.0.0.1", "localhost")
            self.ca_file = root / "smtp-ca.pem"
            authority.cert_pem.write_to_path(str(self.ca_file))
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            issued.configure_cert(context)
            kwargs["ssl_context" if security == "tls" else "tls_context"] = context
            if security == "starttls":
                kwargs["require_starttls"] = True
        if auth:
            kwargs["authenticator"] = _authenticate
            # aiosmtpd cannot see TLS it did not start itself (implicit TLS on the socket), and
            # warns when AUTH is required without it: there, AUTH is offered but not required.
            kwargs["auth_require_tls"] = security != "tls"
            kwargs["auth_required"] = security != "tls"
        self.controller = _Controller(self, **kwargs)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def message_ids(self) -> list[str]:
        with self.lock:
            return [item.message_id for item in self.received]

    def settings(self, **changes: Any) -> dict[str, Any]:
        """An ``[smtp]`` section for this server."""
        values: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": self.port,
            "security": self.security,
            "from_address": "privacy@voorbeeld.example",
            "timeout": 5,
        }
        if self.ca_file is not None:
            values["ca_file"] = str(self.ca_file)
        values.update(changes)
        return values
