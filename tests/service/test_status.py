"""The sources' states, as several workers record them at once."""

from __future__ import annotations

import threading

from mailbot.service.status import LOGIN_FAILED, OK, record_state, source_states
from mailbot.storage.database import Database


def test_workers_recording_a_new_source_at_once_all_succeed(database: Database) -> None:
    names = [f"imap host-{index}/INBOX" for index in range(100)]
    barrier = threading.Barrier(8)
    failures: list[BaseException] = []

    def worker(state: str) -> None:
        barrier.wait()
        for name in names:
            try:
                record_state(database, name, state, "" if state == OK else "bad password")
            except BaseException as exc:
                failures.append(exc)

    threads = [threading.Thread(target=worker, args=(s,)) for s in (OK,) * 6 + (LOGIN_FAILED,) * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    found = source_states(database)
    assert [state.name for state in found] == sorted(names)
    assert {state.state for state in found} <= {OK, LOGIN_FAILED}
