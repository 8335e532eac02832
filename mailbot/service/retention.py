"""``mailbot purge``: delete the personal data of cases that ended long enough ago.

What goes and what stays is ``core.retention``'s; this module does it, one case
per transaction, so that a purge cut off halfway leaves every case either whole
or purged. A mail's record goes with its case: what stays of it are keyed hashes
of its key and bytes, tied to no case (``storage.purged_mails``), so that the
mail, still in the mailbox, is never read again as a new one. Mails that became
no case (auto-replies, bounces, duplicates, quarantined mail the officer dismissed)
go the same way after the same period, and the daily digests (they name the cases
open then) too. The register row and the bare trail of a purged case are deleted
``register_days`` after it ended. The worker runs this once a day; ``--dry-run`` only counts.

Data an erasure had to keep (``kept_data``, ``service.kept``) outlive their case's purge by
design: the purge names those whose period has ended (``kept_due``, reminding the officer
each day until he records them erased) and deletes the records erased ``register_days`` ago.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mailbot.config import Settings
from mailbot.core.cases import Status
from mailbot.core.retention import ENDED, Periods, bare_detail, purge_due, register_due
from mailbot.logs import log_failure
from mailbot.ports import Outcome
from mailbot.service.kept import due_kept
from mailbot.storage.database import Database, Session
from mailbot.storage.kept import KeptStore
from mailbot.storage.models import CaseRecord, MailRecord, utcnow
from mailbot.storage.purged_mails import MAIL_KEY
from mailbot.storage.retention import RetentionStore
from mailbot.storage.store import CaseStore
from mailbot.storage.users import signing_key

log = logging.getLogger(__name__)
TABLES = (
    "cases", "mails", "raw_mails", "attachments", "drafts", "draft_attachments",
    "draft_actions", "outbox", "case_messages", "case_events", "review_copies", "digests",
    "executions",
    "kept_data",
)  # fmt: skip
# Mail that became no case: machine mail, duplicates, and quarantined mail the officer
# dismissed (its period counted from the dismissal).
CASELESS = (Outcome.IGNORED.value, Outcome.DUPLICATE.value, Outcome.DISMISSED.value)


@dataclass
class PurgeReport:
    """What a purge removed (or, in a dry run, would remove), and what it kept and why."""

    cases: list[str] = field(default_factory=list)  # references of the purged cases
    mails: int = 0  # mail records deleted (of those cases, and mails that became no case)
    raw_mails: int = 0
    attachments: int = 0
    drafts: int = 0
    draft_attachments: int = 0
    outbox: int = 0
    digests: int = 0  # daily digests deleted
    register: list[str] = field(default_factory=list)  # register rows deleted (references)
    trail: int = 0  # trail entries deleted with them
    answered_not_closed: list[str] = field(default_factory=list)  # ended long ago, not closed
    quarantined_kept: int = 0  # waiting for the officer longer than the period
    # kept data whose period has ended, not erased yet: "REFERENCE in SOURCE" (no address)
    kept_due: list[str] = field(default_factory=list)
    kept_deleted: int = 0  # records of kept data erased register_days ago, deleted

    @property
    def removed_anything(self) -> bool:
        return bool(self.cases or self.mails or self.digests or self.register or self.kept_deleted)

    def as_json(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "mails": self.mails,
            "raw_mails": self.raw_mails,
            "attachments": self.attachments,
            "drafts": self.drafts,
            "draft_attachments": self.draft_attachments,
            "outbox": self.outbox,
            "digests": self.digests,
            "register": self.register,
            "trail": self.trail,
            "answered_not_closed": self.answered_not_closed,
            "quarantined_kept": self.quarantined_kept,
            "kept_due": self.kept_due,
            "kept_deleted": self.kept_deleted,
        }


def purge(
    database: Database, settings: Settings, *, now: datetime | None = None, dry_run: bool = False
) -> PurgeReport:
    """Purge every case due for it and the old mails that became no case; then delete the
    register rows (with their bare trails) past the register's own period."""
    now = now or utcnow()
    periods = settings.retention.periods
    secret = signing_key(database, MAIL_KEY, secrets.token_hex(32))
    report = PurgeReport()
    for case_id in _due_cases(database, periods, now):
        with database.session() as session:
            _purge_case(session, secret, case_id, now, report)
            _finish(session, dry_run)
    with database.session() as session:
        cutoff = now - timedelta(days=periods.closed_case_days)
        _purge_caseless(session, secret, cutoff, report)
        # A digest names the cases open on its day: it goes once every one of them can have
        # been purged (the shortest period after that day).
        shortest = min(periods.closed_case_days, periods.erasure_case_days)
        report.digests = RetentionStore(session).delete_digests(now - timedelta(days=shortest))
        _finish(session, dry_run)
        _kept(session, periods, now, cutoff, report)
    with database.session() as session:
        _kept_data(session, settings, now, report)
        _finish(session, dry_run)
    for case_id in _expired_cases(database, periods, now, dry_run, report):
        with database.session() as session:
            _delete_register_row(session, secret, case_id, report)
            _finish(session, dry_run)
    if report.removed_anything and not dry_run:
        database.release_deleted(TABLES)
    return report


