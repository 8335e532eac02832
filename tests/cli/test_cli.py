from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mailbot.cli.main import COMMANDS, cli, load_command
from tests.support.maildir import drop, make_maildir
from tests.support.paths import MAILS
from tests.support.references import reference

CONFIG = """\
[database]
url = "sqlite:///mailbot.db"

[maildir]
path = "Maildir"

[organisation]
name = "Voorbeeld B.V."
officer_name = "A. Functionaris"
addresses = ["privacy@voorbeeld.example"]
automated_decisions = "none"
transfers_outside_eea = "none"
"""


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "mailbot.toml"
    path.write_text(CONFIG, encoding="utf-8")
    maildir = make_maildir(tmp_path / "Maildir")
    names = [
        "informal/nl/nl-01-wat-hebben-jullie.eml",
        "informal/en/en-02-delete-account.eml",
        "informal/nl/nl-22-factuurvraag.eml",
        "parsing/no-from.eml",
        "parsing/forward-outlook-nl.eml",
    ]
    for index, name in enumerate(names):
        drop(maildir, f"{1700000000 + index}.M{index}P1.test", (MAILS / name).read_bytes())
    drop(
        maildir,
        "1700000099.M99P1.test",
        (MAILS / "parsing/reply-nl.eml")
        .read_bytes()
        .replace(b"Subject:", b"Auto-Submitted: auto-replied\nSubject:"),
    )
    return path


def ran(config: Path) -> Path:
    result = invoke("run", "--once", "--config", str(config))
    assert result.exit_code == 0, result.output
    return config


@pytest.mark.database_incidental("the configuration is refused before any database is opened")
def test_configuration_error_names_key_and_file_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "mailbot.toml"
    path.write_text(CONFIG.replace('name = "Voorbeeld B.V."\n', ""), encoding="utf-8")
    result = invoke("check", "--config", str(path))
    assert result.exit_code == 2
    # check: one line for the item, the key and the file in it
    assert result.stdout.startswith(f"configuration: FAILED: configuration error in {path}:")
    assert "organisation.name: required key is missing" in result.stdout
    listed = invoke("cases", "list", "--config", str(path))
    assert listed.exit_code == 2
    assert f"configuration error in {path}" in listed.stderr
    assert "organisation.name: required key is missing" in listed.stderr
    assert invoke("cases", "list", "--config", str(tmp_path / "absent.toml")).exit_code == 2


def test_check_validates_configuration_and_database(config: Path) -> None:
    result = invoke("check", "--config", str(config))
    assert result.exit_code == 0
    assert "configuration: ok" in result.output
    assert "schema current: True" in result.output
    assert "mail readers: ok (a sample mail read in a child process in " in result.output
    assert "; time limit 30 s)" in result.output


def test_config_from_the_environment(config: Path) -> None:
    result = invoke("check", env={"MAILBOT_CONFIG": str(config)})
    assert result.exit_code == 0 and str(config) in result.output


def test_run_once_then_list_cases_as_json(config: Path) -> None:
    ran(config)
    result = invoke("cases", "list", "--json", "--config", str(config))
    cases = json.loads(result.output)
    assert [case["reference"] for case in cases] == [
        reference(1),
        reference(2),
        reference(3),
        reference(4),
    ]
    required = {
        "reference", "rights", "language", "status", "requester", "received_at",
        "due_date", "message_ids", "evidence", "confidence",
    }  # fmt: skip
    for case in cases:
        assert required <= set(case)
        assert case["received_at"][-6:] in ("+01:00", "+02:00")
    statuses = {case["reference"]: (case["status"], case["rights"]) for case in cases}
    assert ("not_a_request", []) in statuses.values()
    waiting = invoke(
        "cases", "list", "--json", "--status", "awaiting_identity", "--config", str(config)
    )
    found = json.loads(waiting.output)
    assert found and {case["status"] for case in found} == {"awaiting_identity"}
    assert {case["identity"] for case in found} == {"unknown"}  # no data source is configured


