"""The notify protocol against a real datagram socket standing in for systemd's."""

from __future__ import annotations

import asyncio
import os
import socket
import time
import uuid

import pytest

from mailbot.core.heartbeat import Heartbeat
from mailbot.systemd import Notifier, keep_alive
from tests.support.notify import Notice, NotifyListener, notify_listener
from tests.support.waiting import until_async

pytestmark = pytest.mark.database_incidental("the notify protocol on a datagram socket")


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
    watchdog = 0.6  # keep_alive pings every watchdog / 2 while no loop is older than watchdog
    period = watchdog / 2

    async def scenario(notifier: Notifier, listener: NotifyListener) -> tuple[float, float]:
        heartbeat = Heartbeat()
        beating = True

        def pings(since: float = 0.0) -> list[Notice]:
            return listener.with_key("WATCHDOG", "1", since)

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
        await until_async(lambda: len(pings()) >= 3, 10, "three pings while both loops beat")
        beating = False  # the mail loop stops making progress
        stopped_at = time.monotonic()
        # That no ping comes is what is tested, and only time can show it: the mail loop
        # is stale after `watchdog`; two periods of grace; then three periods of silence.
        await asyncio.sleep(watchdog + 5 * period)
        beating = True
        resumed_at = time.monotonic()
        await until_async(lambda: pings(resumed_at), 10, "a ping after the loop beats again")
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return stopped_at, resumed_at

    with notify_listener() as listener:
        notifier = Notifier.from_environment(listener.environ(watchdog=watchdog))
        stopped_at, resumed_at = asyncio.run(scenario(notifier, listener))
        notifier.close()
        pings = [n.at for n in listener.with_key("WATCHDOG", "1")]
        status = listener.with_key("STATUS", "working")
    assert len([t for t in pings if t < stopped_at]) >= 3
    silent = [t for t in pings if stopped_at + watchdog + 2 * period < t < resumed_at]
    assert silent == []
    assert any(t > resumed_at for t in pings)
    assert len(status) == 1  # STATUS only when it changes


def test_a_blocked_event_loop_stops_the_watchdog() -> None:
    watchdog = 0.4

    async def scenario(notifier: Notifier, listener: NotifyListener) -> tuple[float, float]:
        heartbeat = Heartbeat()
        heartbeat.beat("mail", time.monotonic())

        def pings(since: float = 0.0) -> list[Notice]:
            return listener.with_key("WATCHDOG", "1", since)

        async def beat() -> None:
            while True:
                heartbeat.beat("mail", time.monotonic())
                await asyncio.sleep(0.05)

        tasks = [
            asyncio.ensure_future(beat()),
            asyncio.ensure_future(keep_alive(notifier, heartbeat, lambda: "working")),
        ]
        await until_async(pings, 10, "a ping while the loop runs")
        blocked_at = time.monotonic()
        # A blocked loop is what is tested: blocked for five ping periods (watchdog / 2).
        time.sleep(2.5 * watchdog)
        unblocked_at = time.monotonic()
        await until_async(lambda: pings(unblocked_at), 10, "a ping once the loop runs again")
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return blocked_at, unblocked_at

    with notify_listener() as listener:
        notifier = Notifier.from_environment(listener.environ(watchdog=watchdog))
        blocked_at, unblocked_at = asyncio.run(scenario(notifier, listener))
        notifier.close()
        pings = [n.at for n in listener.with_key("WATCHDOG", "1")]
    assert any(t < blocked_at for t in pings)
    # a ping sent just before the block may arrive a moment later: one period of grace
    assert [t for t in pings if blocked_at + watchdog / 2 < t < unblocked_at] == []
