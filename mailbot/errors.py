"""Exceptions raised by mailbot.

The tree decides how callers react: a ``TransientError`` is retried later (the
server or database will come back), a ``PermanentError`` is not (retrying the
same input gives the same answer), and a ``ConfigError`` stops the program with
exit code 2 before anything is done::

    MailbotError
    ├── ConfigError              bad or missing configuration key (names key and file)
    ├── TransientError           retry later
    │   ├── SourceUnavailable    the mailbox cannot be reached right now
    │   │   ├── LoginFailed      the server refuses the credentials (retried: they may be fixed)
    │   │   └── SourceStalled    the server stopped answering (a timeout): no progress
    │   ├── SmtpUnavailable      the SMTP server cannot be reached, or refuses the login, now
    │   └── SendDeferred         this mail was not accepted now (4xx, connection lost): retried
    └── PermanentError           retrying does not help
        ├── UnparseableMail      a mail that cannot be turned into a request (quarantined)
        ├── MailVanished         a mail removed from its source before it was read
        ├── NotFound             no case / mail with that reference or id
        ├── InvalidTransition    a status change the case flow does not allow
        ├── NotAllowed           an officer's action refused, with the reasons
        └── SendRefused          the SMTP server refused this mail for good (5xx)

Library exceptions (imaplib, aiosmtplib, SQLAlchemy, OSError) are translated
into these at the adapter edge; the core never sees them.
"""

from __future__ import annotations

from pathlib import Path


class MailbotError(Exception):
    """Base class of every error mailbot raises on purpose."""


class ConfigError(MailbotError):
    """The configuration cannot be used.

    ``problems`` holds one ``(key, message)`` pair per bad key; ``source`` names
    the file (or the environment) the configuration came from.
    """

    def __init__(self, source: Path | str, problems: list[tuple[str, str]]) -> None:
        self.source = str(source)
        self.problems = problems
        lines = [f"configuration error in {self.source}:"]
        lines += [f"  {key}: {message}" if key else f"  {message}" for key, message in problems]
        super().__init__("\n".join(lines))


class TransientError(MailbotError):
    """A failure that may go away by itself; the operation is retried later."""


class SourceUnavailable(TransientError):
    """The mail source (mailbox, directory) cannot be reached right now."""


class LoginFailed(SourceUnavailable):
    """The mail server refused the login. Retried with backoff, and shown to the officer."""


class SourceStalled(SourceUnavailable):
    """The mail server accepted the connection but stopped answering within the timeout.

    Retried like any unavailability, but it is not progress: the systemd watchdog
    is no longer fed while every attempt stalls.
    """


class PermanentError(MailbotError):
    """A failure that retrying the same operation will not fix."""


class UnparseableMail(PermanentError):
    """A mail that cannot be turned into a request; it is quarantined with ``reason``."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class MailVanished(PermanentError):
    """The mail was removed from its source before it could be read."""


class NotFound(PermanentError):
    """No case or mail matches what was asked for."""


class InvalidTransition(PermanentError):
    """The case flow does not allow this change in the case's current status."""


class NotAllowed(PermanentError):
    """The officer's action is not possible now; ``reasons`` say why, one sentence each."""

    def __init__(self, what: str, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(f"{what}: " + "; ".join(reasons))


class SmtpUnavailable(TransientError):
    """The SMTP server cannot be reached, or does not accept our login, right now."""

    def __init__(self, message: str, *, login: bool = False) -> None:
        self.login = login
        super().__init__(message)


class SendDeferred(TransientError):
    """The server did not take this mail now (a 4xx reply, a timeout, a lost connection)."""

    def __init__(self, message: str, code: int | None = None) -> None:
        self.code = code
        super().__init__(message)


class SendRefused(PermanentError):
    """The server refused this mail for good (a 5xx reply); ``reply`` is its answer."""

    def __init__(self, reply: str, code: int) -> None:
        self.code = code
        self.reply = reply
        super().__init__(reply)
