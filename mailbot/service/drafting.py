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
from collections.abc import Callable, Iterable, Mapping, Sequence
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
    Plan,
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
from mailbot.storage.database import REFUSALS, Database, given_up
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
BATCH = 50  # cases drafted together: their facts read in one transaction, stored in one


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
        """Draft every case that is due (in batches of ``BATCH``), then the reminders that
        are, until ``stopping()``; returns how many cases and reminders were drafted."""
        drafted = 0
        due = self.due()
        for start in range(0, len(due), BATCH):
            if stopping():
                break  # the rest stay due: the next start drafts them
            drafted += self.draft_batch(due[start : start + BATCH])
        if not stopping():
            drafted += self.reminders.run(stopping)
        return drafted

    def draft_batch(self, case_ids: Sequence[int]) -> int:
        """Draft the cases ``case_ids``: their facts read in one transaction, their drafts
        stored in another. A case that fails stays due (the others are drafted); if storing
        the batch fails, each case is stored alone. Returns how many were drafted."""
        prepared: list[_Prepared] = []
        for case_id, gathered in self._gather_all(case_ids).items():
            try:
                if isinstance(gathered, Exception):
                    raise gathered
                prepared.append(self._prepare(gathered))
            except REFUSALS:
                raise  # the database, not the case: the others would fail the same way
            except Exception as exc:  # one case's failure must not stop the others; it stays due
                log_failure(log, "case id %s could not be drafted; retried on the next pass",
                            case_id, exc=exc)  # fmt: skip
        if not prepared:
            return 0
        if len(prepared) == 1:
            done = [self._store_alone(prepared[0])]
        else:
            try:
                done = self._store_all(prepared)
            except Exception as exc:  # one case's failure (or a deadlock): each alone, below
                if isinstance(exc, REFUSALS) and not given_up(exc):
                    raise  # the database, not the case: the others would fail the same way
                log.warning("%d drafted cases could not be stored together (%s); storing each "
                            "alone", len(prepared), type(exc).__name__)  # fmt: skip
                # Built again: the records of the batch were flushed (they have ids) and
                # rolled back; stored again, they would be taken for rows that exist.
                done = [self._store_alone(one, rebuild=True) for one in prepared]
        for one, stored in zip(prepared, done, strict=True):
            if stored:
                log.info("case %s drafted: %s", one.gathered.case.reference,
                         ", ".join(d.kind for d in one.decided.drafts) or "nothing")  # fmt: skip
        return sum(done)

    # -- gathering -----------------------------------------------------------
    def _gather(self, case_id: int) -> _Gathered:
        gathered = self._gather_all([case_id])[case_id]
        if isinstance(gathered, Exception):
            raise gathered
        return gathered

    def _gather_all(self, case_ids: Sequence[int]) -> dict[int, _Gathered | Exception]:
        """The facts of each case (or what went wrong reading them), read in one transaction."""
        found: dict[int, _Gathered | Exception] = {}
        read: dict[int, tuple[CaseRecord, list[MailRecord], _Reading]] = {}
        with self.database.reader() as session:
            store = CaseStore(session)
            cases = store.cases_by_ids(case_ids)
            mails = store.mails_of_cases(case_ids)
            existing = _by_case(DraftStore(session).of_cases(case_ids))
            theirs = store.cases_of_requesters(cases.values())
            for case_id in case_ids:
                case = cases.get(case_id)
                if case is None:
                    found[case_id] = NotFound(f"no case with id {case_id}")
                    continue
                own = mails.get(case_id, [])
                try:
                    reading = self._reading(store, own[0]) if own else _Reading("", _NO_MAIL)
                except REFUSALS:
                    raise
                except Exception as exc:  # this case's mail, not the others'
                    found[case_id] = exc
                    continue
                read[case_id] = (case, own, reading)
        for case_id, (case, own, reading) in read.items():
            try:
                earlier = _earlier_requests(case, theirs.get(_owner(case), []))
                found[case_id] = self._facts(case, own, existing.get(case_id, []), reading, earlier)
            except REFUSALS:
                raise
            except Exception as exc:  # a data source's bug: this case stays due
                found[case_id] = exc
        return {case_id: found[case_id] for case_id in case_ids}

    def _facts(
        self,
        case: CaseRecord,
        mails: Sequence[MailRecord],
        existing: Sequence[DraftRecord],
        reading: _Reading,
        earlier: list[str],
    ) -> _Gathered:
        """One case's facts: who asks, what is on file, what the request says."""
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

    # -- drafting ------------------------------------------------------------
    def draft(self, case_id: int) -> bool:
        """Draft one case; False when it changed meanwhile (another worker, the officer)."""
        return self.draft_batch([case_id]) == 1

    def _prepare(self, gathered: _Gathered) -> _Prepared:
        """What to draft for a case and the drafts themselves, built outside any transaction."""
        case, situation = gathered.case, gathered.situation
        decided = plan(situation)
        if not recipients_are_safe(decided, situation):  # an invariant; never expected to trip
            raise RuntimeError(f"case {case.reference}: a data-bearing draft to an unsafe address")
        language = case.language if case.language in ("nl", "en", "de", "fr") else "en"
        built = [self._build(gathered, planned, language) for planned in decided.drafts]
        return _Prepared(gathered, decided, built)

    def _store_all(self, prepared: Sequence[_Prepared]) -> list[bool]:
        """Store the drafts of several cases in one transaction (see ``_store``)."""
        ids = [one.case_id for one in prepared]
        with self.database.session() as session:
            store = CaseStore(session)
            locked = store.cases_for_update(ids)
            pending = _by_case(DraftStore(session).of_cases(ids))
            done = [
                self._store(store, locked[one.case_id], one, pending.get(one.case_id, []))
                for one in prepared
            ]
            session.commit()
        return done

    def _store_alone(self, one: _Prepared, *, rebuild: bool = False) -> bool:
        """Store one case's drafts in a transaction of its own (``rebuild``: with drafts
        built anew); a failure leaves it due."""
        try:
            if rebuild:
                one = self._prepare(one.gathered)
            with self.database.session() as session:
                store = CaseStore(session)
                record = store.case_for_update(one.case_id)
                done = self._store(store, record, one, store.drafts_of(one.case_id))
                session.commit()
                return done
        except REFUSALS:
            raise
        except Exception as exc:
            log_failure(log, "case id %s could not be drafted; retried on the next pass",
                        one.case_id, exc=exc)  # fmt: skip
            return False

    def _store(
        self,
        store: CaseStore,
        record: CaseRecord,
        prepared: _Prepared,
        drafts_of_case: Sequence[DraftRecord],
    ) -> bool:
        """Store one case's drafts, its new status and trail, in the caller's transaction,
        on the case locked (``record``), only if it is still as it was read, so that two
        workers never both draft it; False when it changed meanwhile."""
        case, situation = prepared.gathered.case, prepared.gathered.situation
        decided, session = prepared.decided, store.session
        assert record.id is not None
        if not record.drafting_due or record.updated_at != case.updated_at:
            log.info("case %s changed while it was drafted; left as it is", case.reference)
            return False
        if record.denied_at is not None:  # "that was not me": nothing more is drafted
            record.drafting_due = False
            return False
        drafts = DraftStore(session)
        self._supersede(drafts_of_case, [planned.kind for planned in decided.drafts])
        stored = [drafts.add(record.id, *parts) for parts in prepared.built]
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
            self._supersede(drafts.of_case(record.id), replaced, only_these=True)
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

    @staticmethod
    def _supersede(
        drafts_of_case: Sequence[DraftRecord],
        kinds: Sequence[DraftKind],
        *,
        only_these: bool = False,
    ) -> None:
        """Pending drafts of the kinds drafted anew are replaced, not kept beside the new ones.

        A case drafted again replaces every pending draft but its acknowledgement;
        a notice (``only_these``) replaces only the ``kinds`` given.
        """
        for draft in drafts_of_case:
            if draft.status != DraftStatus.PENDING:
                continue
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


