"""From a Dovecot mailbox through `mailbot run --once` to drafts, with real data sources."""

from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from mailbot.app import load_app
from mailbot.cli.main import cli
from mailbot.letters.copies import DELIMITER
from mailbot.service.draft_views import attachment_content, show_draft
from tests.support.datasets import CUSTOMERS, INVOICES, make_crm, make_invoices
from tests.support.mails import simple
from tests.support.references import reference
from tests.support.smtp import SmtpServer


def config(tmp_path: Path, dovecot: Any, mailbox: str, templates: Path | None = None) -> Path:
    crm, invoices = make_crm(tmp_path / "crm.db"), make_invoices(tmp_path / "invoices.csv")
    text = f"""\
[database]
url = "sqlite:///mailbot.db"

[imap]
host = "127.0.0.1"
port = {dovecot.port}
security = "none"
username = "{mailbox}"
password = "secret"

[organisation]
name = "Voorbeeld B.V."
officer_name = "R. de Functionaris"
addresses = ["privacy@voorbeeld.example"]
trusted_authserv_id = "mx.voorbeeld.example"
automated_decisions = "geen"
transfers_outside_eea = "geen"

[[sources]]
name = "crm"
kind = "sql"
url = "sqlite:///{crm}"
query = "SELECT name, email, city, number FROM customers WHERE lower(email) = lower(:email)"
category = "Klantprofiel"
purpose = "Uitvoering van de overeenkomst"
legal_basis = "overeenkomst"
retention = "tot 36 maanden na einde klantrelatie"
recipients = ["Hostingbedrijf X (verwerker)"]
provided_by_subject = true

[[sources]]
name = "invoices"
kind = "csv"
path = "{invoices}"
email_column = "email"
category = "Facturen"
purpose = "Facturatie"
legal_basis = "wettelijke verplichting"
retention = "7 jaar (art. 52 AWR)"
recipients = ["Boekhoudkantoor Y (verwerker)"]
origin = "door ons opgemaakt bij elke bestelling"
erasure = "keep"
"""
    if templates is not None:
        text += f'\n[drafts]\ntemplates = "{templates}"\n'
    path = tmp_path / "mailbot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_mailbox_to_drafts_with_exactly_each_persons_rows(
    tmp_path: Path, dovecot: Any, mailbox: str
) -> None:
    dovecot.append(
        mailbox,
        simple(
            "Ik wil graag weten welke gegevens jullie van mij hebben.",
            From="Tom <tom.baker@example.com>",
        ),
        simple("Mag ik een kopie van al mijn gegevens?", From="Sanne <sanne.devries@example.net>"),
        simple("Welke gegevens hebben jullie van mij?", From="Eve <eve@example.org>"),
    )
    path = config(tmp_path, dovecot, mailbox)
    assert invoke("run", "--once", "--config", str(path)).exit_code == 0
    drafts = json.loads(invoke("drafts", "list", "--json", "--config", str(path)).output)
    assert {(d["case"], d["kind"], d["to"]) for d in drafts} == {
        (reference(1), "acknowledgement", "tom.baker@example.com"),
        (reference(1), "reply", "tom.baker@example.com"),
        (reference(2), "acknowledgement", "sanne.devries@example.net"),
        (reference(2), "reply", "sanne.devries@example.net"),
        (reference(3), "acknowledgement", "eve@example.org"),
        (reference(3), "identification_request", "eve@example.org"),
    }
    for draft in drafts:
        assert set(draft) >= {
            "id",
            "case",
            "kind",
            "language",
            "to",
            "subject",
            "attachments",
            "status",
        }
        assert draft["status"] == "pending" and draft["subject"].startswith(f"[{draft['case']}]")
    numbers = {"tom.baker@example.com": ["C-1001"], "sanne.devries@example.net": ["C-1003"]}
    invoices = {
        "tom.baker@example.com": ["2026-001", "2026-002"],
        "sanne.devries@example.net": ["2026-003"],
    }
    for reply in (d for d in drafts if d["kind"] == "reply"):
        app = load_app(path)
        # an access request: the person's rows as CSV (JSON is portability's)
        crm, bills = (
            csv_rows(attachment_content(app.database, reply["id"], name), reply["language"])
            for name in ("crm.csv", "invoices.csv")
        )
        app.close()
        assert [row["number"] for row in crm] == numbers[reply["to"]]
        assert [row["invoice"] for row in bills] == invoices[reply["to"]]
        app = load_app(path)
        every_byte = (
            b"".join(
                attachment_content(app.database, reply["id"], name) for name in reply["attachments"]
            )
            + show_draft(app.database, app.clock, reply["id"]).body.encode()
        )
        app.close()
        # Nobody else's address, name, city, customer number or invoice, in any byte.
        strangers = [row for row in CUSTOMERS if row[1].lower() != reply["to"]]
        for name, address, city, number in strangers:
            for value in (name, address.lower(), city, number):
                assert value.encode() not in every_byte, (reply["to"], value)
        for invoice, _address, _amount in INVOICES:
            assert (invoice in invoices[reply["to"]]) == (invoice.encode() in every_byte)
        assert b"eve@example.org" not in every_byte
    shown = invoke("drafts", "show", str(drafts[1]["id"]), "--config", str(path)).output
    assert "To: tom.baker@example.com" in shown and "Attachments:" in shown and "crm.csv" in shown
    cases = json.loads(invoke("cases", "list", "--json", "--config", str(path)).output)
    assert [case["identity"] for case in cases] == ["known", "known", "unknown"]


