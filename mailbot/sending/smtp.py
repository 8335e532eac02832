"""The SMTP server as a ``MailSender``: aiosmtplib, TLS or STARTTLS, password or XOAUTH2.

One connection is opened on the first ``send`` and kept for the mails after it
(checked with NOOP before reuse); any error closes it. aiosmtplib's errors are
translated here, by what they mean for the mail in hand:

- a 5xx reply to RCPT or DATA -> ``SendRefused``: this mail will never go; the
  officer gets the server's answer;
- a 4xx reply, a timeout or a connection lost while sending -> ``SendDeferred``:
  this mail is tried again later;
- no connection, a refused greeting (421), a refused login, or a refused sender
  address -> ``SmtpUnavailable``: nothing can be sent now; the pass stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl

import aiosmtplib
from aiosmtplib import (
    SMTPAuthenticationError,
    SMTPException,
    SMTPRecipientsRefused,
    SMTPResponseException,
    SMTPSenderRefused,
    SMTPServerDisconnected,
    SMTPTimeoutError,
)

from mailbot import tokens
from mailbot.config import SmtpSettings
from mailbot.core.outbox import is_permanent
from mailbot.errors import LoginFailed, SendDeferred, SendRefused, SmtpUnavailable
from mailbot.ports import Envelope


class SmtpSender:
    """Sends over one SMTP connection, reconnecting when it was lost."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._client: aiosmtplib.SMTP | None = None

    @property
    def name(self) -> str:
        return f"smtp {self.settings.host}:{self.settings.port}"

    def _tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.settings.ca_file is not None:
            context.load_verify_locations(cafile=str(self.settings.ca_file))
        return context

    async def _connect(self) -> aiosmtplib.SMTP:
        settings = self.settings
        secure = settings.security != "none"
        client = aiosmtplib.SMTP(
            hostname=settings.host,
            port=settings.port,
            timeout=settings.timeout,
            use_tls=settings.security == "tls",
            start_tls=settings.security == "starttls",
            tls_context=self._tls_context() if secure else None,
        )
        try:
            await client.connect()
            if client.is_ehlo_or_helo_needed:  # after STARTTLS the server is greeted again
                await client.ehlo()
            if settings.auth == "xoauth2":
                token = await asyncio.to_thread(
                    tokens.oauth2_token,
                    "smtp",
                    settings.oauth2_token_file,
                    settings.oauth2_token_command,
                )
                assert settings.username is not None  # the configuration guarantees it
                await client.auth_xoauth2(settings.username, token)
            elif settings.username is not None and settings.password is not None:
                await client.login(settings.username, settings.password.get_secret_value())
        except SMTPAuthenticationError as exc:
            await _abort(client)
            raise SmtpUnavailable(
                f"{self.name}: login refused (check smtp.username and the password): "
                f"{exc.code} {exc.message}",
                login=True,
            ) from None
        except LoginFailed as exc:
            await _abort(client)
            raise SmtpUnavailable(f"{self.name}: {exc}", login=True) from None
        except (SMTPException, OSError) as exc:
            await _abort(client)
            raise SmtpUnavailable(f"{self.name}: {_describe(exc)}") from None
        return client

    async def _ready(self) -> aiosmtplib.SMTP:
        """An open, logged-in connection: the kept one if it still answers, else a new one."""
        if self._client is not None:
            try:
                await self._client.noop()
            except (SMTPException, OSError):
                await self._drop()
            else:
                return self._client
        self._client = await self._connect()
        return self._client

    async def send(self, envelope: Envelope) -> str:
        client = await self._ready()
        try:
            _errors, reply = await client.sendmail(
                envelope.sender, [envelope.recipient], envelope.content
            )
        except SMTPRecipientsRefused as exc:
            await self._drop()
            refused = exc.recipients[0] if exc.recipients else None
            code = refused.code if refused is not None else None
            answer = f"{code} {refused.message}" if refused is not None else str(exc)
            raise _by_code(f"recipient refused: {answer}", code) from None
        except SMTPSenderRefused as exc:
            await self._drop()
            raise SmtpUnavailable(
                f"{self.name}: our sender address {exc.sender} is refused: {exc.code} {exc.message}"
            ) from None
        except (SMTPServerDisconnected, SMTPTimeoutError, OSError) as exc:
            await self._drop()
            raise SendDeferred(f"{self.name}: {_describe(exc)}") from None
        except SMTPResponseException as exc:
            await self._drop()
            raise _by_code(f"{exc.code} {exc.message}", exc.code) from None
        except SMTPException as exc:
            await self._drop()
            raise SendDeferred(f"{self.name}: {_describe(exc)}") from None
        return reply

    async def check(self) -> str:
        client = await self._ready()
        try:
            extensions = sorted(client.esmtp_extensions)
            tls = "TLS" if client.is_connected and self.settings.security != "none" else "no TLS"
            login = "logged in" if self.settings.username else "no login"
            return f"{self.name}: ok ({tls}, {login}; {', '.join(extensions)})"
        finally:
            await self.close()

    async def _drop(self) -> None:
        if self._client is not None:
            await _abort(self._client)
            self._client = None

    async def close(self) -> None:
        """QUIT politely; a connection that is already gone is simply forgotten."""
        client, self._client = self._client, None
        if client is not None:
            try:
                await client.quit()
            except (SMTPException, OSError):
                await _abort(client)


def _by_code(message: str, code: int | None) -> SendRefused | SendDeferred:
    if code is not None and is_permanent(code):
        return SendRefused(message, code)
    return SendDeferred(message, code)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SMTPResponseException):
        return f"{exc.code} {exc.message}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


async def _abort(client: aiosmtplib.SMTP) -> None:
    with contextlib.suppress(Exception):  # a connection that may already be dead
        client.close()
