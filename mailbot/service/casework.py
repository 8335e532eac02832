"""The officer's decisions on a case: close, reopen, extend, refuse, and cases not sent by mail.

Each is one transaction that changes the case and records who did it, when and
why in the case's trail. Extension and refusal also draft the notice the person
gets (``service.drafting.Drafting.draft_notice``), in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from mailbot.config import Configuration, Settings
from mailbot.core.addresses import normalise
from mailbot.core.approval import (
    GRANTED,
    CloseFacts,
    DraftChoice,
    close_problems,
    extension_problems,
)
from mailbot.core.cases import (
    OPEN,
    CaseOutcome,
    Channel,
    ExtensionGround,
    RefusalGround,
    Status,
    case_due_date,
    format_reference,
)
from mailbot.core.confirmation import Answer
from mailbot.core.deadlines import extended_due_date
from mailbot.core.drafting import DraftKind, DraftStatus
from mailbot.core.rights import Right
from mailbot.errors import NotAllowed
from mailbot.service.cases import CaseView, not_purged, nothing_in_flight
from mailbot.service.clock import Clock
from mailbot.service.drafting import Notice, NoticeDrafter
from mailbot.service.suppression import suppress_case
from mailbot.storage.database import Database
from mailbot.storage.models import CaseRecord, utcnow
from mailbot.storage.store import CaseStore


@dataclass(frozen=True, slots=True)
class CaseWithNotice(CaseView):
    """The case after an extension or a refusal, with the notice's draft (its id)."""

    draft: int


def close(
    database: Database,
    configuration: Configuration,
    clock: Clock,
    reference: str,
    *,
    outcome: CaseOutcome,
    actor: str,
    note: str | None = None,
    ground: RefusalGround | None = None,
    drafts: DraftChoice | None = None,
    answered_outside: date | None = None,
) -> CaseView:
    """Close a case with its outcome (``core.approval.close_problems`` says when it may).

    Drafts still waiting are rejected or kept, as ``drafts`` says; ``answered_outside``
    records the day a request that came by post or phone was answered that way. A
    refusal needs its ground (given here, or with the refusal drafted before); a granted
    objection to direct marketing puts the verified addresses on the suppression list.
    """
    with database.session() as session:
        store = CaseStore(session)
        case = store.case_for_update(store.case(reference).id or 0)
        assert case.id is not None
        what = f"case {case.reference} cannot be closed"
        if case.status != Status.CLOSED:
            nothing_in_flight(store, case, what)
        waiting = [
            draft
            for draft in store.drafts_of(case.id)
            if draft.status in (DraftStatus.PENDING, DraftStatus.FAILED)
        ]
        problems = close_problems(
            CloseFacts(
                reference=case.reference,
                case_status=Status(case.status),
                outcome=outcome,
                channel=Channel(case.channel),
                answered=case.answered_at is not None,
                reply_sent=any(
                    draft.kind == DraftKind.REPLY and draft.status == DraftStatus.SENT
                    for draft in store.drafts_of(case.id)
                ),
                refusal_ground=(ground.value if ground else None) or case.refusal_ground,
                answered_outside=answered_outside,
                received=case.received_at.astimezone(clock.zone).date(),
                today=clock.local_today(),
                has_ground=ground is not None or case.refusal_ground is not None,
                waiting=[(draft.id or 0, DraftKind(draft.kind)) for draft in waiting],
                drafts=drafts,
            )
        )
        if problems:
            raise NotAllowed(what, problems)
        now = utcnow()
        if drafts is DraftChoice.REJECT:
            for draft in waiting:
                assert draft.id is not None
                store.unqueue(draft.id)
                draft.status, draft.reason = DraftStatus.REJECTED.value, "case closed"
                draft.updated_at = now
                session.add(draft)
        case.outcome, case.closed_at = outcome.value, now
        if ground is not None:
            case.refusal_ground = ground.value
        if answered_outside is not None:
            case.answered_at = datetime.combine(answered_outside, time(12, 0), tzinfo=clock.zone)
        if outcome in GRANTED:
            suppress_case(
                session,
                configuration.for_mailbox(case.mailbox),
                case,
                actor=actor,
                today=clock.local_today(),
                what=what,
            )
        detail: dict[str, Any] = {"outcome": outcome.value}
        if ground is not None:
            detail["ground"] = ground.value
        if note:
            detail["note"] = note
        if waiting:
            detail["drafts"] = {"choice": str(drafts), "ids": [draft.id for draft in waiting]}
        if answered_outside is not None:
            detail["answered_outside"] = answered_outside.isoformat()
        store.add_event(case.id, actor, "closed", detail)
        store.set_status(case, Status.CLOSED, actor, f"closed: {outcome.value}")
        session.commit()
        return CaseView.of(case, (), clock)


