"""Review in the officer's own mail client, against Dovecot and a real SMTP server.

An IMAP client stands in for the officer's Outlook or Thunderbird: it moves the
copies mailbot placed, changes one, sends one itself (its Sent folder), and
drops a forged one in the approval folder. ``mailbot run --once`` does the rest.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import tempfile
import textwrap
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

from mailbot.app import load_app
from mailbot.app.build import build_worker
from mailbot.core.mail_client import HEADER, NOTE_HEADER
from mailbot.service import approval
from mailbot.storage.models import CaseRecord, DraftRecord
from tests.support.cli import drafts, invoke, run_once
from tests.support.configs import imap_config
from tests.support.dovecot import Dovecot
from tests.support.hostile import HOSTILE
from tests.support.mails import simple
from tests.support.references import reference
from tests.support.smtp import SmtpServer
from tests.support.waiting import until_async

pytestmark = pytest.mark.integration  # Dovecot, aiosmtpd

REVIEW, APPROVE, REJECT, DONE = (
    "AVG-beoordelen",
    "AVG-goedkeuren",
    "AVG-afwijzen",
    "AVG-afgehandeld",
)
REQUEST = "Ik wil graag weten welke gegevens jullie van mij hebben."


class Officer:
    """The officer's mail client: an IMAP session on his mailbox."""

    def __init__(self, dovecot: Any, user: str) -> None:
        self.client: IMAPClient = dovecot.client(user)

    def mails(self, folder: str) -> dict[int, EmailMessage]:
        if not self.client.folder_exists(folder):
            return {}
        self.client.select_folder(folder)
        uids = self.client.search("ALL")
        fetched = self.client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
        return {
            uid: message_from_bytes(item[b"BODY[]"], policy=policy.default)
            for uid, item in fetched.items()
        }

    def copies(self, folder: str = REVIEW) -> dict[int, EmailMessage]:
        """The copies of drafts (known by their header, or their Message-ID without it)."""
        return {
            uid: mail
            for uid, mail in self.mails(folder).items()
            if mail[HEADER] or str(mail["Message-ID"]).startswith("<review.")
        }

    def notes(self, folder: str = REVIEW) -> list[EmailMessage]:
        return [mail for mail in self.mails(folder).values() if mail[NOTE_HEADER]]

    def copy_of(self, draft_id: int, folder: str = REVIEW) -> tuple[int, EmailMessage]:
        for uid, mail in self.copies(folder).items():
            if str(mail["Message-ID"]).startswith(f"<review.{draft_id}."):
                return uid, mail
        raise AssertionError(f"no copy of draft {draft_id} in {folder}")

    def move(self, uid: int, source: str, target: str) -> None:
        self.client.select_folder(source)
        self.client.move([uid], target)

    def move_by_copy(self, uid: int, source: str, target: str) -> None:
        """A move on a server without MOVE: copy, flag deleted, expunge."""
        self.client.select_folder(source)
        self.client.copy([uid], target)
        self.client.delete_messages([uid])
        self.client.uid_expunge([uid])

    def replace(self, uid: int, folder: str, raw: bytes, target: str) -> None:
        """What a client does when a mail is edited in place: a new mail, the old one gone."""
        self.client.append(target, raw)
        self.client.select_folder(folder)
        self.client.delete_messages([uid])
        self.client.uid_expunge([uid])

    def close(self) -> None:
        self.client.logout()


def review_config(
    tmp_path: Path, smtp: SmtpServer, dovecot: Any, user: str, extra: str = ""
) -> Path:
    path = imap_config(tmp_path, smtp, dovecot, user)
    path.write_text(
        path.read_text(encoding="utf-8") + "[mail_client]\npoll_interval = 5\n" + extra,
        encoding="utf-8",
    )
    return path


@pytest.fixture
def officer(dovecot: Any, mailbox: str) -> Any:
    client = Officer(dovecot, mailbox)
    yield client
    client.close()


