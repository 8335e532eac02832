from __future__ import annotations

from mailbot.web.security import LoginLimiter, same_token


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_user_name_waits_after_too_many_failures_then_may_try_again() -> None:
    clock = Clock()
    limiter = LoginLimiter(3, 60, clock)
    for _ in range(3):
        assert not limiter.blocked("rudi", "10.0.0.1")
        limiter.failed("rudi", "10.0.0.1")
    assert limiter.blocked("Rudi", "10.0.0.2")  # any client, the name's case ignored
    assert not limiter.blocked("deputy", "10.0.0.1")
    clock.now += 61
    assert not limiter.blocked("rudi", "10.0.0.1")


def test_one_client_trying_many_names_waits_too() -> None:
    limiter = LoginLimiter(2, 60, Clock())
    for number in range(8):
        limiter.failed(f"user{number}", "10.0.0.9")
    assert limiter.blocked("someone-else", "10.0.0.9")
    assert not limiter.blocked("someone-else", "10.0.0.8")


def test_success_clears_the_name() -> None:
    limiter = LoginLimiter(2, 60, Clock())
    limiter.failed("rudi", "c")
    limiter.succeeded("rudi")
    limiter.failed("rudi", "c")
    assert not limiter.blocked("rudi", "c")


def test_csrf_tokens_compare_exactly() -> None:
    assert same_token("abc", "abc")
    assert not same_token("abd", "abc")
    assert not same_token(None, "abc")
    assert not same_token(["abc"], "abc")
