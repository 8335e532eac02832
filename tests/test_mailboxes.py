"""Several privacy mailboxes in one service: ``[[mailboxes]]`` against a real Dovecot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner, Result

from mailbot.cli.main import cli
from tests.support.mails import simple
from tests.support.web import PASSWORD, form_token, serving

ORGANISATIONS = {
    "omix": ("Omix B.V.", "OMX"),
    "dochter": ("Omix Dochter B.V.", "DOC"),
    "klant": ("Klant van de dienstverlener B.V.", "KLT"),
}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def mailboxes_config(tmp_path: Path, dovecot: Any, users: dict[str, tuple[str, str]]) -> Path:
    text = f'[database]\nurl = "sqlite:///mailbot.db"\n[suppression]\nkey = "{"k" * 40}"\n'
    for name, (user, password) in users.items():
        title, prefix = ORGANISATIONS[name]
        text += f"""
[[mailboxes]]
name = "{name}"
[mailboxes.imap]
host = "127.0.0.1"
port = {dovecot.port}
security = "none"
username = "{user}"
password = "{password}"
timeout = 10
[mailboxes.organisation]
name = "{title}"
officer_name = "Functionaris {name}"
addresses = ["{user}"]
reference_prefix = "{prefix}"
automated_decisions = "geen"
transfers_outside_eea = "geen"
"""
    path = tmp_path / "mailbot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def request(index: int, mailbox: str) -> bytes:
    return simple(
        f"Ik wil graag inzage in mijn gegevens ({mailbox}, {index}).",
        From=f"Persoon {index} <persoon{index}@example.nl>",
        Message_ID=f"<{mailbox}-{index}@example.nl>",
    )


def test_three_mailboxes_one_with_a_wrong_password(tmp_path: Path, dovecot: Any) -> None:
    users = {name: (dovecot.add_user(), "secret") for name in ORGANISATIONS}
    for name, (user, _password) in users.items():
        dovecot.append(user, *(request(index, name) for index in range(5)))
    users["klant"] = (users["klant"][0], "wrong")
    config = mailboxes_config(tmp_path, dovecot, users)

    ran = invoke("run", "--once", "--config", str(config))
    assert ran.exit_code == 1  # one mailbox could not be read: said, and the exit code says so
    assert "klant: imap 127.0.0.1/INBOX" in ran.output and "login" in ran.output.lower()
    cases = json.loads(invoke("cases", "list", "--json", "--config", str(config)).output)
    by_mailbox: dict[str, list[str]] = {}
    for case in cases:
        by_mailbox.setdefault(case["mailbox"], []).append(case["reference"])
    assert sorted(by_mailbox) == ["dochter", "omix"]
    assert all(reference.startswith("OMX-") for reference in by_mailbox["omix"])
    assert all(reference.startswith("DOC-") for reference in by_mailbox["dochter"])
    assert len(by_mailbox["omix"]) == len(by_mailbox["dochter"]) == 5
    # Each mailbox's replies speak for its own organisation.
    drafts = json.loads(invoke("drafts", "list", "--json", "--config", str(config)).output)
    ours = [d for d in drafts if d["case"].startswith("DOC-")]
    reply = next(d for d in ours if d["kind"] == "identification_request")  # unknown senders
    assert reply["mailbox"] == "dochter"
    shown = json.loads(
        invoke("drafts", "show", str(reply["id"]), "--json", "--config", str(config)).output
    )
    assert "Omix Dochter B.V." in shown["body"] and "Klant van de" not in shown["body"]
    assert dovecot.uids(users["omix"][0]) == [] and dovecot.uids(users["dochter"][0]) == []
    assert len(dovecot.uids(users["klant"][0])) == 5  # untouched, waiting

    checked = invoke("check", "--config", str(config))
    assert checked.exit_code == 1
    assert "mailbox omix: imap: ok (" in checked.output
    assert "mailbox dochter: imap: ok (" in checked.output
    assert "mailbox klant: imap: FAILED: " in checked.output

    status = invoke("status", "--config", str(config))
    assert status.exit_code == 1
    lines = {line.split()[0]: line for line in status.output.splitlines() if line[:1].isalpha()}
    assert "login_failed" in lines["klant:"] and "ok" in lines["omix:"]

    # The password corrected: the third mailbox catches up, the others read nothing twice.
    users["klant"] = (users["klant"][0], "secret")
    mailboxes_config(tmp_path, dovecot, users)
    assert invoke("run", "--once", "--config", str(config)).exit_code == 0
    cases = json.loads(invoke("cases", "list", "--json", "--config", str(config)).output)
    assert sorted(c["mailbox"] for c in cases).count("klant") == 5 and len(cases) == 15
    register = json.loads(
        invoke("register", "export", "--format", "json", "--mailbox", "klant", "--config",
               str(config)).output
    )  # fmt: skip
    assert len(register) == 5 and {row["mailbox"] for row in register} == {"klant"}

    # Each organisation's suppression list is its own.
    added = invoke(
        "suppression", "add", "p@example.nl", "--mailbox", "omix", "--config", str(config)
    )
    assert added.exit_code == 0
    for mailbox, listed in (("omix", 0), ("dochter", 1)):
        checked = invoke("suppression", "check", "p@example.nl", "--mailbox", mailbox,
                         "--config", str(config))  # fmt: skip
        assert checked.exit_code == listed, mailbox

    # An officer limited to one mailbox sees that mailbox only, in every page.
    added = CliRunner().invoke(
        cli, ["users", "add", "doc", "--mailbox", "dochter", "--config", str(config)],
        input=f"{PASSWORD}\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    omx = next(c["reference"] for c in cases if c["mailbox"] == "omix")
    doc = next(c["reference"] for c in cases if c["mailbox"] == "dochter")
    with serving(config) as (url, _app), httpx.Client(base_url=url, timeout=20) as client:
        token = form_token(client.get("/login").text)
        login = client.post("/login", data={"csrf": token, "name": "doc", "password": PASSWORD})
        assert login.status_code == 303
        shown = client.get("/cases?status=all").text
        assert doc in shown and omx not in shown
        assert client.get(f"/cases/{omx}").status_code == 404
        assert client.get(f"/cases/{doc}").status_code == 200
        page = client.get(f"/cases/{doc}").text
        closing = client.post(f"/cases/{omx}/close", data={"csrf": form_token(page),
                              "outcome": "withdrawn"})  # fmt: skip
        assert closing.status_code == 404
        rows = client.get("/register/export.json").json()
        assert {row["mailbox"] for row in rows} == {"dochter"} and len(rows) == 5