def test_show_a_case(config: Path) -> None:
    ran(config)
    text = invoke("cases", "show", reference(2), "--config", str(config)).output
    assert "Rights:      erasure" in text
    assert "Evidence:" in text and "Trail:" in text
    data = json.loads(
        invoke("cases", "show", "avg-2026-0002", "--json", "--config", str(config)).output
    )
    assert data["mails"][0]["outcome"] == "new_case"
    assert data["events"][0]["action"] == "created"
    missing = invoke("cases", "show", "AVG-2026-9999", "--config", str(config))
    assert missing.exit_code == 1 and "no case AVG-2026-9999" in missing.stderr


CASE_KEYS = [
    "reference", "mailbox", "rights", "language", "status", "requester", "requester_name",
    "subject", "received_at", "due_date", "days_left", "message_ids", "evidence", "confidence",
    "low_confidence", "signals", "needs_decision", "topics", "urgent", "breach_notify_by",
    "related_case", "to_do", "classified_by", "classified_at", "identity", "identity_detail",
    "denied_at", "reply_to_check", "channel", "extended", "original_due_date", "extension_reason",
    "extension_ground", "refusal_ground", "outcome", "closed_at", "answered_at",
    "direct_marketing", "purged_at",
]  # fmt: skip
MAIL_KEYS = [
    "id", "mailbox", "arrived_at", "outcome", "reason", "sender", "forwarded_by", "writes_for",
    "sender_verdict", "sender_detail", "subject", "message_id", "size", "language", "rights",
    "notes", "attachments",
]  # fmt: skip
DRAFT_KEYS = [
    "id", "case", "mailbox", "kind", "language", "to", "subject", "attachments", "status", "why",
    "notes", "created_at", "edited", "approved_by", "approved_at", "automatic", "message_id",
    "sent_at", "error", "reason",
]  # fmt: skip


def test_the_json_of_cases_and_drafts_keeps_its_keys_in_order(config: Path) -> None:
    """Scripts read these fields by name: none is renamed, dropped or moved."""
    ran(config)
    listed = json.loads(invoke("cases", "list", "--json", "--config", str(config)).output)
    assert all(list(case) == CASE_KEYS for case in listed)
    shown = json.loads(
        invoke("cases", "show", reference(2), "--json", "--config", str(config)).output
    )
    assert list(shown) == [*CASE_KEYS, "mails", "drafts", "events"]
    assert shown["mails"] and all(list(mail) == MAIL_KEYS for mail in shown["mails"])
    assert shown["drafts"] and all(list(draft) == DRAFT_KEYS for draft in shown["drafts"])
    assert all(list(event) == ["at", "actor", "action", "detail"] for event in shown["events"])
    mails = json.loads(invoke("mails", "list", "--json", "--config", str(config)).output)
    assert mails and all(list(mail) == [*MAIL_KEYS, "readable", "case"] for mail in mails)
    draft = json.loads(
        invoke(
            "drafts", "show", str(shown["drafts"][0]["id"]), "--json", "--config", str(config)
        ).output
    )
    assert list(draft) == [
        *DRAFT_KEYS, "body", "in_reply_to", "references", "attachment_files", "actions",
    ]  # fmt: skip


def test_reclassify_from_the_command_line(config: Path) -> None:
    ran(config)
    result = invoke(
        "cases",
        "reclassify",
        reference(3),
        "--rights",
        "access,erasure",
        "--by",
        "rudi",
        "--config",
        str(config),
    )
    assert result.exit_code == 0
    assert f"{reference(3)}: access, erasure [new]" in result.output
    data = json.loads(
        invoke("cases", "show", reference(3), "--json", "--config", str(config)).output
    )
    assert data["classified_by"] == "rudi"
    wrong = invoke(
        "cases", "reclassify", reference(3), "--rights", "acces", "--config", str(config)
    )
    assert wrong.exit_code == 2 and "unknown right 'acces'" in wrong.stderr
    none = invoke("cases", "reclassify", reference(3), "--rights", "none", "--config", str(config))
    assert "(no request) [not_a_request]" in none.output


