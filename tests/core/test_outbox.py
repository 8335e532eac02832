"""The outbox's rules: retries, which replies are final, the per-recipient limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mailbot.core.outbox import gives_up, is_permanent, lease, rate_limited_until, retry_delay

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_retries_back_off_to_half_an_hour() -> None:
    delays = [retry_delay(attempts).total_seconds() for attempts in range(1, 9)]
    assert delays == [30, 60, 120, 240, 480, 960, 1800, 1800]
    assert retry_delay(1000) == timedelta(minutes=30)


def test_only_5xx_is_final() -> None:
    assert is_permanent(550) and is_permanent(554)
    assert not is_permanent(451) and not is_permanent(421) and not is_permanent(None)


def test_giving_up_after_the_retry_period() -> None:
    assert not gives_up(NOW - timedelta(hours=23), NOW, timedelta(hours=24))
    assert gives_up(NOW - timedelta(hours=24), NOW, timedelta(hours=24))


def test_a_lease_outlasts_a_slow_send() -> None:
    assert lease(60) > timedelta(minutes=4)


def test_the_per_recipient_limit() -> None:
    recent = [NOW - timedelta(minutes=minutes) for minutes in (5, 20, 70)]
    assert rate_limited_until(recent, NOW, limit=3) is None  # one of them is over an hour old
    assert rate_limited_until(recent, NOW, limit=2) == NOW - timedelta(minutes=20) + timedelta(
        hours=1
    )
    assert rate_limited_until([], NOW, limit=1) is None
