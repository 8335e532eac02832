"""Cases as the officer sees them: listing, details, and his corrections.

The JSON shapes here are the product's interface (``mailbot cases list --json``,
``mailbot cases show REF --json``); field names are kept stable.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Self

from mailbot.core.addresses import normalise
from mailbot.core.case_list import CaseFilter, Paging
from mailbot.core.cases import Status, case_due_date, status_after_reclassification
from mailbot.core.classification.topics import advice
from mailbot.core.deadlines import extended_due_date
from mailbot.core.identity import Identity, Verification
from mailbot.core.rights import Right
from mailbot.core.suppression import is_direct_marketing
from mailbot.errors import InvalidTransition, NotAllowed
from mailbot.service.clock import Clock
from mailbot.service.draft_views import DraftView, case_drafts
from mailbot.service.views import JsonView
from mailbot.storage import case_list
from mailbot.storage.database import Database
from mailbot.storage.models import AttachmentRecord, CaseRecord, MailRecord, utcnow
from mailbot.storage.store import CaseStore

__all__ = [
    "CaseDetail", "CaseView", "Clock", "FoundCases", "ListedMail", "MailView", "find_cases",
    "list_cases", "show_case",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class AnswerToCheck(JsonView):
    """An answer mailbot left to the officer (``reply_to_check``): which mail, and why."""

    mail_id: int
    why: str


@dataclass(frozen=True, slots=True)
class CaseView(JsonView):
    """A case as ``cases list --json`` prints it; the case decisions return it too."""

    reference: str
    mailbox: str
    rights: tuple[str, ...]
    language: str | None
    status: str
    requester: str | None
    requester_name: str | None
    subject: str
    received_at: str
    due_date: str | None
    days_left: int | None
    message_ids: tuple[str, ...]
    evidence: tuple[dict[str, Any], ...]
    confidence: float
    low_confidence: bool
    signals: tuple[str, ...]
    # Recall first: a case the officer must decide (a provisional clock until he does), what
    # else the mail is, and what to do about it.
    needs_decision: bool
    topics: tuple[str, ...]
    urgent: bool
    breach_notify_by: str | None
    related_case: str | None
    to_do: tuple[str, ...]
    classified_by: str
    classified_at: str
    identity: str | None
    identity_detail: str
    # The person said the request was not theirs: nothing more is drafted; close the case
    # as not_the_person. And an answer mailbot left to the officer, with why.
    denied_at: str | None
    reply_to_check: AnswerToCheck | None
    channel: str
    extended: bool
    original_due_date: str | None
    extension_reason: str | None
    extension_ground: str | None
    refusal_ground: str | None
    outcome: str | None
    closed_at: str | None
    answered_at: str | None
    direct_marketing: bool
    purged_at: str | None

    @classmethod
    def of(cls, case: CaseRecord, message_ids: tuple[str, ...], clock: Clock, **more: Any) -> Self:
        """The view of ``case`` (with ``more``, the fields a larger view adds)."""
        due = case.due_date
        return cls(
            reference=case.reference,
            mailbox=case.mailbox,
            rights=tuple(case.rights),
            language=case.language,
            status=case.status,
            requester=case.requester,
            requester_name=case.requester_name,
            subject=case.subject,
            received_at=clock.moment(case.received_at),
            due_date=due.isoformat() if due else None,
            days_left=(due - clock.local_today()).days if due else None,
            message_ids=message_ids,
            evidence=tuple(case.evidence),
            confidence=case.confidence,
            low_confidence=case.low_confidence,
            signals=tuple(case.signals),
            needs_decision=case.needs_decision,
            topics=tuple(case.topics),
            urgent=case.urgent,
            breach_notify_by=(
                clock.moment(case.breach_notify_by) if case.breach_notify_by else None
            ),
            related_case=case.related_case,
            to_do=advice(case.topics, case.needs_decision),
            classified_by=case.classified_by,
            classified_at=clock.moment(case.classified_at),
            identity=case.identity,
            identity_detail=case.identity_detail,
            denied_at=clock.moment(case.denied_at) if case.denied_at else None,
            reply_to_check=(
                AnswerToCheck(case.reply_to_check, case.reply_check_reason or "")
                if case.reply_to_check is not None
                else None
            ),
            channel=case.channel,
            extended=case.original_due_date is not None,
            original_due_date=(
                case.original_due_date.isoformat() if case.original_due_date else None
            ),
            extension_reason=case.extension_reason,
            extension_ground=case.extension_ground,
            refusal_ground=case.refusal_ground,
            outcome=case.outcome,
            closed_at=clock.moment(case.closed_at) if case.closed_at else None,
            answered_at=clock.moment(case.answered_at) if case.answered_at else None,
            direct_marketing=case.direct_marketing,
            purged_at=clock.moment(case.purged_at) if case.purged_at else None,
            **more,
        )


@dataclass(frozen=True, slots=True)
class MailAttachment(JsonView):
    """An attachment of a received mail; ``stored``: its bytes are kept (in the mail's),
    False when it was over ``intake.max_attachment_bytes``."""

    filename: str | None
    content_type: str
    size: int
    stored: bool


@dataclass(frozen=True, slots=True)
class MailView(JsonView):
    """A received mail and what became of it (``outcome``)."""

    id: int
    mailbox: str
    arrived_at: str
    outcome: str
    reason: str
    sender: str | None
    forwarded_by: str | None
    writes_for: str | None
    sender_verdict: str | None
    sender_detail: str | None
    subject: str
    message_id: str | None
    size: int
    language: str | None
    rights: tuple[str, ...]
    notes: tuple[str, ...]
    attachments: tuple[MailAttachment, ...]

    @classmethod
    def of(
        cls, mail: MailRecord, attachments: list[AttachmentRecord], clock: Clock, **more: Any
    ) -> Self:
        """The view of ``mail`` (with ``more``, the fields a larger view adds)."""
        assert mail.id is not None
        return cls(
            id=mail.id,
            mailbox=mail.mailbox,
            arrived_at=clock.moment(mail.arrived_at),
            outcome=mail.disposition,
            reason=mail.reason,
            sender=mail.sender,
            forwarded_by=mail.forwarded_by,
            writes_for=mail.writes_for,
            sender_verdict=mail.sender_verdict,
            sender_detail=mail.sender_detail,
            subject=mail.subject,
            message_id=mail.message_id,
            size=mail.size,
            language=mail.language,
            rights=tuple(mail.rights),
            notes=tuple(mail.notes),
            attachments=tuple(
                MailAttachment(
                    attachment.filename,
                    attachment.content_type,
                    attachment.size,
                    attachment.kept,
                )
                for attachment in attachments
            ),
            **more,
        )


@dataclass(frozen=True, slots=True)
class ListedMail(MailView):
    """A mail in ``mails list`` / ``quarantine list``: whether its bytes are kept, its case."""

    readable: bool
    case: str | None


@dataclass(frozen=True, slots=True)
class CaseEvent(JsonView):
    """One entry of a case's audit trail."""

    at: str
    actor: str
    action: str
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CaseDetail(CaseView):
    """A case as ``cases show --json`` prints it: with its mails, drafts and trail."""

    mails: tuple[MailView, ...]
    drafts: tuple[DraftView, ...]
    events: tuple[CaseEvent, ...]


def _message_ids(mails: list[MailRecord]) -> tuple[str, ...]:
    """The Message-IDs of a case's mails, once each, in order."""
    seen: dict[str, None] = {}
    for mail in mails:
        if mail.message_id:
            seen.setdefault(mail.message_id, None)
    return tuple(seen)


def _case_view(store: CaseStore, case: CaseRecord, clock: Clock) -> CaseView:
    """The view of ``case``, with its mails' Message-IDs."""
    assert case.id is not None
    return CaseView.of(case, _message_ids(store.case_mails(case.id)), clock)


def list_cases(
    database: Database,
    clock: Clock,
    status: Status | None = None,
    mailboxes: Collection[str] | None = None,
) -> list[CaseView]:
    """The cases, oldest first; only those of ``mailboxes`` when given."""
    with database.reader() as session:
        cases = CaseStore(session).cases(status.value if status else None, mailboxes)
        ids = case_list.message_ids(session, [case.id for case in cases if case.id is not None])
        return [CaseView.of(case, ids.get(case.id or 0, ()), clock) for case in cases]


@dataclass(frozen=True, slots=True)
class FoundCases:
    """A page of the case list: its cases, how many drafts of each wait for the officer (by
    reference, only those with any), and where the page is among all the filter finds."""

    cases: tuple[CaseView, ...]
    drafts_waiting: dict[str, int]
    paging: Paging


def find_cases(
    database: Database,
    clock: Clock,
    wanted: CaseFilter,
    page: str | None = None,
    mailboxes: Collection[str] | None = None,
) -> FoundCases:
    """Page ``page`` (``Paging.of``) of the cases ``wanted`` finds among those of ``mailboxes``
    (all when None), in the list's order (``storage.case_list.page_of_cases``); counted,
    filtered and paged by the database."""
    today = clock.local_today()
    with database.reader() as session:
        total = case_list.count_cases(session, wanted, mailboxes, today)
        paging = Paging.of(page, total)
        cases = case_list.page_of_cases(
            session, wanted, mailboxes, today, offset=paging.offset, limit=paging.size
        )
        ids = [case.id for case in cases if case.id is not None]
        message_ids = case_list.message_ids(session, ids)
        waiting = case_list.drafts_waiting(session, ids)
        return FoundCases(
            cases=tuple(
                CaseView.of(case, message_ids.get(case.id or 0, ()), clock) for case in cases
            ),
            drafts_waiting={
                case.reference: waiting[case.id] for case in cases if case.id in waiting
            },
            paging=paging,
        )


def mailbox_of(database: Database, reference: str) -> str:
    """The mailbox a case belongs to; raises NotFound."""
    with database.reader() as session:
        return CaseStore(session).case(reference).mailbox


def show_case(database: Database, clock: Clock, reference: str) -> CaseDetail:
    """A case with its mails and its audit trail."""
    with database.reader() as session:
        store = CaseStore(session)
        case = store.case(reference)
        assert case.id is not None
        mails = store.case_mails(case.id)
        return CaseDetail.of(
            case,
            _message_ids(mails),
            clock,
            mails=tuple(
                MailView.of(mail, store.attachments(mail.id or 0), clock) for mail in mails
            ),
            drafts=case_drafts(session, case, clock),
            events=tuple(
                CaseEvent(clock.moment(event.at), event.actor, event.action, event.detail)
                for event in store.events(case.id)
            ),
        )


def reclassify(
    database: Database,
    clock: Clock,
    reference: str,
    *,
    rights: tuple[Right, ...],
    actor: str,
    note: str | None = None,
) -> CaseView:
    """The officer's correction of a case's rights, kept with who and when.

    Giving rights to a case that was no request starts its clock from the day of
    receipt (not from today); taking all rights away makes it no request. A case that
    waited for the officer's decision (``needs_decision``) has it now: dismissing one
    needs a note saying why, kept in the trail with who decided.
    """
    with database.session() as session:
        store = CaseStore(session)
        case = store.case(reference)
        assert case.id is not None
        not_purged(case, f"case {case.reference} cannot be reclassified")
        nothing_in_flight(store, case, f"case {case.reference} cannot be reclassified")
        if case.needs_decision and not rights and not (note or "").strip():
            raise NotAllowed(
                f"case {case.reference} cannot be dismissed",
                ["it may be a request: say why it is none (--note)"],
            )
        before_rights, before_status = list(case.rights), case.status
        decided = case.needs_decision
        changed = sorted(case.rights) != sorted(right.value for right in rights)
        status = status_after_reclassification(Status(case.status), bool(rights), changed)
        now = utcnow()
        case.rights = [right.value for right in rights]
        case.direct_marketing = is_direct_marketing(case.rights, case.evidence, any_right=True)
        case.status = status.value
        case.due_date = case_due_date(case.received_at, clock.zone, bool(rights))
        if rights and case.original_due_date is not None:  # an extension announced stays
            case.due_date = extended_due_date(case.received_at.astimezone(clock.zone).date())
        case.confidence, case.low_confidence = 1.0, False
        case.needs_decision = False
        case.classified_by, case.classified_at, case.updated_at = actor, now, now
        case.drafting_due = True  # the drafts follow the corrected rights
        detail: dict[str, Any] = {
            "rights_before": before_rights,
            "rights_after": case.rights,
            "status_before": before_status,
            "status_after": case.status,
        }
        if note:
            detail["note"] = note
        if decided:
            detail["decided"] = "dismissed" if not rights else "a request"
        store.add_event(case.id, actor, "reclassified", detail)
        session.add(case)
        session.commit()
        return _case_view(store, case, clock)


def list_mails(
    database: Database, clock: Clock, outcome: str, mailboxes: Collection[str] | None = None
) -> list[ListedMail]:
    """The mails with one outcome (say, ``quarantined`` or ``ignored``), oldest first."""
    with database.reader() as session:
        store = CaseStore(session)
        return [
            ListedMail.of(
                mail,
                store.attachments(mail.id or 0),
                clock,
                readable=store.has_raw(mail.id or 0),
                case=store.case_by_id(mail.case_id).reference if mail.case_id else None,
            )
            for mail in store.mails_with_disposition(outcome)
            if mailboxes is None or mail.mailbox in mailboxes
        ]


VERIFIABLE = frozenset(
    {Status.NEW, Status.AWAITING_IDENTITY, Status.AWAITING_CONFIRMATION, Status.READY_FOR_REVIEW}
)


def verify(
    database: Database,
    clock: Clock,
    reference: str,
    *,
    method: str,
    actor: str,
    send_to: str | None = None,
    address_on_file: str | None = None,
    check: Verification = Verification.OTHER,
) -> CaseView:
    """The officer confirms who the person is (DOMAIN.md section 4).

    Possible ID documents received while the case awaited identity are deleted
    now; only the method and the date are kept. The reply is drafted next, to
    ``send_to`` (the address the person asked for), else to the address on file.
    """
    with database.session() as session:
        store = CaseStore(session)
        case = store.case(reference)
        assert case.id is not None
        if Status(case.status) not in VERIFIABLE:
            raise InvalidTransition(f"a case that is {case.status} cannot be verified")
        nothing_in_flight(store, case, f"case {case.reference} cannot be verified")
        on_file = _address(address_on_file, "--address-on-file") or (case.requester or "").lower()
        now = utcnow()
        case.identity = Identity.VERIFIED.value
        case.verified_method, case.verified_by, case.verified_at = method, actor, now
        case.verification = check.value
        case.address_on_file = on_file
        case.send_to = _address(send_to, "--send-to") or on_file
        case.drafting_due, case.updated_at = True, now
        deleted = 0
        for mail in store.case_mails(case.id):
            if mail.identity_evidence and mail.id is not None:
                deleted += store.forget_content(mail.id)
        store.add_event(
            case.id,
            actor,
            "verified",
            {
                "method": method,
                "check": check.value,
                "send_to": case.send_to,
                "id_documents_deleted": deleted,
            },
        )
        session.add(case)
        session.commit()
        return _case_view(store, case, clock)


def not_purged(case: CaseRecord, what: str) -> None:
    """A purged case has no mail, no address and no drafts left to work with."""
    if case.purged_at is not None:
        raise NotAllowed(
            what,
            [
                f"its personal data were purged on {case.purged_at.date().isoformat()} "
                "(retention); only its register row is left. Make a new case instead."
            ],
        )


def nothing_in_flight(store: CaseStore, case: CaseRecord, what: str) -> None:
    """Changing a case whose answer is on its way would let the old answer go out."""
    assert case.id is not None
    waiting = store.in_flight(case.id)
    if waiting:
        listed = ", ".join(str(draft_id) for draft_id in waiting)
        raise NotAllowed(
            what,
            [
                f"draft(s) {listed} are approved and waiting to be sent; wait until they are "
                "sent, or reject them first (mailbot drafts reject ID --reason ...)"
            ],
        )


def _address(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    normalised = normalise(value)
    if normalised is None:
        shown = value if len(value) <= 80 else value[:80] + "..."
        raise ValueError(f"{option}: {shown!r} is not an e-mail address")
    return normalised
