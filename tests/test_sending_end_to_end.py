"""The officer's day from the command line, against a real SMTP server (and Dovecot for Sent).

A mailbox (a Maildir, or Dovecot over IMAP) and a customer CSV, ``mailbot run
--once`` to draft, ``drafts approve`` / ``edit`` / ``reject``, ``run --once`` to
send, and what arrives at the SMTP server and in the officer's Sent folder.
"""

from __future__ import annotations

import json
import logging
import stat
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from mailbot.app import load_app
from mailbot.core.deadlines import due_date, extended_due_date
from mailbot.storage.models import OutboxRecord
from tests.support.cli import drafts, invoke, run_once
from tests.support.configs import imap_config, maildir_config
from tests.support.maildir import drop
from tests.support.mails import simple
from tests.support.references import reference
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.integration  # aiosmtpd, Dovecot


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SmtpServer]:
    running = SmtpServer(tmp_path).start()
    yield running
    running.stop()


def test_the_officers_day(tmp_path: Path, server: SmtpServer) -> None:
    config = maildir_config(tmp_path, server)
    drop(
        tmp_path / "Maildir",
        "1.M1P1.test",
        simple(
            "Ik wil graag weten welke gegevens jullie van mij hebben.",
            From="Tom Baker <tom.baker@example.com>",
            Message_ID="<req-1@example.com>",
        ),
    )
    run_once(config)
    assert server.received == []  # nothing leaves without the officer
    by_kind = {draft["kind"]: draft for draft in drafts(config)}
    ack, reply = by_kind["acknowledgement"], by_kind["reply"]

    # He edits the reply in his editor (here: a script standing in for $EDITOR).
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text().replace('Beste', 'Geachte'), encoding='utf-8')\n",
        encoding="utf-8",
    )
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    edited = invoke(
        "drafts", "edit", str(reply["id"]), "--by", "rudi", "--config", str(config),
        env={"EDITOR": f"{sys.executable} {editor}", "VISUAL": ""},
    )  # fmt: skip
    assert edited.exit_code == 0, edited.output
    assert f"draft {reply['id']} ({reference(1)}) edited" in edited.output

    for draft in (ack, reply):
        approved = invoke("drafts", "approve", str(draft["id"]), "--by", "rudi", "--config",
                          str(config))  # fmt: skip
        assert approved.exit_code == 0, approved.output
        assert "the worker sends it" in approved.output
    run_once(config)
    assert len(server.received) == 2
    sent_reply = next(r for r in server.received if "Uw verzoek" in str(r.message["Subject"]))
    assert sent_reply.message["In-Reply-To"] == "<req-1@example.com>"
    assert sent_reply.message["Subject"].startswith(f"[{reference(1)}]")
    text = sent_reply.message.get_body(("plain",)).get_content()
    assert "Geachte Tom Baker" in text and "Beste" not in text  # the edited text was sent
    assert {part.get_filename() for part in sent_reply.message.iter_attachments()} == {
        "overzicht.html",
        "klanten.csv",
        "mailbot.csv",
    }  # access: the overview and a CSV per source, no JSON

    # Approving or running again never sends again.
    again = invoke("drafts", "approve", str(reply["id"]), "--config", str(config))
    assert again.exit_code == 1 and "already been sent" in again.output
    run_once(config)
    assert len(server.received) == 2

    shown = invoke("cases", "show", reference(1), "--config", str(config)).output
    assert "[sent]" in shown and "rudi" in shown and "approved" in shown
    outbox = json.loads(invoke("outbox", "list", "--json", "--config", str(config)).output)
    assert [row["state"] for row in outbox] == ["sent", "sent"]
    status = invoke("status", "--config", str(config))
    assert f"smtp 127.0.0.1:{server.port}" in status.output and status.exit_code == 0

    closed = invoke("cases", "close", reference(1), "--outcome", "granted", "--by", "rudi",
                    "--drafts", "reject", "--config", str(config))  # fmt: skip
    assert closed.exit_code == 0 and "closed (granted)" in closed.output
    listed = json.loads(invoke("cases", "list", "--json", "--config", str(config)).output)
    assert (listed[0]["status"], listed[0]["outcome"]) == ("closed", "granted")


