"""``[web] trusted_proxies``: whose ``X-Forwarded-For`` and ``-Proto`` the pages believe.

The client address is seen in what the login throttle counts per address (with
``login_attempts = 1``, an address waits after four failures); the scheme in whether
the cookies are ``Secure``.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.support.web import PASSWORD, WRONG, Site, attempt, form_token


def log_in_over_https(client: httpx.Client, forwarded_for: str) -> httpx.Response:
    """A login whose post says it came over HTTPS from ``forwarded_for``."""
    csrf = form_token(client.get("/login").text)
    return client.post(
        "/login",
        data={"csrf": csrf, "name": "rudi", "password": PASSWORD},
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": forwarded_for},
    )


def secure(answer: httpx.Response) -> list[bool]:
    return ["secure" in cookie.lower() for cookie in answer.headers.get_list("set-cookie")]


def test_no_proxy_is_believed_by_default_not_even_on_loopback(
    site_with: Callable[[str], Site],
) -> None:
    site = site_with("login_attempts = 1")
    answer = log_in_over_https(site.client(), "10.0.0.3")
    assert answer.status_code == 303 and not any(secure(answer))
    client = site.client()
    for number in range(4):  # four names, each from "another address"
        forwarded = {"X-Forwarded-For": f"10.0.0.{number}"}
        assert attempt(client, f"user{number}", WRONG, **forwarded) == 401
    # all counted for 127.0.0.1, which really connected: it waits now, whatever it says
    assert attempt(client, "someone", WRONG, **{"X-Forwarded-For": "10.0.0.99"}) == 429


def test_a_configured_proxy_is_believed(site_with: Callable[[str], Site]) -> None:
    site = site_with('login_attempts = 1\ntrusted_proxies = ["127.0.0.1"]')
    answer = log_in_over_https(site.client(), "10.0.0.3")
    assert answer.status_code == 303 and all(secure(answer))
    client = site.client()
    for number in range(4):
        assert attempt(client, f"user{number}", WRONG, **{"X-Forwarded-For": "10.0.0.1"}) == 401
    assert attempt(client, "someone", WRONG, **{"X-Forwarded-For": "10.0.0.1"}) == 429
    assert attempt(client, "someone", WRONG, **{"X-Forwarded-For": "10.0.0.2"}) == 401
