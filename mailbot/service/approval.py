"""The officer's review of drafts: approve, edit, reject; and the actions a reply waits for.

Approving builds the mail once (``core.outgoing``), with a Message-ID in our own
domain, and queues exactly those bytes in the outbox, in the same transaction
that marks the draft approved. Nothing here talks to a mail server: the worker
sends what is queued (``service.outbox``). The rules (what may be approved,
what happens to the case) are in ``core.approval``; this module applies them.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from mailbot.config import Configuration, Settings
from mailbot.core.approval import (
    EDITABLE,
    REJECTABLE,
    ApprovalFacts,
    approval_problems,
    status_after_approval,
    status_after_withdrawal,
)
from mailbot.core.cases import Status
from mailbot.core.drafting import DATA_BEARING, DraftKind, DraftStatus
from mailbot.core.identity import IDENTIFIED
from mailbot.core.outbox import OutboxState
from mailbot.core.outgoing import Outgoing, OutgoingAttachment, build_message, message_id
from mailbot.errors import NotAllowed, NotFound
from mailbot.service.clock import Clock
from mailbot.service.kept import record_kept
from mailbot.service.notices import TOLD, RecipientNotices, contact_of, current_reply
from mailbot.service.suppression import suppress_case
from mailbot.service.views import JsonView
from mailbot.storage.database import Database, Session
from mailbot.storage.drafts import DraftStore
from mailbot.storage.models import (
    CaseRecord,
    DraftActionRecord,
    DraftAttachmentRecord,
    DraftRecord,
    OutboxRecord,
    utcnow,
)
from mailbot.storage.outbox import enqueue
from mailbot.storage.store import CaseStore

MAX_BODY = 1_000_000
MAX_SUBJECT = 300
AUTOMATIC = "mailbot"


@dataclass(frozen=True, slots=True)
class Approved(JsonView):
    """A draft approved: its mail is queued with ``message_id``, to go out from ``mailbox``."""

    id: int
    case: str
    mailbox: str
    message_id: str


@dataclass(frozen=True, slots=True)
class Rejected(JsonView):
    """A draft rejected, and its status now."""

    id: int
    case: str
    status: str


@dataclass(frozen=True, slots=True)
class Edited(JsonView):
    """A draft edited; ``changed`` is False when the text and subject were already so."""

    id: int
    case: str
    changed: bool


@dataclass(frozen=True, slots=True)
class CaseAction(JsonView):
    """An action in a data source for the case's reply, done or not (and by whom, when)."""

    id: int
    source: str
    right: str
    text: str
    kept_until: str | None
    done: bool
    done_by: str | None
    done_at: str | None


@dataclass(frozen=True, slots=True)
class CaseActions(JsonView):
    """The actions of the case's current reply (``draft``; None when none is drafted)."""

    case: str
    draft: int | None
    actions: tuple[CaseAction, ...]


@dataclass(frozen=True, slots=True)
class ActionDone(JsonView):
    """An action recorded as done, how many of its draft's actions are still open, and the
    recipient notices (Art. 19) it let mailbot draft (``notices``: their draft ids)."""

    case: str
    action: int
    open: int
    notices: tuple[int, ...] = ()


def sender_of(settings: Settings) -> tuple[str, str]:
    """The From address and name of every mail mailbot sends."""
    smtp = settings.smtp
    address = smtp.from_address if smtp is not None else settings.organisation.addresses[0]
    name = (smtp.from_name if smtp is not None else None) or settings.organisation.name
    return address, name


def open_actions(session: Session, draft: DraftRecord) -> list[DraftActionRecord]:
    """The draft's actions not done yet (an approval waits for them)."""
    return DraftStore(session).actions(draft.id, open_only=True)


def approval_facts(
    session: Session,
    draft: DraftRecord,
    case: CaseRecord,
    today: date,
    settings: Settings | None = None,
) -> ApprovalFacts:
    """What approving ``draft`` now depends on (``core.approval.approval_problems``).

    ``settings`` (the case's mailbox's) say where a recipient notice may go: without them
    (the confirmation step of a caller that has none) no address is allowed for it, and it
    cannot be approved; ``approve_in_session`` always has them.
    """
    kind = DraftKind(draft.kind)
    contact = (
        contact_of(settings, CaseStore(session), draft)
        if kind is DraftKind.RECIPIENT_NOTICE
        else None
    )
    return ApprovalFacts(
        kind=kind,
        draft_status=DraftStatus(draft.status),
        case_status=Status(case.status),
        case_reference=case.reference,
        open_actions=[f"[{action.id}] {action.text}" for action in open_actions(session, draft)],
        recipient_allowed=kind not in DATA_BEARING
        or draft.to_address.lower() in case.allowed_recipients,
        recipient=draft.to_address,
        today=today,
        first_month_ends=case.original_due_date or case.due_date,
        body=draft.body,
        identity_established=case.identity in IDENTIFIED,
        denied=case.denied_at is not None,
        refusal_ground=case.refusal_ground,
        addressed=bool(draft.to_address.strip()),
        contact=contact,
    )


