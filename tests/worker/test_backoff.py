"""The one backoff: doubling after each failure in a row, up to a limit."""

from __future__ import annotations

import pytest

from mailbot.worker.backoff import FIRST_BACKOFF, MAX_BACKOFF, backoff

pytestmark = pytest.mark.database_incidental("backoff arithmetic")


def test_the_wait_doubles_from_the_first_up_to_the_limit() -> None:
    waits = [backoff(failures) for failures in range(1, 10)]
    assert waits == [5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 300.0, 300.0, 300.0]
    assert (waits[0], waits[-1]) == (FIRST_BACKOFF, MAX_BACKOFF)


def test_the_first_wait_and_the_limit_can_be_chosen() -> None:
    assert [backoff(n, first=10.0) for n in (1, 2, 5, 6)] == [10.0, 20.0, 160.0, 300.0]
    assert [backoff(n, first=1.0, maximum=3.0) for n in (1, 2, 3)] == [1.0, 2.0, 3.0]


def test_a_failure_that_never_ends_keeps_the_limit() -> None:
    assert backoff(10**9) == MAX_BACKOFF  # no overflow after a long outage


@pytest.mark.parametrize("failures", [0, -1])
def test_there_is_no_backoff_without_a_failure(failures: int) -> None:
    with pytest.raises(ValueError, match="at least one failure"):
        backoff(failures)
