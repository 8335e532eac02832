"""Logging to standard error, for a terminal or for journald.

- Under systemd (``$JOURNAL_STREAM`` names our standard error) every line starts
  with its syslog priority (``<3>`` error, ``<4>`` warning, ``<6>`` info,
  ``<7>`` debug; see ``sd-daemon(3)``), so ``journalctl -p warning`` works; the
  journal adds the time itself. Elsewhere lines start with the local time.
- Log lines name cases by reference and mails by their key, never by who wrote
  them. As a last guard, anything that looks like an e-mail address in a line at
  INFO or above (an error text from a server, a traceback) is replaced by
  ``<address>``. DEBUG is left whole: it is for a person chasing a fault, by hand.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import traceback
from collections.abc import Mapping
from typing import TextIO

ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
HIDDEN = "<address>"
_PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3}


def log_failure(log: logging.Logger, message: str, *args: object, exc: BaseException) -> None:
    """``message`` at ERROR with the kind of failure and where it happened; its text and
    traceback only at DEBUG. A database's error repeats the statement's parameters (a
    mail's sender, subject and text), a template's its values: none of that belongs in a
    line at INFO or above."""
    where = ""
    if exc.__traceback__ is not None:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f" at {os.path.basename(frame.filename)}:{frame.lineno}"
    log.error("%s (%s%s)", message % args, type(exc).__name__, where)
    log.debug("%s: the failure in full", message % args, exc_info=exc)


def redact(text: str) -> str:
    return ADDRESS.sub(HIDDEN, text)


def priority(level: int) -> int:
    """The syslog priority for a logging level (CRITICAL is 2)."""
    if level >= logging.CRITICAL:
        return 2
    return next(p for lvl, p in sorted(_PRIORITY.items(), reverse=True) if level >= lvl)


class MailbotFormatter(logging.Formatter):
    """``<priority>name: message`` for journald, ``time LEVEL name: message`` otherwise."""

    def __init__(self, journal: bool) -> None:
        if journal:
            super().__init__("%(name)s: %(message)s")
        else:
            super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.journal = journal

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if record.levelno >= logging.INFO:
            text = redact(text)
        if self.journal:
            prefix = f"<{priority(record.levelno)}>"
            text = "\n".join(prefix + line for line in text.splitlines())
        return text


def writes_to_journal(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Whether ``stream`` is the journal stream systemd connected (``$JOURNAL_STREAM``)."""
    expected = environ.get("JOURNAL_STREAM", "")
    if not expected:
        return False
    try:
        info = os.fstat(stream.fileno())
    except (OSError, ValueError):
        return False
    return expected == f"{info.st_dev}:{info.st_ino}"


def setup(level: str, environ: Mapping[str, str] | None = None) -> None:
    """Log at ``level`` (debug, info, warning, error) to standard error.

    Like ``logging.basicConfig``, a handler someone else installed (pytest's) is
    left alone; only the level is set then.
    """
    root = logging.getLogger()
    root.setLevel(getattr(logging, level.upper()))
    ours = [h for h in root.handlers if isinstance(h.formatter, MailbotFormatter)]
    if not root.handlers or ours:
        for old in ours:
            root.removeHandler(old)
        handler = logging.StreamHandler(sys.stderr)
        journal = writes_to_journal(sys.stderr, os.environ if environ is None else environ)
        handler.setFormatter(MailbotFormatter(journal))
        root.addHandler(handler)
    # Alembic announces every migration context at INFO; only its problems matter here.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, root.level))
