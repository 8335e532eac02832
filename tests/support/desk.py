"""A privacy officer's desk for the service tests: intake, drafting, review and the views.

One database (SQLite or PostgreSQL, from the ``database`` fixture), real data
sources (a SQLite CRM and a CSV of invoices), and the bundled templates.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from itertools import count
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from mailbot.config import Configuration, Settings, settings_from_dict
from mailbot.datasources import open_sources
from mailbot.letters.render import Renderer
from mailbot.ports import MailKey, MailRef
from mailbot.service import approval
from mailbot.service.cases import Clock, show_case
from mailbot.service.draft_views import attachment_content, list_drafts, show_draft
from mailbot.service.drafting import Drafting
from mailbot.service.intake import Intake, IntakePolicy, IntakeResult
from mailbot.storage.database import Database
from tests.support.configs import base_config
from tests.support.datasets import crm_source, invoice_source, make_crm, make_invoices
from tests.support.mails import simple

OURS = "mx.voorbeeld.example"
PASS = (
    f"{OURS}; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com; "
    "dmarc=pass header.from=example.com"
)
FAIL = f"{OURS}; spf=fail smtp.mailfrom=example.com; dkim=none; dmarc=fail"
CLOCK = Clock(ZoneInfo("Europe/Amsterdam"), today=date(2026, 3, 10))
_uids = count(1)


class Desk:
    """Intake, drafting and the views, on one database with the test data sources."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self.configuration = Configuration((settings,))
        self.intake = Intake(database, IntakePolicy.from_settings(settings))
        self.sources = open_sources(settings.sources)
        self.drafting = Drafting(database, settings, self.sources, Renderer())

    def mail(self, body: str, **headers: str) -> IntakeResult:
        """A mail written by a person arrives (5 March 2026) and the drafting pass runs."""
        return self.deliver(simple(body, **headers))

    def deliver(self, raw: bytes, arrived: datetime | None = None) -> IntakeResult:
        """Any mail, as bytes, arrives; the drafting pass runs."""
        moment = arrived or datetime(2026, 3, 5, 9, tzinfo=UTC)
        ref = MailRef(MailKey("maildir", "/t", 0, f"m{next(_uids)}"), len(raw), moment)
        result = self.intake.process(ref, raw)
        self.drafting.run()
        return result

    def approve(self, reference: str, kind: str) -> str:
        """The officer approves the case's pending draft of ``kind``; its Message-ID."""
        draft = next(
            d for d in self.drafts(reference) if d["kind"] == kind and d["status"] == "pending"
        )
        return approval.approve(
            self.database, self.configuration, CLOCK, draft["id"], "officer"
        ).message_id

    def drafts(self, reference: str) -> list[dict[str, Any]]:
        """The case's drafts as ``drafts list --json`` prints them."""
        return [
            draft.as_json()
            for draft in list_drafts(self.database, CLOCK)
            if draft.case == reference
        ]

    def pending(self, reference: str) -> list[tuple[str, str]]:
        return [(d["kind"], d["to"]) for d in self.drafts(reference) if d["status"] == "pending"]

    def files(self, draft_id: int) -> dict[str, bytes]:
        names = show_draft(self.database, CLOCK, draft_id).attachments
        return {name: attachment_content(self.database, draft_id, name) for name in names}

    def draft_body(self, draft_id: int) -> str:
        return show_draft(self.database, CLOCK, draft_id).body

    def case(self, reference: str) -> dict[str, Any]:
        """The case as ``cases show --json`` prints it."""
        return show_case(self.database, CLOCK, reference).as_json()

    def close(self) -> None:
        for source in self.sources:
            source.close()


def open_desk(tmp_path: Path, database: Database, **sections: dict[str, Any]) -> Desk:
    """A desk whose configuration has the test data sources and ``sections`` added."""
    values = base_config(tmp_path, **sections)
    values["organisation"].update(
        trusted_authserv_id=OURS, automated_decisions="geen", transfers_outside_eea="geen"
    )
    values["sources"] = [
        crm_source(make_crm(tmp_path / "crm.db")).model_dump(mode="json"),
        invoice_source(make_invoices(tmp_path / "invoices.csv")).model_dump(mode="json"),
    ]
    settings = settings_from_dict(values, tmp_path / "mailbot.toml", environ={})
    return Desk(database, settings)


def desks(tmp_path: Path, database: Database, **sections: dict[str, Any]) -> Iterator[Desk]:
    """For a fixture: a desk, closed after the test."""
    desk = open_desk(tmp_path, database, **sections)
    yield desk
    desk.close()


TOM = "Tom Baker <tom.baker@example.com>"
