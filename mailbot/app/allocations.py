"""Where the service's memory goes: ``tracemalloc`` on demand, for finding growth.

With ``MAILBOT_TRACEMALLOC=FILE`` in its environment, ``mailbot run`` traces its Python
allocations from the start; each SIGUSR2 writes to FILE (replacing it) what has grown
since the SIGUSR2 before (the first: since the service became ready): the lines whose
allocations grew the most, and the largest growths with the calls that led to them. A
soak sends one after its warm-up and one at its end, and so sees the steady growth.
Without the variable nothing is traced (tracing slows every allocation down). Only code
locations and sizes are written, never the data allocated.
"""

from __future__ import annotations

import logging
import os
import signal
import tracemalloc
from asyncio import AbstractEventLoop
from pathlib import Path

log = logging.getLogger(__name__)
VARIABLE = "MAILBOT_TRACEMALLOC"
FRAMES = 12  # calls kept per allocation: enough to see whose cache it is
TOP = 40


class AllocationTrace:
    """Traces allocations and writes what grew since ``mark()`` to ``path`` on request."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._baseline: tracemalloc.Snapshot | None = None
        if not tracemalloc.is_tracing():
            tracemalloc.start(FRAMES)

    @classmethod
    def from_environment(cls) -> AllocationTrace | None:
        value = os.environ.get(VARIABLE, "")
        return cls(Path(value)) if value else None

    def mark(self) -> None:
        """What is allocated now is the baseline the growth is measured from."""
        self._baseline = _snapshot()

    def listen(self, loop: AbstractEventLoop) -> None:
        loop.add_signal_handler(signal.SIGUSR2, self.write)

    def write(self) -> None:
        """Write the growth since the baseline (or everything allocated, without one); what
        is allocated now becomes the next baseline."""
        current = _snapshot()
        size, peak = tracemalloc.get_traced_memory()
        lines = [f"traced now: {size / 1024:.0f} KiB (peak {peak / 1024:.0f} KiB)"]
        if self._baseline is None:
            lines.append("\n## allocated, by line")
            lines += [str(stat) for stat in current.statistics("lineno")[:TOP]]
        else:
            lines.append("\n## grown since the last baseline, by line")
            lines += [str(diff) for diff in current.compare_to(self._baseline, "lineno")[:TOP]]
            lines.append("\n## the largest growths, with their calls")
            for diff in current.compare_to(self._baseline, "traceback")[:8]:
                lines.append(f"\n{diff.size_diff / 1024:+.1f} KiB in {diff.count_diff:+d} blocks")
                # File and line only: formatting the source lines would fill ``linecache``,
                # which the next dump would count as growth.
                lines += [f"    {frame.filename}:{frame.lineno}" for frame in diff.traceback]
        self._baseline = current
        self.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        log.info("allocations written to %s", self.path)

    def stop(self) -> None:
        tracemalloc.stop()


def _snapshot() -> tracemalloc.Snapshot:
    return tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<unknown>")]
    )
