"""Logging in and out, and the language of the pages.

Logging in always starts a new session (the login form's own one is replaced),
failed attempts are limited per user name and per client, and a wrong name takes
as long as a wrong password.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mailbot.service.users import (
    WebSession,
    authenticate,
    end_session,
    find_session,
    set_language,
    start_session,
)
from mailbot.web.common import Web, local_path, page, render, text_field, web_of
from mailbot.web.i18n import LANGUAGES
from mailbot.web.security import COOKIE, same_token

log = logging.getLogger(__name__)


def _set_cookie(request: Request, response: Response, session: WebSession) -> None:
    response.set_cookie(
        COOKIE,
        session.token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


async def login_form(request: Request) -> Response:
    web = web_of(request)
    token = request.cookies.get(COOKIE)
    session = await web.call(find_session, web.app.database, token)
    if session is not None and session.user is not None:
        return RedirectResponse(local_path(request.query_params.get("next")), status_code=303)
    if session is None:
        session = await web.call(start_session, web.app.database, None, _lifetime(web))
    response = render(request, session, "login.html", next=request.query_params.get("next", ""))
    _set_cookie(request, response, session)
    return response


async def login(request: Request) -> Response:
    web = web_of(request)
    form = await request.form()
    name, password = text_field(form, "name").strip(), text_field(form, "password")
    next_path = local_path(form.get("next"))
    token = request.cookies.get(COOKIE)
    session = await web.call(find_session, web.app.database, token)
    if session is None or not same_token(form.get("csrf"), session.csrf_token):
        session = await web.call(start_session, web.app.database, None, _lifetime(web), token)
        response = render(
            request, session, "login.html", 403, next=next_path,
            error="The form was out of date; please try again.",
        )  # fmt: skip
        _set_cookie(request, response, session)
        return response
    client = request.client.host if request.client else "?"
    if web.limiter.blocked(name, client):
        log.warning("login refused: too many failed attempts (client %s)", client)
        return render(
            request, session, "login.html", 429, next=next_path,
            error="Too many failed attempts. Try again in a few minutes.",
        )  # fmt: skip
    user = await web.call(authenticate, web.app.database, name, password)
    if user is None:
        web.limiter.failed(name, client)
        log.warning("failed login (client %s)", client)
        return render(
            request, session, "login.html", 401, next=next_path,
            error="The user name or password is wrong.",
        )  # fmt: skip
    web.limiter.succeeded(name)
    # a new session id at login: an id planted before it is worth nothing
    fresh = await web.call(start_session, web.app.database, user, _lifetime(web), session.token)
    log.info("user %s logged in", user.name)
    redirect = RedirectResponse(next_path, status_code=303)
    _set_cookie(request, redirect, fresh)
    return redirect


@page
async def logout(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    await web.call(end_session, web.app.database, session.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@page
async def change_language(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    form = await request.form()
    language = text_field(form, "language")
    assert session.user is not None
    if language in LANGUAGES:
        await web.call(set_language, web.app.database, session.user.name, language)
    return RedirectResponse(local_path(form.get("back")), status_code=303)


def _lifetime(web: Web) -> timedelta:
    return timedelta(hours=web.app.settings.web.session_hours)


routes = [
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/language", change_language, methods=["POST"]),
]
