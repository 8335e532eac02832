"""Art. 19 from the command line: ``cases done`` drafts the recipient's notice, ``run --once``
sends it to the contact through a real SMTP server (aiosmtpd), and the reply can then go."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import drafts, invoke, run_once
from tests.support.configs import maildir_config
from tests.support.maildir import drop
from tests.support.mails import simple
from tests.support.references import reference
from tests.support.smtp import SmtpServer

CONTACT = "privacy@hosting.example"
# the last [[sources]] entry (klanten) gets a contact for its recipient, named in English
CONTACTS = f"""
[[sources.contacts]]
recipient = "Hosting (processor)"
address = "{CONTACT}"
language = "de"
"""


def test_cases_done_drafts_the_notice_and_the_sent_notice_tells_the_recipient(
    tmp_path: Path, smtp: SmtpServer
) -> None:
    config = maildir_config(tmp_path, smtp, CONTACTS)
    drop(
        tmp_path / "Maildir",
        "1.M1P1.test",
        simple(
            "Verwijder al mijn gegevens.",
            From="Tom Baker <tom.baker@example.com>",
            Authentication_Results="mx.voorbeeld.example; spf=pass smtp.mailfrom=example.com; "
            "dkim=pass header.d=example.com; dmarc=pass",
        ),
    )
    run_once(config)
    listed = invoke("cases", "actions", reference(1), "--json", "--config", str(config))
    own, tell = json.loads(listed.output)["actions"]
    assert tell["text"].startswith("Tell Hosting (verwerker)")
    done = invoke("cases", "done", reference(1), str(own["id"]), "--by", "rudi",
                  "--config", str(config))  # fmt: skip
    assert done.exit_code == 0, done.output
    (notice,) = [d for d in drafts(config) if d["kind"] == "recipient_notice"]
    assert f"recipient notice draft(s) {notice['id']}: approve them" in done.output
    assert (notice["to"], notice["language"]) == (CONTACT, "de")
    approved = invoke("drafts", "approve", str(notice["id"]), "--by", "rudi",
                      "--config", str(config))  # fmt: skip
    assert approved.exit_code == 0, approved.output
    run_once(config)
    (sent,) = [r for r in smtp.received if CONTACT in r.rcpt_tos]
    assert sent.rcpt_tos == (CONTACT,)
    assert "Bitte um Löschung" in str(sent.message["Subject"]) and reference(1) in str(
        sent.message["Subject"]
    )
    assert list(sent.message.iter_attachments()) == []
    actions = json.loads(
        invoke("cases", "actions", reference(1), "--json", "--config", str(config)).output
    )["actions"]
    assert [(a["done"], a["done_by"]) for a in actions] == [(True, "rudi"), (True, "mailbot")]
    reply = next(d for d in drafts(config) if d["kind"] == "reply")
    assert invoke("drafts", "approve", str(reply["id"]), "--config", str(config)).exit_code == 0
