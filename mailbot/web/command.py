"""``mailbot web``: serve the review pages."""

from __future__ import annotations

import logging
import signal
import sys

import click

from mailbot.app import App
from mailbot.app.command import with_app
from mailbot.config import is_loopback
from mailbot.service import users as user_service
from mailbot.web.serve import server

log = logging.getLogger(__name__)


@click.command("web")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@with_app
def web(app: App, host: str, port: int) -> None:
    """Serve the review pages (put a TLS reverse proxy in front of them)."""
    if not is_loopback(host):
        log.warning(
            "serving plain HTTP on %s: personal data would cross the network unencrypted; "
            "serve on 127.0.0.1 behind a TLS reverse proxy",
            host,
        )
    if not user_service.list_users(app.database):
        click.echo("mailbot: no users yet: add one with `mailbot users add NAME`", err=True)
    # uvicorn stops gracefully on SIGTERM/SIGINT and then raises the signal again for the
    # handler it found: make that one a clean exit, so that a stop is not a failure
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, _exit_cleanly)
    server(app, host, port).run()


def _exit_cleanly(signum: int, frame: object) -> None:
    sys.exit(0)
