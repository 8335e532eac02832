"""Moved to ``tests.support.crash``; kept because ``bench/sending.py`` imports it from here."""

from tests.support.crash import finish, kill_repeatedly

__all__ = ["finish", "kill_repeatedly"]
