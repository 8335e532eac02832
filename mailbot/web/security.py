"""What keeps the review pages safe: login rate limit, CSRF check, response headers.

The rate limit is kept in the web process's memory: a restart forgets it, which
costs an attacker one restart per window and is acceptable for one service on
loopback behind a reverse proxy.
"""

from __future__ import annotations

import hmac
import time
from collections import deque
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "mailbot_session"

HEADERS = {
    b"cache-control": b"no-store",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
    b"x-frame-options": b"DENY",
    b"content-security-policy": (
        b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
        b"form-action 'self'; base-uri 'none'; object-src 'none'"
    ),
    b"cross-origin-opener-policy": b"same-origin",
}


class LoginLimiter:
    """At most ``attempts`` failed logins per user name, and 4x that per client address,
    within ``window`` seconds; then that name (or client) waits until the window passes."""

    def __init__(
        self, attempts: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.attempts, self.window, self.clock = attempts, window, clock
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        horizon = self.clock() - self.window
        while failures and failures[0] <= horizon:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return deque()
        return failures

    def blocked(self, name: str, client: str) -> bool:
        return (
            len(self._recent(f"user:{name.lower()}")) >= self.attempts
            or len(self._recent(f"client:{client}")) >= 4 * self.attempts
        )

    def failed(self, name: str, client: str) -> None:
        now = self.clock()
        for key in (f"user:{name.lower()}", f"client:{client}"):
            self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, name: str) -> None:
        self._failures.pop(f"user:{name.lower()}", None)


def same_token(given: object, expected: str) -> bool:
    """A form's CSRF token against the session's, in constant time."""
    return isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())


class SecurityHeaders:
    """Adds ``HEADERS`` to every response that does not set them itself (ASGI middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in HEADERS.items() if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
