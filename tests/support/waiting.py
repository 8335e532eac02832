"""Waiting for a condition instead of sleeping for a fixed time.

A test that sleeps a fixed time is slow on a quiet machine and flaky on a busy
one. These poll the condition every ``step`` seconds and fail, naming ``what``
was awaited, once ``timeout`` seconds have passed; both return the seconds the
wait took. ``until`` blocks the calling thread; ``until_async`` is the same for a
test whose code under test runs on its own event loop (blocking would stop it).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest


def until(condition: Callable[[], object], timeout: float, what: str, step: float = 0.05) -> float:
    """Block until ``condition()`` is true; the seconds it took."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            pytest.fail(f"{what}: not within {timeout} s")
        time.sleep(step)
    return time.monotonic() - started


async def until_async(
    condition: Callable[[], object], timeout: float, what: str, step: float = 0.02
) -> float:
    """Wait, letting the event loop run, until ``condition()`` is true; the seconds it took."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            pytest.fail(f"{what}: not within {timeout} s")
        await asyncio.sleep(step)
    return time.monotonic() - started
