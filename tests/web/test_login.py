"""Logging in against a real uvicorn server: throttling by device cookie, name and address,
and a login form that writes nothing on the server."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlmodel import func, select

from mailbot.storage.models import WebSessionRecord
from tests.support.web import PASSWORD, WRONG, Site, attempt, form_token, serving


def log_out(client: httpx.Client) -> None:
    csrf = form_token(client.get("/cases").text)
    assert client.post("/logout", data={"csrf": csrf}).status_code == 303


def sessions(site: Site) -> int:
    with site.app.database.reader() as session:
        return session.exec(select(func.count()).select_from(WebSessionRecord)).one()


def test_the_right_password_from_a_known_browser_gets_in_while_an_attacker_waits(
    site: Site,
) -> None:
    officer = site.login("rudi")  # this browser now has a device cookie for rudi
    log_out(officer)
    attacker = site.client()
    assert [attempt(attacker, "rudi", WRONG) for _ in range(5)] == [401] * 5
    assert attempt(attacker, "rudi", PASSWORD) == 429  # the right password waits too, unchecked
    assert attempt(site.client(), "rudi", PASSWORD) == 429  # so does any unknown browser
    assert attempt(officer, "rudi", PASSWORD) == 303  # his own browser is not held up
    assert officer.get("/cases").status_code == 200
    # the device cookie is rudi's: for another name this browser is an unknown one
    assert [attempt(attacker, "deputy", WRONG) for _ in range(5)] == [401] * 5
    log_out(officer)
    assert attempt(officer, "deputy", PASSWORD) == 429


def test_a_known_browser_has_its_own_few_tries(site: Site) -> None:
    officer = site.login("rudi")
    log_out(officer)
    assert [attempt(officer, "rudi", WRONG) for _ in range(5)] == [401] * 5
    assert attempt(officer, "rudi", PASSWORD) == 429  # that browser waits now...
    assert attempt(site.client(), "rudi", PASSWORD) == 303  # ...and the name is not held up


def test_attempts_sent_all_at_once_do_not_slip_past_the_limit(site: Site) -> None:
    clients = [site.client() for _ in range(15)]
    tokens = [form_token(client.get("/login").text) for client in clients]

    def post(client: httpx.Client, csrf: str) -> int:
        data = {"csrf": csrf, "name": "rudi", "password": WRONG}
        return client.post("/login", data=data).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        statuses = sorted(pool.map(post, clients, tokens))
    assert statuses == [401] * 5 + [429] * 10


def test_a_device_cookie_outlives_a_restart_and_a_changed_one_counts_for_nothing(
    site: Site,
) -> None:
    officer = site.login("rudi")
    device = officer.cookies["mailbot_device"]
    forged = device[:-1] + ("0" if device[-1] != "0" else "1")
    with serving(site.config) as (url, _):  # another server: a fresh limiter, the same key
        attacker = httpx.Client(base_url=url, timeout=20)
        again = httpx.Client(base_url=url, timeout=20)
        with attacker, again:
            attacker.cookies.set("mailbot_device", forged, domain="127.0.0.1", path="/login")
            assert [attempt(attacker, "rudi", WRONG) for _ in range(5)] == [401] * 5
            assert attempt(attacker, "rudi", PASSWORD) == 429
            again.cookies.set("mailbot_device", device, domain="127.0.0.1", path="/login")
            assert attempt(again, "rudi", PASSWORD) == 303


def test_the_login_form_writes_no_session_before_a_login(site: Site) -> None:
    before = sessions(site)
    for _ in range(20):
        assert site.client().get("/login").status_code == 200
    client = site.client()
    assert attempt(client, "rudi", WRONG) == 401
    assert attempt(client, "nobody", WRONG) == 401
    assert client.post("/login", data={"name": "rudi", "password": PASSWORD}).status_code == 403
    for _ in range(5):
        attempt(client, "deputy", WRONG)  # 401, then 429
    assert sessions(site) == before
    assert attempt(client, "rudi", PASSWORD) == 303
    assert sessions(site) == before + 1


def test_a_login_needs_the_forms_cookie_and_token_together(site: Site) -> None:
    victim, attacker = site.client(), site.client()
    attackers_token = form_token(attacker.get("/login").text)
    form = {"name": "rudi", "password": PASSWORD}
    # another site's form may carry a good token, but not the cookie in the victim's browser
    victim.get("/login")
    refused = victim.post("/login", data={**form, "csrf": attackers_token})
    assert refused.status_code == 403 and "verlopen" in refused.text
    stranger = site.client()
    assert stranger.post("/login", data={**form, "csrf": attackers_token}).status_code == 403
    made_up = "1.made-up-by-the-attacker.0"  # a cookie set by someone else: not signed here
    stranger.cookies.set("mailbot_login", made_up, domain="127.0.0.1", path="/login")
    assert stranger.post("/login", data={**form, "csrf": made_up}).status_code == 403
    # a refusal comes with a good form: sent again, it logs in
    again = victim.post("/login", data={**form, "csrf": form_token(refused.text)})
    assert again.status_code == 303


def test_two_login_forms_in_one_browser_both_work(site: Site) -> None:
    client = site.client()
    first = form_token(client.get("/login").text)
    second = form_token(client.get("/login").text)
    assert first == second
    answer = client.post("/login", data={"csrf": first, "name": "rudi", "password": PASSWORD})
    assert answer.status_code == 303
