"""The forms on a draft (edit, approve, reject) and its attachments (download, preview).

Attachments are served as downloads (``Content-Disposition: attachment``); a preview
shows text as text, the printable overview in a sandboxed frame that may run no
script and load nothing, and a zip as the list of its files.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mailbot.core.cases import OPEN, Status
from mailbot.errors import MailbotError, NotFound
from mailbot.service.approval import (
    Edited,
    approval_check,
    approve,
    edit,
    fingerprint,
    reject,
)
from mailbot.service.cases import show_case
from mailbot.service.draft_views import attachment_file, case_of_draft, show_draft
from mailbot.service.users import WebSession
from mailbot.web import cases
from mailbot.web.common import Web, message, page, render, text_field, web_of
from mailbot.web.refusals import on_page

PREVIEW_BYTES = 200_000
TEXT_TYPES = ("text/plain", "text/csv", "application/json")
SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


async def _reference(request: Request, session: WebSession, draft_id: int) -> str | None:
    """The draft's case, if the user may see it."""
    web = web_of(request)
    try:
        reference = await web.call(case_of_draft, web.app.database, draft_id)
    except NotFound:
        return None
    return None if await cases.hidden(request, session, reference) else reference


async def show(request: Request, session: WebSession, status: int = 200, **extra: Any) -> Response:
    """The draft's page: its text to edit, approve or reject, with its case's warnings."""
    web = web_of(request)
    draft_id = int(request.path_params["draft"])
    reference = await _reference(request, session, draft_id)
    if reference is None:
        return cases.not_found(request, session)
    draft = await web.call(show_draft, web.app.database, web.app.clock, draft_id)
    case = await web.call(show_case, web.app.database, web.app.clock, reference)
    if isinstance(extra.get("error"), str):  # a service's refusal, in the page's language
        extra["error"] = on_page(extra["error"], session.user.language)
    return render(
        request, session, "draft.html", status, draft=draft, case=case,
        version=fingerprint(draft.to, draft.subject, draft.body),
        is_open=Status(case.status) in OPEN, done=request.query_params.get("done", ""),
        **extra,
    )  # fmt: skip


@page
async def draft_page(request: Request, session: WebSession) -> Response:
    return await show(request, session)


async def _act(
    request: Request,
    session: WebSession,
    done: str,
    work: Callable[[Web, str], Any],
    after: str = "",
) -> Response:
    """Run ``work(web, actor)``; then to ``after`` (default: the case), or back to the draft
    with the refusal."""
    web = web_of(request)
    draft_id = int(request.path_params["draft"])
    reference = await _reference(request, session, draft_id)
    if reference is None:
        return cases.not_found(request, session)
    try:
        result = await web.call(work, web, session.user.name)
    except (MailbotError, ValueError) as exc:
        return await show(request, session, 409, error=str(exc))
    if isinstance(result, Edited) and not result.changed:
        done = "unchanged"
    target = after or f"/cases/{reference}?done={done}#draft-{draft_id}"
    return RedirectResponse(target, status_code=303)


def _save_on_screen(form: FormData, web: Web, draft_id: int, actor: str) -> None:
    """The text on screen saved first (recorded as an edit when it changed), never dropped."""
    if "body" in form:
        # browsers send textarea line ends as CRLF; the stored text uses LF like the drafts
        body = text_field(form, "body").replace("\r\n", "\n")
        subject = text_field(form, "subject") if "subject" in form else None
        version = text_field(form, "version") or None  # what the page showed: never overwrite
        edit(
            web.app.database, web.app.clock, draft_id, actor, body, subject=subject,
            version=version,
        )  # fmt: skip


@page
async def draft_approve(request: Request, session: WebSession) -> Response:
    """ "Approve…": the text on screen is saved, then the confirmation step shows what would
    go, to whom, with what."""
    draft_id = int(request.path_params["draft"])
    form = await request.form()

    def work(web: Web, actor: str) -> None:
        _save_on_screen(form, web, draft_id, actor)

    return await _act(request, session, "edited", work, f"/drafts/{draft_id}/confirm")


