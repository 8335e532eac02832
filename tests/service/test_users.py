"""Users and browser sessions, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlmodel import select

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
    web_key,
)
from mailbot.storage.database import Database
from mailbot.storage.models import SigningKeyRecord, WebSessionRecord, utcnow

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
    before = start_session(database, user, HOURS)
    logged_in = start_session(database, user, HOURS, replaces=before.token)
    assert find_session(database, before.token) is None  # the browser's earlier one is gone
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


def test_a_login_forms_session_from_before_opens_nothing(database: Database) -> None:
    """Rows without a user were login forms' sessions before forms had none."""
    now, id_hash = utcnow(), hashlib.sha256(b"old-form").hexdigest()
    with database.session() as session:
        session.add(
            WebSessionRecord(id_hash=id_hash, user_name=None, csrf_token="x", created_at=now,
                             expires_at=now + HOURS)
        )  # fmt: skip
        session.commit()
    assert find_session(database, "old-form") is None


def test_the_web_key_is_made_once_per_database_and_kept(database: Database) -> None:
    key = web_key(database)
    assert len(key) == 32 and web_key(database) == key
    with database.reader() as session:
        keys = {record.name: record.key for record in session.exec(select(SigningKeyRecord))}
    assert keys["web"] == key.hex() and keys["review"] != key.hex()
