"""The case list, the case page, and the forms on it (classification, identity, deadline,
actions, closing). Each form calls the service function the command line calls, then
sends the browser back to the case (post/redirect/get); a refusal is shown on the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mailbot.app.build import build_notices
from mailbot.app.drafting import build_drafting
from mailbot.core.approval import DraftChoice
from mailbot.core.case_list import CaseFilter
from mailbot.core.cases import OPEN, CaseOutcome, ExtensionGround, RefusalGround, Status
from mailbot.core.confirmation import Answer
from mailbot.core.digest import TITLES
from mailbot.core.identity import Verification
from mailbot.core.parsing import parse_mail
from mailbot.core.quarantine import read_safely
from mailbot.core.rights import Right
from mailbot.errors import MailbotError, NotFound, UnparseableMail
from mailbot.i18n import number
from mailbot.service import casework
from mailbot.service.approval import CaseAction, action_done, case_actions
from mailbot.service.cases import CaseDetail, find_cases, mailbox_of, reclassify, show_case, verify
from mailbot.service.clock import Clock
from mailbot.service.draft_views import DraftDetail, show_draft
from mailbot.service.today import next_steps
from mailbot.service.users import WebSession
from mailbot.storage.database import Database
from mailbot.storage.store import CaseStore
from mailbot.web.common import Web, kind_labeller, message, page, render, text_field, web_of
from mailbot.web.refusals import on_page

SOON = 7  # days: a due date this close stands out in the list
SHOWN_TEXT = 200_000  # characters of a mail shown on the page


def mail_texts(database: Database, mail_ids: list[int]) -> dict[int, str | None]:
    """Each mail's text (never its HTML); None when it was deleted (an ID document)."""
    texts: dict[int, str | None] = {}
    with database.reader() as session:
        store = CaseStore(session)
        for mail_id in mail_ids:
            raw = store.raw(mail_id)
            if raw is None:
                texts[mail_id] = None
                continue
            try:
                texts[mail_id] = parse_mail(raw).text[:SHOWN_TEXT]
            except UnparseableMail:  # a quarantined mail made a case by hand: what can be read
                texts[mail_id] = read_safely(raw).text
    return texts


@dataclass(frozen=True, slots=True)
class CasePage:
    """Everything the case page shows: the case, its mails' texts (by mail id), its drafts
    whole, and the actions of its reply."""

    case: CaseDetail
    texts: dict[int, str | None]
    drafts: tuple[DraftDetail, ...]
    actions: tuple[CaseAction, ...]


def case_page(database: Database, clock: Clock, reference: str) -> CasePage:
    """Everything the case page shows, read in one go."""
    case = show_case(database, clock, reference)
    return CasePage(
        case=case,
        texts=mail_texts(database, [mail.id for mail in case.mails]),
        drafts=tuple(show_draft(database, clock, draft.id) for draft in case.drafts),
        actions=case_actions(database, clock, reference).actions,
    )


def urgency(days_left: int | None, status: str) -> str:
    """``overdue``, ``soon`` or ``""``, for an open case's days left."""
    if days_left is None or Status(status) not in OPEN:
        return ""
    if days_left < 0:
        return "overdue"
    return "soon" if days_left <= SOON else ""


async def hidden(request: Request, session: WebSession, reference: str) -> bool:
    """True when there is no such case, or it is in a mailbox the user may not see."""
    web = web_of(request)
    try:
        mailbox = await web.call(mailbox_of, web.app.database, reference)
    except NotFound:
        return True
    return not session.user.sees(mailbox)


def not_found(request: Request, session: WebSession) -> Response:
    return message(request, session, 404, "Not found", "Nothing found with that name.")


@page
async def case_list(request: Request, session: WebSession) -> Response:
    """The case list: a page of 50, filtered by what the address asks (``CaseFilter``)."""
    web = web_of(request)
    allowed = session.user.allowed
    mailboxes = tuple(
        s.mailbox
        for s in web.app.configuration.mailboxes
        if allowed is None or s.mailbox in allowed
    )
    wanted = CaseFilter.from_query(request.query_params, mailboxes)
    found = await web.call(
        find_cases, web.app.database, web.app.clock, wanted,
        request.query_params.get("page"), mailboxes,
    )  # fmt: skip
    language = session.user.language
    return render(
        request, session, "cases.html", found=found, paging=found.paging, wanted=wanted,
        urgency=urgency, number=lambda value: number(value, language),
        statuses=[status.value for status in Status], rights=[right.value for right in Right],
        mailboxes=mailboxes if web.app.configuration.several else (),
    )  # fmt: skip


