"""Write one script's section of bench/RESULTS.md, leaving the others as they are."""

from __future__ import annotations

import contextlib
import os
import platform
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(name: str, section: str) -> None:
    """Replace the block between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    start_marker, end_marker = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start_marker}\n{section}\n{end_marker}"
    if start_marker in text:
        head, _, rest = text.partition(start_marker)
        _, _, tail = rest.partition(end_marker)
        text = f"{head}{block}{tail}"
    else:
        text = f"{text.rstrip()}\n\n{block}\n"
    RESULTS.write_text(text, encoding="utf-8")


def machine() -> str:
    """This machine in one line: processor, cores, memory, system, Python."""
    model = "unknown processor"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    system = platform.freedesktop_os_release().get("PRETTY_NAME", platform.system())
    return (
        f"{model}, {os.cpu_count()} cores, {memory:.0f} GiB, {system}, "
        f"Python {platform.python_version()}"
    )
