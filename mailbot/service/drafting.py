"""The drafting pass: for every case marked ``drafting_due``, decide who is asking and draft.

Runs after intake, outside its transaction: looking people up in the company's
data sources is I/O that must not hold the mailbox's lock. Per case, the facts
are gathered first (identity, lookups, copies), then the pure ``core.drafting``
plan says what to draft and to whom, and the drafts, their attachments and
actions, the case's new status and the audit entries are stored in one
transaction. A crash before that commit leaves the case due, to be drafted
again; nothing is half-drafted.

Nothing here sends anything: the drafts wait for the officer, except an
acknowledgement when ``drafts.auto_acknowledge`` is on (never to a sender that
looks forged, never for a case mailbot is unsure is a request). The officer's
own notices (an extension, a refusal) are drafted on demand by ``draft_notice``;
reminders to people who have not answered, after the cases due (``service.reminders``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Protocol

from mailbot.config import Settings
from mailbot.core.actions import Action, SourceHolding, actions_for
from mailbot.core.addresses import normalise
from mailbot.core.authentication import Judgement, Verdict
from mailbot.core.cases import Status
from mailbot.core.deadlines import local_day
from mailbot.core.drafting import (
    DraftKind,
    DraftStatus,
    PlannedDraft,
    Situation,
    plan,
    recipients_are_safe,
    rights_needing_actions,
)
from mailbot.core.identity import (
    Identity,
    IdentityDecision,
    contact_change,
    decide_identity,
    delivery_elsewhere,
    greeting_name,
    representation,
    sender_of,
)
from mailbot.core.parsing import parse_mail
from mailbot.core.reminders import Due
from mailbot.core.rights import Right
from mailbot.datasources.base import DataSource
from mailbot.errors import NotFound, UnparseableMail
from mailbot.letters import copies
from mailbot.letters.context import DraftFacts, context
from mailbot.letters.render import Renderer
from mailbot.logs import log_failure
from mailbot.service.approval import approve_in_session
from mailbot.service.clock import Clock
from mailbot.service.persondata import PersonData
from mailbot.service.reminders import Reminders
from mailbot.storage.database import REFUSALS, Database
from mailbot.storage.drafts import DraftStore
from mailbot.storage.models import (
    CaseRecord,
    DraftActionRecord,
    DraftAttachmentRecord,
    DraftRecord,
    MailRecord,
    utcnow,
)
from mailbot.storage.store import CaseStore

log = logging.getLogger(__name__)
ACTOR = "mailbot"
REPEAT_WINDOW = timedelta(days=365)


@dataclass(frozen=True, slots=True)
class Notice:
    """An extension notice or a refusal the officer asked for, with his reasons."""

    kind: DraftKind
    reasons: str
    extended_due: date | None = None


@dataclass
class _Gathered:
    """Facts about one case, read before anything is written."""

    case: CaseRecord
    situation: Situation
    name: str = ""  # how the letters greet the person
    notes: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    thread: list[str] = field(default_factory=list)


class Drafting:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        sources: Sequence[DataSource],
        renderer: Renderer,
        clock: Clock | None = None,
    ) -> None:
        self.database = database
        self.settings = settings
        self.renderer = renderer
        self.person_data = PersonData(database, settings, sources, renderer)
        self.clock = clock or Clock(settings.organisation.zone)
        self.reminders = Reminders(database, settings, self, self.clock)

    def due(self) -> list[int]:
        with self.database.reader() as session:
            return CaseStore(session).drafting_due(self.settings.mailbox)

    def run(self, stopping: Callable[[], bool] = lambda: False) -> int:
        """Draft every case that is due, then the reminders that are, until ``stopping()``;
        returns how many cases and reminders were drafted."""
        drafted = 0
        for case_id in self.due():
            if stopping():
                break  # the rest stay due: the next start drafts them
            try:
                drafted += self.draft(case_id)
            except REFUSALS:
                raise  # the database, not the case: the others would fail the same way
            except Exception as exc:  # one case's failure must not stop the others; it stays due
                log_failure(log, "case id %s could not be drafted; retried on the next pass",
                            case_id, exc=exc)  # fmt: skip
        if not stopping():
            drafted += self.reminders.run(stopping)
        return drafted

    # -- gathering -----------------------------------------------------------
    def _gather(self, case_id: int) -> _Gathered:
        with self.database.reader() as session:
            store = CaseStore(session)
            case = store.case_by_id(case_id)
            mails = store.case_mails(case_id)
            existing = store.drafts_of(case_id)
            reading = self._reading(store, mails[0]) if mails else _Reading("", _NO_MAIL)
            earlier = self._earlier_requests(store, case)
        requester = normalise(case.requester or "") or (case.requester or "").lower()
        sender = requester
        rights = tuple(Right(name) for name in case.rights)
        failed: list[str] = []
        verified = case.identity == Identity.VERIFIED
        if verified:
            decision = IdentityDecision(
                Identity.VERIFIED, True, f"verified: {case.verified_method}"
            )
        else:
            on_file = self.person_data.on_file(requester, failed)
            decision = decide_identity(
                on_file, reading.judgement, confirmed=case.confirmed_at is not None
            )
        text = reading.request_text
        writes_for = f"forwards a mail of {reading.writes_for}" if reading.writes_for else None
        situation = Situation(
            rights=rights,
            sender=sender,
            decision=decision,
            address_on_file=case.address_on_file
            or (requester if decision.identity is Identity.KNOWN else None),
            verified_send_to=case.send_to if verified else None,
            representation=None if verified else (representation(text) or writes_for),
            delivery=None if verified else delivery_elsewhere(text, sender),
            acknowledged=any(
                draft.kind == DraftKind.ACKNOWLEDGEMENT and draft.status != DraftStatus.REJECTED
                for draft in existing
            ),
            confirmed=case.confirmed_at is not None,
            contact_change=contact_change(text) if Right.RECTIFICATION in rights else None,
            needs_decision=case.needs_decision,
            topics=tuple(case.topics),
        )
        gathered = _Gathered(case, situation, self._name(case, decision, failed), failed=failed)
        gathered.notes += earlier
        gathered.thread = [m.message_id for m in mails if m.message_id and _from(m, requester)]
        return gathered

    def _reading(self, store: CaseStore, mail: MailRecord) -> _Reading:
        """What drafting needs from a case's first mail, as intake kept it; a mail recorded
        before intake kept it is read from its bytes (and judged with today's settings)."""
        if mail.request_text is not None and mail.sender_verdict is not None:
            judgement = Judgement(Verdict(mail.sender_verdict), mail.sender_detail or "")
            return _Reading(mail.request_text, judgement, mail.writes_for)
        raw = store.raw(mail.id) if mail.id is not None else None
        try:
            parsed = parse_mail(raw) if raw is not None else None
        except UnparseableMail:
            parsed = None
        if parsed is None:
            return _Reading(mail.request_text or "", _NO_MAIL)
        intake = self.settings.intake
        found = sender_of(parsed, self.settings.organisation.trust, intake.forwarders)
        writes_for = found.writes_for.address if found.writes_for else None
        return _Reading(parsed.request_text, found.judgement, writes_for)

    def _name(self, case: CaseRecord, decision: IdentityDecision, failed: list[str]) -> str:
        """The name on file, else the display name if it looks like one; never the name a
        forged mail gave."""
        if decision.identity is Identity.SPOOFED:
            return ""
        if case.address_on_file or decision.identity is Identity.KNOWN:
            address = case.address_on_file or normalise(case.requester or "") or ""
            on_file = self.person_data.name_on_file(address, failed)
            if on_file:
                return on_file
        return greeting_name(case.requester_name or "")

    def _earlier_requests(self, store: CaseStore, case: CaseRecord) -> list[str]:
        if not case.requester:
            return []
        since = case.received_at - REPEAT_WINDOW
        earlier = [
            other
            for other in store.cases_of(case.requester, case.mailbox)
            if other.id != case.id
            and other.rights
            and since <= other.received_at <= case.received_at
        ]
        return [
            f"repeated request: {other.reference} of {other.received_at.date().isoformat()} "
            "(within 12 months; the officer decides, nothing is refused automatically)"
            for other in earlier
        ]

    # -- drafting ------------------------------------------------------------
    def draft(self, case_id: int) -> bool:
        """Draft one case; False when it changed meanwhile (another worker, the officer).

        The facts are read and the drafts built outside the transaction; the
        transaction then locks the case and stores them only if the case is still
        as it was read, so that two workers never both draft it.
        """
        gathered = self._gather(case_id)
        case, situation = gathered.case, gathered.situation
        decided = plan(situation)
        if not recipients_are_safe(decided, situation):  # an invariant; never expected to trip
            raise RuntimeError(f"case {case.reference}: a data-bearing draft to an unsafe address")
        language = case.language if case.language in ("nl", "en", "de", "fr") else "en"
        built = [self._build(gathered, planned, language) for planned in decided.drafts]
        with self.database.session() as session:
            store = CaseStore(session)
            record = store.case_for_update(case_id)
            assert record.id is not None
            if not record.drafting_due or record.updated_at != case.updated_at:
                log.info("case %s changed while it was drafted; left as it is", case.reference)
                return False
            if record.denied_at is not None:  # "that was not me": nothing more is drafted
                record.drafting_due = False
                session.commit()
                return False
            drafts = DraftStore(session)
            self._supersede(drafts, record.id, [planned.kind for planned in decided.drafts])
            stored = [drafts.add(record.id, *parts) for parts in built]
            store.set_status(record, decided.status, ACTOR, "drafted")
            decision = situation.decision
            if record.identity != decision.identity.value:
                store.add_event(
                    record.id,
                    ACTOR,
                    "identity",
                    {"identity": decision.identity.value, "why": decision.reason},
                )
            record.identity, record.identity_detail = decision.identity.value, decision.reason
            record.address_on_file = situation.address_on_file
            record.drafting_due, record.updated_at = False, utcnow()
            store.add_event(
                record.id,
                ACTOR,
                "drafted",
                {
                    "drafts": [f"{d.kind} to {d.to}" for d in decided.drafts],
                    "status": decided.status.value,
                },
            )
            if self._may_acknowledge(record, decision):
                for draft in stored:
                    if draft.kind == DraftKind.ACKNOWLEDGEMENT:
                        approve_in_session(
                            session, self.settings, draft, record,
                            actor=ACTOR, today=self._today(), automatic=True,
                        )  # fmt: skip
            session.commit()
        log.info(
            "case %s drafted: %s",
            case.reference,
            ", ".join(d.kind for d in decided.drafts) or "nothing",
        )
        return True

    def _today(self) -> date:
        return datetime.now(self.settings.organisation.zone).date()

    def _may_acknowledge(self, case: CaseRecord, decision: IdentityDecision) -> bool:
        """An acknowledgement goes out unreviewed only when configured, and only when it is safe."""
        return (
            self.settings.drafts.auto_acknowledge
            and self.settings.smtp is not None
            and decision.identity is not Identity.SPOOFED
            and not case.low_confidence
        )

    def draft_notice(
        self,
        case_id: int,
        notice: Notice,
        actor: str,
        prepare: Callable[[CaseStore, CaseRecord], None] | None = None,
    ) -> int:
        """Draft the officer's extension notice or refusal; returns the draft's id.

        ``prepare`` changes the case in the same transaction (say, its due date), so
        that the case and its notice are stored together or not at all.
        """
        gathered = self._gather(case_id)
        case, situation = gathered.case, gathered.situation
        to = situation.address_on_file or situation.sender
        why = {DraftKind.EXTENSION: "the officer extends the deadline"}.get(
            notice.kind, "the officer refuses the request"
        )
        language = case.language if case.language in ("nl", "en", "de", "fr") else "en"
        built = self._build(gathered, PlannedDraft(notice.kind, to, why), language, notice)
        replaced = [notice.kind]
        if notice.kind is DraftKind.REFUSAL:
            replaced.append(DraftKind.REPLY)
        with self.database.session() as session:
            store = CaseStore(session)
            record = store.case_by_id(case_id)
            assert record.id is not None
            if prepare is not None:
                prepare(store, record)
            drafts = DraftStore(session)
            self._supersede(drafts, record.id, replaced, only_these=True)
            draft = drafts.add(record.id, *built)
            if notice.kind is DraftKind.REFUSAL:
                store.set_status(record, Status.READY_FOR_REVIEW, actor, "refusal drafted")
            store.add_event(record.id, actor, "drafted", {"drafts": [f"{notice.kind} to {to}"]})
            session.commit()
            assert draft.id is not None
            return draft.id

    def build_reminder(self, case_id: int, due: Due) -> DraftRecord:
        """The reminder ``due`` of case ``case_id``, not stored: to the address the request
        went to, in the case's language, with what the request asked (``service.reminders``
        stores it)."""
        gathered = self._gather(case_id)
        language = gathered.case.language
        language = language if language in ("nl", "en", "de", "fr") else "en"
        why = f"no answer {due.days} days after the {due.asked.value.replace('_', ' ')} was sent"
        planned = PlannedDraft(DraftKind.REMINDER, due.to, why)
        draft, _, _ = self._build(gathered, planned, language, reminder=due)
        draft.notes = []  # what the data sources said is the request's business, not this
        return draft

    def _supersede(
        self,
        drafts: DraftStore,
        case_id: int,
        kinds: Sequence[DraftKind],
        *,
        only_these: bool = False,
    ) -> None:
        """Pending drafts of the kinds drafted anew are replaced, not kept beside the new ones.

        A case drafted again replaces every pending draft but its acknowledgement;
        a notice (``only_these``) replaces only the ``kinds`` given.
        """
        pending = [d for d in drafts.of_case(case_id) if d.status == DraftStatus.PENDING]
        for draft in pending:
            replaced = draft.kind in kinds or (
                not only_these and draft.kind != DraftKind.ACKNOWLEDGEMENT
            )
            if replaced:
                draft.status, draft.reason = (
                    DraftStatus.REJECTED.value,
                    "superseded by a newer draft",
                )
                draft.updated_at = utcnow()

    def _build(
        self,
        gathered: _Gathered,
        planned: PlannedDraft,
        language: str,
        notice: Notice | None = None,
        reminder: Due | None = None,
    ) -> tuple[DraftRecord, list[DraftAttachmentRecord], list[DraftActionRecord]]:
        case, situation = gathered.case, gathered.situation
        failed = list(gathered.failed)
        notes = list(gathered.notes)
        holdings: list[SourceHolding] = []
        actions: list[Action] = []
        files: tuple[copies.CopyFile, ...] = ()
        if planned.carries_data:
            address = situation.address_on_file or planned.to
            files, holdings = self.person_data.files(case, address, language, failed)
            needed = rights_needing_actions(situation.rights)
            actions = actions_for(needed, holdings, self.clock.local_today())
            total = sum(len(item.content) for item in files)
            if total > self.settings.drafts.max_mail_bytes:
                notes.append(
                    f"the attachments are {total} bytes, over the mail size limit "
                    f"({self.settings.drafts.max_mail_bytes}): send them another way"
                )
        if failed:
            notes.append(f"these data sources could not be read: {', '.join(sorted(set(failed)))}")
        if situation.decision.identity is Identity.SPOOFED:
            notes.append(f"FORGED SENDER? {situation.decision.reason}")
        delivery = situation.delivery
        facts = DraftFacts(
            reference=case.reference,
            received=case.received_at.astimezone(self.settings.organisation.zone).date(),
            due=case.due_date or case.received_at.date(),
            rights=list(case.rights),
            person_name=gathered.name,
            holdings=holdings,
            actions=actions,
            attachments=[item.filename for item in files],
            failed_sources=sorted(set(failed)),
            representation=situation.representation,
            by_post=bool(delivery and delivery.by_post),
            delivery_address=delivery.address if delivery else None,
            forged=situation.decision.identity is Identity.SPOOFED,
            deceased="deceased" in situation.topics,
            channel=case.channel,
            direct_marketing=case.direct_marketing,
        )
        if notice is not None:
            facts = replace(
                facts,
                extension_reasons=notice.reasons if notice.kind is DraftKind.EXTENSION else "",
                extended_due=notice.extended_due,
                refusal_reasons=notice.reasons if notice.kind is DraftKind.REFUSAL else "",
            )
        if reminder is not None:
            zone = self.settings.organisation.zone
            facts = replace(
                facts, reminded=reminder.asked.value, asked_on=local_day(reminder.sent_at, zone)
            )
        rendered = self.renderer.render(
            DraftKind(planned.kind), language, context(self.settings, language, facts)
        )
        now = utcnow()
        draft = DraftRecord(
            case_id=case.id or 0,
            kind=planned.kind.value,
            language=rendered.language,
            to_address=planned.to,
            subject=rendered.subject,
            body=rendered.body,
            status=DraftStatus.PENDING.value,
            why=planned.why,
            notes=notes,
            in_reply_to=gathered.thread[-1] if gathered.thread else None,
            references=gathered.thread[-20:],
            created_at=now,
            updated_at=now,
        )
        attachments = [
            DraftAttachmentRecord(
                draft_id=0,
                filename=item.filename,
                content_type=item.content_type,
                size=len(item.content),
                content=item.content,
            )
            for item in files
        ]
        action_records = [
            DraftActionRecord(
                draft_id=0,
                case_id=0,
                source=action.source,
                right=action.right.value,
                text=action.text,
                kept_until=action.kept_until,
                recipient=action.recipient,
            )
            for action in actions
        ]
        return draft, attachments, action_records


_NO_MAIL = Judgement(Verdict.UNCHECKED, "the case's mail cannot be read")


@dataclass(frozen=True)
class _Reading:
    """What drafting needs from a case's first mail."""

    request_text: str
    judgement: Judgement  # the receiving service's verdict on the requester's address
    writes_for: str | None = None  # the person whose mail the sender forwarded


def _from(mail: MailRecord, address: str) -> bool:
    return (mail.sender or "").lower() == address


class NoticeDrafter(Protocol):
    """What the officer's notices need: one mailbox's ``Drafting``, or every mailbox's."""

    def draft_notice(
        self,
        case_id: int,
        notice: Notice,
        actor: str,
        prepare: Callable[[CaseStore, CaseRecord], None] | None = None,
    ) -> int: ...


class Draftings:
    """The drafting of every mailbox: each case is drafted with its own mailbox's settings,
    data sources and templates (what the command line and the review pages use)."""

    def __init__(self, database: Database, by_mailbox: Mapping[str, Drafting]) -> None:
        self.database = database
        self.by_mailbox = dict(by_mailbox)

    def run(self, stopping: Callable[[], bool] = lambda: False) -> int:
        return sum(drafting.run(stopping) for drafting in self.by_mailbox.values())

    def of_case(self, case_id: int) -> Drafting:
        with self.database.reader() as session:
            mailbox = CaseStore(session).case_by_id(case_id).mailbox
        try:
            return self.by_mailbox[mailbox]
        except KeyError:
            raise NotFound(
                f"case {case_id} belongs to mailbox {mailbox!r}, which is not configured"
            ) from None

    def draft_notice(
        self,
        case_id: int,
        notice: Notice,
        actor: str,
        prepare: Callable[[CaseStore, CaseRecord], None] | None = None,
    ) -> int:
        return self.of_case(case_id).draft_notice(case_id, notice, actor, prepare)
