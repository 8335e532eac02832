"""``mailbot purge``: delete the personal data of cases that ended long enough ago.

What goes and what stays is ``core.retention``'s; this module does it, one case
per transaction, so that a purge cut off halfway leaves every case either whole
or purged. A mail's row stays (emptied) with its key and hashes, so that the
mail, still in the mailbox, is never read again as a new one. Mails that
became no case (auto-replies, bounces, duplicates) are emptied after the
same period. The worker runs this once a day; ``--dry-run`` only counts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mailbot.config import Settings
from mailbot.core.cases import Status
from mailbot.core.retention import ENDED, Periods, bare_detail, purge_due
from mailbot.logs import log_failure
from mailbot.ports import Outcome
from mailbot.storage.database import Database, Session
from mailbot.storage.models import MailRecord, utcnow
from mailbot.storage.retention import RetentionStore
from mailbot.storage.store import CaseStore

log = logging.getLogger(__name__)
TABLES = (
    "cases", "mails", "raw_mails", "attachments", "drafts", "draft_attachments",
    "draft_actions", "outbox", "case_messages", "case_events", "review_copies",
)  # fmt: skip
CASELESS = (Outcome.IGNORED.value, Outcome.DUPLICATE.value)


@dataclass
class PurgeReport:
    """What a purge removed (or, in a dry run, would remove), and what it kept and why."""

    cases: list[str] = field(default_factory=list)  # references of the purged cases
    mails: int = 0  # mail records emptied (of those cases, and mails that became no case)
    raw_mails: int = 0
    attachments: int = 0
    drafts: int = 0
    draft_attachments: int = 0
    outbox: int = 0
    answered_not_closed: list[str] = field(default_factory=list)  # ended long ago, not closed
    quarantined_kept: int = 0  # waiting for the officer longer than the period

    @property
    def removed_anything(self) -> bool:
        return bool(self.cases or self.mails)

    def as_json(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "mails": self.mails,
            "raw_mails": self.raw_mails,
            "attachments": self.attachments,
            "drafts": self.drafts,
            "draft_attachments": self.draft_attachments,
            "outbox": self.outbox,
            "answered_not_closed": self.answered_not_closed,
            "quarantined_kept": self.quarantined_kept,
        }


def purge(
    database: Database, settings: Settings, *, now: datetime | None = None, dry_run: bool = False
) -> PurgeReport:
    """Purge every case due for it and the old mails that became no case."""
    now = now or utcnow()
    periods = settings.retention.periods
    report = PurgeReport()
    for case_id in _due_cases(database, periods, now):
        with database.session() as session:
            _purge_case(session, case_id, now, report)
            _finish(session, dry_run)
    with database.session() as session:
        cutoff = now - timedelta(days=periods.closed_case_days)
        _purge_caseless(session, cutoff, report)
        _finish(session, dry_run)
        _kept(session, periods, now, cutoff, report)
    if report.removed_anything and not dry_run:
        database.release_deleted(TABLES)
    return report


def _finish(session: Session, dry_run: bool) -> None:
    if dry_run:
        session.rollback()
    else:
        session.commit()


def _due_cases(database: Database, periods: Periods, now: datetime) -> list[int]:
    with database.reader() as session:
        found = RetentionStore(session).ended_cases()
    return [
        case.id
        for case in found
        if case.id is not None
        and purge_due(case.status, case.closed_at or case.updated_at, case.rights, now, periods)
    ]


def _purge_case(session: Session, case_id: int, now: datetime, report: PurgeReport) -> None:
    """Delete the case's drafts, empty its mails, bare its trail, blank the case itself (the
    records read in ``session`` and changed here are written when it commits)."""
    store = CaseStore(session)
    case = store.case_for_update(case_id)
    if Status(case.status) not in ENDED or case.purged_at is not None:  # changed meanwhile
        return
    purge = RetentionStore(session)
    deleted = purge.delete_drafts(case_id)
    report.drafts += deleted.drafts
    report.draft_attachments += deleted.attachments
    report.outbox += deleted.outbox
    for mail in store.case_mails(case_id):
        _empty_mail(store, mail, report)
    purge.delete_message_ids(case_id)
    for event in store.events(case_id):
        event.detail = bare_detail(event.detail)
    case.requester = case.requester_name = case.address_on_file = case.send_to = None
    case.subject, case.identity_detail = "", ""
    case.evidence, case.signals = [], []
    case.verified_method = case.extension_reason = case.reply_check_reason = None
    case.purged_at = now
    store.add_event(case_id, "mailbot", "purged", {})
    report.cases.append(case.reference)


def _empty_mail(store: CaseStore, mail: MailRecord, report: PurgeReport) -> None:
    """Keep the key, the hashes and the codes of a mail; delete its bytes and its text."""
    assert mail.id is not None
    attachments = len(store.attachments(mail.id))
    raw = store.has_raw(mail.id)
    store.forget_content(mail.id)
    report.attachments += attachments
    report.raw_mails += raw
    mail.sender = mail.forwarded_by = mail.writes_for = mail.message_id = None
    mail.subject, mail.body_text = "", ""
    mail.request_text, mail.authentication_results, mail.sender_detail = None, None, None
    mail.evidence, mail.notes = [], []
    report.mails += 1


def _purge_caseless(session: Session, cutoff: datetime, report: PurgeReport) -> None:
    store = CaseStore(session)
    for mail in RetentionStore(session).caseless_mails(CASELESS, cutoff):
        _empty_mail(store, mail, report)


def _kept(
    session: Session, periods: Periods, now: datetime, cutoff: datetime, report: PurgeReport
) -> None:
    """What the period has passed for but a purge may not touch: the officer must act."""
    store = RetentionStore(session)
    report.answered_not_closed = [
        case.reference
        for case in store.answered_not_closed()
        if now - case.answered_at >= timedelta(periods.days_for(case.rights))
    ]
    report.quarantined_kept = store.quarantined_before(cutoff)


class DailyPurge:
    """The worker's purge: when it starts, then once a day; a failed one is tried again later."""

    RETRY = timedelta(hours=1)

    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self.next_at: datetime | None = None

    def __call__(self, now: datetime | None = None) -> PurgeReport | None:
        now = now or utcnow()
        if self.next_at is not None and now < self.next_at:
            return None
        try:
            report = purge(self.database, self.settings, now=now)
        except Exception as exc:
            log_failure(log, "the daily purge failed; it is tried again in an hour", exc=exc)
            self.next_at = now + self.RETRY
            return None
        self.next_at = now + timedelta(days=1)
        log.info(
            "purge: %d case(s) purged, %d mail(s) emptied, %d draft(s) deleted",
            len(report.cases),
            report.mails,
            report.drafts,
        )
        if report.answered_not_closed or report.quarantined_kept:
            log.warning(
                "purge: %d answered case(s) not closed and %d quarantined mail(s) are kept "
                "past the retention period; see mailbot purge --dry-run",
                len(report.answered_not_closed),
                report.quarantined_kept,
            )
        return report
