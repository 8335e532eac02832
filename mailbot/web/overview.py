"""The quarantine page.

The quarantine lists the mails mailbot could not read; each has a page that shows it
safely (``service.quarantine.show``: text only, nothing of it rendered or opened) with
the officer's three answers: read it again, make a case of it, dismiss it with a reason.
Each checks that the user sees the mail's mailbox, as the case pages do."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mailbot.errors import MailbotError, NotFound
from mailbot.ports import Outcome
from mailbot.service import quarantine as quarantined
from mailbot.service.cases import list_mails
from mailbot.service.intake import Intake
from mailbot.service.readers import ChildProcesses
from mailbot.service.users import WebSession
from mailbot.web.cases import not_found
from mailbot.web.common import message, page, render, text_field, web_of


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
    if not await _visible(request, session, mail_id):
        return not_found(request, session)
    reader = ChildProcesses(1)  # within intake.time_limit, as the worker reads
    try:
        intake = await web.call(
            Intake.for_mail, web.app.database, web.app.configuration, mail_id, reader
        )
        await web.call(intake.retry, mail_id)
    except MailbotError as exc:
        return message(request, session, 409, "This could not be done:", str(exc))
    finally:
        await web.call(reader.close)
    return RedirectResponse("/quarantine?done=retried", status_code=303)


async def _visible(request: Request, session: WebSession, mail_id: int) -> bool:
    """The mail exists and is in a mailbox the user may see."""
    web = web_of(request)
    try:
        mailbox = await web.call(quarantined.mailbox_of, web.app.database, mail_id)
    except NotFound:
        return False
    return session.user.sees(mailbox)


async def _show(request: Request, session: WebSession, status: int = 200, **extra: str) -> Response:
    web = web_of(request)
    mail_id = int(request.path_params["mail"])
    if not await _visible(request, session, mail_id):
        return not_found(request, session)
    shown = await web.call(quarantined.show, web.app.database, web.app.clock, mail_id)
    return render(
        request, session, "quarantine_mail.html", status, mail=shown,
        done=request.query_params.get("done", ""), **extra,
    )  # fmt: skip


@page
async def quarantine_mail(request: Request, session: WebSession) -> Response:
    return await _show(request, session)


@page
async def quarantine_open(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    mail_id = int(request.path_params["mail"])
    if not await _visible(request, session, mail_id):
        return not_found(request, session)
    reader = ChildProcesses(1)  # within intake.time_limit, as the worker reads
    try:
        result = await web.call(
            quarantined.open_case, web.app.database, web.app.configuration, web.app.clock,
            mail_id, actor=session.user.name, reader=reader,
        )  # fmt: skip
    except MailbotError as exc:
        return await _show(request, session, 409, error=str(exc))
    finally:
        await web.call(reader.close)
    return RedirectResponse(f"/cases/{result.reference}?done=opened", status_code=303)


@page
async def quarantine_dismiss(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    mail_id = int(request.path_params["mail"])
    if not await _visible(request, session, mail_id):
        return not_found(request, session)
    reason = text_field(await request.form(), "reason")
    try:
        await web.call(
            quarantined.dismiss, web.app.database, web.app.clock, mail_id,
            session.user.name, reason,
        )  # fmt: skip
    except MailbotError as exc:
        return await _show(request, session, 409, error=str(exc), reason=reason)
    return RedirectResponse("/quarantine?done=dismissed", status_code=303)


routes = [
    Route("/quarantine", quarantine, methods=["GET"]),
    Route("/quarantine/{mail:int}", quarantine_mail, methods=["GET"]),
    Route("/quarantine/{mail:int}/retry", quarantine_retry, methods=["POST"]),
    Route("/quarantine/{mail:int}/open", quarantine_open, methods=["POST"]),
    Route("/quarantine/{mail:int}/dismiss", quarantine_dismiss, methods=["POST"]),
]