def version_of(draft: DraftRecord) -> str:
    """A short fingerprint of what would go out: the officer confirms this version."""
    return fingerprint(draft.to_address, draft.subject, draft.body)


def fingerprint(to: str, subject: str, body: str) -> str:
    """``version_of`` a draft going to ``to`` with ``subject`` and ``body``."""
    return hashlib.sha256("\x00".join((to, subject, body)).encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class ApprovalCheck(JsonView):
    """What the officer confirms before a draft goes: where it goes, what it carries, what
    is still open, and why it cannot go yet (``problems``; empty: it can)."""

    draft: int
    case: str
    kind: str
    to: str
    subject: str
    body: str
    attachments: tuple[tuple[str, int], ...]  # (file name, bytes)
    open_actions: tuple[str, ...]
    identity: str | None
    identity_detail: str
    problems: tuple[str, ...]
    version: str


def approval_check(
    database: Database,
    clock: Clock,
    draft_id: int,
    configuration: Configuration | None = None,
) -> ApprovalCheck:
    """The confirmation step: the approval's facts and problems, changing nothing
    (``configuration``: where a recipient notice may go)."""
    with database.reader() as session:
        store = CaseStore(session)
        draft = store.draft(draft_id)
        case = store.case_by_id(draft.case_id)
        settings = configuration.for_mailbox(case.mailbox) if configuration is not None else None
        facts = approval_facts(session, draft, case, clock.local_today(), settings)
        files = DraftStore(session).attachments(draft_id)
        return ApprovalCheck(
            draft=draft_id,
            case=case.reference,
            kind=draft.kind,
            to=draft.to_address,
            subject=draft.subject,
            body=draft.body,
            attachments=tuple((item.filename, item.size) for item in files),
            open_actions=tuple(facts.open_actions),
            identity=case.identity,
            identity_detail=case.identity_detail,
            problems=tuple(approval_problems(facts)),
            version=version_of(draft),
        )


def approve_in_session(
    session: Session,
    settings: Settings,
    draft: DraftRecord,
    case: CaseRecord,
    *,
    actor: str,
    today: date,
    automatic: bool = False,
) -> OutboxRecord:
    """Approve ``draft`` and queue its mail, in the caller's transaction (not committed).

    ``settings`` are the case's own mailbox's: the mail goes out from there (its sender,
    SMTP server, Sent folder).
    """
    if settings.mailbox != case.mailbox:
        raise ValueError(
            f"case {case.reference} is in mailbox {case.mailbox}, not {settings.mailbox}"
        )
    store = CaseStore(session)
    kind = DraftKind(draft.kind)
    problems = approval_problems(approval_facts(session, draft, case, today, settings))
    if problems:
        raise NotAllowed(f"draft {draft.id} cannot be approved", problems)
    assert draft.id is not None
    assert case.id is not None
    now = utcnow()
    row = store.outbox_of(draft.id)
    if row is not None:  # a failed mail approved again: the same bytes, the same Message-ID
        row.state, row.attempts, row.next_attempt_at = OutboxState.QUEUED.value, 0, now
        row.created_at, row.last_error, row.claimed_by, row.lease_until = now, "", None, None
    else:
        row = _queue(session, settings, draft, case.reference, now, automatic=automatic)
    session.add(row)
    draft.status, draft.error = DraftStatus.APPROVED.value, ""
    draft.approved_by, draft.approved_at, draft.automatic = actor, now, automatic
    draft.message_id, draft.updated_at = row.message_id, now
    session.add(draft)
    store.add_message_id(case.id, row.message_id, "out")
    if kind is DraftKind.REPLY:  # the objection is granted: no more marketing, from now on
        suppress_case(
            session,
            settings,
            case,
            actor=actor,
            today=today,
            what=f"draft {draft.id} cannot be approved",
        )
    store.add_event(
        case.id,
        actor,
        "approved",
        {"draft": draft.id, "kind": draft.kind, "automatic": automatic},
    )
    store.set_status(case, status_after_approval(kind, Status(case.status)), actor, "approved")
    return row


def _queue(
    session: Session,
    settings: Settings,
    draft: DraftRecord,
    reference: str,
    now: datetime,
    *,
    automatic: bool,
) -> OutboxRecord:
    address, _ = sender_of(settings)
    made = message_id(uuid.uuid4().hex, address.rpartition("@")[2])
    content = build_message(
        outgoing(session, settings, draft, reference, made=made, now=now, automatic=automatic)
    )
    imap = settings.imap
    return enqueue(
        session,
        kind="draft",
        mailbox=settings.mailbox,
        message_id=made,
        sender=address,
        recipient=draft.to_address,
        content=content,
        now=now,
        draft_id=draft.id,
        file_in_sent=imap is not None and imap.sent_folder != "",
    )


def outgoing(
    session: Session,
    settings: Settings,
    draft: DraftRecord,
    reference: str,
    *,
    made: str,
    now: datetime,
    automatic: bool = False,
    attachments: Sequence[DraftAttachmentRecord] | None = None,
) -> Outgoing:
    """The mail ``draft`` becomes (Message-ID ``made``, dated ``now``), attachments and all
    (``attachments``, when the caller has read them already)."""
    if attachments is None:
        attachments = DraftStore(session).attachments(draft.id)
    address, name = sender_of(settings)
    return Outgoing(
        sender=address,
        sender_name=name,
        to=draft.to_address,
        subject=with_reference(draft.subject, reference),
        body=draft.body,
        message_id=made,
        date=now,
        in_reply_to=draft.in_reply_to,
        references=list(draft.references),
        language=draft.language,
        automatic="auto-replied" if automatic else None,
        attachments=[
            OutgoingAttachment(item.filename, item.content_type, item.content)
            for item in attachments
        ],
    )


def approve(
    database: Database,
    configuration: Configuration,
    clock: Clock,
    draft_id: int,
    actor: str,
    *,
    version: str | None = None,
) -> Approved:
    """The officer approves a draft: it is queued and the worker sends it from its case's
    mailbox. With ``version`` (``approval_check``'s), only the version he confirmed."""
    with database.session() as session:
        store = CaseStore(session)
        case = store.case_for_update(store.draft(draft_id).case_id)  # one decision at a time
        draft = store.draft(draft_id)
        session.refresh(draft)  # as it is now the case is ours
        if version is not None and version != version_of(draft):
            raise NotAllowed(
                f"draft {draft_id} cannot be approved",
                ["it changed since you confirmed it (someone edited it): look at it again"],
            )
        settings = configuration.for_mailbox(case.mailbox)
        row = approve_in_session(
            session, settings, draft, case, actor=actor, today=clock.local_today()
        )
        session.commit()
        return Approved(draft_id, case.reference, case.mailbox, row.message_id)


def with_reference(subject: str, reference: str) -> str:
    """The subject with ``[REF]`` in it (put back if an edit took it out), for the replies."""
    tag = f"[{reference}]"
    return subject if tag in subject else f"{tag} {subject}"


def withdraw(session: Session, draft: DraftRecord) -> bool:
    """Take an approved or failed draft out of the outbox; False when it is being sent now
    (or was sent)."""
    assert draft.id is not None
    store = CaseStore(session)
    if not store.unqueue(draft.id):
        return store.outbox_of(draft.id) is None
    draft.message_id = None
    return True


def reject(database: Database, clock: Clock, draft_id: int, actor: str, reason: str) -> Rejected:
    """The officer rejects a draft (also an approved one that has not left yet)."""
    if not reason.strip():
        raise NotAllowed(f"draft {draft_id} cannot be rejected", ["give a reason"])
    with database.session() as session:
        store = CaseStore(session)
        draft = store.draft(draft_id)
        case = store.case_by_id(draft.case_id)
        assert case.id is not None
        status = DraftStatus(draft.status)
        if status not in REJECTABLE:
            raise NotAllowed(f"draft {draft_id} cannot be rejected", [f"it is {status}"])
        if status is not DraftStatus.PENDING and not withdraw(session, draft):
            raise NotAllowed(f"draft {draft_id} cannot be rejected", ["it is being sent now"])
        draft.status, draft.reason, draft.updated_at = DraftStatus.REJECTED.value, reason, utcnow()
        session.add(draft)
        store.add_event(
            case.id, actor, "rejected", {"draft": draft_id, "kind": draft.kind, "reason": reason}
        )
        if status is DraftStatus.APPROVED:
            target = status_after_withdrawal(DraftKind(draft.kind), Status(case.status))
            store.set_status(case, target, actor, "approval withdrawn")
        if draft.kind == DraftKind.REFUSAL:  # not refused after all (unless refused again)
            case.refusal_ground = None
            session.add(case)
        if draft.kind == DraftKind.EXTENSION and case.original_due_date is not None:
            store.add_event(
                case.id,
                actor,
                "extension_withdrawn",
                {"due_date": case.original_due_date.isoformat()},
            )
            case.due_date, case.original_due_date = case.original_due_date, None
            case.extended_at, case.extension_reason, case.extension_ground = None, None, None
            session.add(case)
        session.commit()
        return Rejected(draft_id, case.reference, draft.status)


def edit(
    database: Database,
    clock: Clock,
    draft_id: int,
    actor: str,
    body: str,
    *,
    subject: str | None = None,
    version: str | None = None,
) -> Edited:
    """The officer's own text (and subject) for a draft; it is what will be sent.

    Withdraws an approval. A subject must be one line: a line break in it could
    otherwise start a header of its own, so it is refused, not cleaned.
    """
    what = f"draft {draft_id} cannot be edited"
    if not body.strip():
        raise NotAllowed(what, ["the text is empty"])
    if len(body) > MAX_BODY:
        raise NotAllowed(what, ["the text is over 1 MB"])
    if subject is not None:
        if any(c in subject for c in "\r\n\x00\x0b\x0c\x85\u2028\u2029"):
            raise NotAllowed(what, ["the subject must be a single line"])
        subject = subject.strip()
        if not subject or len(subject) > MAX_SUBJECT:
            raise NotAllowed(what, [f"the subject must be 1 to {MAX_SUBJECT} characters"])
    with database.session() as session:
        store = CaseStore(session)
        case = store.case_for_update(store.draft(draft_id).case_id)  # one decision at a time
        draft = store.draft(draft_id)
        session.refresh(draft)  # as it is now the case is ours
        assert case.id is not None
        if version is not None and version != version_of(draft):
            raise NotAllowed(
                what, ["it changed since you opened it (someone edited it): look at it again"]
            )
        status = DraftStatus(draft.status)
        if status not in EDITABLE:
            raise NotAllowed(f"draft {draft_id} cannot be edited", [f"it is {status}"])
        subject = draft.subject if subject is None else subject
        if body == draft.body and subject == draft.subject:
            return Edited(draft_id, case.reference, changed=False)
        if status is not DraftStatus.PENDING and not withdraw(session, draft):
            raise NotAllowed(f"draft {draft_id} cannot be edited", ["it is being sent now"])
        now = utcnow()
        before = len(draft.body)
        draft.drafted_body = draft.drafted_body if draft.drafted_body is not None else draft.body
        subject_changed = subject != draft.subject
        draft.body, draft.subject = body, subject
        draft.edited_by, draft.edited_at, draft.updated_at = actor, now, now
        draft.status = DraftStatus.PENDING.value
        session.add(draft)
        store.add_event(
            case.id,
            actor,
            "edited",
            {
                "draft": draft_id,
                "characters_before": before,
                "characters_after": len(body),
                "subject_changed": subject_changed,
                "approval_withdrawn": status is DraftStatus.APPROVED,
            },
        )
        if status is DraftStatus.APPROVED:
            target = status_after_withdrawal(DraftKind(draft.kind), Status(case.status))
            store.set_status(case, target, actor, "approval withdrawn by an edit")
        session.commit()
        return Edited(draft_id, case.reference, changed=True)


def case_actions(database: Database, clock: Clock, reference: str) -> CaseActions:
    """The per-source actions of the case's current reply, done or not."""
    with database.reader() as session:
        store = CaseStore(session)
        case = store.case(reference)
        assert case.id is not None
        reply = current_reply(store, case.id)
        actions = DraftStore(session).actions(reply.id) if reply is not None else []
        return CaseActions(
            case.reference,
            reply.id if reply is not None else None,
            tuple(
                CaseAction(
                    id=action.id or 0,
                    source=action.source,
                    right=action.right,
                    text=action.text,
                    kept_until=action.kept_until,
                    done=action.done,
                    done_by=action.done_by,
                    done_at=clock.moment(action.done_at) if action.done_at else None,
                )
                for action in actions
            ),
        )


def action_done(
    database: Database,
    reference: str,
    action_id: int,
    actor: str,
    note: str | None = None,
    *,
    notices: RecipientNotices | None = None,
) -> ActionDone:
    """Record that the officer carried out one action in a data source; with ``notices``,
    the recipient notices (Art. 19) that an erasure, rectification or restriction done
    makes due are drafted next (``service.notices``)."""
    with database.session() as session:
        store = CaseStore(session)
        case = store.case(reference)
        action = store.action(action_id)
        if action is None or action.case_id != case.id:
            raise NotFound(f"case {case.reference} has no action {action_id}")
        assert case.id is not None
        if not action.done:
            action.done, action.done_by, action.done_at = True, actor, utcnow()
            session.add(action)
            detail: dict[str, Any] = {
                "action": action_id,
                "source": action.source,
                "right": action.right,
            }
            if note:
                detail["note"] = note
            store.add_event(case.id, actor, "action_done", detail)
            record_kept(session, case, action)
            session.commit()
        left = len(open_actions(session, store.draft(action.draft_id)))
        drafts_notices = notices is not None and action.recipient is None and action.right in TOLD
        case_id, found = case.id, case.reference
    drafted = notices.draft(case_id) if notices is not None and drafts_notices else []
    return ActionDone(found, action_id, left, tuple(drafted))
