"""The IMAP source against a real Dovecot on loopback."""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mailbot.config import ImapSettings
from mailbot.errors import LoginFailed, MailVanished, SourceUnavailable
from mailbot.ports import Outcome
from mailbot.sources.imap import PIECE, ImapSentFolder, ImapSource
from tests.support.introspection import TokenIntrospection
from tests.support.mails import request
from tests.support.waiting import until_async

pytestmark = pytest.mark.database_incidental("the IMAP adapter against Dovecot: no database")


def imap_settings(dovecot: Any, user: str, **changes: Any) -> ImapSettings:
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": dovecot.port,
        "security": "none",
        "username": user,
        "password": "secret",
        "timeout": 10,
    }
    values.update(changes)
    return ImapSettings.model_validate(values)


async def test_lists_fetches_without_marking_read(dovecot: Any, mailbox: str) -> None:
    dovecot.append(mailbox, request(1), request(2))
    source = ImapSource(imap_settings(dovecot, mailbox))
    try:
        refs = await source.pending()
        assert [ref.key.uid for ref in refs] == ["1", "2"]
        assert refs[0].key.source == "imap" and refs[0].key.folder == "INBOX"
        assert refs[0].key.uidvalidity > 0
        assert refs[0].size > 50 and refs[0].arrived_at.tzinfo is not None
        raw = await source.fetch(refs[0])
        assert b"klant 1" in raw
    finally:
        await source.close()
    client = dovecot.client(mailbox)
    client.select_folder("INBOX", readonly=True)
    assert all(b"\\Seen" not in flags for flags in client.get_flags([1, 2]).values())
    client.logout()


async def test_mails_asked_for_together_come_each_to_its_asker(dovecot: Any, mailbox: str) -> None:
    """The read-ahead asks for many mails at once; they are fetched together (a command
    for several), and each asker gets its own mail, or why it is gone."""
    dovecot.append(mailbox, *(request(n) for n in range(1, 6)))
    source = ImapSource(imap_settings(dovecot, mailbox))
    try:
        refs = await source.pending()
        client = dovecot.client(mailbox)  # someone else takes the third before it is fetched
        client.select_folder("INBOX")
        client.delete_messages([3])
        client.expunge()
        client.logout()
        asked = [asyncio.ensure_future(source.fetch(ref)) for ref in refs]
        asked[3].cancel()  # the fourth is given up (a read-ahead cancelled)
        found = await asyncio.gather(*asked, return_exceptions=True)
        again = await source.fetch(refs[4])  # and the source goes on as before
    finally:
        await source.close()
    for number in (1, 2, 5):
        mail = found[number - 1]
        assert isinstance(mail, bytes)
        assert b"klant %d" % number in mail
    assert isinstance(found[2], MailVanished)
    assert isinstance(found[3], asyncio.CancelledError)
    assert again == found[4]


