"""Cases as the officer sees them: listing, details, and his corrections.

The JSON shapes here are the product's interface (``mailbot cases list --json``,
``mailbot cases show REF --json``); field names are kept stable.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from mailbot.core.addresses import normalise
from mailbot.core.approval import extended_due_date
from mailbot.core.cases import Status, case_due_date, status_after_reclassification
from mailbot.core.identity import Identity, Verification
from mailbot.core.rights import Right
from mailbot.core.suppression import is_direct_marketing
from mailbot.errors import InvalidTransition, NotAllowed
from mailbot.service.clock import Clock
from mailbot.service.draft_views import case_drafts
from mailbot.storage.database import Database
from mailbot.storage.models import CaseRecord, MailRecord, utcnow
from mailbot.storage.store import CaseStore

__all__ = ["Clock", "case_json", "list_cases", "show_case"]


def case_json(case: CaseRecord, message_ids: list[str], clock: Clock) -> dict[str, Any]:
    """A case as JSON: the fields ``cases list --json`` prints for each case."""
    due = case.due_date
    return {
        "reference": case.reference,
        "mailbox": case.mailbox,
        "rights": list(case.rights),
        "language": case.language,
        "status": case.status,
        "requester": case.requester,
        "requester_name": case.requester_name,
        "subject": case.subject,
        "received_at": clock.moment(case.received_at),
        "due_date": due.isoformat() if due else None,
        "days_left": (due - clock.local_today()).days if due else None,
        "message_ids": message_ids,
        "evidence": list(case.evidence),
        "confidence": case.confidence,
        "low_confidence": case.low_confidence,
        "signals": list(case.signals),
        "classified_by": case.classified_by,
        "classified_at": clock.moment(case.classified_at),
        "identity": case.identity,
        "identity_detail": case.identity_detail,
        # The person said the request was not theirs: nothing more is drafted; close the case
        # as not_the_person. And an answer mailbot left to the officer, with why.
        "denied_at": clock.moment(case.denied_at) if case.denied_at else None,
        "reply_to_check": (
            {"mail_id": case.reply_to_check, "why": case.reply_check_reason or ""}
            if case.reply_to_check is not None
            else None
        ),
        "channel": case.channel,
        "extended": case.original_due_date is not None,
        "original_due_date": case.original_due_date.isoformat() if case.original_due_date else None,
        "extension_reason": case.extension_reason,
        "extension_ground": case.extension_ground,
        "refusal_ground": case.refusal_ground,
        "outcome": case.outcome,
        "closed_at": clock.moment(case.closed_at) if case.closed_at else None,
        "answered_at": clock.moment(case.answered_at) if case.answered_at else None,
        "direct_marketing": case.direct_marketing,
        "purged_at": clock.moment(case.purged_at) if case.purged_at else None,
    }


def mail_json(mail: MailRecord, store: CaseStore, clock: Clock) -> dict[str, Any]:
    assert mail.id is not None
    return {
        "id": mail.id,
        "mailbox": mail.mailbox,
        "arrived_at": clock.moment(mail.arrived_at),
        "outcome": mail.disposition,
        "reason": mail.reason,
        "sender": mail.sender,
        "forwarded_by": mail.forwarded_by,
        "writes_for": mail.writes_for,
        "sender_verdict": mail.sender_verdict,
        "sender_detail": mail.sender_detail,
        "subject": mail.subject,
        "message_id": mail.message_id,
        "size": mail.size,
        "language": mail.language,
        "rights": list(mail.rights),
        "notes": list(mail.notes),
        "attachments": [
            {
                "filename": attachment.filename,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "stored": attachment.content is not None,
            }
            for attachment in store.attachments(mail.id)
        ],
    }


def _message_ids(store: CaseStore, case: CaseRecord) -> list[str]:
    assert case.id is not None
    seen: dict[str, None] = {}
    for mail in store.case_mails(case.id):
        if mail.message_id:
            seen.setdefault(mail.message_id, None)
    return list(seen)


def list_cases(
    database: Database,
    clock: Clock,
    status: Status | None = None,
    mailboxes: Collection[str] | None = None,
) -> list[dict[str, Any]]:
    """The cases, oldest first; only those of ``mailboxes`` when given."""
    with database.reader() as session:
        store = CaseStore(session)
        return [
            case_json(case, _message_ids(store, case), clock)
            for case in store.cases(status.value if status else None, mailboxes)
        ]


def mailbox_of(database: Database, reference: str) -> str:
    """The mailbox a case belongs to; raises NotFound."""
    with database.reader() as session:
        return CaseStore(session).case(reference).mailbox


def show_case(database: Database, clock: Clock, reference: str) -> dict[str, Any]:
    """A case with its mails and its audit trail."""
    with database.reader() as session:
        store = CaseStore(session)
        case = store.case(reference)
        assert case.id is not None
        data = case_json(case, _message_ids(store, case), clock)
        data["mails"] = [mail_json(mail, store, clock) for mail in store.case_mails(case.id)]
        data["drafts"] = case_drafts(session, case, clock)
        data["events"] = [
            {
                "at": clock.moment(event.at),
                "actor": event.actor,
                "action": event.action,
                "detail": event.detail,
            }
            for event in store.events(case.id)
        ]
        return data


def reclassify(
    database: Database,
    clock: Clock,
    reference: str,
    *,
    rights: tuple[Right, ...],
    actor: str,
    note: str | None = None,
) -> dict[str, Any]:
    """The officer's correction of a case's rights, kept with who and when.

    Giving rights to a case that was no request starts its clock from the day of
    receipt (not from today); taking all rights away makes it no request.
    """
    with database.session() as session:
        store = CaseStore(session)
        case = store.case(reference)
        assert case.id is not None
        not_purged(case, f"case {case.reference} cannot be reclassified")
        nothing_in_flight(store, case, f"case {case.reference} cannot be reclassified")
        before_rights, before_status = list(case.rights), case.status
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
        store.add_event(case.id, actor, "reclassified", detail)
        session.add(case)
        session.commit()
        return case_json(case, _message_ids(store, case), clock)


def list_mails(
    database: Database, clock: Clock, outcome: str, mailboxes: Collection[str] | None = None
) -> list[dict[str, Any]]:
    """The mails with one outcome (say, ``quarantined`` or ``ignored``), oldest first."""
    with database.reader() as session:
        store = CaseStore(session)
        result = []
        for mail in store.mails_with_disposition(outcome):
            if mailboxes is not None and mail.mailbox not in mailboxes:
                continue
            data = mail_json(mail, store, clock)
            assert mail.id is not None
            data["readable"] = store.has_raw(mail.id)
            data["case"] = store.case_by_id(mail.case_id).reference if mail.case_id else None
            result.append(data)
        return result


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
) -> dict[str, Any]:
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
        return case_json(case, _message_ids(store, case), clock)


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
        raise ValueError(f"{option}: {value!r} is not an e-mail address")
    return normalised
