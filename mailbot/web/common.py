"""What every page shares: the ``Web`` state, rendering, and the ``page`` guard.

Every page but the login needs a session (``page``), and every form posted to one
must carry the session's CSRF token (the login form has no session: its token is
signed and double-submitted, see ``web.security``). Database work runs in
Starlette's thread pool (``Web.call``), never on the event loop.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar
from urllib.parse import quote

from jinja2 import Environment
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from mailbot.app import App
from mailbot.core.today import QUOTED, Item
from mailbot.i18n import LANGUAGES, labeller, translator
from mailbot.service.users import WebSession, find_session
from mailbot.web.security import COOKIE, LoginLimiter, same_token
from mailbot.web.shown import shower

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class Web:
    """What the pages share: the application, the templates, the login limiter, and the key
    that signs the device cookies and the login form's token (``service.users.web_key``)."""

    app: App
    env: Environment
    limiter: LoginLimiter
    key: bytes

    async def call(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run blocking work (the database, data sources) off the event loop."""
        return await run_in_threadpool(function, *args, **kwargs)


def web_of(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


def render(
    request: Request,
    session: WebSession | None,
    template: str,
    status: int = 200,
    csrf: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """``template`` for ``session``'s user; its forms carry ``csrf``, by default the session's."""
    web = web_of(request)
    user = session.user if session is not None else None
    language = user.language if user is not None else web.app.configuration.web.language
    if csrf is None:
        csrf = session.csrf_token if session is not None else ""
    html = web.env.get_template(template).render(
        request=request,
        user=user,
        csrf=csrf,
        lang=language,
        languages=LANGUAGES,
        t=translator(language),
        label=labeller(language),
        item_html=item_html,
        shown=shower(language),
        **context,
    )
    return HTMLResponse(html, status_code=status)


def kind_labeller(session: WebSession) -> Callable[[str], str]:
    """A draft kind's name in the user's language (for ``core.today.Item.sentence``)."""
    label = labeller(session.user.language)
    return lambda code: label("kind", code)


QUOTE = Markup('<span class="quoted" lang="en">{}</span>')


def item_html(item: Item, translate: Callable[[str], str], kind: Callable[[str], str]) -> Markup:
    """A Today item's sentence for a page: escaped, with what it quotes (a server's reply, a
    reason) marked as English, the language it came in."""
    values: dict[str, object] = dict(item.shown(kind))
    for key in QUOTED & values.keys():
        values[key] = QUOTE.format(values[key])
    return escape(translate(item.text)).format(**values)


def message(
    request: Request, session: WebSession | None, status: int, title: str, text: str
) -> HTMLResponse:
    return render(request, session, "message.html", status, title=title, text=text)


def local_path(value: object, default: str = "/") -> str:
    """A path on this site to go back to; anything else (another host) becomes ``default``."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return default


Handler = Callable[[Request, WebSession], Awaitable[Response]]


def page(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A page that needs a logged-in user; a POST must carry the session's CSRF token."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        web = web_of(request)
        session = await web.call(find_session, web.app.database, request.cookies.get(COOKIE))
        if session is None:
            if request.method == "GET":
                wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?next={quote(wanted)}", status_code=303)
            return message(
                request, None, 403, "Not allowed", "Your session has ended. Log in again."
            )
        if request.method == "POST":
            form = await request.form()
            if not same_token(form.get("csrf"), session.csrf_token):
                log.warning("a form without a valid CSRF token was refused: %s", request.url.path)
                return message(
                    request, session, 403, "Not allowed",
                    "This form has expired or was not sent from these pages. Go back, reload "
                    "the page and try again.",
                )  # fmt: skip
        return await handler(request, session)

    return endpoint


def text_field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""