TEMPLATES = {
    "read": "case.html", "decide": "case_decide.html", "trail": "case_trail.html",
    "plan": "case_plan.html",
}  # fmt: skip


async def show(
    request: Request, session: WebSession, status: int = 200, view: str = "read", **extra: Any
) -> Response:
    """The case page: what the officer reads (``read``), what he decides (``decide``), what
    mailbot carries out (``plan``, ``web.plans``), or its audit trail (``trail``); each starts
    with what happens next."""
    web = web_of(request)
    reference = request.path_params["reference"]
    if await hidden(request, session, reference):
        return not_found(request, session)
    if isinstance(extra.get("error"), str):  # a service's refusal, in the page's language
        extra["error"] = on_page(extra["error"], session.user.language)
    try:
        shown = await web.call(case_page, web.app.database, web.app.clock, reference)
        steps = await web.call(
            next_steps, web.app.database, web.app.clock, reference, web.app.configuration
        )
    except NotFound:
        return not_found(request, session)
    return render(
        request, session, TEMPLATES[view], status, case=shown.case, texts=shown.texts,
        drafts=shown.drafts, actions=shown.actions, view=view,
        next_steps=steps, titles=TITLES, kind_label=kind_labeller(session),
        waiting_drafts=[d for d in shown.drafts if d.status in ("pending", "failed")],
        done=request.query_params.get("done", ""),
        rights=[right.value for right in Right],
        outcomes=[outcome.value for outcome in CaseOutcome],
        checks=[check.value for check in Verification],
        extension_grounds=[ground.value for ground in ExtensionGround],
        refusal_grounds=[ground.value for ground in RefusalGround],
        is_open=Status(shown.case.status) in OPEN,
        **extra,
    )  # fmt: skip


@page
async def case_detail(request: Request, session: WebSession) -> Response:
    return await show(request, session)


@page
async def case_decide(request: Request, session: WebSession) -> Response:
    return await show(request, session, view="decide")


@page
async def case_trail(request: Request, session: WebSession) -> Response:
    return await show(request, session, view="trail")


async def act(
    request: Request, session: WebSession, done: str, work: Any, *, redraft: bool = False
) -> Response:
    """Run ``work(web, actor)`` for a form; back to the case, or the case with the refusal."""
    web = web_of(request)
    reference = request.path_params["reference"]
    if await hidden(request, session, reference):
        return not_found(request, session)

    def run() -> None:
        work(web, session.user.name)
        if redraft:  # the drafts follow at once, as on the command line
            build_drafting(web.app).run()

    try:
        await web.call(run)
    except (MailbotError, ValueError) as exc:
        return await show(request, session, 409, view="decide", error=str(exc))
    return RedirectResponse(f"/cases/{reference}?done={done}", status_code=303)


@page
async def case_reclassify(request: Request, session: WebSession) -> Response:
    form = await request.form()
    chosen = tuple(Right(value) for value in form.getlist("rights") if value in set(Right))
    note = text_field(form, "note").strip() or None
    reference = request.path_params["reference"]

    def work(web: Web, actor: str) -> None:
        reclassify(
            web.app.database, web.app.clock, reference, rights=chosen, actor=actor, note=note
        )

    return await act(request, session, "reclassified", work, redraft=True)


@page
async def case_verify(request: Request, session: WebSession) -> Response:
    form = await request.form()
    method = text_field(form, "method").strip()
    check = text_field(form, "check")  # chosen, never assumed
    send_to = text_field(form, "send_to").strip() or None
    reference = request.path_params["reference"]

    def work(web: Web, actor: str) -> None:
        if not method:
            raise ValueError("say how the person was verified")
        verify(
            web.app.database, web.app.clock, reference, method=method, actor=actor,
            send_to=send_to, check=_choice(Verification, check, "how the person was verified"),
        )  # fmt: skip

    return await act(request, session, "verified", work, redraft=True)