@dataclass(frozen=True)
class _Prepared:
    """One case's facts, what to draft, and the drafts built, waiting to be stored."""

    gathered: _Gathered
    decided: Plan
    built: list[tuple[DraftRecord, list[DraftAttachmentRecord], list[DraftActionRecord]]]

    @property
    def case_id(self) -> int:
        assert self.gathered.case.id is not None
        return self.gathered.case.id


def _by_case(drafts: Iterable[DraftRecord]) -> dict[int, list[DraftRecord]]:
    found: dict[int, list[DraftRecord]] = {}
    for draft in drafts:
        found.setdefault(draft.case_id, []).append(draft)
    return found


def _owner(case: CaseRecord) -> tuple[str, str]:
    return ((case.requester or "").lower(), case.mailbox)


def _earlier_requests(case: CaseRecord, theirs: Sequence[CaseRecord]) -> list[str]:
    """Notes on the same requester's requests in the 12 months before ``case`` (``theirs``:
    every case of the requester in the case's mailbox)."""
    if not case.requester:
        return []
    since = case.received_at - REPEAT_WINDOW
    earlier = [
        other
        for other in theirs
        if other.id != case.id and other.rights and since <= other.received_at <= case.received_at
    ]
    return [
        f"repeated request: {other.reference} of {other.received_at.date().isoformat()} "
        "(within 12 months; the officer decides, nothing is refused automatically)"
        for other in earlier
    ]


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