def start(
    tmp_path: Path, smtp: SmtpServer, dovecot: Any, mailbox: str, extra: str = ""
) -> tuple[Path, dict[str, Any]]:
    """A request in the inbox, read and drafted: its drafts by kind."""
    dovecot.append(
        mailbox,
        simple(REQUEST, From="Tom Baker <tom.baker@example.com>", Message_ID="<req-1@example.com>"),
    )
    config = review_config(tmp_path, smtp, dovecot, mailbox, extra)
    run_once(config)
    return config, {draft["kind"]: draft for draft in drafts(config)}


def trail(config: Path) -> list[str]:
    """The actions in the case's trail, in order."""
    shown = invoke("cases", "show", reference(1), "--json", "--config", str(config))
    return [event["action"] for event in json.loads(shown.output)["events"]]


def draft_status(config: Path, draft_id: int) -> str:
    return str(next(d for d in drafts(config) if d["id"] == draft_id)["status"])


def test_each_waiting_draft_is_in_the_review_folder_as_the_mail_itself_with_a_note(
    tmp_path: Path, smtp: SmtpServer, dovecot: Any, mailbox: str, officer: Officer
) -> None:
    config, by_kind = start(tmp_path, smtp, dovecot, mailbox)
    copies = officer.copies()
    assert len(copies) == len(by_kind) == 2
    _, reply = officer.copy_of(by_kind["reply"]["id"])
    assert str(reply[HEADER]).startswith(f"{by_kind['reply']['id']}; fp=")
    assert reply["To"] == "tom.baker@example.com"
    assert str(reply["Subject"]).startswith(f"[{reference(1)}]")
    assert reply["In-Reply-To"] == "<req-1@example.com>"
    names = {part.get_filename() for part in reply.iter_attachments()}
    assert "klanten.csv" in names  # the copies of the person's data, as he would get them
    body = reply.get_body(("plain",))
    assert body is not None and "Tom Baker" in body.get_content()
    # Nothing meant for the officer is in the mail itself; it is in the note beside it.
    notes = officer.notes()
    assert len(notes) == 2
    note = next(n for n in notes if f"concept {by_kind['reply']['id']}" in str(n["Subject"]))
    text = note.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    for expected in ("inzage", "bekend adres", "Uiterste datum", APPROVE, REJECT, DONE):
        assert expected in text, expected
    assert "Waarom mailbot deze rechten las" in text and "weten welke gegevens" in text
    reply_text = reply.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Waarom mailbot" not in reply_text and "Uiterste datum" not in reply_text
    # A second pass places nothing twice.
    run_once(config)
    assert len(officer.copies()) == 2 and len(officer.notes()) == 2


def test_moved_to_approve_exactly_one_mail_is_sent_even_when_moved_back_and_forth(
    tmp_path: Path, smtp: SmtpServer, dovecot: Any, mailbox: str, officer: Officer
) -> None:
    config, by_kind = start(tmp_path, smtp, dovecot, mailbox)
    ack = by_kind["acknowledgement"]["id"]
    uid, _ = officer.copy_of(ack)
    officer.move(uid, REVIEW, APPROVE)
    run_once(config)
    assert len(smtp.received) == 1
    sent = smtp.received[0].message
    assert sent["To"] == "tom.baker@example.com" and sent[HEADER] is None
    assert draft_status(config, ack) == "sent"
    assert officer.copies(APPROVE) == {}
    done = officer.mails(DONE)
    assert any(m[HEADER] for m in done.values()) and any(m[NOTE_HEADER] for m in done.values())
    # Back to approve, to review, to approve again, to reject: still that one mail.
    uid, _ = officer.copy_of(ack, DONE)
    officer.move(uid, DONE, APPROVE)
    run_once(config)
    uid, _ = officer.copy_of(ack, DONE)
    officer.move(uid, DONE, REJECT)
    run_once(config)
    run_once(config)
    assert len(smtp.received) == 1
    assert draft_status(config, ack) == "sent"
    told = [str(n["Subject"]) for n in officer.notes()]
    assert any("Niet afgewezen" in subject for subject in told)  # it was sent already
    # mailbot filed its own mail in Sent; reading Sent did not take it for the officer's.
    assert len(dovecot.uids(mailbox, "Sent")) == 1
    actions = trail(config)
    assert actions.count("sent") == 1 and "sent_by_officer" not in actions
    assert "officer_mail" not in actions


