"""How each mailbot process asks the C library for memory: so that it gives back what a
large mail took, and does not grow a heap for every thread.

glibc's ``malloc`` serves a large block (a mail's bytes, an attachment, a pickled
reading) from its own mapping and returns it on ``free``, but only until the first such
block is freed: from then on its threshold rises to that block's size, and blocks below
it come from the heap, where freed memory stays with the process. One 25 MB mail left a
reader at its peak for good. And every thread that allocates gets an arena of its own
(up to eight per core), each growing to its own high-water mark.

``tune()`` fixes the threshold at 1 MiB (a block of a large mail always comes from a
mapping, and goes back when freed) and allows two arenas. Each process calls it first
thing: the worker, each mail reader, the drafting process. A setting given in the
environment (``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_ARENA_MAX``, glibc's own tunables) is
left as the administrator set it. On a C library other than glibc it does nothing.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os

log = logging.getLogger(__name__)

# mallopt(3) parameters (malloc.h)
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8

MMAP_THRESHOLD = 1024 * 1024
ARENAS = 2

# (parameter, value, the environment variable and the glibc tunable that set it)
_SETTINGS = (
    (M_MMAP_THRESHOLD, MMAP_THRESHOLD, "MALLOC_MMAP_THRESHOLD_", "glibc.malloc.mmap_threshold"),
    (M_ARENA_MAX, ARENAS, "MALLOC_ARENA_MAX", "glibc.malloc.arena_max"),
)


def glibc() -> bool:
    """Whether this process's C library is glibc."""
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (ValueError, OSError, AttributeError):  # a system without the name, or confstr
        return False


@functools.cache
def _mallopt() -> ctypes._NamedFuncPointer | None:
    if not glibc():  # musl's mallopt does nothing; other systems have none
        return None
    try:
        function = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_int)
    function.restype = ctypes.c_int
    return function


def tune() -> list[str]:
    """Apply the settings this process's environment does not make; the names of those
    applied (empty where there is no glibc, or the environment sets them all)."""
    mallopt = _mallopt()
    if mallopt is None:
        return []
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    applied = []
    for parameter, value, variable, tunable in _SETTINGS:
        if variable in os.environ or f"{tunable}=" in tunables:
            continue
        if mallopt(parameter, value) == 1:
            applied.append(variable.rstrip("_"))
        else:
            log.debug("mallopt(%d, %d) was refused", parameter, value)
    return applied
