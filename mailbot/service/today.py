"""The Today list: what waits for the officer and for the people who wrote, read from the
database and put in order by ``core.today``. The review pages' home page and the daily
digest both show it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from mailbot.config import Configuration, Settings
from mailbot.core.cases import OPEN, Status
from mailbot.core.classification.topics import Topic
from mailbot.core.deadlines import due_date
from mailbot.core.drafting import DraftKind, DraftStatus
from mailbot.core.execution import ActionFacts, executable
from mailbot.core.today import (
    ASKING,
    CaseFacts,
    DraftFacts,
    Facts,
    Item,
    case_items,
    today_items,
)
from mailbot.ports import Outcome
from mailbot.service.clock import Clock
from mailbot.service.execution import statement_keys
from mailbot.service.kept import due_kept
from mailbot.storage import case_list
from mailbot.storage.database import Database, Session
from mailbot.storage.drafts import DraftStore
from mailbot.storage.models import CaseRecord, DraftRecord
from mailbot.storage.store import CaseStore

# The drafts that still wait for someone: the officer (pending, failed) or the outbox.
WAITING = (DraftStatus.PENDING.value, DraftStatus.APPROVED.value, DraftStatus.FAILED.value)


def _day(clock: Clock, moment: datetime | None) -> date | None:
    return moment.astimezone(clock.zone).date() if moment is not None else None


def case_facts(
    case: CaseRecord,
    drafts: list[DraftRecord],
    actions: dict[int, int],
    clock: Clock,
    executable: Collection[int] = (),
) -> CaseFacts:
    """``case`` as the Today rules read it; ``drafts``: all of its drafts; ``executable``:
    the drafts with an open action mailbot carries out itself (``executable_drafts``)."""
    asked = [
        draft.sent_at
        for draft in drafts
        if DraftKind(draft.kind) in ASKING and draft.sent_at is not None
    ]
    return CaseFacts(
        reference=case.reference,
        status=Status(case.status),
        due=case.due_date,
        breach=Topic.DATA_BREACH.value in case.topics,
        breach_notify_by=clock.moment(case.breach_notify_by)[:16].replace("T", " ")
        if case.breach_notify_by
        else "",
        authority=Topic.SUPERVISORY_AUTHORITY.value in case.topics,
        needs_decision=case.needs_decision,
        low_confidence=case.low_confidence,
        spoofed=case.identity == "spoofed",
        denied=case.denied_at is not None,
        answer_to_read=case.reply_to_check is not None,
        answered_on=_day(clock, case.answered_at),
        drafts=[
            DraftFacts(
                id=draft.id or 0,
                kind=DraftKind(draft.kind),
                status=draft.status,
                error=draft.error,
                open_actions=actions.get(draft.id or 0, 0),
                executable=(draft.id or 0) in executable,
            )
            for draft in drafts
            if draft.status in WAITING
        ],
        asked_on=_day(clock, max(asked)) if asked else None,
    )


def executable_drafts(
    session: Session, actions: dict[int, int], settings: Settings | None
) -> set[int]:
    """The drafts (of ``actions``: draft -> its open actions) with an open action mailbot can
    carry out itself: a source of ``settings`` has a statement for it."""
    keys = statement_keys(settings) if settings is not None else {}
    if not keys:
        return set()
    store = DraftStore(session)
    found = set()
    for draft_id in actions:
        facts = [
            ActionFacts(
                id=record.id or 0, source=record.source, right=record.right, done=record.done,
                recipient=record.recipient, kept_until=record.kept_until,
            )
            for record in store.actions(draft_id, open_only=True)
        ]  # fmt: skip
        if executable(facts, keys):
            found.add(draft_id)
    return found


def gather(database: Database, settings: Settings, clock: Clock) -> Facts:
    """Today's facts for ``settings``' mailbox (references, counts, dates; no mail text)."""
    with database.reader() as session:
        store = CaseStore(session)
        cases = store.cases_in([status.value for status in OPEN], settings.mailbox)
        found = DraftStore(session)
        drafts = found.of_cases([case.id or 0 for case in cases])
        waiting = [draft.id or 0 for draft in drafts if draft.status == DraftStatus.PENDING]
        actions = found.open_action_counts(waiting)
        runs = executable_drafts(session, actions, settings)
        missed = [
            (case.reference, due_date(case.received_at.astimezone(clock.zone).date()))
            for case in case_list.missed(session, settings.mailbox)
        ]
        quarantined = [
            mail
            for mail in store.mails_with_disposition(Outcome.QUARANTINED.value)
            if mail.mailbox == settings.mailbox
        ]
        kept = [
            (record.reference, record.source, record.until)
            for record in due_kept(session, clock.local_today(), settings.mailbox)
        ]
    per_case: dict[int, list[DraftRecord]] = {}
    for draft in drafts:
        per_case.setdefault(draft.case_id, []).append(draft)
    return Facts(
        today=clock.local_today(),
        cases=[
            case_facts(case, per_case.get(case.id or 0, []), actions, clock, runs) for case in cases
        ],
        quarantined=[
            (mail.id or 0, _day(clock, mail.arrived_at) or clock.local_today(), mail.reason)
            for mail in quarantined
        ],
        missed=missed,
        smtp_configured=settings.smtp is not None,
        approved_waiting=sum(draft.status == DraftStatus.APPROVED for draft in drafts),
        kept_due=kept,
    )


def today(database: Database, settings: Settings, clock: Clock) -> list[Item]:
    """Everything waiting in ``settings``' mailbox today, in order."""
    return today_items(gather(database, settings, clock))


def next_steps(
    database: Database,
    clock: Clock,
    reference: str,
    configuration: Configuration | None = None,
) -> list[Item]:
    """What happens next in one case (its page's first lines), for whom; with
    ``configuration``, actions mailbot carries out itself link to the plan page."""
    with database.reader() as session:
        store = CaseStore(session)
        case = store.case(reference)
        drafts = store.drafts_of(case.id or 0)
        pending = [draft.id or 0 for draft in drafts if draft.status == DraftStatus.PENDING]
        actions = DraftStore(session).open_action_counts(pending)
        settings = configuration.for_mailbox(case.mailbox) if configuration is not None else None
        runs = executable_drafts(session, actions, settings)
    if Status(case.status) not in OPEN:
        return []
    return case_items(case_facts(case, drafts, actions, clock, runs), clock.local_today())
