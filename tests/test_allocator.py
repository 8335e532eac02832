"""The C library's allocator in every mailbot process: a large mail's memory goes back."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mailbot import allocator

pytestmark = pytest.mark.database_incidental("the process's allocator, no database")

GLIBC = allocator.glibc()

# A reader's life in small: a mail's bytes, then the text decoded from them, each freed
# before the next; what the process holds afterwards is printed (VmRSS, KiB).
_LIFE = """
import sys
from mailbot import allocator
if sys.argv[1] == "tuned":
    allocator.tune()
def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
before = rss()
for size in (25, 24, 20):  # MB: a mail, then smaller blocks that fit below the first
    block = bytearray(size * 2**20)
    block[::4096] = b"x" * len(block[::4096])  # touch every page
    del block
print(rss() - before)
"""


def _held_after(mode: str) -> int:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MALLOC_")}
    env.pop("GLIBC_TUNABLES", None)
    done = subprocess.run(
        [sys.executable, "-c", _LIFE, mode], capture_output=True, text=True, env=env, check=True
    )
    return int(done.stdout)


@pytest.mark.integration
@pytest.mark.skipif(not GLIBC, reason="mallopt is glibc's; elsewhere tune() does nothing")
def test_a_tuned_process_gives_back_what_a_large_mail_took() -> None:
    held = _held_after("tuned")
    untuned = _held_after("untuned")
    assert held < 5 * 1024  # KiB: the blocks went back
    assert untuned > 15 * 1024  # glibc's own threshold kept the later blocks in the heap


def test_tune_applies_both_settings_on_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_ARENA_MAX", "GLIBC_TUNABLES"):
        monkeypatch.delenv(name, raising=False)
    applied = ["MALLOC_MMAP_THRESHOLD", "MALLOC_ARENA_MAX"] if GLIBC else []
    assert allocator.tune() == applied  # elsewhere it does nothing


def test_what_the_administrator_set_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.mmap_threshold=65536")
    assert allocator.tune() == []
