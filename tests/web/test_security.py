"""The review pages against a real uvicorn server, with an HTTP client playing the attacker."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlmodel import select

from mailbot.core import register
from mailbot.storage.models import DraftRecord
from tests.support.maildir import drop
from tests.support.web import PASSWORD, Site, form_token, invoke


def drafts_of(site: Site, reference: str) -> list[dict[str, Any]]:
    listed = json.loads(invoke("drafts", "list", "--json", "--config", str(site.config)).output)
    return [draft for draft in listed if draft["case"] == reference]


def pending_draft(site: Site, requester: str, kind: str = "acknowledgement") -> dict[str, Any]:
    reference = site.reference_of(requester)
    return next(d for d in drafts_of(site, reference) if d["kind"] == kind)


def test_no_page_without_a_login(site: Site) -> None:
    reference = site.reference_of("tom.baker@example.com")
    draft = pending_draft(site, "tom.baker@example.com")
    client = site.client()
    for path in ("/cases", f"/cases/{reference}", "/quarantine", "/digest", "/register",
                 "/register/export.csv", "/register/export.json",
                 f"/drafts/{draft['id']}/files/1", f"/drafts/{draft['id']}/files/1/preview",
                 f"/drafts/{draft['id']}/files/1/raw"):  # fmt: skip
        answer = client.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login?next="), path
    for path in (f"/drafts/{draft['id']}/approve", f"/cases/{reference}/close",
                 f"/cases/{reference}/reclassify", "/quarantine/1/retry", "/logout"):  # fmt: skip
        answer = client.post(path, data={"outcome": "granted", "csrf": "x"})
        assert answer.status_code == 403, path
    assert drafts_of(site, reference)[0]["status"] == "pending"
    assert client.get("/login").status_code == 200


def test_a_form_without_or_with_a_wrong_csrf_token_is_refused(site: Site) -> None:
    client = site.login()
    draft = pending_draft(site, "tom.baker@example.com")
    confirm = client.get(f"/drafts/{draft['id']}/confirm").text
    version = re.search(r'name="version" value="([0-9a-f]+)"', confirm)
    assert version is not None
    for data in ({}, {"csrf": "not-the-token"}, {"csrf": ""}):
        for step in ("approve", "confirm"):
            answer = client.post(f"/drafts/{draft['id']}/{step}", data=data | {
                "version": version[1]
            })  # fmt: skip
            assert answer.status_code == 403
            assert "verlopen" in answer.text
    assert pending_draft(site, "tom.baker@example.com")["status"] == "pending"
    answer = client.post(
        f"/drafts/{draft['id']}/confirm",
        data={"csrf": form_token(confirm), "version": version[1]},
    )
    assert answer.status_code == 303
    assert pending_draft(site, "tom.baker@example.com")["status"] == "approved"


def test_a_session_id_planted_before_login_is_worthless_after_it(site: Site) -> None:
    attacker = site.client()
    attacker.get("/login")
    assert "mailbot_session" not in attacker.cookies  # a login form has no session
    planted = "planted-by-the-attacker"
    victim = site.client()
    victim.cookies.set("mailbot_session", planted, domain="127.0.0.1")
    csrf = form_token(victim.get("/login").text)
    answer = victim.post("/login", data={"csrf": csrf, "name": "rudi", "password": PASSWORD})
    assert answer.status_code == 303
    assert victim.cookies["mailbot_session"] != planted
    assert victim.get("/cases").status_code == 200
    attacker.cookies.set("mailbot_session", planted, domain="127.0.0.1")
    assert attacker.get("/cases").status_code == 303


def test_a_session_is_worthless_after_logout_and_others_go_on(site: Site) -> None:
    officer, deputy = site.login("rudi"), site.login("deputy")
    token = officer.cookies["mailbot_session"]
    csrf = form_token(officer.get("/cases").text)
    assert officer.post("/logout", data={"csrf": csrf}).status_code == 303
    replay = site.client()
    replay.cookies.set("mailbot_session", token, domain="127.0.0.1")
    assert replay.get("/cases").status_code == 303
    assert replay.post("/logout", data={"csrf": csrf}).status_code == 403
    assert deputy.get("/cases").status_code == 200


def test_hostile_text_is_shown_escaped(site: Site) -> None:
    client = site.login()
    reference = site.reference_of("mallory@example.org")
    html = client.get(f"/cases/{reference}").text
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; inzage" in html  # subject
    assert "script&gt;.pdf" in html  # the file name, its "directories" cut off, escaped
    assert "Ik wil inzage in mijn gegevens. &lt;script&gt;" in html  # body
    listed = client.get("/cases").text
    assert "<script>" not in listed


def test_an_edited_subject_with_a_line_break_is_refused(site: Site) -> None:
    client = site.login("deputy")
    draft = pending_draft(site, "tom.baker@example.com")
    csrf = form_token(client.get(f"/cases/{draft['case']}").text)
    for subject in ("Hello\r\nBcc: evil@example.org", "Hello\nBcc: evil@example.org"):
        answer = client.post(
            f"/drafts/{draft['id']}/edit",
            data={"csrf": csrf, "subject": subject, "body": "New text"},
        )
        assert answer.status_code == 409
        assert "the subject must be a single line" in answer.text
    with site.app.database.reader() as session:
        stored = session.exec(select(DraftRecord).where(DraftRecord.id == draft["id"])).one()
    assert stored.subject == draft["subject"] and "New text" not in stored.body


def test_failed_logins_are_limited(site: Site) -> None:
    client = site.client()
    for _ in range(5):
        csrf = form_token(client.get("/login").text)
        answer = client.post("/login", data={"csrf": csrf, "name": "rudi", "password": "wrong!"})
        assert answer.status_code == 401
    csrf = form_token(client.get("/login").text)
    answer = client.post("/login", data={"csrf": csrf, "name": "rudi", "password": PASSWORD})
    assert answer.status_code == 429  # even the right password waits now
    assert site.login("deputy").get("/cases").status_code == 200  # another user is not held up


def test_headers_cookie_and_redirects(site: Site) -> None:
    client = site.client()
    login_page = client.get("/login")
    cookie = login_page.headers["set-cookie"].lower()
    assert cookie.startswith("mailbot_login=") and "path=/login" in cookie
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie
    csrf = form_token(login_page.text)
    answer = client.post(
        "/login",
        data={"csrf": csrf, "name": "rudi", "password": PASSWORD, "next": "//evil.example/x"},
        headers={"X-Forwarded-Proto": "https"},  # from loopback, but no proxy is trusted
    )
    assert answer.headers["location"] == "/"
    cookies = {c.split("=")[0]: c.lower() for c in answer.headers.get_list("set-cookie")}
    session = cookies["mailbot_session"]
    assert "secure" not in session and "httponly" in session and "samesite=strict" in session
    device = cookies["mailbot_device"]
    assert "path=/login" in device and "httponly" in device and "samesite=strict" in device
    assert f"max-age={180 * 24 * 3600}" in device
    assert "max-age=0" in cookies["mailbot_login"]  # the login form's token is done with
    assert client.get("/cases").status_code == 200
    reference = site.reference_of("tom.baker@example.com")
    page = site.login().get(f"/cases/{reference}")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


def test_attachments_download_and_preview(site: Site) -> None:
    client = site.login()
    invoke("run", "--once", "--config", str(site.config))
    reply = pending_draft(site, "tom.baker@example.com", kind="reply")
    shown = json.loads(
        invoke("drafts", "show", str(reply["id"]), "--json", "--config", str(site.config)).output
    )
    files = {item["filename"]: item["id"] for item in shown["attachment_files"]}
    data = client.get(f"/drafts/{reply['id']}/files/{files['klanten.csv']}")
    assert data.headers["content-disposition"].startswith('attachment; filename="klanten.csv"')
    assert b"tom.baker@example.com" in data.content and b"anna" not in data.content
    preview = client.get(f"/drafts/{reply['id']}/files/{files['klanten.csv']}/preview")
    assert "C-1001" in preview.text and "<pre" in preview.text
    overview = next(name for name in files if name.endswith(".html"))
    frame = client.get(f"/drafts/{reply['id']}/files/{files[overview]}/raw")
    assert frame.headers["content-security-policy"].startswith("sandbox")
    other = pending_draft(site, "anna.smit@example.org", kind="reply")
    assert client.get(f"/drafts/{other['id']}/files/{files['klanten.csv']}").status_code == 404


def test_the_register_page_extends_a_case_and_downloads_rows_without_a_person(site: Site) -> None:
    reference = site.reference_of("tom.baker@example.com")
    client = site.login()
    page = client.get(f"/cases/{reference}").text
    answer = client.post(f"/cases/{reference}/extend", data={
        "csrf": form_token(page), "reason": "Uw gegevens staan in vijf systemen.",
        "ground": "number_of_requests"})  # fmt: skip
    assert answer.status_code == 303, answer.text
    stats = client.get("/register?from=2026-01-01").text
    assert "Register van afgehandelde verzoeken" in stats and "verlengd" in stats
    rows = client.get("/register/export.json").json()
    assert len(rows) == 3 and list(rows[0]) == list(register.FIELDS)
    extended = next(row for row in rows if row["reference"] == reference)
    assert (extended["extended"], extended["extension_reason"]) == (True, "number_of_requests")
    exported = client.get("/register/export.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    text = exported.text.lower()
    assert text.startswith(",".join(register.FIELDS))
    for person in ("tom.baker", "anna.smit", "mallory", "vijf systemen", "<script"):
        assert person not in text
    assert client.get("/register/export.exe").status_code == 404


def test_a_quarantined_mail_is_read_again_from_the_page(site: Site) -> None:
    drop(site.config.parent / "Maildir", "1800000000.M9P1.test", b"no headers, only words\n")
    assert invoke("run", "--once", "--config", str(site.config)).exit_code == 0
    listed = json.loads(invoke("quarantine", "list", "--json", "--config", str(site.config)).output)
    (quarantined,) = listed
    client = site.login()
    csrf = form_token(client.get("/quarantine").text)
    answer = client.post(f"/quarantine/{quarantined['id']}/retry", data={"csrf": csrf})
    assert (answer.status_code, answer.headers["location"]) == (303, "/quarantine?done=retried")
    again = json.loads(invoke("quarantine", "list", "--json", "--config", str(site.config)).output)
    assert [mail["id"] for mail in again] == [quarantined["id"]]  # read again: still no sender
    assert again[0]["reason"] == quarantined["reason"]