def test_a_copy_moved_away_again_but_left_flagged_deleted_is_not_acted_on(
    tmp_path: Path, smtp: SmtpServer, dovecot: Any, mailbox: str, officer: Officer
) -> None:
    """Outlook moves between IMAP folders by COPY and \\Deleted, and expunges later."""
    config, by_kind = start(tmp_path, smtp, dovecot, mailbox)
    ack = by_kind["acknowledgement"]["id"]
    uid, _ = officer.copy_of(ack)
    officer.client.select_folder(REVIEW)
    officer.client.copy([uid], APPROVE)  # moved to approve ...
    officer.client.select_folder(APPROVE)
    (moved,) = officer.client.search("ALL")
    officer.client.copy([moved], REVIEW)  # ... and back, before any pass: no expunge
    officer.client.delete_messages([moved])
    run_once(config)
    assert smtp.received == []
    assert draft_status(config, ack) == "pending"


def test_moved_to_reject_nothing_is_sent(
    tmp_path: Path, smtp: SmtpServer, dovecot: Any, mailbox: str, officer: Officer
) -> None:
    config, by_kind = start(tmp_path, smtp, dovecot, mailbox)
    ack = by_kind["acknowledgement"]["id"]
    uid, _ = officer.copy_of(ack)
    officer.move(uid, REVIEW, REJECT)
    run_once(config)
    run_once(config)
    assert smtp.received == []
    assert draft_status(config, ack) == "rejected"
    assert officer.copies(REJECT) == {}
    officer.copy_of(ack, DONE)
    assert [n for n in officer.notes() if f"concept {ack}" in str(n["Subject"])] == []