def take_answer(
    database: Database, clock: Clock, reference: str, answer: Answer, *, actor: str, note: str
) -> CaseView:
    """The officer's reading of the person's answer to a confirmation request or sender check
    (one mailbot left to him, or one he got another way): ``yes`` confirms the request and it
    is drafted on; ``no`` stops it (close it as ``not_the_person``); ``unclear`` keeps waiting.
    """
    if not note.strip():
        raise NotAllowed(f"case {reference}: the answer cannot be recorded", ["give a note"])
    with database.session() as session:
        store = CaseStore(session)
        case = store.case_for_update(store.case(reference).id or 0)
        assert case.id is not None
        if Status(case.status) not in OPEN or Status(case.status) is Status.SENT:
            raise NotAllowed(
                f"case {case.reference}: no answer is awaited", [f"it is {case.status}"]
            )
        not_purged(case, f"case {case.reference}: the answer cannot be recorded")
        now = utcnow()
        detail = {"answer": answer.value, "note": note, "mail_id": case.reply_to_check}
        case.reply_to_check = case.reply_check_reason = None
        if answer is Answer.YES:
            nothing_in_flight(store, case, f"case {case.reference} cannot be confirmed")
            case.confirmed_at, case.denied_at, case.drafting_due = now, None, True
            store.add_event(case.id, actor, "confirmed", detail | {"from": "the officer"})
        elif answer is Answer.NO:
            case.denied_at, case.drafting_due = now, False
            store.reject_pending(case.id, "the person denied it")
            store.add_event(case.id, actor, "denied", detail)
        else:
            store.add_event(case.id, actor, "reply_checked", detail)
        case.updated_at = now
        session.add(case)
        session.commit()
        return CaseView.of(case, (), clock)


def reopen(
    database: Database, clock: Clock, reference: str, *, actor: str, reason: str
) -> CaseView:
    """Reopen a closed case: it is drafted again and reviewed like a new one."""
    with database.session() as session:
        store = CaseStore(session)
        case = store.case(reference)
        assert case.id is not None
        if case.status != Status.CLOSED:
            raise NotAllowed(f"case {case.reference} cannot be reopened", [f"it is {case.status}"])
        not_purged(case, f"case {case.reference} cannot be reopened")
        store.add_event(
            case.id, actor, "reopened", {"reason": reason, "outcome_before": case.outcome}
        )
        case.outcome, case.closed_at, case.drafting_due = None, None, True
        case.denied_at = None  # drafted anew: the officer decided the request stands
        store.set_status(case, Status.NEW, actor, "reopened")
        session.commit()
        return CaseView.of(case, (), clock)


def extend(
    database: Database,
    drafting: NoticeDrafter,
    clock: Clock,
    reference: str,
    *,
    reason: str,
    ground: ExtensionGround,
    actor: str,
) -> CaseWithNotice:
    """Extend the deadline by two months and draft the notice (only within the first month).

    ``reason`` is the officer's explanation to the person; ``ground`` is what the
    register keeps (the complexity or the number of requests, Art. 12(3)).
    """
    if not reason.strip():
        raise NotAllowed(f"case {reference} cannot be extended", ["give the reasons"])
    with database.reader() as session:
        case = CaseStore(session).case(reference)
    first_month = case.original_due_date or case.due_date
    problems = extension_problems(
        Status(case.status), clock.local_today(), first_month, case.original_due_date is not None
    )
    if problems:
        raise NotAllowed(f"case {case.reference} cannot be extended", problems)
    received = case.received_at.astimezone(clock.zone).date()
    new_due = extended_due_date(received)

    def prepare(store: CaseStore, record: CaseRecord) -> None:
        assert record.id is not None
        if record.original_due_date is not None:  # extended by someone else meanwhile
            raise NotAllowed(f"case {record.reference} cannot be extended", ["already extended"])
        record.original_due_date, record.due_date = record.due_date, new_due
        record.extended_at, record.extension_reason = utcnow(), reason
        record.extension_ground = ground.value
        store.add_event(
            record.id,
            actor,
            "extended",
            {
                "due_before": first_month.isoformat() if first_month else None,
                "due_after": new_due.isoformat(),
                "reason": reason,
                "ground": ground.value,
            },
        )

    notice = Notice(DraftKind.EXTENSION, reason, new_due)
    return _with_notice(
        database, drafting, clock, case, notice=notice, actor=actor, prepare=prepare
    )


