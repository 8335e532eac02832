from __future__ import annotations

import logging
import os
import sys
import tempfile

import pytest

from mailbot.logs import MailbotFormatter, log_failure, priority, redact, writes_to_journal

pytestmark = pytest.mark.database_incidental("log formatting")


def record(level: int, message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("mailbot.test", level, __file__, 1, message, args, None)


def test_addresses_are_hidden_at_info_and_above_but_not_in_debug() -> None:
    formatter = MailbotFormatter(journal=False)
    address = "Jan.de-Vries+x@mail.example.nl"
    line = formatter.format(record(logging.ERROR, "550 <%s> unknown", address))
    assert "Jan.de-Vries" not in line and "<<address>> unknown" in line
    debug = formatter.format(record(logging.DEBUG, "from %s", "jan@example.nl"))
    assert "jan@example.nl" in debug
    assert redact("case AVG-2026-0001, mail 1234@") == "case AVG-2026-0001, mail 1234@"


def test_journal_lines_carry_their_priority_on_every_line() -> None:
    formatter = MailbotFormatter(journal=True)
    line = formatter.format(record(logging.WARNING, "first\nsecond"))
    assert line == "<4>mailbot.test: first\n<4>second"
    assert [priority(level) for level in (10, 20, 30, 40, 50)] == [7, 6, 4, 3, 2]


def test_the_journal_is_recognised_by_device_and_inode() -> None:
    with tempfile.TemporaryFile("w") as stream:
        info = os.fstat(stream.fileno())
        assert writes_to_journal(stream, {"JOURNAL_STREAM": f"{info.st_dev}:{info.st_ino}"})
        assert not writes_to_journal(stream, {"JOURNAL_STREAM": "1:2"})
        assert not writes_to_journal(stream, {})
    assert not writes_to_journal(sys.stderr, {"JOURNAL_STREAM": "0:0"})


def test_a_failure_is_logged_by_its_kind_and_place_its_text_only_at_debug(
    caplog: pytest.LogCaptureFixture,
) -> None:
    log = logging.getLogger("mailbot.test")
    try:
        raise ValueError("INSERT ... [parameters: ('Geheim Persoon', 'Verwijder mijn gegevens')]")
    except ValueError as exc:
        with caplog.at_level(logging.DEBUG, logger="mailbot.test"):
            log_failure(log, "mail %s could not be stored", "maildir:/t/1", exc=exc)
    error, debug = caplog.records
    assert error.levelno == logging.ERROR and debug.levelno == logging.DEBUG
    assert error.getMessage().startswith("mail maildir:/t/1 could not be stored (ValueError at ")
    assert "Geheim" not in error.getMessage() and error.exc_info is None
    assert debug.exc_info is not None  # the whole story, for a person chasing the fault
