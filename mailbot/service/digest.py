"""The daily digest: gathered from the database, composed by ``core.digest``, sent via the outbox.

One per day: the day's ``digests`` row and its outbox mail are stored in one
transaction, and the day is the row's primary key, so two workers (or a
restart) never queue two.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from mailbot.config import Settings
from mailbot.core.cases import OPEN
from mailbot.core.digest import CaseLine, Digest, DigestFacts, DraftLine, compose
from mailbot.core.drafting import DraftKind, DraftStatus
from mailbot.core.outgoing import Outgoing, build_message, message_id
from mailbot.ports import Outcome
from mailbot.service.approval import sender_of
from mailbot.service.clock import Clock
from mailbot.storage.database import Conflict, Database, conflicts_reported
from mailbot.storage.digests import DigestStore
from mailbot.storage.drafts import DraftStore
from mailbot.storage.models import CaseRecord, DraftRecord, utcnow
from mailbot.storage.outbox import enqueue
from mailbot.storage.store import CaseStore

# The drafts the digest names: waiting for the officer, approved and not sent yet, failed.
UNFINISHED = (DraftStatus.PENDING, DraftStatus.APPROVED, DraftStatus.FAILED)


def gather(database: Database, settings: Settings, clock: Clock) -> DigestFacts:
    """Today's facts for the digest (references and counts; no mail text)."""
    with database.reader() as session:
        store = CaseStore(session)
        cases = store.cases_in([status.value for status in OPEN], settings.mailbox)
        found = [
            (draft, reference)
            for draft, reference, _ in DraftStore(session).with_cases(None, [settings.mailbox])
            if draft.status in UNFINISHED
        ]
        quarantined = [
            mail
            for mail in store.mails_with_disposition(Outcome.QUARANTINED.value)
            if mail.mailbox == settings.mailbox
        ]
    references = {draft.case_id: reference for draft, reference in found}
    drafts = [draft for draft, _ in found]
    open_cases = sorted(
        (
            CaseLine(
                case.reference,
                list(case.rights),
                case.status,
                case.due_date,
                list(case.topics),
                case.needs_decision,
            )
            for case in cases
            if case.due_date is not None
        ),
        key=lambda line: (line.due, line.reference),
    )

    def line(draft: DraftRecord, detail: str = "") -> DraftLine:
        return DraftLine(draft.id or 0, references.get(draft.case_id, "?"), draft.kind, detail)

    by_case = {case.id: case for case in cases}
    extensions = []
    for draft in drafts:
        case = by_case.get(draft.case_id)
        if draft.kind == DraftKind.EXTENSION and draft.status != DraftStatus.FAILED and case:
            by = case.original_due_date.isoformat() if case.original_due_date else "?"
            extensions.append(line(draft, f"{draft.status}, must be sent by {by}"))
    return DigestFacts(
        today=clock.local_today(),
        organisation=settings.organisation.name,
        open_cases=open_cases,
        waiting=[
            line(draft, f"pending since {clock.moment(draft.created_at)[:10]}")
            for draft in drafts
            if draft.status == DraftStatus.PENDING
        ],
        failed=[
            line(draft, " ".join(draft.error.split())[:200])
            for draft in drafts
            if draft.status == DraftStatus.FAILED
        ],
        unsent_extensions=extensions,
        denied=[case.reference for case in cases if case.denied_at is not None],
        urgent=[(case.reference, _urgency(case, clock)) for case in cases if case.urgent],
        answers=[
            (case.reference, case.reply_check_reason or "")
            for case in cases
            if case.reply_to_check is not None
        ],
        quarantined=[
            f"mail {mail.id} of {clock.moment(mail.arrived_at)[:10]}: {mail.reason[:150]}"
            for mail in quarantined
        ],
    )


def today_digest(database: Database, settings: Settings, clock: Clock) -> Digest:
    return compose(gather(database, settings, clock))


def is_due(database: Database, settings: Settings, now: datetime) -> bool:
    """The digest is configured, its time of day has come, and today's was not queued yet."""
    digest = settings.digest
    if digest is None:
        return False
    local = now.astimezone(settings.organisation.zone)
    if local.time() < digest.time:
        return False
    with database.reader() as session:
        return not DigestStore(session).queued(settings.mailbox, local.date())


def queue(database: Database, settings: Settings, clock: Clock) -> int | None:
    """Queue today's digest; returns its outbox id, or None when it was already queued."""
    digest = settings.digest
    if digest is None:
        return None
    composed = today_digest(database, settings, clock)
    address, name = sender_of(settings)
    now = utcnow()
    made = message_id(uuid.uuid4().hex, address.rpartition("@")[2])
    content = build_message(
        Outgoing(
            sender=address,
            sender_name=name,
            to=digest.to,
            subject=composed.subject,
            body=composed.body,
            message_id=made,
            date=now,
            language="en",
            automatic="auto-generated",
        )
    )
    with database.session() as session:
        digests = DigestStore(session)
        day = clock.local_today()
        if digests.queued(settings.mailbox, day):
            return None
        row = enqueue(
            session,
            kind="digest",
            mailbox=settings.mailbox,
            message_id=made,
            sender=address,
            recipient=digest.to,
            content=content,
            now=now,
        )
        assert row.id is not None
        digests.add(settings.mailbox, day, row.id, now)
        try:
            with conflicts_reported(session):
                session.commit()
        except Conflict:  # another worker queued today's first
            return None
        return row.id


def _urgency(case: CaseRecord, clock: Clock) -> str:
    what = ", ".join(case.topics)
    if case.breach_notify_by is not None:
        return f"{what}: if it is a breach, notify the AP by {clock.moment(case.breach_notify_by)}"
    return what
