"""A TCP proxy on loopback in front of a real server, that can stall or cut the connections.

``stall()`` stops forwarding in both directions (bytes are held, not dropped,
and connections stay open): to the client the server has stopped answering, as
a hung server or a dead network path looks. ``resume()`` lets everything through
again. ``cut()`` closes every open connection at once, in the middle of whatever
it carries, as a reset by a firewall or a server restart does; new connections
are let through. Threads only; nothing here speaks the protocol it carries.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator


class StallingProxy:
    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._flowing = threading.Event()
        self._flowing.set()
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True, name="proxy-accept").start()

    def stall(self) -> None:
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    def cut(self) -> int:
        """Close every open connection now; returns how many there were."""
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()
        return len(sockets) // 2

    def close(self) -> None:
        self._closed.set()
        self._flowing.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(
                target=self._connect, args=(client,), daemon=True, name="proxy-conn"
            ).start()

    def _connect(self, client: socket.socket) -> None:
        self._flowing.wait()  # a stalled proxy accepts, but the server never greets
        try:
            server = socket.create_connection(self.upstream, timeout=10)
        except OSError:
            client.close()
            return
        server.settimeout(None)
        with self._lock:
            self._sockets += [client, server]
        for source, target in ((client, server), (server, client)):
            threading.Thread(
                target=self._pump, args=(source, target), daemon=True, name="proxy-pump"
            ).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while True:
                data = source.recv(65536)
                self._flowing.wait()
                if not data or self._closed.is_set():
                    break
                target.sendall(data)
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def stalling_proxy(upstream_port: int) -> Iterator[StallingProxy]:
    proxy = StallingProxy(upstream_port)
    try:
        yield proxy
    finally:
        proxy.close()
