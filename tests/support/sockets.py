"""Loopback ports for the servers the tests start."""

from __future__ import annotations

import itertools
import os
import random
import socket

# The kernel hands out ports for ``bind(("127.0.0.1", 0))`` and for every outgoing connection
# from its ephemeral range (32768-60999 by default). A port found there is free only until the
# server binds it: meanwhile another pytest-xdist worker may be given it too, or a client's
# connection may take it. So the servers' ports come from below that range, a block of its own
# for each worker ("gw0", "gw1", ...: PYTEST_XDIST_WORKER), tried in turn from a random start.
_FIRST, _BLOCK = 20000, 1500
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0) % 8
_START = _FIRST + _WORKER * _BLOCK
_next = itertools.count(random.randrange(_BLOCK))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now, in this worker's block."""
    for _ in range(_BLOCK):
        port = _START + next(_next) % _BLOCK
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise OSError(f"no free port in {_START}-{_START + _BLOCK - 1}")
