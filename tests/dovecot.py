"""Moved to ``tests.support.dovecot``; kept because ``bench/`` imports it from here."""

from tests.support.dovecot import Dovecot

__all__ = ["Dovecot"]
