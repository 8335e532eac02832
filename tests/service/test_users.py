"""Users and browser sessions, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mailbot.errors import NotAllowed, NotFound
from mailbot.service.users import (
    add_user,
    authenticate,
    end_session,
    find_session,
    list_users,
    remove_user,
    set_language,
    set_password,
    start_session,
)
from mailbot.storage.database import Database

PASSWORD = "correct horse battery"
HOURS = timedelta(hours=1)


def test_users_are_added_and_authenticated(database: Database) -> None:
    add_user(database, "rudi", PASSWORD, "nl")
    add_user(database, "deputy", PASSWORD + "!", "en")
    assert [(u.name, u.language) for u in list_users(database)] == [
        ("deputy", "en"),
        ("rudi", "nl"),
    ]
    assert authenticate(database, "rudi", PASSWORD) is not None
    assert authenticate(database, "rudi", PASSWORD + "!") is None
    assert authenticate(database, "nobody", PASSWORD) is None
    assert authenticate(database, "", PASSWORD) is None
    with pytest.raises(NotAllowed, match="there is one with that name"):
        add_user(database, "rudi", PASSWORD, "nl")
    for name, language in (("two words", "nl"), ("", "nl"), ("ok", "de")):
        with pytest.raises(NotAllowed):
            add_user(database, name, PASSWORD, language)


def test_a_session_lives_until_logout_password_change_or_removal(database: Database) -> None:
    user = add_user(database, "rudi", PASSWORD, "nl")
    form = start_session(database, None, HOURS)
    assert (found := find_session(database, form.token)) is not None and found.user is None
    logged_in = start_session(database, user, HOURS, replaces=form.token)
    assert find_session(database, form.token) is None  # the login form's session is gone
    assert (found := find_session(database, logged_in.token)) is not None
    assert found.user == user and found.csrf_token == logged_in.csrf_token
    end_session(database, logged_in.token)
    assert find_session(database, logged_in.token) is None

    again = start_session(database, user, HOURS)
    set_password(database, "rudi", PASSWORD + " new")
    assert find_session(database, again.token) is None
    assert authenticate(database, "rudi", PASSWORD + " new") is not None

    last = start_session(database, user, HOURS)
    set_language(database, "rudi", "en")
    assert (found := find_session(database, last.token)) is not None
    assert found.user is not None and found.user.language == "en"
    remove_user(database, "rudi")
    assert find_session(database, last.token) is None
    with pytest.raises(NotFound):
        remove_user(database, "rudi")


def test_expired_and_unknown_sessions_open_nothing(database: Database) -> None:
    user = add_user(database, "rudi", PASSWORD, "nl")
    expired = start_session(database, user, timedelta(seconds=-1))
    assert find_session(database, expired.token) is None
    assert find_session(database, None) is None
    assert find_session(database, "x" * 500) is None
    assert find_session(database, "made-up") is None
