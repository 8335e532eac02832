"""The uvicorn server for the review pages, as ``mailbot web`` (and the tests) run it.

Under systemd (``Type=notify``) it says READY once it listens, STOPPING when it
stops, and feeds the watchdog while uvicorn's main loop keeps ticking. SIGHUP
reloads the configuration: a good file replaces the settings and database the
pages use (requests in flight finish on the old ones); a broken one is refused
and logged, and the pages go on as before. The listening address and the
trusted proxies are fixed at start: changing them needs a restart.

``X-Forwarded-For`` and ``-Proto`` count only from ``[web] trusted_proxies``; with
none configured (the default) uvicorn's proxy header handling is off altogether, so
its own default (loopback, or ``$FORWARDED_ALLOW_IPS``) never applies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn

from mailbot.app import App, load_checked
from mailbot.app.reload import Reloader
from mailbot.core.heartbeat import Heartbeat
from mailbot.service.users import web_key
from mailbot.systemd import Notifier, keep_alive
from mailbot.web.app import create_app
from mailbot.web.common import Web
from mailbot.web.security import LoginLimiter

log = logging.getLogger(__name__)
LOOP = "web"


class ReviewServer(uvicorn.Server):
    """uvicorn's server, speaking the notify protocol and reloading on SIGHUP."""

    def __init__(
        self, config: uvicorn.Config, web: Web, notifier: Notifier, reload: Callable[[], App]
    ) -> None:
        super().__init__(config)
        self.web = web
        self.notifier = notifier
        self.reloader = Reloader(notifier, reload)
        self.heartbeat = Heartbeat()
        self._tasks: list[asyncio.Future[Any]] = []

    def status(self) -> str:
        line = f"serving the review pages on {self.config.host}:{self.config.port}"
        note = self.reloader.note
        return line + (f"; {note}" if note else "")

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.should_exit:
            return
        self.heartbeat.beat(LOOP, time.monotonic())
        if threading.current_thread() is threading.main_thread():
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._on_hup)
        watching = asyncio.ensure_future(keep_alive(self.notifier, self.heartbeat, self.status))
        self._tasks.append(watching)
        self.notifier.ready(self.status())

    async def on_tick(self, counter: int) -> bool:
        self.heartbeat.beat(LOOP, time.monotonic())  # uvicorn's main loop is alive
        return await super().on_tick(counter)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.notifier.stopping()
        if threading.current_thread() is threading.main_thread():
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await super().shutdown(sockets)

    def _on_hup(self) -> None:
        self._tasks.append(asyncio.ensure_future(self.reload()))

    async def reload(self) -> bool:
        """Read the configuration again; True when the pages now use it."""
        replacement = await self.reloader(self.status)
        if replacement is None:
            return False
        try:
            key = await self.web.call(web_key, replacement.database)
        except Exception as exc:  # the database failed since it was checked: keep the old one
            log.error("reload refused, still running on the previous configuration: %s", exc)
            self.reloader.note = "last reload refused (see the journal)"
            replacement.close()
            self.notifier.ready(self.status())
            return False
        previous, self.web.app, self.web.key = self.web.app, replacement, key
        settings = replacement.configuration.web
        self.web.limiter = LoginLimiter(settings.login_attempts, settings.login_window_minutes * 60)
        previous.close()  # connections in use close when they are returned
        log.info("configuration reloaded from %s", replacement.config_file)
        self.notifier.ready(self.status())
        return True


def server(
    app: App, host: str = "127.0.0.1", port: int = 8080, notifier: Notifier | None = None
) -> ReviewServer:
    """A server for ``app``'s review pages; ``X-Forwarded-*`` count from trusted proxies only."""
    starlette = create_app(app)
    proxies = list(app.configuration.web.trusted_proxies)
    config = uvicorn.Config(
        starlette,
        host=host,
        port=port,
        # none trusted: no proxy middleware at all (uvicorn's own default trusts loopback)
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies,
        access_log=False,  # its lines carry query strings, where a search may hold a name
        log_config=None,
        server_header=False,
        lifespan="off",
    )
    web: Web = starlette.state.web
    notifier = notifier if notifier is not None else Notifier.from_environment()
    return ReviewServer(config, web, notifier, lambda: load_checked(web.app.config_file))
