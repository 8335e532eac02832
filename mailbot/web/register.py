"""The register page: the statistics the officer reports, and the register to download."""

from __future__ import annotations

import json
from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mailbot.service import register
from mailbot.service.users import WebSession
from mailbot.web.common import message, page, render, web_of


def _day(request: Request, name: str) -> date | None:
    value = request.query_params.get(name, "")
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@page
async def overview(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    start, end = _day(request, "from"), _day(request, "to")
    allowed = session.user.allowed
    found = await web.call(register.stats, web.app.database, web.app.clock, start, end, allowed)
    return render(
        request, session, "register.html", stats=found.as_dict(), start=start, end=end,
        query=request.url.query,
    )  # fmt: skip


@page
async def export(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    form = request.path_params["format"]
    if form not in ("csv", "json"):
        return message(request, session, 404, "Not found", "Nothing found with that name.")
    start, end = _day(request, "from"), _day(request, "to")
    allowed = session.user.allowed
    rows = await web.call(register.rows, web.app.database, web.app.clock, start, end, allowed)
    if form == "json":
        found = [row.as_json() for row in rows]
        body, media = json.dumps(found, ensure_ascii=False, indent=2) + "\n", "application/json"
    else:
        body, media = register.as_csv(rows), "text/csv; charset=utf-8"
    name = f"register-{web.app.clock.local_today().isoformat()}.{form}"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


routes = [
    Route("/register", overview, methods=["GET"]),
    Route("/register/export.{format:str}", export, methods=["GET"]),
]