def refuse(
    database: Database,
    drafting: NoticeDrafter,
    clock: Clock,
    reference: str,
    *,
    reason: str,
    ground: RefusalGround,
    actor: str,
) -> CaseWithNotice:
    """Draft a refusal with the officer's reasons, in place of the reply.

    ``reason`` goes to the person; ``ground`` (a code) to the register.
    """
    what = f"case {reference} cannot be refused"
    if not reason.strip():
        raise NotAllowed(what, ["give the reasons"])
    with database.reader() as session:
        store = CaseStore(session)
        case = store.case(reference)
        if case.status not in OPEN:
            raise NotAllowed(what, [f"it is {case.status}"])
        nothing_in_flight(store, case, what)
    assert case.id is not None

    def prepare(store: CaseStore, record: CaseRecord) -> None:
        assert record.id is not None
        record.refusal_ground = ground.value
        store.add_event(record.id, actor, "refusal", {"reason": reason, "ground": ground.value})

    notice = Notice(DraftKind.REFUSAL, reason)
    return _with_notice(
        database, drafting, clock, case, notice=notice, actor=actor, prepare=prepare
    )


def _with_notice(
    database: Database,
    drafting: NoticeDrafter,
    clock: Clock,
    case: CaseRecord,
    *,
    notice: Notice,
    actor: str,
    prepare: Callable[[CaseStore, CaseRecord], None],
) -> CaseWithNotice:
    """Draft the officer's notice; the case as it is then, with the new draft's id."""
    assert case.id is not None
    draft_id = drafting.draft_notice(case.id, notice, actor, prepare)
    with database.reader() as session:
        return CaseWithNotice.of(CaseStore(session).case_by_id(case.id), (), clock, draft=draft_id)


def new_case(
    database: Database,
    settings: Settings,
    clock: Clock,
    *,
    requester: str,
    rights: tuple[Right, ...],
    received: date,
    channel: Channel,
    actor: str,
    name: str | None = None,
    language: str = "nl",
    note: str | None = None,
) -> CaseView:
    """A request that came by post, phone or otherwise: a case with the same clock."""
    address = normalise(requester)
    if address is None:
        raise NotAllowed("the case cannot be made", [f"{requester!r} is not an e-mail address"])
    if not rights:
        raise NotAllowed("the case cannot be made", ["name at least one right"])
    if received > clock.local_today():
        raise NotAllowed("the case cannot be made", ["the day of receipt is in the future"])
    zone = clock.zone
    received_at = datetime.combine(received, time(0, 0), tzinfo=zone)
    prefix = settings.organisation.reference_prefix
    with database.session() as session:
        store = CaseStore(session)
        number = store.next_reference_number(prefix, received.year)
        now = utcnow()
        case = store.add_case(
            CaseRecord(
                reference=format_reference(prefix, received.year, number),
                mailbox=settings.mailbox,
                status=Status.NEW.value,
                rights=[right.value for right in rights],
                language=language,
                requester=address,
                requester_name=name,
                subject="",
                received_at=received_at,
                due_date=case_due_date(received_at, zone, True),
                confidence=1.0,
                classified_by=actor,
                classified_at=now,
                channel=channel.value,
                created_at=now,
                updated_at=now,
            )
        )
        assert case.id is not None
        detail: dict[str, Any] = {"channel": channel.value, "rights": case.rights}
        if note:
            detail["note"] = note
        store.add_event(case.id, actor, "created", detail)
        session.commit()
        return CaseView.of(case, (), clock)
