"""How long to wait before trying again what failed: doubling, up to a limit."""

from __future__ import annotations

FIRST_BACKOFF = 5.0  # the wait after a first failure
MAX_BACKOFF = 300.0  # no wait after a failure is longer

# 2.0 ** 1024 overflows; doubling stops long before that is reached.
_MOST_DOUBLINGS = 1023


def backoff(failures: int, first: float = FIRST_BACKOFF, maximum: float = MAX_BACKOFF) -> float:
    """The wait after ``failures`` failures in a row: ``first`` after one, doubled after
    each further one, never more than ``maximum``."""
    if failures < 1:
        raise ValueError(f"a backoff follows at least one failure, not {failures}")
    return min(maximum, first * 2.0 ** min(failures - 1, _MOST_DOUBLINGS))