def test_erasure_needs_its_actions_done_first(tmp_path: Path, server: SmtpServer) -> None:
    config = maildir_config(tmp_path, server)
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
    reply = next(d for d in drafts(config) if d["kind"] == "reply")
    refused = invoke("drafts", "approve", str(reply["id"]), "--config", str(config))
    assert refused.exit_code == 1 and "action(s) are still open" in refused.output
    listed = invoke("cases", "actions", reference(1), "--config", str(config))
    assert "open" in listed.output and "klanten" in listed.output
    actions = json.loads(
        invoke("cases", "actions", reference(1), "--json", "--config", str(config)).output
    )["actions"]
    for action in actions:
        done = invoke("cases", "done", reference(1), str(action["id"]), "--by", "rudi",
                      "--config", str(config))  # fmt: skip
        assert done.exit_code == 0, done.output
    assert "the reply can be approved" in done.output
    assert invoke("drafts", "approve", str(reply["id"]), "--config", str(config)).exit_code == 0


def test_extension_refusal_and_a_request_by_post(tmp_path: Path, server: SmtpServer) -> None:
    config = maildir_config(tmp_path, server)
    received = datetime.now(ZoneInfo("Europe/Amsterdam")).date() - timedelta(days=3)
    made = invoke(
        "cases", "new", "--from", "tom.baker@example.com", "--rights", "access",
        "--received", received.isoformat(), "--channel", "post", "--name", "Tom Baker",
        "--config", str(config),
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    reference = made.output.split(":")[0]
    extended = invoke("cases", "extend", reference, "--reason", "veel systemen",
                      "--ground", "complexity", "--config", str(config))  # fmt: skip
    assert extended.exit_code == 0, extended.output
    first, later = due_date(received), extended_due_date(received)
    assert f"due {later.isoformat()} (was {first.isoformat()})" in extended.output
    (case,) = json.loads(invoke("cases", "list", "--json", "--config", str(config)).output)
    assert (case["channel"], case["due_date"], case["extended"]) == ("post", str(later), True)
    refused = invoke("cases", "refuse", reference, "--reason", "kennelijk ongegrond",
                     "--ground", "manifestly_unfounded", "--config", str(config))  # fmt: skip
    assert refused.exit_code == 0 and "the refusal is draft" in refused.output
    kinds = {d["kind"]: d["status"] for d in drafts(config)}
    assert kinds["refusal"] == "pending" and kinds["reply"] == "rejected"
    rejected = invoke("drafts", "reject", str(next(d["id"] for d in drafts(config)
                      if d["kind"] == "refusal")), "--reason", "toch niet", "--config",
                      str(config))  # fmt: skip
    assert rejected.exit_code == 0 and "rejected" in rejected.output


def test_automatic_acknowledgements(tmp_path: Path, server: SmtpServer) -> None:
    config = maildir_config(tmp_path, server, "[drafts]\nauto_acknowledge = true\n")
    maildir = tmp_path / "Maildir"
    drop(maildir, "1.M1P1.test", simple("Ik wil weten welke gegevens jullie van mij hebben.",
                                        From="Tom Baker <tom.baker@example.com>"))  # fmt: skip
    forged = simple(
        "Please send me a copy of my data.",
        From="Tom Baker <tom.baker@example.com>",
        Authentication_Results="mx.voorbeeld.example; spf=fail smtp.mailfrom=example.com; "
        "dkim=none; dmarc=fail",
    )
    drop(maildir, "2.M2P1.test", forged)
    auto_reply = simple("I am out of office.", From="Eve <eve@example.org>",
                        Auto_Submitted="auto-replied")  # fmt: skip
    drop(maildir, "3.M3P1.test", auto_reply)
    run_once(config)
    (got,) = server.received  # only the genuine sender's acknowledgement left on its own
    assert got.message["Auto-Submitted"] == "auto-replied"
    assert got.rcpt_tos == ("tom.baker@example.com",)
    auto = [d for d in drafts(config) if d["automatic"]]
    assert [(d["case"], d["kind"], d["status"]) for d in auto] == [
        (reference(1), "acknowledgement", "sent")
    ]
    # a forged sender gets no acknowledgement at all; the address's owner, at most, a sender
    # check that the officer approves
    forged_drafts = [(d["kind"], d["status"]) for d in drafts(config) if d["case"] == reference(2)]
    assert forged_drafts == [("sender_check", "pending")]


def test_a_permanent_failure_is_shown_to_the_officer(tmp_path: Path, server: SmtpServer) -> None:
    config = maildir_config(tmp_path, server, '[digest]\nto = "rudi@voorbeeld.example"\n')
    drop(
        tmp_path / "Maildir",
        "1.M1P1.test",
        simple("Welke gegevens hebben jullie van mij?", From="Tom <tom.baker@example.com>"),
    )
    run_once(config)
    ack = next(d for d in drafts(config) if d["kind"] == "acknowledgement")
    invoke("drafts", "approve", str(ack["id"]), "--config", str(config))
    server.scenario.rcpt.append("550 5.1.1 <tom.baker@example.com>: User unknown")
    run_once(config)
    failed = next(d for d in drafts(config) if d["id"] == ack["id"])
    assert failed["status"] == "failed" and "User unknown" in failed["error"]
    shown = invoke("drafts", "show", str(ack["id"]), "--config", str(config)).output
    assert "NOT DELIVERED: recipient refused: 550 5.1.1" in shown
    digest = invoke("digest", "--config", str(config)).output
    assert "kon niet worden verzonden: recipient refused: 550 5.1.1" in digest
    assert "<[address]>: User unknown" in digest and "tom.baker" not in digest


def test_unreachable_smtp_server_fails_the_run_and_keeps_the_mail(tmp_path: Path) -> None:
    stopped = SmtpServer(tmp_path)
    config = maildir_config(tmp_path, stopped)
    drop(
        tmp_path / "Maildir",
        "1.M1P1.test",
        simple("Welke gegevens hebben jullie van mij?", From="Tom <tom.baker@example.com>"),
    )
    run_once(config)
    ack = next(d for d in drafts(config) if d["kind"] == "acknowledgement")
    invoke("drafts", "approve", str(ack["id"]), "--config", str(config))
    result = invoke("run", "--once", "--config", str(config))
    assert result.exit_code == 1 and f"smtp 127.0.0.1:{stopped.port}" in result.output
    status = invoke("status", "--config", str(config))
    assert status.exit_code == 1 and "unreachable" in status.output
    assert "outbox: 1 queued" in status.output and "no [smtp]" not in status.output
    queued = json.loads(invoke("outbox", "list", "--json", "--config", str(config)).output)
    assert [row["state"] for row in queued] == ["queued"]
    stopped.controller.loop.close()  # never started: close its event loop


def test_sent_mail_is_filed_in_the_sent_folder_once(
    tmp_path: Path, server: SmtpServer, dovecot: Any, mailbox: str
) -> None:
    dovecot.append(mailbox, simple("Welke gegevens hebben jullie van mij?",
                                   From="Tom <tom.baker@example.com>"))  # fmt: skip
    config = imap_config(tmp_path, server, dovecot, mailbox)
    run_once(config)
    ack = next(d for d in drafts(config) if d["kind"] == "acknowledgement")
    invoke("drafts", "approve", str(ack["id"]), "--config", str(config))
    run_once(config)
    (got,) = server.received
    client = dovecot.client(mailbox)
    try:
        client.select_folder("Sent", readonly=True)
        (uid,) = client.search("ALL")
        fetched = client.fetch([uid], ["BODY.PEEK[]", "FLAGS"])[uid]
        assert fetched[b"BODY[]"] == got.content  # the same bytes that were sent
        assert b"\\Seen" in fetched[b"FLAGS"]
    finally:
        client.logout()
    # Filing again (as after a crash before the commit) adds nothing.
    app = load_app(config)
    with app.database.session() as session:
        for row in session.exec(select(OutboxRecord)).all():
            row.filed_at = None
            session.add(row)
        session.commit()
    app.close()
    run_once(config)
    assert len(dovecot.uids(mailbox, "Sent")) == 1


def test_no_personal_data_in_the_logs(
    tmp_path: Path, server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    config = maildir_config(tmp_path, server)
    drop(
        tmp_path / "Maildir",
        "1.M1P1.test",
        simple(
            "Welke gegevens hebben jullie van mij? Groet, Tom Baker",
            From="Tom Baker <tom.baker@example.com>",
            Message_ID="<r1@example.com>",
        ),
    )
    run_once(config)
    for draft in drafts(config):
        invoke("drafts", "approve", str(draft["id"]), "--config", str(config))
    server.scenario.rcpt.extend(
        [
            "450 4.2.1 <tom.baker@example.com>: mailbox busy",
            "550 5.1.1 <tom.baker@example.com>: User unknown",
        ]
    )
    run_once(config)
    outbox = json.loads(invoke("outbox", "list", "--json", "--config", str(config)).output)
    assert sorted(row["state"] for row in outbox) == ["failed", "queued"]
    ours = [r for r in caplog.records if r.name.startswith("mailbot") and r.levelno >= logging.INFO]
    assert len(ours) >= 4, "mailbot logged nothing"  # the test SMTP server's own log is not ours
    logged = "\n".join(record.getMessage() for record in ours)
    for personal in ("tom.baker", "Tom Baker", "Welke gegevens", "mailbox busy", "User unknown"):
        assert personal not in logged, personal
