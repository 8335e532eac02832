"""The SMTP adapter against a real aiosmtpd server: success, every kind of failure, TLS, logins."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mailbot.config import SmtpSettings
from mailbot.errors import SendDeferred, SendRefused, SmtpUnavailable
from mailbot.ports import Envelope
from mailbot.sending.smtp import SmtpSender
from tests.support.smtp import PASSWORD, TOKEN, USER, SmtpServer
from tests.support.sockets import free_port

pytestmark = [
    pytest.mark.integration,  # aiosmtpd, with TLS and authentication
    pytest.mark.database_incidental("the SMTP adapter against aiosmtpd: no database"),
]

MAIL = (
    b"From: privacy@voorbeeld.example\r\nTo: tom@example.com\r\nSubject: hi\r\n"
    b"Message-ID: <m1@voorbeeld.example>\r\n\r\nHello Tom.\r\n.\r\nA line with a dot.\r\n"
)


def envelope(message_id: str = "<m1@voorbeeld.example>") -> Envelope:
    return Envelope("privacy@voorbeeld.example", "tom@example.com", MAIL, message_id)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SmtpServer]:
    running = SmtpServer(tmp_path).start()
    yield running
    running.stop()


def sender(server: SmtpServer, **changes: Any) -> SmtpSender:
    return SmtpSender(SmtpSettings.model_validate(server.settings(**changes)))


async def test_a_mail_arrives_byte_for_byte(server: SmtpServer) -> None:
    smtp = sender(server)
    reply = await smtp.send(envelope())
    await smtp.close()
    assert "queued" in reply
    (got,) = server.received
    assert got.content == MAIL  # dot-stuffing undone by the server: nothing lost or added
    assert got.rcpt_tos == ("tom@example.com",) and got.mail_from == "privacy@voorbeeld.example"


async def test_one_connection_serves_several_mails(server: SmtpServer) -> None:
    smtp = sender(server)
    for number in range(3):
        await smtp.send(envelope(f"<m{number}@voorbeeld.example>"))
    await smtp.close()
    assert len(server.received) == 3
    assert server.greetings == 1


async def test_a_421_greeting_means_the_server_is_unavailable(server: SmtpServer) -> None:
    server.scenario.refuse_greetings = 1
    smtp = sender(server)
    with pytest.raises(SmtpUnavailable, match="421") as raised:
        await smtp.send(envelope())
    assert not raised.value.login
    await smtp.send(envelope())  # the next connection is greeted
    await smtp.close()
    assert len(server.received) == 1


@pytest.mark.parametrize(
    ("where", "answer", "error"),
    [
        ("rcpt", "550 5.1.1 <tom@example.com>: Recipient address rejected", SendRefused),
        ("rcpt", "450 4.2.1 Mailbox busy, try again", SendDeferred),
        ("data", "451 4.3.0 Temporary local problem", SendDeferred),
        ("data", "550 5.7.1 Message rejected as spam", SendRefused),
    ],
)
async def test_replies_decide_whether_a_mail_is_retried(
    server: SmtpServer, where: str, answer: str, error: type[Exception]
) -> None:
    getattr(server.scenario, where).append(answer)
    smtp = sender(server)
    with pytest.raises(error) as raised:
        await smtp.send(envelope())
    assert answer.split(maxsplit=1)[0] in str(raised.value)
    assert server.received == []
    await smtp.send(envelope())  # the connection was replaced; the next mail goes
    await smtp.close()
    assert len(server.received) == 1


async def test_a_connection_dropped_mid_data_is_retried_and_arrives_once(
    server: SmtpServer,
) -> None:
    server.scenario.data.append("drop-mid")
    smtp = sender(server)
    with pytest.raises(SendDeferred):
        await smtp.send(envelope())
    assert server.received == []
    await smtp.send(envelope())
    await smtp.close()
    assert server.message_ids() == ["<m1@voorbeeld.example>"]


async def test_nothing_listening() -> None:
    smtp = SmtpSender(
        SmtpSettings(host="127.0.0.1", port=free_port(), security="none",
                     from_address="privacy@voorbeeld.example", timeout=2)
    )  # fmt: skip
    with pytest.raises(SmtpUnavailable, match=r"smtp 127\.0\.0\.1"):
        await smtp.send(envelope())


@pytest.mark.parametrize("security", ["tls", "starttls"])
async def test_tls_and_starttls_with_a_password(tmp_path: Path, security: str) -> None:
    server = SmtpServer(tmp_path, security=security, auth=True).start()
    try:
        smtp = sender(server, username=USER, password=PASSWORD)
        await smtp.send(envelope())
        await smtp.close()
        assert len(server.received) == 1
        wrong = sender(server, username=USER, password="wrong")
        with pytest.raises(SmtpUnavailable, match="login refused") as raised:
            await wrong.send(envelope())
        assert raised.value.login
    finally:
        server.stop()


async def test_a_certificate_from_an_unknown_authority_is_refused(tmp_path: Path) -> None:
    server = SmtpServer(tmp_path, security="tls").start()
    try:
        smtp = sender(server, ca_file=None)
        with pytest.raises(SmtpUnavailable, match="CERTIFICATE_VERIFY_FAILED"):
            await smtp.send(envelope())
        assert server.received == []
    finally:
        server.stop()


async def test_xoauth2_with_a_token_file(tmp_path: Path) -> None:
    server = SmtpServer(tmp_path, security="starttls", auth=True).start()
    try:
        (tmp_path / "token").write_text(TOKEN + "\n", encoding="utf-8")
        smtp = sender(
            server, auth="xoauth2", username=USER, oauth2_token_file=str(tmp_path / "token")
        )
        await smtp.send(envelope())
        await smtp.close()
        assert len(server.received) == 1
        (tmp_path / "token").write_text("expired", encoding="utf-8")
        with pytest.raises(SmtpUnavailable, match="login refused") as raised:
            await sender(
                server, auth="xoauth2", username=USER, oauth2_token_file=str(tmp_path / "token")
            ).send(envelope())
        assert raised.value.login
        failing = sender(server, auth="xoauth2", username=USER, oauth2_token_command="false")
        with pytest.raises(SmtpUnavailable, match="oauth2_token_command exited with 1"):
            await failing.send(envelope())
    finally:
        server.stop()


async def test_check_logs_in_and_sends_nothing(tmp_path: Path) -> None:
    server = SmtpServer(tmp_path, security="starttls", auth=True).start()
    try:
        described = await sender(server, username=USER, password=PASSWORD).check()
        assert described.startswith(f"smtp 127.0.0.1:{server.port}: ok")
        assert server.received == []
    finally:
        server.stop()
