"""The notify protocol against a real datagram socket standing in for systemd's."""

from __future__ import annotations

import asyncio
import os
import socket
import time
import uuid

from mailbot.core.heartbeat import Heartbeat
from mailbot.systemd import Notifier, keep_alive
from tests.support.notify import notify_listener


def test_ready_status_reloading_stopping_and_watchdog_arrive() -> None:
    with notify_listener() as listener:
        notifier = Notifier.from_environment(listener.environ(watchdog=4.0))
        assert notifier.enabled and notifier.watchdog_interval == 4.0
        notifier.ready("waiting for mail")
        notifier.status("waiting for mail")  # unchanged: not sent again
        notifier.status("reading mail")
        notifier.reloading()
        notifier.watchdog()
        notifier.stopping()
        listener.wait_for(lambda: listener.with_key("STOPPING"), 5, "STOPPING=1")
        notifier.close()
        sent = [notice.fields for notice in listener.all()]
    assert sent[0]["READY"] == "1" and sent[0]["STATUS"] == "waiting for mail"
    assert sent[0]["MAINPID"] == str(os.getpid())
    assert sent[1] == {"STATUS": "reading mail"}
    assert sent[2]["RELOADING"] == "1" and int(sent[2]["MONOTONIC_USEC"]) > 0
    assert sent[3] == {"WATCHDOG": "1"}
    assert sent[4] == {"STOPPING": "1", "STATUS": "stopping"}
    assert len(sent) == 5


def test_abstract_socket_address() -> None:
    name = f"mailbot-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as receiver:
        receiver.bind("\0" + name)
        receiver.settimeout(5)
        notifier = Notifier(f"@{name}")
        notifier.ready("up")
        assert receiver.recv(4096).startswith(b"READY=1\nSTATUS=up")
        notifier.close()


def test_without_systemd_nothing_is_sent_and_no_watchdog() -> None:
    notifier = Notifier.from_environment({})
    assert not notifier.enabled and notifier.watchdog_interval is None
    notifier.ready("up")  # does nothing, raises nothing
    other = Notifier.from_environment(
        {"NOTIFY_SOCKET": "/nonexistent/socket", "WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "1"}
    )
    assert other.watchdog_interval is None  # the watchdog is meant for another process
    other.watchdog()  # an unreachable manager is not our failure
    other.close()


def test_keep_alive_feeds_the_watchdog_only_while_every_loop_beats() -> None:
    async def scenario(notifier: Notifier) -> tuple[float, float]:
        heartbeat = Heartbeat()
        beating = True

        async def beat() -> None:
            while True:
                if beating:
                    heartbeat.beat("mail", time.monotonic())
                heartbeat.beat("outbox", time.monotonic())
                await asyncio.sleep(0.05)

        tasks = [
            asyncio.ensure_future(beat()),
            asyncio.ensure_future(keep_alive(notifier, heartbeat, lambda: "working")),
        ]
        await asyncio.sleep(1.0)
        beating = False  # the mail loop stops making progress
        stopped_at = time.monotonic()
        await asyncio.sleep(2.0)
        beating = True
        resumed_at = time.monotonic()
        await asyncio.sleep(1.0)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return stopped_at, resumed_at

    with notify_listener() as listener:
        notifier = Notifier.from_environment(listener.environ(watchdog=0.6))
        stopped_at, resumed_at = asyncio.run(scenario(notifier))
        notifier.close()
        time.sleep(0.2)
        pings = [n.at for n in listener.with_key("WATCHDOG", "1")]
        status = listener.with_key("STATUS", "working")
    assert len([t for t in pings if t < stopped_at]) >= 3
    # stale after 0.6 s without a beat; one ping period (0.3 s) of grace
    silent = [t for t in pings if stopped_at + 0.6 + 0.35 < t < resumed_at]
    assert silent == []
    assert any(t > resumed_at for t in pings)
    assert len(status) == 1  # STATUS only when it changes


def test_a_blocked_event_loop_stops_the_watchdog() -> None:
    async def scenario(notifier: Notifier) -> tuple[float, float]:
        heartbeat = Heartbeat()
        heartbeat.beat("mail", time.monotonic())

        async def beat() -> None:
            while True:
                heartbeat.beat("mail", time.monotonic())
                await asyncio.sleep(0.05)

        tasks = [
            asyncio.ensure_future(beat()),
            asyncio.ensure_future(keep_alive(notifier, heartbeat, lambda: "working")),
        ]
        await asyncio.sleep(0.8)
        blocked_at = time.monotonic()
        time.sleep(1.5)
        unblocked_at = time.monotonic()
        await asyncio.sleep(0.5)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return blocked_at, unblocked_at

    with notify_listener() as listener:
        notifier = Notifier.from_environment(listener.environ(watchdog=0.4))
        blocked_at, unblocked_at = asyncio.run(scenario(notifier))
        notifier.close()
        time.sleep(0.2)
        pings = [n.at for n in listener.with_key("WATCHDOG", "1")]
    assert any(t < blocked_at for t in pings)
    assert [t for t in pings if blocked_at + 0.05 < t < unblocked_at] == []
