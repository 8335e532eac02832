"""Logging in and out, and the language of the pages.

The login form writes nothing on the server: its CSRF token lives in the page and
in a cookie (``web.security``). Logging in starts a new session, replacing any the
browser had; it also gives the browser a device cookie, so that the right password
from there always works however many attempts fail elsewhere. A limited attempt is
refused without checking the password, and a wrong name takes as long as a wrong
password.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mailbot.i18n import LANGUAGES
from mailbot.service.users import (
    WebSession,
    authenticate,
    end_session,
    find_session,
    set_language,
    start_session,
)
from mailbot.web.common import Web, local_path, page, render, text_field, web_of
from mailbot.web.security import (
    COOKIE,
    DEVICE_COOKIE,
    DEVICE_LIFETIME,
    FORM_COOKIE,
    FORM_LIFETIME,
    device_cookie,
    device_of,
    login_form_posted,
    login_form_token,
)

log = logging.getLogger(__name__)
TOO_MANY = "Too many failed attempts. Try again in a few minutes."


def _set_cookie(
    request: Request,
    response: Response,
    name: str,
    value: str,
    *,
    path: str = "/",
    max_age: int | None = None,
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path=path,
    )


def _form(request: Request, status: int, next_path: str, error: str = "") -> Response:
    """The login form, its CSRF token in the page and in a cookie; nothing is stored here."""
    web = web_of(request)
    token = login_form_token(web.key, request.cookies.get(FORM_COOKIE), time.time())
    response = render(request, None, "login.html", status, csrf=token, next=next_path,
                      error=error)  # fmt: skip
    _set_cookie(request, response, FORM_COOKIE, token, path="/login", max_age=FORM_LIFETIME)
    return response


async def login_form(request: Request) -> Response:
    web = web_of(request)
    session = await web.call(find_session, web.app.database, request.cookies.get(COOKIE))
    if session is not None:
        return RedirectResponse(local_path(request.query_params.get("next")), status_code=303)
    return _form(request, 200, request.query_params.get("next", ""))


async def login(request: Request) -> Response:
    web = web_of(request)
    form = await request.form()
    name, password = text_field(form, "name").strip(), text_field(form, "password")
    next_path = local_path(form.get("next"))
    now = time.time()
    if not login_form_posted(web.key, form.get("csrf"), request.cookies.get(FORM_COOKIE), now):
        return _form(request, 403, next_path, "The form was out of date; please try again.")
    client = request.client.host if request.client else "?"
    device = device_of(web.key, name, request.cookies.get(DEVICE_COOKIE), now)
    moment = web.limiter.attempt(name, client, device)  # a failure until found right
    if moment is None:
        known = "this browser" if device is not None else f"client {client}"
        log.warning("login refused: too many failed attempts (%s)", known)
        return _form(request, 429, next_path, TOO_MANY)
    user = await web.call(authenticate, web.app.database, name, password)
    if user is None:
        log.warning("failed login (client %s)", client)
        return _form(request, 401, next_path, "The user name or password is wrong.")
    web.limiter.succeeded(name, client, device, moment)
    # a new session id at login: an id planted before it is worth nothing
    fresh = await web.call(
        start_session, web.app.database, user, _lifetime(web), request.cookies.get(COOKIE)
    )
    log.info("user %s logged in", user.name)
    redirect = RedirectResponse(next_path, status_code=303)
    _set_cookie(request, redirect, COOKIE, fresh.token)
    _set_cookie(request, redirect, DEVICE_COOKIE, device_cookie(web.key, user.name, now),
                path="/login", max_age=DEVICE_LIFETIME)  # fmt: skip
    redirect.delete_cookie(FORM_COOKIE, path="/login", secure=request.url.scheme == "https",
                           httponly=True, samesite="strict")  # fmt: skip
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
    if language in LANGUAGES:
        await web.call(set_language, web.app.database, session.user.name, language)
    return RedirectResponse(local_path(form.get("back")), status_code=303)


def _lifetime(web: Web) -> timedelta:
    return timedelta(hours=web.app.configuration.web.session_hours)


routes = [
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/language", change_language, methods=["POST"]),
]