def test_a_changed_copy_is_not_sent_and_the_officer_is_told(
    tmp_path: Path, smtp: SmtpServer, dovecot: Any, mailbox: str, officer: Officer
) -> None:
    config, by_kind = start(tmp_path, smtp, dovecot, mailbox)
    ack = by_kind["acknowledgement"]["id"]
    uid, copy = officer.copy_of(ack)
    body = copy.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    body.set_content(body.get_content() + "\nPS: en nog iets van mij.\n")
    officer.replace(uid, REVIEW, copy.as_bytes(), APPROVE)
    run_once(config)
    assert smtp.received == []
    assert draft_status(config, ack) == "pending"
    _, back = officer.copy_of(ack)  # back in the review folder, his change still in it
    assert "nog iets van mij" in back.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    told = [n for n in officer.notes() if "Niet verstuurd" in str(n["Subject"])]
    assert len(told) == 1
    text = told[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "gewijzigd" in text and "webinterface" in text
    assert "not_sent" in trail(config)


def test_a_forged_copy_is_ignored_and_reported(  # noqa: PLR0917 (fixtures)
    tmp_path: Path, smtp: SmtpServer, dovecot: Any, mailbox: str, officer: Officer,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    config, by_kind = start(tmp_path, smtp, dovecot, mailbox)
    ack = by_kind["acknowledgement"]["id"]
    _, copy = officer.copy_of(ack)
    forged = re.sub(rb"sig=[0-9a-f]{64}", b"sig=" + b"0" * 64, copy.as_bytes())
    officer.client.append(APPROVE, forged)
    officer.client.append(APPROVE, simple("Zomaar een bericht", Subject="los bericht"))
    run_once(config)
    assert smtp.received == []
    assert draft_status(config, ack) == "pending"
    assert officer.mails(APPROVE) == {}
    told = [n for n in officer.notes() if "Genegeerd" in str(n["Subject"])]
    assert len(told) == 2
    texts = [n.get_body(("plain",)).get_content() for n in told]  # type: ignore[union-attr]
    assert any("handtekening klopt niet" in t for t in texts)
    assert "not a copy mailbot signed" in caplog.text
    officer.copy_of(ack)  # the real copy is untouched


def test_edit_in_the_web_replaces_the_copy_and_approval_there_files_it(
    tmp_path: Path, smtp: SmtpServer, dovecot: Any, mailbox: str, officer: Officer
) -> None:
    config, by_kind = start(tmp_path, smtp, dovecot, mailbox)
    ack = by_kind["acknowledgement"]["id"]
    app = load_app(config)
    approval.edit(
        app.database, app.clock, ack, "rudi", "Geachte heer Baker,\n\nWij hebben uw verzoek.\n"
    )
    app.close()
    run_once(config)
    _, copy = officer.copy_of(ack)
    assert "Geachte heer Baker" in copy.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert len([c for c in officer.copies().values() if str(c[HEADER]).startswith(f"{ack};")]) == 1
    invoke("drafts", "approve", str(ack), "--config", str(config))
    reply = by_kind["reply"]["id"]
    app = load_app(config)
    approval.reject(app.database, app.clock, reply, "rudi", "wrong tone")
    app.close()
    run_once(config)
    assert len(smtp.received) == 1
    assert officer.copies() == {} and officer.notes() == []  # both copies, both notes: done
    officer.copy_of(ack, DONE)
    officer.copy_of(reply, DONE)
    assert len(officer.notes(DONE)) == 2


def test_sent_from_the_mail_client_is_recorded_with_the_text_sent_and_warnings(
    tmp_path: Path, smtp: SmtpServer, dovecot: Any, mailbox: str, officer: Officer
) -> None:
    config, by_kind = start(tmp_path, smtp, dovecot, mailbox, 'drafts_folder = "auto"\n')
    reply = by_kind["reply"]["id"]
    uid, copy = officer.copy_of(reply, "Drafts")
    # He edits the draft in his Drafts folder, drops an attachment, and sends it.
    sent = EmailMessage()
    for name in ("From", "To", "Subject", "In-Reply-To", "References"):
        if copy[name]:
            sent[name] = str(copy[name])
    sent["Message-ID"] = "<sent-by-officer-1@voorbeeld.example>"
    sent.set_content("Beste Tom,\n\nHierbij uw gegevens, zelf geschreven.\n")
    officer.client.append("Sent", sent.as_bytes())
    officer.client.select_folder("Drafts")
    officer.client.delete_messages([uid])
    officer.client.uid_expunge([uid])
    run_once(config)
    assert smtp.received == []  # mailbot sent nothing itself
    app = load_app(config)
    with app.database.reader() as session:
        draft = session.get(DraftRecord, reply)
        assert draft is not None and draft.status == "sent"
        assert "zelf geschreven" in draft.body and draft.drafted_body is not None
        case = session.get(CaseRecord, draft.case_id)
        assert case is not None and case.answered_at is not None
    app.close()
    warnings = [n for n in officer.notes() if "Controleer wat u verstuurde" in str(n["Subject"])]
    assert len(warnings) == 1
    assert "klanten.csv" in warnings[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    run_once(config)  # read once
    assert len([n for n in officer.notes() if "Controleer" in str(n["Subject"])]) == 1


def test_a_reply_in_the_thread_to_a_wrong_recipient_settles_nothing_and_is_warned(
    tmp_path: Path, smtp: SmtpServer, dovecot: Any, mailbox: str, officer: Officer
) -> None:
    config, by_kind = start(tmp_path, smtp, dovecot, mailbox)
    sent = EmailMessage()
    sent["From"] = "privacy@voorbeeld.example"
    sent["To"] = "someone.else@example.org"
    sent["Subject"] = f"Re: [{reference(1)}] vraag"
    sent["In-Reply-To"] = "<req-1@example.com>"
    sent["Message-ID"] = "<own-2@voorbeeld.example>"
    sent.set_content("We hebben uw verzoek ontvangen.\n")
    officer.client.append("Sent", sent.as_bytes())
    stranger = EmailMessage()
    stranger["Subject"] = f"[{reference(1)}] zonder draad"
    stranger["Message-ID"] = "<own-3@voorbeeld.example>"
    stranger.set_content("not in the thread")
    officer.client.append("Sent", stranger.as_bytes())
    run_once(config)
    # It went to an address the case's data may not go to: not the case's answer. The reply
    # still waits, and he is told why it was not taken.
    assert draft_status(config, by_kind["reply"]["id"]) == "pending"
    assert draft_status(config, by_kind["acknowledgement"]["id"]) == "pending"
    warnings = [n for n in officer.notes() if "Controleer" in str(n["Subject"])]
    assert len(warnings) == 1
    text = warnings[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "someone.else@example.org" in text and "NIET vastgelegd" in text
    assert "officer_mail" in trail(config) and "sent_by_officer" not in trail(config)
    # To the address on file, with the reference: that is the answer.
    sent.replace_header("To", "tom.baker@example.com")
    sent.replace_header("Message-ID", "<own-4@voorbeeld.example>")
    officer.client.append("Sent", sent.as_bytes())
    run_once(config)
    assert draft_status(config, by_kind["reply"]["id"]) == "sent"
    assert "sent_by_officer" in trail(config)


def test_the_worker_sends_a_copy_moved_to_approve_at_once(
    tmp_path: Path, smtp: SmtpServer, dovecot: Any, mailbox: str, officer: Officer
) -> None:
    """The approval folder is watched with IDLE: no waiting for ``poll_interval`` (10 minutes)."""
    config, by_kind = start(tmp_path, smtp, dovecot, mailbox)
    config.write_text(
        config.read_text(encoding="utf-8").replace("poll_interval = 5", "poll_interval = 600"),
        encoding="utf-8",
    )
    app = load_app(config)

    async def scenario() -> float:
        worker = build_worker(app)
        running = asyncio.ensure_future(worker.run_forever(idle_timeout=600))
        try:
            # the first pass is done when the worker waits in IDLE: on the inbox and on the
            # approval folder
            await until_async(lambda: dovecot.idling(mailbox) >= 2, 20, "the worker in IDLE")
            uid, _ = officer.copy_of(by_kind["acknowledgement"]["id"])
            officer.move(uid, REVIEW, APPROVE)
            return await until_async(lambda: smtp.received, 20, "the approved copy sent")
        finally:
            worker.stop()
            await running

    try:
        took = asyncio.run(scenario())
    finally:
        app.close()
    assert len(smtp.received) == 1
    assert took < 10  # IDLE, not the 600 s poll: 1.1 s measured here


def test_check_describes_the_review_folders(
    tmp_path: Path, smtp: SmtpServer, dovecot: Any, mailbox: str
) -> None:
    config = review_config(tmp_path, smtp, dovecot, mailbox, 'drafts_folder = "auto"\n')
    result = invoke("check", "--config", str(config))
    line = next(line for line in result.output.splitlines() if "mail client review" in line)
    assert f"copies in '{REVIEW}', approve in '{APPROVE}' (watched with IDLE)" in line
    assert "also in 'Drafts'" in line and "read in 'Sent'" in line
    assert f"will be created: '{REVIEW}'" in line
    client = dovecot.client(mailbox)
    try:
        assert not client.folder_exists(REVIEW)  # check changes nothing
    finally:
        client.logout()


# What Microsoft 365 offers over IMAP (no SPECIAL-USE, no CONDSTORE, no keywords used by us),
# and an older server without MOVE and IDLE.
M365 = "IMAP4rev1 SASL-IR UIDPLUS MOVE ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+"
OLD = "IMAP4rev1 SASL-IR LITERAL+ ID ENABLE UIDPLUS"


def rewritten(copy: EmailMessage) -> bytes:
    """A copy as a server that stores mail in its own form may return it: our header
    dropped, the text wrapped anew and base64-encoded; Message-ID, words and files kept."""
    text = copy.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    again = EmailMessage()
    for name in ("From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References"):
        if copy[name]:
            again[name] = str(copy[name])
    again.set_content(textwrap.fill(" ".join(text.split()), 40) + "\n", cte="base64")
    for part in copy.iter_attachments():
        data = part.get_payload(decode=True)
        assert isinstance(data, bytes)
        maintype, subtype = part.get_content_type().split("/")
        again.add_attachment(data, maintype=maintype, subtype=subtype, filename=part.get_filename())
    assert again[HEADER] is None
    return again.as_bytes()


@pytest.mark.parametrize("capability", [M365, OLD], ids=["microsoft-365", "no-move-no-idle"])
def test_the_officers_day_on_a_server_with_fewer_capabilities(
    tmp_path: Path, smtp: SmtpServer, capability: str
) -> None:
    root = Path(tempfile.mkdtemp(prefix="mailbot-dovecot-"))
    limited = Dovecot(root, capability=capability)
    limited.start()
    try:
        user = limited.add_user()
        officer = Officer(limited, user)
        officer.client.create_folder("Sent Items")  # Outlook's name; found without SPECIAL-USE
        try:
            config, by_kind = start(tmp_path, smtp, limited, user)
            uid, copy = officer.copy_of(by_kind["acknowledgement"]["id"])
            if capability == M365:  # Exchange gives mail back in its own form: see rewritten()
                officer.replace(uid, REVIEW, rewritten(copy), APPROVE)
            else:
                officer.move_by_copy(uid, REVIEW, APPROVE)
            sent = EmailMessage()
            _, reply = officer.copy_of(by_kind["reply"]["id"])
            for name in ("From", "To", "Subject", "In-Reply-To", "References", HEADER):
                sent[name] = str(reply[name])
            sent["Message-ID"] = "<officer-1@voorbeeld.example>"
            sent.set_content("Zelf geschreven antwoord.\n")
            officer.client.append("Sent Items", sent.as_bytes())
            run_once(config)
            assert len(smtp.received) == 1
            assert draft_status(config, by_kind["acknowledgement"]["id"]) == "sent"
            assert draft_status(config, by_kind["reply"]["id"]) == "sent"  # read in "Sent Items"
            assert officer.copies(APPROVE) == {} and len(officer.copies(DONE)) == 2
            assert not officer.client.folder_exists("Sent")  # no folder of our own invention
        finally:
            officer.close()
    finally:
        limited.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_a_draft_changed_and_changed_back_has_one_copy_again(
    tmp_path: Path, smtp: SmtpServer, dovecot: Any, mailbox: str, officer: Officer
) -> None:
    config, by_kind = start(tmp_path, smtp, dovecot, mailbox)
    ack = by_kind["acknowledgement"]["id"]
    _, first = officer.copy_of(ack)
    original = first.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    app = load_app(config)
    try:
        for text in ("Een andere tekst.\n", original):
            approval.edit(app.database, app.clock, ack, "rudi", text)
            run_once(config)
            mine = [c for c in officer.copies().values() if str(c[HEADER]).startswith(f"{ack};")]
            assert len(mine) == 1
            assert mine[0].get_body(("plain",)).get_content().strip() == text.strip()  # type: ignore[union-attr]
    finally:
        app.close()
    run_once(config)
    assert len(officer.copies()) == 2 and len(officer.notes()) == 2
    uid, _ = officer.copy_of(ack)
    officer.move(uid, REVIEW, APPROVE)
    run_once(config)
    assert len(smtp.received) == 1


def test_hostile_mails_moved_to_approve_or_into_sent_stop_nothing(
    tmp_path: Path, smtp: SmtpServer, dovecot: Any, mailbox: str, officer: Officer
) -> None:
    config, by_kind = start(tmp_path, smtp, dovecot, mailbox)
    for make in HOSTILE.values():
        raw = make()
        officer.client.append(APPROVE, raw)
        officer.client.append(
            "Sent", raw.replace(b"Subject: ", f"Subject: [{reference(1)}] ".encode(), 1)
        )
    run_once(config)
    assert smtp.received == [] and officer.mails(APPROVE) == {}
    assert len([n for n in officer.notes() if "Genegeerd" in str(n["Subject"])]) == len(HOSTILE)
    assert all(d["status"] == "pending" for d in drafts(config))
    uid, _ = officer.copy_of(by_kind["acknowledgement"]["id"])  # and review goes on
    officer.move(uid, REVIEW, APPROVE)
    run_once(config)
    assert len(smtp.received) == 1
