"""The quarantine page (with a retry)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mailbot.errors import MailbotError, NotFound
from mailbot.ports import Outcome
from mailbot.service.cases import list_mails
from mailbot.service.intake import Intake
from mailbot.service.readers import ChildProcesses
from mailbot.service.users import WebSession
from mailbot.web.common import message, page, render, web_of


@page
async def quarantine(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    mails = await web.call(
        list_mails, web.app.database, web.app.clock, Outcome.QUARANTINED, session.user.allowed
    )
    return render(
        request, session, "quarantine.html", mails=mails,
        done=request.query_params.get("done", ""),
    )  # fmt: skip


@page
async def quarantine_retry(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    mail_id = int(request.path_params["mail"])
    reader = ChildProcesses(1)  # within intake.time_limit, as the worker reads
    try:
        intake = await web.call(
            Intake.for_mail, web.app.database, web.app.configuration, mail_id, reader
        )
        if not session.user.sees(intake.policy.mailbox):
            raise NotFound("not for this user")
        await web.call(intake.retry, mail_id)
    except MailbotError as exc:
        return message(request, session, 409, "This could not be done:", str(exc))
    finally:
        await web.call(reader.close)
    return RedirectResponse("/quarantine?done=retried", status_code=303)


routes = [
    Route("/quarantine", quarantine, methods=["GET"]),
    Route("/quarantine/{mail:int}/retry", quarantine_retry, methods=["POST"]),
]
