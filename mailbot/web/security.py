"""What keeps the review pages safe: login throttling, signed cookies, CSRF checks, headers.

Login throttling follows OWASP's "device cookies". A browser where a user logged in
gets a long-lived cookie signed with the server's key (``device_cookie``). A login
with such a cookie, valid for the name it tries, is limited only per that cookie:
the officer's own browser is never held up by someone guessing elsewhere. A login
without one is limited per user name and per client address. A limited attempt
is answered without checking the password.

The counts are kept in the web process's memory: a restart forgets them, which
costs an attacker one restart per window and is acceptable for one service on
loopback behind a reverse proxy.

The login form has no session: its CSRF token is signed, time-limited, and sent
both in the page and in a SameSite=Strict cookie ("double submit"); a post counts
only when the two are the same (``login_form_posted``).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import re
import secrets
import time
from collections import deque
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "mailbot_session"
DEVICE_COOKIE = "mailbot_device"  # a browser where a user logged in before
FORM_COOKIE = "mailbot_login"  # the login form's CSRF token
DEVICE_LIFETIME = 180 * 24 * 3600  # seconds
FORM_LIFETIME = 3600  # seconds: a login form older than an hour is out of date
_CLOCK_SKEW = 60  # seconds a token may seem to come from the future (the clock was set back)
_SIGNED = re.compile(r"(\d{1,12})\.([A-Za-z0-9_-]{16,64})\.([0-9a-f]{64})", re.ASCII)
_DEVICE, _FORM = "device", "login form"
_SWEEP_ABOVE = 10_000  # names, clients and devices counted before the old ones are swept out

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
    """Failed logins within ``window`` seconds, counted by where they came from.

    With ``device`` (the id of a device cookie valid for the name): at most ``attempts``
    failures from that browser, and nothing else counts. Without: at most ``attempts``
    per user name and 4x that per client address; either one full holds the attempt up.

    An attempt counts as failed from the moment it is let through (``attempt``) until
    it is found right (``succeeded``): attempts sent all at once, while the passwords
    are being checked, cannot slip past the limit together.
    """

    def __init__(
        self, attempts: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.attempts, self.window, self.clock = attempts, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._sweep_above = _SWEEP_ABOVE

    def _limits(self, name: str, client: str, device: str | None) -> list[tuple[str, int]]:
        if device is not None:
            return [(f"device:{device}", self.attempts)]
        return [(f"user:{name.lower()}", self.attempts), (f"client:{client}", 4 * self.attempts)]

    def _recent(self, key: str) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        horizon = self.clock() - self.window
        while failures and failures[0] <= horizon:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return deque()
        return failures

    def blocked(self, name: str, client: str, device: str | None = None) -> bool:
        return any(
            len(self._recent(key)) >= limit for key, limit in self._limits(name, client, device)
        )

    def attempt(self, name: str, client: str, device: str | None = None) -> float | None:
        """Let an attempt through, counted as failed, and return its moment; or None (and
        nothing counted) when it must wait."""
        if self.blocked(name, client, device):
            return None
        now = self.clock()
        for key, _ in self._limits(name, client, device):
            self._failures.setdefault(key, deque()).append(now)
        if len(self._failures) > self._sweep_above:  # many names or clients: forget old ones
            for key in list(self._failures):
                self._recent(key)
            # what is left is recent: sweep again when that has doubled, not at every failure
            self._sweep_above = max(_SWEEP_ABOVE, 2 * len(self._failures))
        return now

    def succeeded(self, name: str, client: str, device: str | None, moment: float) -> None:
        """The attempt let through at ``moment`` was right: it is no failure. The failures
        before it stay until the window has passed (a success gives no one a fresh set)."""
        for key, _ in self._limits(name, client, device):
            with contextlib.suppress(KeyError, ValueError):  # gone with its window
                self._failures[key].remove(moment)


def _mac(key: bytes, *parts: str | int) -> str:
    return hmac.new(key, json.dumps(parts).encode(), hashlib.sha256).hexdigest()


def _signed(key: bytes, purpose: str, subject: str, now: float) -> str:
    issued, nonce = int(now), secrets.token_urlsafe(24)
    return f"{issued}.{nonce}.{_mac(key, purpose, subject, issued, nonce)}"


def _verified(
    key: bytes, purpose: str, subject: str, value: object, *, now: float, lifetime: float
) -> str | None:
    """The nonce of ``value`` when this key signed it for ``purpose`` and ``subject`` less
    than ``lifetime`` seconds before ``now``; else None."""
    found = _SIGNED.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        return None
    issued, nonce, mac = int(found[1]), found[2], found[3]
    if not now - lifetime < issued <= now + _CLOCK_SKEW:
        return None
    if not hmac.compare_digest(mac, _mac(key, purpose, subject, issued, nonce)):
        return None
    return nonce


def device_cookie(key: bytes, name: str, now: float) -> str:
    """A device cookie for a browser where ``name`` just logged in."""
    return _signed(key, _DEVICE, name, now)


def device_of(key: bytes, name: str, cookie: str | None, now: float) -> str | None:
    """The device's id when ``cookie`` is a device cookie made here for ``name`` (exactly)
    within ``DEVICE_LIFETIME``; else None: the attempt comes from an unknown browser."""
    return _verified(key, _DEVICE, name, cookie, now=now, lifetime=DEVICE_LIFETIME)


def login_form_token(key: bytes, cookie: str | None, now: float) -> str:
    """The login form's CSRF token: the browser's own while it has at least half its life
    ahead (two tabs with the form keep working), else a new one."""
    fresh = _verified(key, _FORM, "", cookie, now=now, lifetime=FORM_LIFETIME / 2)
    return cookie if cookie is not None and fresh else _signed(key, _FORM, "", now)


def login_form_posted(key: bytes, given: object, cookie: str | None, now: float) -> bool:
    """A posted login form's token is its cookie's, made here within ``FORM_LIFETIME``:
    another site can neither read the cookie nor make the browser send it (SameSite)."""
    return (
        cookie is not None
        and same_token(given, cookie)
        and _verified(key, _FORM, "", cookie, now=now, lifetime=FORM_LIFETIME) is not None
    )


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