def test_quarantine_list_and_retry(config: Path) -> None:
    ran(config)
    listed = json.loads(invoke("quarantine", "list", "--json", "--config", str(config)).output)
    assert len(listed) == 1 and "no sender" in listed[0]["reason"]
    table = invoke("quarantine", "list", "--config", str(config)).output
    assert "no sender" in table
    retry = invoke("quarantine", "retry", str(listed[0]["id"]), "--config", str(config))
    assert retry.exit_code == 1  # still no sender
    assert "quarantined" in retry.output


def test_ignored_mails_are_listed_with_their_reason(config: Path) -> None:
    ran(config)
    ignored = json.loads(invoke("mails", "list", "--json", "--config", str(config)).output)
    assert [mail["reason"] for mail in ignored] == ["Auto-Submitted: auto-replied"]


def test_status_says_approved_mail_waits_without_smtp(config: Path) -> None:
    ran(config)
    listed = json.loads(invoke("drafts", "list", "--json", "--config", str(config)).output)
    first = next(draft for draft in listed if draft["kind"] == "acknowledgement")
    assert invoke("drafts", "approve", str(first["id"]), "--config", str(config)).exit_code == 0
    shown = invoke("status", "--config", str(config))
    assert shown.exit_code == 0
    assert "outbox: 1 queued, 0 sending, 0 sent, 0 failed" in shown.output
    assert "1 approved mail(s) wait: no [smtp] section" in shown.output


def test_db_upgrade(config: Path) -> None:
    result = invoke("db", "upgrade", "--config", str(config))
    assert result.exit_code == 0 and "up to date" in result.output


def test_demo_runs_on_the_bundled_mailbox_and_reads_nothing_twice(tmp_path: Path) -> None:
    first = invoke("demo", "--dir", str(tmp_path / "demo"))
    assert first.exit_code == 0, first.output
    assert "AVG-20" in first.output and "REFERENCE" in first.output
    assert "Ignored (machine mail" in first.output
    assert "Quarantined" in first.output
    assert "Drafts waiting for the officer" in first.output
    drafts = json.loads(
        invoke(
            "drafts", "list", "--json", "--config", str(tmp_path / "demo" / "mailbot.toml")
        ).output
    )
    kinds = {draft["kind"] for draft in drafts}
    assert {"acknowledgement", "reply", "identification_request", "confirmation_request"} <= kinds
    assert any(draft["attachments"] for draft in drafts if draft["kind"] == "reply")
    checked = invoke("check", "--config", str(tmp_path / "demo" / "mailbot.toml"))
    assert checked.exit_code == 0, checked.output
    second = invoke("demo", "--dir", str(tmp_path / "demo"))
    assert "Read now: nothing new" in second.output
    listed = invoke("cases", "list", "--json", "--config", str(tmp_path / "demo" / "mailbot.toml"))
    languages = {case["language"] for case in json.loads(listed.output)}
    assert {"nl", "en", "de", "fr"} <= languages
    shutil.rmtree(tmp_path / "demo")


@pytest.mark.database_incidental("opens no configuration")
def test_version() -> None:
    assert invoke("--version").output.startswith("mailbot, version ")


@pytest.mark.database_incidental("opens no configuration")
def test_the_command_table_says_what_each_command_says_of_itself() -> None:
    for name, (_, short) in COMMANDS.items():
        command = load_command(name)
        assert command.name in (name, f"{name}_command", name.replace("_", "-")), name
        assert command.get_short_help_str(limit=500) == short, name


@pytest.mark.integration  # a new process, as the officer's shell starts one
@pytest.mark.database_incidental("the help opens no configuration")
def test_the_help_imports_no_command() -> None:
    """``mailbot --help`` lists the commands from the table: no worker, web or mail library."""
    probe = (
        "import sys; from mailbot.cli.main import main; sys.argv = ['mailbot', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('mailbot.', 'imapclient', "
        "'aiosmtplib', 'starlette', 'sqlalchemy', 'jinja2', 'pydantic'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert "Commands:" in done.stdout
    loaded = done.stdout.splitlines()[-1]
    assert loaded == str(["mailbot.allocator", "mailbot.cli", "mailbot.cli.common",
                          "mailbot.cli.main", "mailbot.errors", "mailbot.logs"])  # fmt: skip
