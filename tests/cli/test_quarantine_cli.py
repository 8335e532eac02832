"""``mailbot quarantine show|open|dismiss``: the page's view and answers on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import CONFIG, invoke
from tests.core.test_quarantine import HTML_LEAF, nested
from tests.support.maildir import drop, make_maildir
from tests.support.paths import MAILS


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A mailbox of two mails intake cannot read, read by ``mailbot run --once``."""
    path = tmp_path / "mailbot.toml"
    path.write_text(CONFIG, encoding="utf-8")
    maildir = make_maildir(tmp_path / "Maildir")
    drop(maildir, "1700000000.M0P1.test", nested(12, HTML_LEAF))
    drop(maildir, "1700000001.M1P1.test", (MAILS / "parsing/no-from.eml").read_bytes())
    ran = invoke("run", "--once", "--config", str(path))
    assert ran.exit_code == 0, ran.output
    return path


def listed(config: Path, *args: str) -> list[dict[str, object]]:
    found = invoke(*args, "--json", "--config", str(config))
    assert found.exit_code == 0, found.output
    result: list[dict[str, object]] = json.loads(found.output)
    return result


def test_show_prints_the_mail_as_text_and_names_its_attachments(config: Path) -> None:
    deep, _ = (mail["id"] for mail in listed(config, "quarantine", "list"))
    shown = invoke("quarantine", "show", str(deep), "--config", str(config))
    assert shown.exit_code == 0, shown.output
    out = shown.output
    assert "reason:  MIME nesting deeper than 8 (intake.max_depth)" in out
    assert "From:    Tom Baker <tom.baker@example.com>" in out
    assert "Ik wil graag inzage in mijn gegevens." in out
    assert "attachment (not opened): paspoort.pdf, application/pdf, 19 bytes" in out
    assert "alert" not in out and "<img" not in out
    data = json.loads(
        invoke("quarantine", "show", str(deep), "--json", "--config", str(config)).output
    )
    assert (data["outcome"], data["subject"], data["case"]) == ("quarantined", "inzage Zoë", None)
    assert data["attachments"] == [
        {"filename": "paspoort.pdf", "content_type": "application/pdf", "size": 19}
    ]
    missing = invoke("quarantine", "show", "999", "--config", str(config))
    assert missing.exit_code == 1 and "no mail with id 999" in missing.stderr


def test_open_makes_one_case_and_dismiss_keeps_the_reason(config: Path) -> None:
    deep, anonymous = (mail["id"] for mail in listed(config, "quarantine", "list"))
    before = {case["reference"] for case in listed(config, "cases", "list")}
    opened = invoke("quarantine", "open", str(deep), "--by", "rudi", "--config", str(config))
    assert opened.exit_code == 0, opened.output
    (reference,) = {case["reference"] for case in listed(config, "cases", "list")} - before
    assert f"case {reference} made" in opened.output
    assert f"mailbot cases reclassify {reference}" in opened.output
    case = json.loads(
        invoke("cases", "show", str(reference), "--json", "--config", str(config)).output
    )
    assert (case["needs_decision"], case["requester"]) == (True, "tom.baker@example.com")
    assert case["events"][0]["actor"] == "rudi"
    again = invoke("quarantine", "open", str(deep), "--config", str(config))
    assert again.exit_code == 1
    assert f"no longer in quarantine: it made case {reference}" in again.stderr

    no_reason = invoke("quarantine", "dismiss", str(anonymous), "--config", str(config))
    assert no_reason.exit_code == 2 and "--reason" in no_reason.stderr
    dismissed = invoke(
        "quarantine", "dismiss", str(anonymous), "--reason", "a test mail of our own",
        "--by", "rudi", "--config", str(config),
    )  # fmt: skip
    assert dismissed.exit_code == 0, dismissed.output
    assert f"mail {anonymous}: dismissed by rudi at " in dismissed.output
    assert listed(config, "quarantine", "list") == []
    (gone,) = listed(config, "mails", "list", "--outcome", "dismissed")
    assert gone["id"] == anonymous
    shown = invoke("quarantine", "show", str(anonymous), "--config", str(config)).output
    assert "dismissed by rudi at " in shown and ": a test mail of our own" in shown
    twice = invoke(
        "quarantine", "dismiss", str(anonymous), "--reason", "x", "--config", str(config)
    )
    assert twice.exit_code == 1 and "it was dismissed by rudi on" in twice.stderr