@page
async def draft_confirm_page(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    draft_id = int(request.path_params["draft"])
    reference = await _reference(request, session, draft_id)
    if reference is None:
        return cases.not_found(request, session)
    check = await web.call(
        approval_check, web.app.database, web.app.clock, draft_id, web.app.configuration
    )
    case = await web.call(show_case, web.app.database, web.app.clock, reference)
    language = session.user.language  # why it cannot go yet, in the page's language
    check = replace(check, problems=tuple(on_page(text, language) for text in check.problems))
    return render(
        request, session, "confirm.html", check=check, case=case,
        is_open=Status(case.status) in OPEN,
    )  # fmt: skip


@page
async def draft_confirm(request: Request, session: WebSession) -> Response:
    """Approve the version the officer confirmed (another edit since is refused)."""
    draft_id = int(request.path_params["draft"])
    version = text_field(await request.form(), "version")

    def work(web: Web, actor: str) -> Any:
        if not version:
            raise ValueError("confirm what is sent first")
        return approve(
            web.app.database, web.app.configuration, web.app.clock, draft_id, actor,
            version=version,
        )  # fmt: skip

    return await _act(request, session, "approved", work)


@page
async def draft_reject(request: Request, session: WebSession) -> Response:
    draft_id = int(request.path_params["draft"])
    reason = text_field(await request.form(), "reason").strip()

    def work(web: Web, actor: str) -> Any:
        return reject(web.app.database, web.app.clock, draft_id, actor, reason)

    return await _act(request, session, "rejected", work)


@page
async def draft_edit(request: Request, session: WebSession) -> Response:
    draft_id = int(request.path_params["draft"])
    form = await request.form()

    def work(web: Web, actor: str) -> Any:
        body = text_field(form, "body").replace("\r\n", "\n")
        return edit(
            web.app.database, web.app.clock, draft_id, actor, body,
            subject=text_field(form, "subject"), version=text_field(form, "version") or None,
        )  # fmt: skip

    return await _act(request, session, "edited", work, f"/drafts/{draft_id}?done=edited")


async def _file(request: Request, session: WebSession) -> Any:
    """The attachment, if the user may see its case (NotFound otherwise)."""
    web = web_of(request)
    reference = await web.call(case_of_draft, web.app.database, int(request.path_params["draft"]))
    if await cases.hidden(request, session, reference):
        raise NotFound("not for this user")
    return await web.call(
        attachment_file,
        web.app.database,
        int(request.path_params["draft"]),
        int(request.path_params["file"]),
    )


def _disposition(kind: str, filename: str) -> str:
    ascii_name = "".join(c if c.isalnum() or c in "._-" else "_" for c in filename) or "file"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


@page
async def file_download(request: Request, session: WebSession) -> Response:
    try:
        found = await _file(request, session)
    except NotFound:
        return message(request, session, 404, "Not found", "Nothing found with that name.")
    return Response(
        found.content,
        media_type="application/octet-stream",
        headers={"Content-Disposition": _disposition("attachment", found.filename)},
    )


@page
async def file_raw(request: Request, session: WebSession) -> Response:
    """The printable overview, for the sandboxed frame of its preview only."""
    try:
        found = await _file(request, session)
    except NotFound:
        return message(request, session, 404, "Not found", "Nothing found with that name.")
    if found.content_type != "text/html":
        return message(request, session, 404, "Not found", "Nothing found with that name.")
    return Response(
        found.content,
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Security-Policy": f"{SANDBOX}; frame-ancestors 'self'",
            "X-Frame-Options": "SAMEORIGIN",
            "Content-Disposition": _disposition("inline", found.filename),
        },
    )


@page
async def file_preview(request: Request, session: WebSession) -> Response:
    try:
        found = await _file(request, session)
    except NotFound:
        return message(request, session, 404, "Not found", "Nothing found with that name.")
    web = web_of(request)
    reference = await web.call(case_of_draft, web.app.database, found.draft_id)
    context: dict[str, Any] = {"file": found, "reference": reference, "members": None}
    if found.content_type in TEXT_TYPES or found.content_type.startswith("text/plain"):
        context["text"] = found.content[:PREVIEW_BYTES].decode("utf-8", errors="replace")
        context["cut"] = len(found.content) > PREVIEW_BYTES
    elif found.content_type == "text/html":
        context["frame"] = f"/drafts/{found.draft_id}/files/{found.id}/raw"
    elif found.content_type == "application/zip":
        try:
            with zipfile.ZipFile(io.BytesIO(found.content)) as archive:
                context["members"] = [(i.filename, i.file_size) for i in archive.infolist()]
        except zipfile.BadZipFile:
            context["members"] = []
    return render(request, session, "preview.html", **context)


routes = [
    Route("/drafts/{draft:int}", draft_page, methods=["GET"]),
    Route("/drafts/{draft:int}/approve", draft_approve, methods=["POST"]),
    Route("/drafts/{draft:int}/confirm", draft_confirm_page, methods=["GET"]),
    Route("/drafts/{draft:int}/confirm", draft_confirm, methods=["POST"]),
    Route("/drafts/{draft:int}/reject", draft_reject, methods=["POST"]),
    Route("/drafts/{draft:int}/edit", draft_edit, methods=["POST"]),
    Route("/drafts/{draft:int}/files/{file:int}", file_download, methods=["GET"]),
    Route("/drafts/{draft:int}/files/{file:int}/preview", file_preview, methods=["GET"]),
    Route("/drafts/{draft:int}/files/{file:int}/raw", file_raw, methods=["GET"]),
]
