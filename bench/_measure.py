"""Run a command to its end, measuring its wall time and memory, for the benchmarks."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float  # the process's own high-water mark (VmHWM)
    tree_mib: float  # the highest sum of its and its children's memory (PSS), sampled
    parts: tuple[tuple[str, float], ...] = ()  # at that highest sum: each kind of process, MiB


NAMES = {"mailbot-forks": "fork server", "mailbot-reader": "reader", "mailbot-drafter": "drafting"}


def _kind(pid: int, root: int) -> str:
    """What a process of mailbot's tree is: from the name a child of mailbot's own fork
    server gives itself (mailbot/forking.py), else from its command line."""
    if pid == root:
        return "main"
    try:
        name = Path(f"/proc/{pid}/comm").read_text().strip()
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return "other"
    if name in NAMES:
        return NAMES[name]
    if b"forkserver" in command:  # multiprocessing's fork server, or a reader forked from it
        parent = _kib(pid, "status", "PPid:")
        return "fork server" if parent == root else "reader"
    for marker, kind in ((b"spawn_main", "drafting"), (b"resource_tracker", "resource tracker")):
        if marker in command:
            return kind
    return "reader" if b"python" in command or b"mailbot" in command else "other"


def _kib(pid: int, table: str, key: str) -> int:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/{table}").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    return 0


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{current}/task"):
                children = Path(f"/proc/{current}/task/{task}/children").read_text().split()
                for child in children:
                    found.append(int(child))
                    todo.append(int(child))
    return found


def measured(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run ``command``; fails with its stderr when it exits non-zero.

    Memory is read from /proc every 20 ms until the process exits: its own
    high-water mark (``VmHWM``; ``wait4``'s figure would include the memory this
    script had when it forked), and the sum of the proportional set size (PSS:
    shared pages counted once) of the process and all its descendants (mailbot's
    mail readers are child processes of a fork server).
    """
    errors = cwd / "stderr.txt"
    with errors.open("wb") as sink:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=sink, env=env
        )
        peak = tree = 0
        parts: dict[str, int] = {}
        while process.poll() is None:
            peak = max(peak, _kib(process.pid, "status", "VmHWM:"))
            now: dict[str, int] = {}
            for pid in [process.pid, *_descendants(process.pid)]:
                kind = _kind(pid, process.pid)
                now[kind] = now.get(kind, 0) + _kib(pid, "smaps_rollup", "Pss:")
            if sum(now.values()) > tree:
                tree, parts = sum(now.values()), now
            time.sleep(0.02)
        seconds = time.perf_counter() - started
    if process.returncode != 0:
        text = errors.read_text(errors="replace")[-2000:]
        raise SystemExit(f"{' '.join(command[:5])} failed ({process.returncode}): {text}")
    kinds = tuple((kind, kib / 1024) for kind, kib in sorted(parts.items()))
    return Run(seconds, peak / 1024, tree / 1024, kinds)


def python_peak(call: Callable[[], T]) -> tuple[int, T]:
    """The peak of Python allocations (bytes, ``tracemalloc``) during ``call``; its result."""
    tracemalloc.start()
    try:
        result = call()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()
