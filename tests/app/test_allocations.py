"""Finding where the service's memory goes: the allocation trace, and giving free memory back."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from mailbot.app.allocations import AllocationTrace, _libc_trim, give_back_free_memory

pytestmark = pytest.mark.database_incidental("measures this process's memory")


def test_the_trace_names_the_line_whose_allocations_grew(tmp_path: Path) -> None:
    trace = AllocationTrace(tmp_path / "allocations.txt")
    try:
        trace.mark()
        kept = [f"row {n}" * 20 for n in range(20_000)]  # some 3 MB, held
        trace.write()
    finally:
        trace.stop()
    text = (tmp_path / "allocations.txt").read_text(encoding="utf-8")
    grown = text.split("## grown since the last baseline, by line\n")[1].splitlines()[0]
    assert grown.startswith(f"{__file__}:")  # the list above, the first of the growths
    assert len(kept) == 20_000


def _resident_kib() -> int:
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(_libc_trim() is None, reason="glibc only")
def test_memory_freed_between_live_blocks_is_given_back() -> None:
    """A thread's arena with 60 MB freed between small blocks still alive: glibc keeps it
    until the trim."""
    small: list[bytes] = []

    def fragment() -> None:
        large = []
        for n in range(600):
            large.append(b"x" * 100_000)  # under the mmap threshold: from the arena
            small.append(bytes([n % 256]) * 600)  # outlives its neighbours
        large.clear()

    thread = threading.Thread(target=fragment)
    thread.start()
    thread.join()
    before = _resident_kib()

    async def trim_once() -> None:
        task = asyncio.ensure_future(give_back_free_memory(period=0.01))
        await asyncio.sleep(0.2)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(trim_once())
    assert before - _resident_kib() > 30_000  # KiB: most of the 60 MB freed
    assert len(small) == 600
