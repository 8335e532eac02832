"""The health tracker: one ``failed(name, exc)`` for every kind of server, one ``ok(name)``."""

from __future__ import annotations

import logging

import pytest

from mailbot.errors import (
    LoginFailed,
    SendDeferred,
    SmtpUnavailable,
    SourceStalled,
    SourceUnavailable,
    TransientError,
)
from mailbot.service.status import LOGIN_FAILED, OK, UNREACHABLE
from mailbot.storage.database import DatabaseUnavailable
from mailbot.worker.health import DATABASE, Health, diagnose

pytestmark = pytest.mark.database_incidental("health states recorded in memory")

IMAP = "imap mail.example/INBOX"
SMTP = "smtp mail.example:587"


class Recorder:
    """Where the states would be written for ``mailbot status``: a list, or a refusal."""

    def __init__(self) -> None:
        self.written: list[tuple[str, str, str]] = []
        self.refusal: DatabaseUnavailable | None = None

    def __call__(self, name: str, state: str, detail: str) -> None:
        if self.refusal is not None:
            raise self.refusal
        self.written.append((name, state, detail))


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def health(recorder: Recorder) -> Health:
    return Health(recorder)


def messages(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "mailbot.worker"]


@pytest.mark.parametrize(
    ("exc", "state", "detail"),
    [
        (LoginFailed("535 bad password"), LOGIN_FAILED, "535 bad password"),
        (SmtpUnavailable("535 no", login=True), LOGIN_FAILED, "535 no"),
        (SmtpUnavailable("421 busy"), UNREACHABLE, "421 busy"),
        (SourceUnavailable("connection refused"), UNREACHABLE, "connection refused"),
        (SourceStalled("no answer in 30 s"), UNREACHABLE, "no answer in 30 s"),
        (SendDeferred("451 later"), UNREACHABLE, "451 later"),
        (DatabaseUnavailable("the database cannot be used: gone", "gone"), UNREACHABLE, "gone"),
    ],
)
def test_each_kind_of_failure_means_one_state(exc: TransientError, state: str, detail: str) -> None:
    assert diagnose(exc) == (state, detail)


async def test_a_failure_is_logged_and_recorded_once_until_it_changes(
    health: Health, recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "mailbot.worker")
    assert await health.failed(SMTP, SmtpUnavailable("535 no", login=True)) == "535 no"
    assert await health.failed(SMTP, SmtpUnavailable("535 no", login=True)) == "535 no"
    await health.failed(SMTP, SmtpUnavailable("421 busy"))
    assert recorder.written == [(SMTP, LOGIN_FAILED, "535 no"), (SMTP, UNREACHABLE, "421 busy")]
    assert messages(caplog) == [
        ("ERROR", f"{SMTP} cannot be used (login_failed): 535 no; retrying with backoff"),
        ("ERROR", f"{SMTP} cannot be used (unreachable): 421 busy; retrying with backoff"),
    ]


async def test_the_first_success_is_recorded_and_a_recovery_logged(
    health: Health, recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "mailbot.worker")
    await health.ok(IMAP)  # the first pass after a start: recorded, nothing to say
    await health.ok(IMAP)
    assert recorder.written == [(IMAP, OK, "")] and messages(caplog) == []
    await health.failed(IMAP, SourceUnavailable("connection refused"))
    await health.ok(IMAP)
    assert recorder.written[-1] == (IMAP, OK, "")
    assert messages(caplog)[-1] == ("INFO", f"{IMAP} can be used again")


async def test_the_backoff_grows_with_each_failure_and_starts_again_after_a_success(
    health: Health,
) -> None:
    assert health.retry_in(IMAP) is None
    waits = []
    for _ in range(8):
        await health.failed(IMAP, SourceUnavailable("connection refused"))
        waits.append(health.retry_in(IMAP))
    assert waits == [5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 300.0, 300.0]
    assert health.retry_in(SMTP) is None  # each server has its own
    await health.ok(IMAP)
    assert health.retry_in(IMAP) is None
    await health.failed(IMAP, SourceUnavailable("connection refused"))
    assert health.retry_in(IMAP) == 5.0


async def test_the_database_is_told_in_the_log_and_the_status_line_not_recorded(
    health: Health, recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "mailbot.worker")
    refused = DatabaseUnavailable("the database cannot be used: read-only", "read-only")
    assert await health.failed(DATABASE, refused) == "read-only"
    assert health.status_line("waiting for mail", {}).endswith("; cannot use: database")
    await health.ok(DATABASE)
    assert recorder.written == []
    assert messages(caplog) == [
        ("ERROR", "database cannot be used (unreachable): read-only; retrying with backoff"),
        ("INFO", "database can be used again"),
    ]


async def test_a_state_that_cannot_be_recorded_is_still_kept(
    health: Health, recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    recorder.refusal = DatabaseUnavailable("the database cannot be used: gone", "gone")
    await health.failed(IMAP, LoginFailed("bad password"))
    assert (
        "WARNING",
        f"the state of {IMAP} could not be recorded: the database cannot be used: gone",
    ) in messages(caplog)
    assert "cannot use: " + IMAP in health.status_line("waiting for mail", {})


async def test_the_status_line_counts_and_names_the_servers_that_cannot_be_used(
    health: Health,
) -> None:
    totals = {"read": 12, "drafted": 3, "sent": 2}
    assert health.status_line("waiting for mail", totals) == (
        "waiting for mail; since start: 12 mails read, 3 drafted, 2 sent"
    )
    await health.failed(SMTP, SmtpUnavailable("421 busy"))
    await health.failed(IMAP, SourceStalled("no answer"))
    await health.ok("maildir")
    assert health.status_line("drafting replies", totals) == (
        "drafting replies; since start: 12 mails read, 3 drafted, 2 sent; "
        f"cannot use: {IMAP}, {SMTP}"
    )
    await health.ok(SMTP)
    assert health.status_line("drafting replies", {}) == (
        f"drafting replies; since start: 0 mails read, 0 drafted, 0 sent; cannot use: {IMAP}"
    )
