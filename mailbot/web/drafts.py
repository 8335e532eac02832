"""The forms on a draft (edit, approve, reject) and its attachments (download, preview).

Attachments are served as downloads (``Content-Disposition: attachment``); a preview
shows text as text, the printable overview in a sandboxed frame that may run no
script and load nothing, and a zip as the list of its files.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mailbot.errors import MailbotError, NotFound
from mailbot.service.approval import Edited, approve, edit, reject
from mailbot.service.draft_views import attachment_file, case_of_draft
from mailbot.service.users import WebSession
from mailbot.web import cases
from mailbot.web.common import Web, message, page, render, text_field, web_of

PREVIEW_BYTES = 200_000
TEXT_TYPES = ("text/plain", "text/csv", "application/json")
SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


async def _act(
    request: Request, session: WebSession, done: str, work: Callable[[Web, str], Any]
) -> Response:
    web = web_of(request)
    draft_id = int(request.path_params["draft"])
    try:
        reference = await web.call(case_of_draft, web.app.database, draft_id)
    except NotFound:
        return message(request, session, 404, "Not found", "Nothing found with that name.")
    if await cases.hidden(request, session, reference):
        return cases.not_found(request, session)
    actor = session.user.name
    try:
        result = await web.call(work, web, actor)
    except (MailbotError, ValueError) as exc:
        request.path_params["reference"] = reference
        return await cases.show(request, session, 409, error=str(exc), error_draft=draft_id)
    if isinstance(result, Edited) and not result.changed:
        done = "unchanged"
    return RedirectResponse(f"/cases/{reference}?done={done}#draft-{draft_id}", status_code=303)


@page
async def draft_approve(request: Request, session: WebSession) -> Response:
    """Approve the text on screen: the approve button belongs to the draft's text form, so
    unsaved edits are saved first (recorded as an edit), never dropped."""
    draft_id = int(request.path_params["draft"])
    form = await request.form()
    body = text_field(form, "body").replace("\r\n", "\n") if "body" in form else None
    subject = text_field(form, "subject") if "subject" in form else None

    def work(web: Web, actor: str) -> Any:
        if body is not None:
            edit(web.app.database, web.app.clock, draft_id, actor, body, subject=subject)
        return approve(web.app.database, web.app.configuration, web.app.clock, draft_id, actor)

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
    # browsers send textarea line ends as CRLF; the stored text uses LF like the drafts
    body = text_field(form, "body").replace("\r\n", "\n")
    subject = text_field(form, "subject")

    def work(web: Web, actor: str) -> Any:
        return edit(web.app.database, web.app.clock, draft_id, actor, body, subject=subject)

    return await _act(request, session, "edited", work)


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
    Route("/drafts/{draft:int}/approve", draft_approve, methods=["POST"]),
    Route("/drafts/{draft:int}/reject", draft_reject, methods=["POST"]),
    Route("/drafts/{draft:int}/edit", draft_edit, methods=["POST"]),
    Route("/drafts/{draft:int}/files/{file:int}", file_download, methods=["GET"]),
    Route("/drafts/{draft:int}/files/{file:int}/preview", file_preview, methods=["GET"]),
    Route("/drafts/{draft:int}/files/{file:int}/raw", file_raw, methods=["GET"]),
]
