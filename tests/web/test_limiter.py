from __future__ import annotations

import pytest

from mailbot.web.security import (
    DEVICE_LIFETIME,
    FORM_LIFETIME,
    LoginLimiter,
    device_cookie,
    device_of,
    login_form_posted,
    login_form_token,
    same_token,
)

pytestmark = pytest.mark.database_incidental("the login throttle and its tokens, in memory")

KEY, OTHER_KEY = b"k" * 32, b"o" * 32
NOW = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_user_name_waits_after_too_many_failures_then_may_try_again() -> None:
    clock = Clock()
    limiter = LoginLimiter(3, 60, clock)
    for _ in range(3):
        assert limiter.attempt("rudi", "10.0.0.1") is not None
    assert limiter.attempt("Rudi", "10.0.0.2") is None  # any client, the name's case ignored
    assert limiter.attempt("deputy", "10.0.0.1") is not None
    clock.now += 61
    assert limiter.attempt("rudi", "10.0.0.1") is not None


def test_one_client_trying_many_names_waits_too() -> None:
    limiter = LoginLimiter(2, 60, Clock())
    for number in range(8):
        assert limiter.attempt(f"user{number}", "10.0.0.9") is not None
    assert limiter.attempt("someone-else", "10.0.0.9") is None
    assert limiter.attempt("someone-else", "10.0.0.8") is not None


def test_attempts_count_as_failed_until_found_right() -> None:
    limiter = LoginLimiter(2, 60, Clock())
    first, second = limiter.attempt("rudi", "c"), limiter.attempt("rudi", "c")
    assert first is not None and second is not None
    assert limiter.blocked("rudi", "c")  # both still being checked: a third waits
    limiter.succeeded("rudi", "c", None, second)
    assert not limiter.blocked("rudi", "c")
    assert limiter.attempt("rudi", "c") is not None
    assert limiter.blocked("rudi", "c")  # the failure before the success still counts


def test_a_known_browser_counts_on_its_own() -> None:
    limiter = LoginLimiter(2, 60, Clock())
    for _ in range(2):
        limiter.attempt("rudi", "10.0.0.9")  # someone guessing elsewhere
    for number in range(8):
        limiter.attempt(f"user{number}", "10.0.0.1")  # ...and from the officer's address
    assert limiter.blocked("rudi", "10.0.0.1")
    assert limiter.attempt("rudi", "10.0.0.1", device="officers-browser") is not None
    assert limiter.attempt("rudi", "10.0.0.1", device="officers-browser") is not None
    assert limiter.attempt("rudi", "10.0.0.1", device="officers-browser") is None
    assert not limiter.blocked("rudi", "10.0.0.1", device="deputys-browser")
    fresh = LoginLimiter(2, 60, Clock())
    for _ in range(2):
        fresh.attempt("rudi", "10.0.0.1", device="officers-browser")
    assert not fresh.blocked("rudi", "10.0.0.2")  # a browser's failures hold up no one else


def test_many_names_and_clients_are_forgotten_once_their_window_passed() -> None:
    clock = Clock()
    limiter = LoginLimiter(1, 60, clock)
    for batch in ("old", "new"):
        for number in range(6000):
            limiter.attempt(f"{batch}{number}", f"{batch}-client-{number}")
        clock.now += 61
    held = limiter._failures  # how much it holds is the point
    assert len(held) == 12_000 and not any(key.startswith("user:old") for key in held)


def test_a_device_cookie_is_good_for_its_name_on_this_server_for_a_while() -> None:
    cookie = device_cookie(KEY, "rudi", NOW)
    device = device_of(KEY, "rudi", cookie, NOW + 3600)
    assert device is not None and device == device_of(KEY, "rudi", cookie, NOW)
    assert device != device_of(KEY, "rudi", device_cookie(KEY, "rudi", NOW), NOW)
    assert device_of(KEY, "deputy", cookie, NOW) is None
    assert device_of(KEY, "Rudi", cookie, NOW) is None
    assert device_of(OTHER_KEY, "rudi", cookie, NOW) is None
    assert device_of(KEY, "rudi", cookie, NOW + DEVICE_LIFETIME + 1) is None
    issued, nonce, mac = cookie.split(".")
    for changed in (
        f"{int(issued) + 1}.{nonce}.{mac}",  # a longer life
        f"{issued}.{nonce[:-1]}{'A' if nonce[-1] != 'A' else 'B'}.{mac}",
        f"{issued}.{nonce}.{mac[:-1]}{'0' if mac[-1] != '0' else '1'}",
        f"{issued}.{nonce}",
        "",
        "x" * 5000,
        f"{issued}.{nonce}.{mac}.{mac}",
    ):
        assert device_of(KEY, "rudi", changed, NOW) is None, changed
    assert device_of(KEY, "rudi", None, NOW) is None


def test_the_login_forms_token_is_its_cookie_signed_here_and_recent() -> None:
    token = login_form_token(KEY, None, NOW)
    assert login_form_posted(KEY, token, token, NOW + 60)
    assert login_form_token(KEY, token, NOW + 60) == token  # a second tab: the same token
    assert login_form_token(KEY, token, NOW + FORM_LIFETIME * 0.6) != token  # renewed in time
    assert not login_form_posted(KEY, token, token, NOW + FORM_LIFETIME + 1)
    assert not login_form_posted(KEY, token, None, NOW)
    assert not login_form_posted(KEY, None, token, NOW)
    assert not login_form_posted(KEY, token, login_form_token(KEY, None, NOW), NOW)
    assert not login_form_posted(OTHER_KEY, token, token, NOW)
    made_up = "1800000000.abcdefghijklmnopqrstuvwx." + "0" * 64
    assert not login_form_posted(KEY, made_up, made_up, NOW)
    device = device_cookie(KEY, "", NOW)  # signed here, but for another purpose
    assert not login_form_posted(KEY, device, device, NOW)


def test_csrf_tokens_compare_exactly() -> None:
    assert same_token("abc", "abc")
    assert not same_token("abd", "abc")
    assert not same_token(None, "abc")
    assert not same_token(["abc"], "abc")