def _finish(session: Session, dry_run: bool) -> None:
    if dry_run:
        session.rollback()
    else:
        session.commit()


def _ended_at(case: CaseRecord) -> datetime | None:
    return case.closed_at or case.updated_at


def _due_cases(database: Database, periods: Periods, now: datetime) -> list[int]:
    with database.reader() as session:
        found = RetentionStore(session).ended_cases()
    return [
        case.id
        for case in found
        if case.id is not None
        and purge_due(case.status, _ended_at(case), case.rights, now, periods)
    ]


def _expired_cases(
    database: Database, periods: Periods, now: datetime, dry_run: bool, report: PurgeReport
) -> list[int]:
    """The purged cases whose register rows are due to go. A dry run purged nothing: the
    cases it would have purged whose rows would go too are only named in ``report``."""
    with database.reader() as session:
        found = RetentionStore(session).purged_cases()
        store = CaseStore(session)
        would = [store.case(reference) for reference in report.cases] if dry_run else []

    def due(case: CaseRecord) -> bool:
        return register_due(case.status, _ended_at(case), now, periods)

    report.register += [case.reference for case in would if due(case)]
    return [case.id for case in found if case.id is not None and due(case)]


def _purge_case(
    session: Session, secret: str, case_id: int, now: datetime, report: PurgeReport
) -> None:
    """Delete the case's drafts and mails, bare its trail, blank the case itself (the
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
        _delete_mail(purge, secret, mail, report)
    purge.delete_message_ids(case_id)
    for event in store.events(case_id):
        event.detail = bare_detail(event.detail)
    case.requester = case.requester_name = case.address_on_file = case.send_to = None
    case.subject, case.identity_detail = "", ""
    case.evidence, case.signals = [], []
    case.verified_method = case.extension_reason = case.reply_check_reason = None
    # The mail an answer was in is gone; the earlier case a complaint was about would tell
    # that both came from the same person.
    case.reply_to_check = case.related_case = None
    case.purged_at = now
    store.add_event(case_id, "mailbot", "purged", {})
    report.cases.append(case.reference)


def _delete_mail(purge: RetentionStore, secret: str, mail: MailRecord, report: PurgeReport) -> None:
    attachments, raw = purge.delete_mail(secret, mail)
    report.attachments += attachments
    report.raw_mails += raw
    report.mails += 1


def _purge_caseless(session: Session, secret: str, cutoff: datetime, report: PurgeReport) -> None:
    purge = RetentionStore(session)
    for mail in purge.caseless_mails(CASELESS, cutoff):
        _delete_mail(purge, secret, mail, report)


def _delete_register_row(session: Session, secret: str, case_id: int, report: PurgeReport) -> None:
    """Delete a purged case's register row and bare trail (and anything that still points at
    it: nothing should, after the purge)."""
    store = CaseStore(session)
    case = store.case_for_update(case_id)
    purge = RetentionStore(session)
    purge.delete_drafts(case_id)
    for mail in store.case_mails(case_id):
        _delete_mail(purge, secret, mail, report)
    session.expunge(case)
    report.trail += purge.delete_case(case_id)
    report.register.append(case.reference)


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


def _kept_data(session: Session, settings: Settings, now: datetime, report: PurgeReport) -> None:
    """Name the kept data whose period has ended (first reminded now, if not before), and
    delete the records of those erased longer than the register's period ago."""
    today = now.astimezone(settings.organisation.zone).date()
    for record in due_kept(session, today):
        report.kept_due.append(f"{record.reference} in {record.source}")
        if record.reminded_at is None:
            record.reminded_at = now
            session.add(record)
    before = now - timedelta(days=settings.retention.register_days)
    report.kept_deleted = len(KeptStore(session).delete_done(before))


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
            "purge: %d case(s) purged, %d mail(s) and %d draft(s) deleted, %d register row(s) "
            "past the register's period deleted",
            len(report.cases),
            report.mails,
            report.drafts,
            len(report.register),
        )
        if report.answered_not_closed or report.quarantined_kept:
            log.warning(
                "purge: %d answered case(s) not closed and %d quarantined mail(s) are kept "
                "past the retention period; see mailbot purge --dry-run",
                len(report.answered_not_closed),
                report.quarantined_kept,
            )
        if report.kept_due:
            log.warning(
                "purge: %d set(s) of kept data have passed their retention period and may now "
                "be erased; see mailbot kept list",
                len(report.kept_due),
            )
        return report
