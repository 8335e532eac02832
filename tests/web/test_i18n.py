"""Every text of the pages exists in Dutch, and every code has a label in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mailbot import i18n
from mailbot.core.cases import CaseOutcome, Channel, Status
from mailbot.core.drafting import DraftKind, DraftStatus
from mailbot.core.identity import Identity
from mailbot.core.rights import Right

pytestmark = pytest.mark.database_incidental("the pages' texts and labels, read")

WEB = Path(i18n.__file__).parent / "web"
CALLED = re.compile(r"""\bt\(\s*(["'])(.+?)\1\s*\)""")


def texts() -> set[str]:
    found: set[str] = set()
    for template in (WEB / "templates").glob("*.html"):
        found |= {match[1] for match in CALLED.findall(template.read_text(encoding="utf-8"))}
    for module in WEB.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        for call in re.findall(r"message\((.*?)\)\n", source, flags=re.DOTALL):
            found |= set(re.findall(r'"([A-Z][^"]+[.:a-z])"', call))
        found |= {m[1] for m in re.findall(r'error=(["\'])(.+?)\1', source)}
    return found


def test_every_text_on_the_pages_has_its_dutch() -> None:
    found = texts()
    assert len(found) > 80
    assert sorted(text for text in found if text not in i18n.DUTCH) == []


def test_every_code_has_a_label_in_both_languages() -> None:
    codes = {
        "status": Status, "right": Right, "identity": Identity, "outcome": CaseOutcome,
        "channel": Channel, "kind": DraftKind, "draft": DraftStatus,
    }  # fmt: skip
    missing = [
        f"{kind}.{code.value}"
        for kind, enum in codes.items()
        for code in enum
        if f"{kind}.{code.value}" not in i18n.LABELS
    ]
    assert missing == []
    done = set()
    for module in WEB.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        done |= set(re.findall(r"\?done=([a-z]+)", source))
        done |= set(re.findall(r'(?:request, session, |session, )"([a-z]+)", work', source))
    assert done and sorted(d for d in done if f"done.{d}" not in i18n.LABELS) == []


def test_the_labeller_and_translator() -> None:
    assert i18n.labeller("nl")("status", "ready_for_review") == "klaar voor beoordeling"
    assert i18n.labeller("en")("right", "erasure") == "erasure"
    assert i18n.labeller("en")("right", "unknown-code") == "unknown-code"
    assert i18n.translator("nl")("Cases") == "Zaken"
    assert i18n.translator("en")("Cases") == "Cases"
