"""The home page, Today: everything waiting, by who acts next (``core.today``), for the
mailboxes the user may see. The daily digest is the same list as a mail."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mailbot.core.digest import TITLES
from mailbot.core.today import first_entries, grouped, order, per_case
from mailbot.service import today as waiting
from mailbot.service.users import WebSession
from mailbot.web.common import kind_labeller, page, render, web_of


@page
async def today(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    items = []
    for settings in web.app.configuration.mailboxes:
        if session.user.sees(settings.mailbox):
            items += await web.call(waiting.today, web.app.database, settings, web.app.clock)
    groups = [
        (group, *first_entries(per_case(found)))
        for group, found in grouped(sorted(items, key=order))
    ]
    return render(
        request, session, "today.html", groups=groups, day=web.app.clock.local_today(),
        titles=TITLES, kind_label=kind_labeller(session),
    )  # fmt: skip


@page
async def digest(request: Request, session: WebSession) -> Response:
    """The digest's old page: it is the Today page now."""
    return RedirectResponse("/", status_code=303)


routes = [
    Route("/", today, methods=["GET"]),
    Route("/digest", digest, methods=["GET"]),
]
