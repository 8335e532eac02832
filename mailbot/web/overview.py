"""The pages beside the cases: the quarantine (with a retry) and today's digest."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mailbot.errors import MailbotError
from mailbot.ports import Outcome
from mailbot.service import digest
from mailbot.service.cases import list_mails
from mailbot.service.intake import Intake, IntakePolicy
from mailbot.service.users import WebSession
from mailbot.web.common import message, page, render, web_of


@page
async def quarantine(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    mails = await web.call(list_mails, web.app.database, web.app.clock, Outcome.QUARANTINED)
    return render(
        request, session, "quarantine.html", mails=mails,
        done=request.query_params.get("done", ""),
    )  # fmt: skip


@page
async def quarantine_retry(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    intake = Intake(web.app.database, IntakePolicy.from_settings(web.app.settings))
    try:
        await web.call(intake.retry, int(request.path_params["mail"]))
    except MailbotError as exc:
        return message(request, session, 409, "This could not be done:", str(exc))
    return RedirectResponse("/quarantine?done=retried", status_code=303)


@page
async def today(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    composed = await web.call(
        digest.today_digest, web.app.database, web.app.settings, web.app.clock
    )
    return render(request, session, "digest.html", digest=composed)


routes = [
    Route("/quarantine", quarantine, methods=["GET"]),
    Route("/quarantine/{mail:int}/retry", quarantine_retry, methods=["POST"]),
    Route("/digest", today, methods=["GET"]),
]
