"""The uvicorn server for the review pages, as ``mailbot web`` (and the tests) run it."""

from __future__ import annotations

import uvicorn

from mailbot.cli.app import App
from mailbot.web.app import create_app


def server(app: App, host: str = "127.0.0.1", port: int = 8080) -> uvicorn.Server:
    """A server for ``app``'s review pages; ``X-Forwarded-*`` count from trusted proxies only."""
    config = uvicorn.Config(
        create_app(app),
        host=host,
        port=port,
        proxy_headers=True,
        forwarded_allow_ips=list(app.settings.web.trusted_proxies),
        access_log=False,  # its lines carry query strings, where a search may hold a name
        log_config=None,
        server_header=False,
        lifespan="off",
    )
    return uvicorn.Server(config)