def csv_rows(content: bytes, language: str) -> list[dict[str, str]]:
    """A copy's CSV as a spreadsheet with the letter's regional settings reads it."""
    assert content.startswith(codecs.BOM_UTF8)
    text = io.StringIO(content.decode("utf-8-sig"))
    return list(csv.DictReader(text, delimiter=DELIMITER[language]))


def test_verify_from_the_command_line(tmp_path: Path, dovecot: Any, mailbox: str) -> None:
    dovecot.append(
        mailbox, simple("Welke gegevens hebben jullie van mij?", From="Eve <eve@example.org>")
    )
    path = config(tmp_path, dovecot, mailbox)
    invoke("run", "--once", "--config", str(path))
    done = invoke(
        "cases", "verify", reference(1), "--method", "klantnummer C-1002 gecontroleerd",
        "--check", "details", "--address-on-file", "tom.bakerr@example.com",
        "--send-to", "eve@example.org",
        "--config", str(path),
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    drafts = json.loads(
        invoke("drafts", "list", "--json", "--status", "pending", "--config", str(path)).output
    )
    reply = next(d for d in drafts if d["kind"] == "reply")
    assert reply["to"] == "eve@example.org"
    bad = invoke("cases", "verify", reference(1), "--method", "x", "--check", "other",
                 "--send-to", "not an address",
                 "--config", str(path))  # fmt: skip
    assert bad.exit_code == 2 and "not an e-mail address" in bad.stderr


def test_check_names_a_broken_template_and_a_broken_source(
    tmp_path: Path, dovecot: Any, mailbox: str
) -> None:
    templates = tmp_path / "own-templates"
    (templates / "nl").mkdir(parents=True)
    (templates / "nl" / "reply.txt.j2").write_text(
        "[{{ case.reference }}] x\n{{ case.referense }}\n"
    )
    path = config(tmp_path, dovecot, mailbox, templates=templates)
    (tmp_path / "invoices.csv").unlink()
    result = invoke("check", "--config", str(path))
    assert result.exit_code == 1
    assert "templates: FAILED: template nl/reply.txt.j2: UndefinedError" in result.output
    assert "source invoices: FAILED: source invoices: cannot read" in result.output
    assert "source crm: ok (sql)" in result.output
    assert "access replies: ok" in result.output


@pytest.mark.own_database  # makes the SQLite file unusable
def test_check_covers_every_item_one_line_each(tmp_path: Path, dovecot: Any, mailbox: str) -> None:
    smtp = SmtpServer(tmp_path).start()
    try:
        path = config(tmp_path, dovecot, mailbox)
        settings = "\n".join(f"{k} = {json.dumps(v)}" for k, v in smtp.settings().items())
        path.write_text(path.read_text(encoding="utf-8") + f"\n[smtp]\n{settings}\n", "utf-8")
        good = invoke("check", "--config", str(path))
        assert good.exit_code == 0, good.output
        items = [line.split(": ", 1)[0] for line in good.output.splitlines()]
        assert items == [
            "configuration", "database", "mail readers", "templates", "sender authentication",
            "imap", "imap sent folder", "smtp",
            "source crm", "source invoices", "access replies", "letter languages", "retention",
            "suppression key",
        ]  # fmt: skip
        assert all(": ok (" in line for line in good.output.splitlines())
        # texts given in Dutch only: a warning naming each, not a failure
        assert "letter languages: ok (warning: these letters will say in English" in good.output
        assert "[[sources]] crm: purpose in de" in good.output
    finally:
        smtp.stop()
    # The SMTP server gone and the database unusable: each says so, the rest is still checked.
    (tmp_path / "a-directory").mkdir()
    text = path.read_text(encoding="utf-8").replace(
        'url = "sqlite:///mailbot.db"', 'url = "sqlite:///a-directory"'
    )
    path.write_text(text, encoding="utf-8")
    bad = invoke("check", "--config", str(path))
    assert bad.exit_code == 1
    lines = bad.output.splitlines()
    assert len(lines) == 14
    assert lines[1].startswith("database: FAILED: ")
    assert lines[4].startswith("sender authentication: FAILED: the mails read cannot be counted")
    assert next(line for line in lines if line.startswith("smtp:")).startswith("smtp: FAILED: ")
    assert "imap: ok (" in bad.output and "source crm: ok (sql)" in bad.output