E = TypeVar("E", bound=StrEnum)


def _day(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"give {what} as a date") from None


def _choice(kind: type[E], value: str, what: str) -> E:
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"choose {what}") from None


async def _notice(
    request: Request, session: WebSession, done: str, draft: Any, grounds: type[StrEnum]
) -> Response:
    """A notice the officer asks for with his reasons (``casework.extend`` or ``refuse``)."""
    form = await request.form()
    reason, ground = text_field(form, "reason"), text_field(form, "ground")
    reference = request.path_params["reference"]

    def work(web: Web, actor: str) -> None:
        draft(
            web.app.database, build_drafting(web.app), web.app.clock, reference,
            reason=reason, ground=_choice(grounds, ground, "a ground"), actor=actor,
        )  # fmt: skip

    return await act(request, session, done, work)


@page
async def case_extend(request: Request, session: WebSession) -> Response:
    return await _notice(request, session, "extended", casework.extend, ExtensionGround)


@page
async def case_refuse(request: Request, session: WebSession) -> Response:
    return await _notice(request, session, "refused", casework.refuse, RefusalGround)


@page
async def case_close(request: Request, session: WebSession) -> Response:
    form = await request.form()
    outcome = text_field(form, "outcome")
    note = text_field(form, "note").strip() or None
    ground = text_field(form, "ground")
    choice = text_field(form, "drafts")
    answered = text_field(form, "answered_outside")
    reference = request.path_params["reference"]

    def work(web: Web, actor: str) -> None:
        casework.close(
            web.app.database, web.app.configuration, web.app.clock, reference,
            outcome=_choice(CaseOutcome, outcome, "an outcome"), actor=actor, note=note,
            ground=_choice(RefusalGround, ground, "a ground") if ground else None,
            drafts=_choice(DraftChoice, choice, "what becomes of the drafts") if choice else None,
            answered_outside=_day(answered, "the day it was answered") if answered else None,
        )  # fmt: skip

    return await act(request, session, "closed", work)


@page
async def case_answer(request: Request, session: WebSession) -> Response:
    form = await request.form()
    answer, note = text_field(form, "answer"), text_field(form, "note").strip()
    reference = request.path_params["reference"]

    def work(web: Web, actor: str) -> None:
        casework.take_answer(
            web.app.database, web.app.clock, reference,
            _choice(Answer, answer, "what the person says"), actor=actor, note=note,
        )  # fmt: skip

    return await act(request, session, "answered", work, redraft=answer == Answer.YES)


@page
async def case_reopen(request: Request, session: WebSession) -> Response:
    reason = text_field(await request.form(), "reason").strip()
    reference = request.path_params["reference"]

    def work(web: Web, actor: str) -> None:
        if not reason:
            raise ValueError("give a reason for reopening")
        casework.reopen(web.app.database, web.app.clock, reference, actor=actor, reason=reason)

    return await act(request, session, "reopened", work, redraft=True)


@page
async def case_action_done(request: Request, session: WebSession) -> Response:
    reference = request.path_params["reference"]
    action_id = int(request.path_params["action"])

    def work(web: Web, actor: str) -> None:
        action_done(web.app.database, reference, action_id, actor, notices=build_notices(web.app))

    return await act(request, session, "action", work)


routes = [
    Route("/cases", case_list, methods=["GET"]),
    Route("/cases/{reference}", case_detail, methods=["GET"]),
    Route("/cases/{reference}/decide", case_decide, methods=["GET"]),
    Route("/cases/{reference}/trail", case_trail, methods=["GET"]),
    Route("/cases/{reference}/reclassify", case_reclassify, methods=["POST"]),
    Route("/cases/{reference}/verify", case_verify, methods=["POST"]),
    Route("/cases/{reference}/extend", case_extend, methods=["POST"]),
    Route("/cases/{reference}/refuse", case_refuse, methods=["POST"]),
    Route("/cases/{reference}/close", case_close, methods=["POST"]),
    Route("/cases/{reference}/answer", case_answer, methods=["POST"]),
    Route("/cases/{reference}/reopen", case_reopen, methods=["POST"]),
    Route("/cases/{reference}/actions/{action:int}/done", case_action_done, methods=["POST"]),
]