@pytest.mark.parametrize("extra", [-1, 0, 1, PIECE])
async def test_a_large_mail_is_fetched_in_pieces_byte_for_byte(
    dovecot: Any, mailbox: str, extra: int
) -> None:
    head = request(1).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")  # as stored
    filler = b"x" * 998 + b"\r\n"
    body = filler * ((PIECE + extra - len(head)) // len(filler) + 1)
    raw = (head + body)[: PIECE + extra - 2] + b"\r\n"  # around the size of one piece
    assert len(raw) == PIECE + extra
    dovecot.append(mailbox, raw)
    source = ImapSource(imap_settings(dovecot, mailbox))
    try:
        (ref,) = await source.pending()
        assert ref.size == len(raw)
        assert await source.fetch(ref) == raw
    finally:
        await source.close()


async def test_settle_moves_requests_and_leaves_other_mail(dovecot: Any, mailbox: str) -> None:
    dovecot.append(mailbox, request(1), request(2), request(3))
    source = ImapSource(imap_settings(dovecot, mailbox))
    try:
        refs = await source.pending()
        await source.settle([(refs[0], Outcome.NEW_CASE)])
        await source.settle([(refs[1], Outcome.IGNORED), (refs[2], Outcome.QUARANTINED)])
    finally:
        await source.close()
    assert dovecot.uids(mailbox) == [2, 3]
    assert len(dovecot.uids(mailbox, "AVG-verzoeken")) == 1  # created when missing


async def test_a_batch_is_moved_together_even_when_one_mail_is_gone(
    dovecot: Any, mailbox: str
) -> None:
    dovecot.append(mailbox, *(request(n) for n in range(1, 6)))
    source = ImapSource(imap_settings(dovecot, mailbox, other_folder="Overig"))
    try:
        refs = await source.pending()
        await source.settle([(refs[1], Outcome.NEW_CASE)])  # moved already (another worker)
        outcomes = [Outcome.NEW_CASE, Outcome.NEW_CASE, Outcome.NOT_A_REQUEST,
                    Outcome.FOLLOW_UP, Outcome.QUARANTINED]  # fmt: skip
        await source.settle(list(zip(refs, outcomes, strict=True)))
    finally:
        await source.close()
    assert dovecot.uids(mailbox) == [5]  # the quarantined mail stays in view
    assert len(dovecot.uids(mailbox, "AVG-verzoeken")) == 3
    assert len(dovecot.uids(mailbox, "Overig")) == 1


async def test_other_mail_can_be_moved_too(dovecot: Any, mailbox: str) -> None:
    dovecot.append(mailbox, request(1))
    source = ImapSource(imap_settings(dovecot, mailbox, other_folder="Overig"))
    try:
        (ref,) = await source.pending()
        await source.settle([(ref, Outcome.NOT_A_REQUEST)])
    finally:
        await source.close()
    assert dovecot.uids(mailbox) == []
    assert len(dovecot.uids(mailbox, "Overig")) == 1


async def test_idle_wakes_up_when_mail_arrives(dovecot: Any, mailbox: str) -> None:
    source = ImapSource(imap_settings(dovecot, mailbox))
    try:
        assert await source.pending() == []
        waiting = asyncio.ensure_future(source.wait(30))
        await until_async(lambda: dovecot.idling(mailbox), 10, "the source in IDLE")
        started = time.monotonic()
        await asyncio.to_thread(dovecot.append, mailbox, request(1))
        await asyncio.wait_for(waiting, timeout=10)
        assert time.monotonic() - started < 5
        assert len(await source.pending()) == 1
    finally:
        await source.close()


async def test_a_cancelled_wait_leaves_idle_and_the_connection_usable(
    dovecot: Any, mailbox: str
) -> None:
    source = ImapSource(imap_settings(dovecot, mailbox))
    try:
        await source.pending()
        waiting = asyncio.ensure_future(source.wait(300))
        await until_async(lambda: dovecot.idling(mailbox), 10, "the source in IDLE")
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        dovecot.append(mailbox, request(1))
        assert len(await asyncio.wait_for(source.pending(), timeout=5)) == 1
    finally:
        await source.close()


async def test_wrong_password_is_a_login_failure(dovecot: Any, mailbox: str) -> None:
    source = ImapSource(imap_settings(dovecot, mailbox, password="wrong"))
    try:
        with pytest.raises(LoginFailed, match="login refused"):
            await source.pending()
    finally:
        await source.close()


async def test_nothing_listening_is_unavailable(dovecot: Any, mailbox: str) -> None:
    from tests.support.sockets import free_port

    source = ImapSource(imap_settings(dovecot, mailbox, port=free_port()))
    try:
        with pytest.raises(SourceUnavailable, match="ConnectionRefusedError"):
            await source.pending()
    finally:
        await source.close()


async def test_a_removed_mail_is_reported_as_vanished(dovecot: Any, mailbox: str) -> None:
    dovecot.append(mailbox, request(1))
    source = ImapSource(imap_settings(dovecot, mailbox))
    try:
        (ref,) = await source.pending()
        client = dovecot.client(mailbox)
        client.select_folder("INBOX")
        client.delete_messages([1])
        client.expunge()
        client.logout()
        with pytest.raises(MailVanished):
            await source.fetch(ref)
    finally:
        await source.close()


async def test_state_reports_the_folder_and_changes_nothing(dovecot: Any, mailbox: str) -> None:
    dovecot.append(mailbox, request(1))
    source = ImapSource(imap_settings(dovecot, mailbox))
    try:
        state = await source.state()
    finally:
        await source.close()
    assert (state.folder, state.messages, state.idle, state.move) == ("INBOX", 1, True, True)
    assert state.requests_folder_exists is False
    assert dovecot.uids(mailbox, "AVG-verzoeken") == []


async def test_xoauth2_with_a_token_file(
    dovecot: Any, mailbox: str, introspection: TokenIntrospection, tmp_path: Path
) -> None:
    introspection.tokens["token-for-file"] = mailbox
    token_file = tmp_path / "token"
    token_file.write_text("token-for-file\n", encoding="utf-8")
    dovecot.append(mailbox, request(1))
    settings = imap_settings(
        dovecot, mailbox, password=None, auth="xoauth2", oauth2_token_file=token_file
    )
    source = ImapSource(settings)
    try:
        assert len(await source.pending()) == 1
    finally:
        await source.close()


async def test_xoauth2_with_a_token_command(
    dovecot: Any, mailbox: str, introspection: TokenIntrospection
) -> None:
    introspection.tokens["token-from-command"] = mailbox
    command = f"{sys.executable} -c \"print('token-from-command')\""
    settings = imap_settings(
        dovecot, mailbox, password=None, auth="xoauth2", oauth2_token_command=command
    )
    source = ImapSource(settings)
    try:
        assert await source.pending() == []
    finally:
        await source.close()


async def test_xoauth2_with_a_token_the_server_refuses(
    dovecot: Any, mailbox: str, tmp_path: Path
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("expired", encoding="utf-8")
    settings = imap_settings(
        dovecot, mailbox, password=None, auth="xoauth2", oauth2_token_file=token_file
    )
    source = ImapSource(settings)
    try:
        with pytest.raises(LoginFailed):
            await source.pending()
    finally:
        await source.close()


async def test_a_failing_token_command_is_a_login_failure(dovecot: Any, mailbox: str) -> None:
    settings = imap_settings(
        dovecot, mailbox, password=None, auth="xoauth2", oauth2_token_command="false"
    )
    source = ImapSource(settings)
    try:
        with pytest.raises(LoginFailed, match="exited with 1"):
            await source.pending()
    finally:
        await source.close()


@pytest.fixture(scope="module")
def tls_dovecot() -> Any:
    import shutil
    import tempfile

    from tests.support.dovecot import Dovecot

    root = Path(tempfile.mkdtemp(prefix="mailbot-dovecot-"))
    server = Dovecot(root, tls=True)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


async def test_tls_with_a_private_ca(tls_dovecot: Any) -> None:
    user = tls_dovecot.add_user()
    tls_dovecot.append(user, request(1))
    settings = imap_settings(
        tls_dovecot, user, port=tls_dovecot.tls_port, security="tls", ca_file=tls_dovecot.ca_file
    )
    source = ImapSource(settings)
    try:
        assert len(await source.pending()) == 1
    finally:
        await source.close()


async def test_starttls_with_a_private_ca(tls_dovecot: Any) -> None:
    user = tls_dovecot.add_user()
    settings = imap_settings(tls_dovecot, user, security="starttls", ca_file=tls_dovecot.ca_file)
    source = ImapSource(settings)
    try:
        assert await source.pending() == []
    finally:
        await source.close()


async def test_a_certificate_nobody_vouches_for_is_refused(tls_dovecot: Any) -> None:
    user = tls_dovecot.add_user()
    settings = imap_settings(tls_dovecot, user, port=tls_dovecot.tls_port, security="tls")
    source = ImapSource(settings)
    try:
        with pytest.raises(SourceUnavailable, match="CERTIFICATE_VERIFY_FAILED"):
            await source.pending()
    finally:
        await source.close()


def test_the_sent_folder_files_again_after_it_was_closed(dovecot: Any, mailbox: str) -> None:
    """The worker closes the Sent folder after each filing pass and files again later."""

    async def scenario() -> list[bool]:
        folder = ImapSentFolder(imap_settings(dovecot, mailbox))
        done = []
        for index in range(2):
            when = datetime(2026, 11, 25, 12, index, tzinfo=UTC)
            done.append(await folder.file(f"<sent-{index}@x>", request(index), when))
            await folder.close()
        return done

    assert asyncio.run(scenario()) == [True, True]
    assert len(dovecot.uids(mailbox, "Sent")) == 2


async def test_a_long_backlog_to_move_is_moved_in_commands_that_fit(
    dovecot: Any, mailbox: str
) -> None:
    """12,000 recorded mails to settle (say, after the officer set other_folder) would not fit
    on one command line (the server's limit): they go in chunks, and the pass goes on."""
    dovecot.append(mailbox, request(1))
    source = ImapSource(imap_settings(dovecot, mailbox))
    try:
        (real,) = await source.pending()
        gone = [replace(real, key=replace(real.key, uid=str(10_000 + n))) for n in range(12_000)]
        await source.settle([(ref, Outcome.NEW_CASE) for ref in [real, *gone]])
    finally:
        await source.close()
    assert dovecot.uids(mailbox) == []
    assert len(dovecot.uids(mailbox, "AVG-verzoeken")) == 1


async def test_a_mail_another_session_moved_does_not_hold_up_the_batch(
    dovecot: Any, mailbox: str
) -> None:
    """The server refuses a whole MOVE for a mail another session moved that this one has not
    been told of yet (EXPUNGEISSUED): the rest are moved all the same."""
    dovecot.append(mailbox, *(request(n) for n in range(1, 6)))
    source = ImapSource(imap_settings(dovecot, mailbox))
    try:
        refs = await source.pending()
        other = dovecot.client(mailbox)  # the officer (or another worker) takes the second
        other.select_folder("INBOX")
        other.create_folder("Elders")
        other.move([2], "Elders")
        other.logout()
        await source.settle([(ref, Outcome.NEW_CASE) for ref in refs])
    finally:
        await source.close()
    assert dovecot.uids(mailbox) == []
    assert len(dovecot.uids(mailbox, "AVG-verzoeken")) == 4


async def test_closing_tells_whoever_waits_for_a_mail(dovecot: Any, mailbox: str) -> None:
    dovecot.append(mailbox, request(1), request(2))
    source = ImapSource(imap_settings(dovecot, mailbox))
    refs = await source.pending()
    asked = [asyncio.ensure_future(source.fetch(ref)) for ref in refs]
    await asyncio.sleep(0)  # they have asked; the fetching has not begun
    await source.close()
    found = await asyncio.wait_for(asyncio.gather(*asked, return_exceptions=True), 5)
    assert all(isinstance(error, SourceUnavailable) for error in found)
