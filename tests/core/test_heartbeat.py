from __future__ import annotations

from mailbot.core.heartbeat import Heartbeat


def test_a_loop_is_stale_once_it_missed_the_limit() -> None:
    heartbeat = Heartbeat()
    heartbeat.beat("mail", 100.0)
    heartbeat.beat("outbox", 100.0)
    assert heartbeat.stale(110.0, limit=10.0) == []
    heartbeat.beat("outbox", 109.0)
    assert heartbeat.stale(110.5, limit=10.0) == ["mail"]
    assert heartbeat.stale(200.0, limit=10.0) == ["mail", "outbox"]
    heartbeat.beat("mail", 200.0)
    assert heartbeat.stale(200.0, limit=10.0) == ["outbox"]


def test_nothing_registered_is_healthy() -> None:
    assert Heartbeat().stale(1e9, limit=1.0) == []
