"""The review pages: a Starlette application, server-rendered with Jinja2, no JavaScript.

``create_app`` wires the pages to the same service functions the command line
uses. ``mailbot web`` serves it with uvicorn.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from mailbot.app import App
from mailbot.service.users import web_key
from mailbot.web import auth, cases, drafts, overview, plans, register, today
from mailbot.web.common import Web, message
from mailbot.web.security import LoginLimiter, SecurityHeaders

HERE = Path(__file__).parent


async def not_found(request: Request, exc: Exception) -> Response:
    return message(request, None, 404, "Not found", "Page not found.")


def when(moment: object) -> str:
    """``2026-03-10T09:15:02+01:00`` as ``2026-03-10 09:15`` (the officer's own time zone)."""
    text = str(moment or "")
    return text[:16].replace("T", " ") if len(text) >= 16 and text[10:11] == "T" else text


def create_app(app: App) -> Starlette:
    """The review pages for ``app`` (its settings and database; its signing key is read, or
    made the first time, here)."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = when
    routes = [
        *auth.routes,
        *cases.routes,
        *drafts.routes,
        *overview.routes,
        *plans.routes,
        *register.routes,
        *today.routes,
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    starlette = Starlette(routes=routes, exception_handlers={404: not_found})
    settings = app.configuration.web
    limiter = LoginLimiter(settings.login_attempts, settings.login_window_minutes * 60)
    starlette.state.web = Web(app, env, limiter, web_key(app.database))
    starlette.add_middleware(SecurityHeaders)
    return starlette
