"""The quarantine: mails mailbot could not read, and the officer's three answers to one.

- ``show``: the mail as ``core.quarantine.read_safely`` reads it (text only, its other
  parts listed and never opened), with why it was quarantined;
- ``open_case``: the officer decides it is a request. Intake makes the case as it makes
  any (``Intake.open_by_hand``: the same numbering, the clock from the mail's arrival),
  marked for the officer's decision on its rights (``cases reclassify``); drafting
  follows that decision as for any case;
- ``dismiss``: it is no request; who, when and why are kept with the mail, which leaves
  the quarantine (and the digest) and is purged like other mail that became no case.

``Intake.retry`` (read it again, after an update or a raised limit) is the third action.
Each decision is taken once, on the mail's locked record: a mail no longer in quarantine
is refused with what became of it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from mailbot.config import Configuration
from mailbot.core.quarantine import read_safely, request_mail, undecided
from mailbot.errors import NotAllowed
from mailbot.ports import Outcome
from mailbot.service.clock import Clock
from mailbot.service.intake import NEVER_READ, Intake, IntakeResult, refuse_unless_quarantined
from mailbot.service.readers import Reader
from mailbot.service.views import JsonView
from mailbot.storage.database import Database
from mailbot.storage.models import utcnow
from mailbot.storage.store import CaseStore

log = logging.getLogger(__name__)
MAX_REASON = 2000  # characters of the officer's reason for a dismissal


@dataclass(frozen=True, slots=True)
class ListedAttachment(JsonView):
    """A part of the mail that is not its text: named, never opened."""

    filename: str | None
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class QuarantinedMail(JsonView):
    """A mail of the quarantine as ``quarantine show --json`` prints it and its page shows it."""

    id: int
    mailbox: str
    outcome: str  # quarantined; once decided: dismissed, new_case, ...
    reason: str  # why it was quarantined (once decided: what became of it)
    arrived_at: str
    size: int
    readable: bool  # its bytes were read and kept (not: too large to read)
    sender: str  # the From header, as text
    subject: str
    date: str  # the Date header, as written
    text: str
    text_cut: bool  # longer than what is shown
    attachments: tuple[ListedAttachment, ...]
    problems: tuple[str, ...]  # what could not be read
    case: str | None
    dismissed_by: str | None
    dismissed_at: str | None
    dismissal_reason: str | None

    @property
    def quarantined(self) -> bool:
        return self.outcome == Outcome.QUARANTINED


def mailbox_of(database: Database, mail_id: int) -> str:
    """The mailbox a mail came to (``NotFound`` when there is no such mail)."""
    with database.reader() as session:
        return CaseStore(session).mail(mail_id).mailbox


def show(database: Database, clock: Clock, mail_id: int) -> QuarantinedMail:
    """The mail as the officer may see it: headers as text, text only, parts listed."""
    with database.reader() as session:
        store = CaseStore(session)
        record = store.mail(mail_id)
        raw = store.raw(mail_id)
        case = store.case_by_id(record.case_id).reference if record.case_id else None
    assert record.id is not None
    view = read_safely(raw) if raw is not None else None
    return QuarantinedMail(
        id=record.id,
        mailbox=record.mailbox,
        outcome=record.disposition,
        reason=record.reason,
        arrived_at=clock.moment(record.arrived_at),
        size=record.size,
        readable=view is not None,
        sender=view.sender if view else (record.sender or ""),
        subject=view.subject if view else record.subject,
        date=view.date if view else "",
        text=view.text if view else "",
        text_cut=view.cut if view else False,
        attachments=tuple(
            ListedAttachment(part.filename, part.content_type, part.size)
            for part in (view.attachments if view else ())
        ),
        problems=view.problems if view else (),
        case=case,
        dismissed_by=record.dismissed_by,
        dismissed_at=clock.moment(record.dismissed_at) if record.dismissed_at else None,
        dismissal_reason=record.dismissal_reason,
    )


def open_case(
    database: Database,
    configuration: Configuration,
    clock: Clock,
    mail_id: int,
    *,
    actor: str,
    reader: Reader | None = None,
) -> IntakeResult:
    """The officer makes a case of a quarantined mail (once); its reference in the result.

    The mail is read again first (with ``reader``: in a child process within the time
    limit, as the worker reads): when it can be read now, the case has its reading (the
    rights found kept as a suggestion); else what ``read_safely`` shows, and the sender
    from its headers where a From address can be read (else the identity stays unknown).
    Either way the officer decides the rights.
    """
    what = f"mail {mail_id} cannot be made a case"
    intake = Intake.for_mail(database, configuration, mail_id, reader)
    with database.reader() as session:
        store = CaseStore(session)
        refuse_unless_quarantined(store, store.mail(mail_id), what, clock.zone)
        raw = store.raw(mail_id)
    if raw is None:
        raise NotAllowed(what, [NEVER_READ])
    analysis = intake.analyse(raw)
    mail = analysis.mail if analysis.mail is not None else request_mail(raw, read_safely(raw))
    found = analysis.classification
    classification = replace(found, needs_decision=True) if found else undecided(mail)
    return intake.open_by_hand(mail_id, mail, classification, actor)


def dismiss(
    database: Database, clock: Clock, mail_id: int, actor: str, reason: str
) -> QuarantinedMail:
    """The officer finds a quarantined mail no request: kept with who, when and why (once).

    It leaves the quarantine and the digest; it stays read (never read again from the
    mailbox) and is purged with the mail that became no case, the period counted from now.
    """
    what = f"mail {mail_id} cannot be dismissed"
    reason = reason.strip()
    if not reason:
        raise NotAllowed(what, ["give a reason (it is kept with the mail)"])
    if len(reason) > MAX_REASON:
        raise NotAllowed(what, [f"the reason is longer than {MAX_REASON} characters"])
    with database.session() as session:
        store = CaseStore(session)
        record = store.mail_for_update(mail_id)
        refuse_unless_quarantined(store, record, what, clock.zone)
        now = utcnow()
        record.disposition = Outcome.DISMISSED.value
        record.dismissed_by, record.dismissed_at, record.dismissal_reason = actor, now, reason
        record.processed_at = now  # the retention period runs from the officer's decision
        session.commit()
    log.info("quarantined mail %s dismissed by the officer", mail_id)
    return show(database, clock, mail_id)
