"""Accountability end to end: every fixture mail through ``mailbot run``, the officer's
decisions from the command line, replies sent to a real SMTP server, then the register,
the purge and the suppression list as the officer and the marketing department use them."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import hmac
import io
import json
import re
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.utils import getaddresses
from pathlib import Path
from typing import Any

import pytest

from mailbot.app import load_app
from mailbot.cli import output
from mailbot.core import register
from mailbot.core.cases import CaseOutcome, ExtensionGround, RefusalGround
from mailbot.core.rights import Right
from mailbot.errors import NotAllowed
from mailbot.service.approval import approve
from mailbot.service.cases import show_case
from tests.support.cli import invoke
from tests.support.configs import maildir_config
from tests.support.maildir import drop
from tests.support.paths import MAILS
from tests.support.smtp import SmtpServer

ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
KEY = "0123456789abcdef0123456789abcdef-test-key"
REFERENCE = re.compile(r"^AVG-\d{4}-\d{4}$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CODES = {
    "rights": {right.value for right in Right},
    "channel": {"email", "post", "phone", "other"},
    "extension_reason": {ground.value for ground in ExtensionGround},
    "outcome": {outcome.value for outcome in CaseOutcome},
    "refusal_ground": {ground.value for ground in RefusalGround},
    "identity_method": {
        register.KNOWN_ADDRESS,
        register.CONFIRMED,
        register.NOT_ESTABLISHED,
        *register.VERIFIED.values(),
    },
}


def fixture_mails() -> list[bytes]:
    return [path.read_bytes() for path in sorted(MAILS.rglob("*.eml"))]


def senders(raws: list[bytes]) -> list[tuple[str, str]]:
    """(name, address) of every From in the fixtures."""
    found = []
    for raw in raws:
        message = message_from_bytes(raw, policy=policy.default)
        found += getaddresses([str(value) for value in message.get_all("From", [])])
    return found


def cli(config: Path, *args: str) -> Any:
    result = invoke(*args, "--config", str(config))
    assert result.exit_code == 0, result.output
    return result.output


def cases(config: Path) -> list[dict[str, Any]]:
    return list(json.loads(cli(config, "cases", "list", "--json")))


def shown(config: Path, references: list[str]) -> dict[str, str]:
    """What ``cases show REF --json`` prints for each of many cases, from one loaded
    configuration (the command loads it once a case: seconds for a few hundred)."""
    app = load_app(config)
    try:
        return {
            reference: output.views_json(show_case(app.database, app.clock, reference)) + "\n"
            for reference in references
        }
    finally:
        app.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SmtpServer]:
    running = SmtpServer(tmp_path).start()
    yield running
    running.stop()


@pytest.fixture
def office(tmp_path: Path, server: SmtpServer) -> Path:
    """Every fixture mail read; each sender is a customer, so replies are drafted."""
    raws = fixture_mails()
    people = {address.lower(): name for name, address in senders(raws) if "@" in address}
    key_file = tmp_path / "credentials" / "suppression-key"
    key_file.parent.mkdir()
    key_file.write_text(KEY + "\n", encoding="utf-8")
    extra = '[retention]\nclosed_case_days = 30\n[suppression]\nkey_file = "credentials/{}"\n'
    config = maildir_config(tmp_path, server, extra.format("suppression-key"))
    rows = "".join(
        f'{address},"{name}",C-{n}\n' for n, (address, name) in enumerate(people.items())
    )
    (tmp_path / "klanten.csv").write_text("email,naam,klantnummer\n" + rows, encoding="utf-8")
    for index, raw in enumerate(raws):
        drop(tmp_path / "Maildir", f"17000{index:05d}.M{index}P1.test", raw)
    cli(config, "run", "--once")
    return config


def decide(config: Path) -> dict[str, str]:
    """The officer's day: refuse one, extend one, leave one, approve the rest, close half."""
    waiting = [c["reference"] for c in cases(config) if c["status"] == "ready_for_review"]
    refused, extended, left = waiting[:3]
    cli(config, "cases", "refuse", refused, "--reason", "Uw verzoek is kennelijk ongegrond.",
        "--ground", "manifestly_unfounded", "--by", "rudi")  # fmt: skip
    cli(config, "cases", "extend", extended, "--reason", "Uw gegevens staan in vele systemen.",
        "--ground", "complexity", "--by", "rudi")  # fmt: skip
    pending = [
        draft["id"]
        for draft in json.loads(cli(config, "drafts", "list", "--json"))
        if draft["status"] == "pending" and draft["case"] != left
    ]
    approved = 0
    for draft_id in pending[:5]:  # as the officer does, on the command line
        result = invoke("drafts", "approve", str(draft_id), "--by", "rudi", "--config",
                        str(config))  # fmt: skip
        approved += result.exit_code == 0
    app = load_app(config)  # the rest as that command does, on one loaded configuration
    try:
        for draft_id in pending[5:]:
            with contextlib.suppress(NotAllowed):  # the command says why and exits 1
                approve(app.database, app.configuration, app.clock, draft_id, "rudi")
                approved += 1
    finally:
        app.close()
    assert approved >= 20
    cli(config, "run", "--once")  # sends what was approved
    sent = [c["reference"] for c in cases(config) if c["status"] == "sent"]
    assert len(sent) >= 10 and refused in sent
    for reference in sent[: len(sent) // 2]:
        outcome = "refused" if reference == refused else "granted"  # a refusal grants nothing
        cli(config, "cases", "close", reference, "--outcome", outcome, "--by", "rudi",
            "--drafts", "reject")  # fmt: skip
    return {"refused": refused, "extended": extended, "open": left}


def purge(config: Path, *args: str) -> str:
    """``mailbot purge`` as if the retention period had passed for every closed case."""
    result = invoke("purge", "--json", *args, "--config", str(config),
                    env={"MAILBOT_RETENTION__CLOSED_CASE_DAYS": "0"})  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output


def export(config: Path, form: str) -> str:
    return str(cli(config, "register", "export", "--format", form))


def check_row(row: dict[str, Any]) -> None:
    """Every value is a reference, a date, a number, a yes/no or a code: nothing else."""
    assert list(row) == list(register.FIELDS)
    assert REFERENCE.match(row["reference"])
    # no rights: a mail that may be a request, waiting for the officer's decision (issue 21)
    assert set(row["rights"]) <= CODES["rights"]
    for name in ("received_at", "due_date", "answered_at"):
        assert row[name] is None or DAY.match(row[name]), (name, row[name])
    assert isinstance(row["extended"], bool)
    assert row["days_taken"] is None or isinstance(row["days_taken"], int)
    assert row["mailbox"] == "default"
    for name in ("channel", "extension_reason", "outcome", "refusal_ground", "identity_method"):
        assert row[name] is None or row[name] in CODES[name], (name, row[name])


def test_the_register_holds_no_address_name_or_mail_text(office: Path) -> None:
    raws = fixture_mails()
    decided = decide(office)
    as_json = json.loads(export(office, "json"))
    as_csv = export(office, "csv")
    requests = [c for c in cases(office) if c["status"] != "not_a_request"]
    assert len(as_json) == len(requests) >= 100
    for row in as_json:
        check_row(row)
    assert next(csv.reader(io.StringIO(as_csv))) == list(register.FIELDS)

    everything = (json.dumps(as_json) + as_csv).lower()
    addresses = {a.lower() for raw in raws for a in ADDRESS.findall(raw.decode("latin-1"))}
    names = {name.lower() for name, _ in senders(raws) if len(name.strip()) >= 4}
    assert addresses and names
    assert sorted(a for a in addresses if a in everything) == []
    assert sorted(n for n in names if n in everything) == []
    phrases = {
        str(item["phrase"]).lower()
        for text in shown(office, [c["reference"] for c in requests]).values()
        for item in json.loads(text)["evidence"]
        if len(str(item["phrase"])) >= 8
    }
    subjects = {c["subject"].lower() for c in requests if len(c["subject"]) >= 8}
    typed = {"kennelijk ongegrond", "vele systemen"}  # the officer's own words to the person
    words = {text for text in phrases | subjects if " " in text.strip()}  # "objection" is a code
    leaked = [text for text in words | typed if text in everything]
    assert leaked == []

    by_reference = {row["reference"]: row for row in as_json}
    refused, extended = by_reference[decided["refused"]], by_reference[decided["extended"]]
    assert refused["refusal_ground"] == "manifestly_unfounded"
    assert (extended["extended"], extended["extension_reason"]) == (True, "complexity")
    answered = [row for row in as_json if row["answered_at"]]
    assert answered and all(row["days_taken"] == 0 for row in answered)  # the mails' own day
    assert {row["identity_method"] for row in answered} <= {"known address"}


@pytest.mark.own_database  # reads the SQLite files byte by byte
def test_a_purge_keeps_the_register_and_open_cases_and_empties_the_state_directory(
    office: Path,
) -> None:
    decide(office)
    before = {c["reference"]: c for c in cases(office)}
    closed = [r for r, c in before.items() if c["status"] in ("closed", "not_a_request")]
    still_open = [r for r, c in before.items() if r not in closed]
    assert len(closed) >= 10 and len(still_open) >= 10
    register_before = export(office, "json")
    shown_before = shown(office, still_open)
    assert shown_before[still_open[0]] == cli(office, "cases", "show", still_open[0], "--json")
    database = office.parent / "mailbot.db"
    state = database.read_bytes()
    purged_markers = {before[r]["requester"] for r in closed if before[r]["requester"]}
    open_markers = {before[r]["requester"] for r in still_open if before[r]["requester"]}
    # a forward of another person's mail (no colleague configured here) keeps that person's
    # address in its open case
    open_markers |= {
        mail["writes_for"]
        for reference in still_open
        for mail in json.loads(shown_before[reference])["mails"]
        if mail["writes_for"]
    }
    only_purged = purged_markers - open_markers
    assert only_purged and all(m.encode() in state for m in only_purged)

    dry = json.loads(purge(office, "--dry-run"))
    assert sorted(dry["cases"]) == sorted(closed) and dry["dry_run"]
    assert cases(office) == list(before.values())  # a dry run changes nothing
    report = json.loads(purge(office))
    assert sorted(report["cases"]) == sorted(closed)
    assert report["raw_mails"] >= len(closed) and report["drafts"] >= 1

    assert export(office, "json") == register_before  # every register row stays as it was
    assert shown(office, still_open) == shown_before  # open cases: untouched, to the byte
    drafts_left = {d["case"] for d in json.loads(cli(office, "drafts", "list", "--json"))}
    after = shown(office, closed)
    for reference in closed:
        purged = json.loads(after[reference])
        who = (purged["requester"], purged["requester_name"], purged["subject"])
        assert who == (None, None, "")
        assert purged["evidence"] == [] and purged["purged_at"]
        assert all(m["sender"] is None and m["subject"] == "" for m in purged["mails"])
        assert reference not in drafts_left
    files = [p for p in office.parent.glob("mailbot.db*") if p.is_file()]
    stored = b"".join(p.read_bytes() for p in files)
    left = sorted(m for m in only_purged if m.encode() in stored)
    assert left == []  # not in the database file, nor in its log
    assert all(m.encode() in stored for m in open_markers)  # the search itself works
    again = json.loads(purge(office))
    assert again["cases"] == [] and again["mails"] == 0
    cli(office, "run", "--once")  # the worker's own purge finds nothing more
    assert len(cases(office)) == len(before)
    ended = next(r for r in closed if before[r]["status"] == "closed")
    refused = invoke("cases", "reopen", ended, "--reason", "x", "--config", str(office))
    assert refused.exit_code == 1 and "purged" in refused.output


def test_a_marketing_objection_ends_on_the_suppression_list(
    office: Path, server: SmtpServer
) -> None:
    objections = [
        c for c in cases(office) if "objection" in c["rights"] and c["status"] != "not_a_request"
    ]
    marketing = [
        c
        for c in objections
        if json.loads(cli(office, "cases", "show", c["reference"], "--json"))["direct_marketing"]
    ]
    assert marketing, [c["subject"] for c in objections]
    case = marketing[0]
    address = case["requester"]
    assert invoke("suppression", "check", address, "--config", str(office)).exit_code == 1
    if case["status"] != "ready_for_review":  # no DKIM in the fixtures: the officer confirms
        cli(office, "cases", "verify", case["reference"], "--method", "called the customer",
            "--check", "details", "--by", "rudi")  # fmt: skip
    reply = next(
        d
        for d in json.loads(cli(office, "drafts", "list", "--json"))
        if d["case"] == case["reference"] and d["kind"] == "reply" and d["status"] == "pending"
    )
    for action in json.loads(cli(office, "cases", "actions", case["reference"], "--json"))[
        "actions"
    ]:
        if not action["done"]:
            cli(office, "cases", "done", case["reference"], str(action["id"]), "--by", "rudi")
    cli(office, "drafts", "approve", str(reply["id"]), "--by", "rudi")
    listed = cli(office, "suppression", "check", address.upper())
    assert "listed since" in listed and "objection" in listed
    exported = cli(office, "suppression", "export")
    assert address.lower() not in exported.lower()
    entries = json.loads(cli(office, "suppression", "export", "--format", "json"))["entries"]
    mine = hmac.new(KEY.encode(), address.lower().encode(), hashlib.sha256).hexdigest()
    assert mine in [entry["hash"] for entry in entries]  # what the marketing system computes
    assert "already listed" in cli(office, "suppression", "add", address)
    assert "added" in cli(office, "suppression", "add", "Someone.Else@Example.org")
