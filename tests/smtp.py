"""Moved to ``tests.support.smtp``; kept because ``bench/sending.py`` imports it from here."""

from tests.support.smtp import SmtpServer

__all__ = ["SmtpServer"]
