"""Finding where the service's memory goes: the allocation trace."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailbot.app.allocations import AllocationTrace

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
