"""Intake: one mail from a source becomes a case, a follow-up, or a recorded non-case.

Everything for a mail (its record, its bytes, attachments, the case, the audit
entry, its Message-ID) is committed in one transaction, keyed by the mail's
``MailKey``; ``store_batch`` commits several mails in one (group commit). A key
already recorded is never processed again, and the source moves a mail only after
its commit, so a crash at any moment followed by a restart loses nothing and
repeats nothing: what was not committed is unrecorded and unmoved, and read again.
A mail that fails inside a batch takes nothing with it: the batch is rolled back
and its mails are stored one by one, so that only that mail is quarantined.

Nothing is dropped: a mail that cannot be parsed, that is too large, or that
trips a bug in mailbot is *quarantined* with its reason (and its bytes when
they were read), and the mails after it go on.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from mailbot.config import Configuration, Settings
from mailbot.core.analysis import Analysis
from mailbot.core.authentication import Trust
from mailbot.core.bounces import read_bounce
from mailbot.core.cases import (
    Status,
    breach_notify_by,
    case_due_date,
    complaint_is_own_case,
    format_reference,
    received_moment,
    references_in,
)
from mailbot.core.classification import Classification
from mailbot.core.classification.topics import Topic
from mailbot.core.deadlines import local_day
from mailbot.core.followups import CaseLink, Direction, FollowUp, ThreadMatch, match_follow_up
from mailbot.core.identity import Sender, sender_of
from mailbot.core.mail import ParsedMail
from mailbot.core.parsing import Limits, peek_headers
from mailbot.core.suppression import is_direct_marketing
from mailbot.errors import NotAllowed
from mailbot.logs import log_failure
from mailbot.ports import CaseFinder, MailKey, MailRef, Outcome
from mailbot.service.answers import apply_answer
from mailbot.service.outbox import record_bounce
from mailbot.service.readers import InThread, Reader
from mailbot.storage.database import (
    REFUSALS,
    Conflict,
    Database,
    conflicts_reported,
    given_up,
    refusals_reported,
)
from mailbot.storage.models import AttachmentRecord, CaseRecord, MailRecord, utcnow
from mailbot.storage.purged_mails import PurgedMailStore
from mailbot.storage.store import CaseStore

log = logging.getLogger(__name__)
ACTOR = "mailbot"
MAX_BODY_TEXT = 1_000_000
PURGED = "read before; its record was purged"


@dataclass(frozen=True, slots=True)
class IntakePolicy:
    """What intake needs from the configuration."""

    zone: ZoneInfo
    reference_prefix: str
    own_addresses: frozenset[str]
    limits: Limits = field(default_factory=Limits)
    low_confidence: float = 0.7
    mailbox: str = "default"
    time_limit: float = 30.0  # seconds to read one mail (with a reader that can stop)
    trust: Trust = field(default_factory=Trust)  # whose Authentication-Results count
    forwarders: frozenset[str] = frozenset()  # colleagues whose forwards are the person's

    def sender_of(self, mail: ParsedMail) -> Sender:
        return sender_of(mail, self.trust, self.forwarders)

    @classmethod
    def from_settings(cls, settings: Settings) -> IntakePolicy:
        intake = settings.intake
        return cls(
            zone=settings.organisation.zone,
            reference_prefix=settings.organisation.reference_prefix,
            own_addresses=settings.own_addresses,
            limits=Limits(
                max_mail_bytes=intake.max_mail_bytes,
                max_attachment_bytes=intake.max_attachment_bytes,
                max_parts=intake.max_parts,
                max_depth=intake.max_depth,
            ),
            low_confidence=settings.classification.low_confidence,
            mailbox=settings.mailbox,
            time_limit=intake.time_limit,
            trust=settings.organisation.trust,
            forwarders=frozenset(address.lower() for address in intake.forwarders),
        )


ReadMail = tuple[MailRef, bytes | None, Analysis | None]  # a mail as ``Intake.store`` takes it


@dataclass(frozen=True, slots=True)
class IntakeResult:
    mail_id: int
    outcome: Outcome
    reference: str | None = None
    reason: str = ""
    read_again: bool = False  # the record was dropped so that the source delivers the mail again
    rekeyed: bool = False  # an existing record moved to this key (UIDVALIDITY changed)
    purged: bool = False  # read before, and its record purged since (``mail_id`` is 0)


class Intake:
    """Turns mails into cases; safe to call from several threads and processes."""

    def __init__(
        self, database: Database, policy: IntakePolicy, reader: Reader | None = None
    ) -> None:
        self.database = database
        self.policy = policy
        self.reader = reader if reader is not None else InThread()

    @classmethod
    def for_mail(
        cls,
        database: Database,
        configuration: Configuration,
        mail_id: int,
        reader: Reader | None = None,
    ) -> Intake:
        """The intake of the mailbox a mail came to (to retry a quarantined mail)."""
        with database.reader() as session:
            mailbox = CaseStore(session).mail(mail_id).mailbox
        policy = IntakePolicy.from_settings(configuration.for_mailbox(mailbox))
        return cls(database, policy, reader)

    def sort(self, refs: Sequence[MailRef]) -> tuple[list[MailRef], list[tuple[MailRef, Outcome]]]:
        """Split ``refs`` into mails not recorded yet and recorded ones with their outcome."""
        with self.database.reader() as session:
            known = CaseStore(session).known_keys((ref.key for ref in refs), self.policy.mailbox)
        unseen = [ref for ref in refs if ref.key not in known]
        recorded = [(ref, Outcome(known[ref.key])) for ref in refs if ref.key in known]
        return unseen, recorded

    def unseen(self, refs: Sequence[MailRef]) -> list[MailRef]:
        """The refs whose mail has not been recorded yet, in the order given."""
        return self.sort(refs)[0]

    def too_large(self, ref: MailRef) -> bool:
        return ref.size > self.policy.limits.max_mail_bytes

    def analyse(self, raw: bytes) -> Analysis:
        """Read a mail (parse, machine or person, rights) with this mailbox's limits."""
        policy = self.policy
        return self.reader.read(raw, policy.limits, policy.own_addresses, policy.time_limit)

    def process(self, ref: MailRef, raw: bytes | None) -> IntakeResult:
        """Record one mail and what became of it. ``raw`` is None when it was too large to read."""
        return self.store(ref, raw, None if raw is None else self.analyse(raw))

    def store(self, ref: MailRef, raw: bytes | None, analysis: Analysis | None) -> IntakeResult:
        """Record one mail read by ``analyse`` (None when it was too large to read)."""
        with refusals_reported():  # full, read-only, gone: the mail waits, nothing recorded
            return self._store(ref, raw, analysis)

    def store_batch(self, mails: Sequence[ReadMail]) -> list[IntakeResult]:
        """Record several mails read by ``analyse`` in one transaction, in their order; one
        result per mail. If any of them fails, nothing of the batch is kept and each is
        stored alone (``store``), so that a failing mail is quarantined alone."""
        if len(mails) == 1:
            return [self.store(*mails[0])]
        with refusals_reported():
            try:
                results = self._store_together(mails)
            except REFUSALS as exc:
                # A deadlock: each alone goes through. A full disk may still take the first
                # few alone; anything else refuses the first one again, and is raised then.
                why = "met another transaction" if given_up(exc) else "was refused"
                log.warning("a batch of %d mails %s (%s); storing each alone",
                            len(mails), why, type(exc).__name__)  # fmt: skip
                return [self._store(*mail) for mail in mails]
            except Exception as exc:  # one mail's failure: each is stored alone, below
                log.warning(
                    "a batch of %d mails could not be stored together (%s); storing each alone",
                    len(mails),
                    type(exc).__name__,
                )
                return [self._store(*mail) for mail in mails]
        for (ref, _, _), result in zip(mails, results, strict=True):
            log.info("mail %s: %s%s", _key_text(ref.key), result.outcome,
                     _ref_text(result.reference))  # fmt: skip
        return results

    def _store_together(self, mails: Sequence[ReadMail]) -> list[IntakeResult]:
        mailbox = self.policy.mailbox
        with self.database.session() as session, conflicts_reported(session):
            store = CaseStore(session)
            store.count_reference_numbers()
            known = store.known_keys((ref.key for ref, _, _ in mails), mailbox)
            batch = _Batch.of(
                store,
                mailbox,
                [ref.key for ref, _, _ in mails if ref.key not in known],
                [analysis.mail for _, _, analysis in mails if analysis and analysis.mail],
            )
            results = []
            for ref, raw, analysis in mails:
                if ref.key in known:  # recorded meanwhile (another worker): as it was recorded
                    found = _recorded_in(store, ref.key, mailbox)
                    assert found is not None
                    results.append(found)
                    continue
                record = _new_record(ref, mailbox)
                results.append(self._decide(store, record, raw, analysis, batch=batch))
                if analysis is not None and analysis.mail is not None:
                    batch.seen(analysis.mail)
            store.write_reference_numbers()
            session.commit()
            return results

    def _store(self, ref: MailRef, raw: bytes | None, analysis: Analysis | None) -> IntakeResult:
        try:
            result = self._process_once(ref, raw, analysis)
        except REFUSALS:
            raise
        except Conflict as exc:
            # Usually another worker recorded the same key between our check and our commit.
            existing = self._recorded(ref.key)
            if existing is not None:
                return existing
            # The reason (stored for the officer) names the database's own error; the log
            # names only its kind: the statement's parameters are the person's data.
            cause = exc.__cause__ if isinstance(exc.__cause__, Exception) else exc
            log_failure(log, "mail %s could not be stored; quarantined", _key_text(ref.key),
                        exc=cause)  # fmt: skip
            return self._quarantine_after_error(ref, raw, cause)
        except Exception as exc:  # a bug in mailbot must not block the mails after this one
            log_failure(log, "mail %s could not be processed; quarantined", _key_text(ref.key),
                        exc=exc)  # fmt: skip
            return self._quarantine_after_error(ref, raw, exc)
        log.info("mail %s: %s%s", _key_text(ref.key), result.outcome, _ref_text(result.reference))
        return result

    def _process_once(
        self, ref: MailRef, raw: bytes | None, analysis: Analysis | None
    ) -> IntakeResult:
        with self.database.session() as session, conflicts_reported(session):
            store = CaseStore(session)
            existing = _recorded_in(store, ref.key, self.policy.mailbox)
            if existing is not None:
                return existing
            record = _new_record(ref, self.policy.mailbox)
            result = self._decide(store, record, raw, analysis)
            session.commit()
            return result

    def _recorded(self, key: MailKey) -> IntakeResult | None:
        with self.database.reader() as session:
            return _recorded_in(CaseStore(session), key, self.policy.mailbox)

    def retry(self, mail_id: int) -> IntakeResult:
        """Process a quarantined mail again (after a fix or a raised limit)."""
        with self.database.reader() as session:
            raw = CaseStore(session).raw(mail_id)
        analysis = None if raw is None else self.analyse(raw)
        with self.database.session() as session:
            store = CaseStore(session)
            record = store.mail_for_update(mail_id)  # once: not beside an officer's decision
            if record.disposition != Outcome.QUARANTINED:
                return _result(store, record)
            raw = store.raw(mail_id)
            if raw is None:
                # Never read (too large): forget it, so that the source delivers it again.
                store.forget_mail(record)
                session.commit()
                reason = "will be read again from the mailbox on the next run"
                return IntakeResult(mail_id, Outcome.QUARANTINED, None, reason, read_again=True)
            record.processed_at, record.reason = utcnow(), ""
            result = self._decide(store, record, raw, analysis, rekey=False)
            session.commit()
        log.info(
            "quarantined mail %s retried: %s%s",
            mail_id,
            result.outcome,
            _ref_text(result.reference),
        )
        return result

    def open_by_hand(
        self, mail_id: int, mail: ParsedMail, classification: Classification, actor: str
    ) -> IntakeResult:
        """The officer decides a quarantined mail is a request: ``mail`` (as far as it could
        be read) becomes a case as any request does (its number, its clock from arrival),
        made by ``actor``; the mail's record says what became of it. Once: a mail no longer
        in quarantine is refused (``NotAllowed``)."""
        what = f"mail {mail_id} cannot be made a case"
        with self.database.session() as session:
            store = CaseStore(session)
            record = store.mail_for_update(mail_id)
            refuse_unless_quarantined(store, record, what, self.policy.zone)
            raw = store.raw(mail_id)
            if raw is None:
                raise NotAllowed(what, [NEVER_READ])
            references = references_in(mail.subject, self.policy.reference_prefix)
            follow = find_follow_up(store, mail, references, record.mailbox)
            if follow is not None:  # an answer in a case's thread: it belongs to that case
                raise NotAllowed(
                    what,
                    [
                        f"it answers case {follow.case.reference} (a denial or an ID may be in "
                        "it): try reading it again, so that it joins that case, or record it "
                        "on that case"
                    ],
                )
            quarantined = record.reason
            record.content_hash = hashlib.sha256(raw).hexdigest()
            record.processed_at = utcnow()
            sender = self.policy.sender_of(mail)
            _describe(record, mail, sender)
            _classified(record, classification)
            record.reason = f"made a case by hand by {actor}; quarantined before: {quarantined}"
            more = {"opened_by_hand": True, "quarantine_reason": quarantined}
            result = self._store_new_case(
                store, record, raw, mail, sender, classification, actor=actor, more=more
            )
            session.commit()
        log.info("quarantined mail %s made a case by hand:%s", mail_id, _ref_text(result.reference))
        return result

    # -- deciding ------------------------------------------------------------
    def _decide(  # noqa: PLR0911 - one early return per kind of mail, in the order decided
        self,
        store: CaseStore,
        record: MailRecord,
        raw: bytes | None,
        analysis: Analysis | None,
        *,
        rekey: bool = True,
        batch: _Batch | None = None,
    ) -> IntakeResult:
        """Decide what ``record``'s mail is and store it; ``rekey`` looks for older keys first.
        ``batch``: what the batch's transaction already asked the database, so that a
        question whose answer is known to be "none" is not asked again for each mail."""
        found = batch if batch is not None else _Batch.unknown()
        if raw is None or analysis is None:
            limit = self.policy.limits.max_mail_bytes
            reason = f"mail is {record.size} bytes, over intake.max_mail_bytes ({limit}); not read"
            return self._store_quarantined(store, record, None, reason)
        record.content_hash = hashlib.sha256(raw).hexdigest()
        mailbox = record.mailbox
        rekey = rekey and found.renumbered
        stale = (
            store.stale_copy(_key(record), mailbox, record.content_hash, None) if rekey else None
        )
        if stale is not None:
            return _rekey(store, stale, record)
        if rekey:
            purged = _purged_copy(store, record)
            if purged is not None:
                return purged
        mail = analysis.mail
        if mail is None:
            return self._store_quarantined(store, record, raw, analysis.problem)
        stale = store.stale_copy(_key(record), mailbox, None, mail.fingerprint) if rekey else None
        if stale is not None:
            return _rekey(store, stale, record)
        sender = self.policy.sender_of(mail)
        _describe(record, mail, sender)
        if analysis.machine is not None:
            record.disposition, record.reason = Outcome.IGNORED, analysis.machine
            reference = _bounce_of_ours(store, record, raw)
            store.add_mail(record, raw, _attachments(mail))
            return IntakeResult(_id(record), Outcome.IGNORED, reference, record.reason)
        original = (
            store.first_by_fingerprint(record.fingerprint or "", mailbox)
            if found.may_be_duplicate(mail)
            else None
        )
        if original is not None and original.id != record.id:
            return self._store_duplicate(store, record, raw, original)
        references = references_in(mail.subject, self.policy.reference_prefix)
        follow_up = find_follow_up(found.finder(store, mail), mail, references, mailbox)
        classification = analysis.classification
        assert classification is not None  # every mail from a person is classified
        _classified(record, classification)
        complaint = Topic.COMPLAINT in classification.topics
        # A forged From (the service says it failed) is nobody's complaint about their case:
        # it gets a case of its own and points at none (an outsider steers nothing).
        forged = sender.judgement.verdict.forged
        related: str | None = None
        if follow_up is not None and complaint:
            earlier = store.case_by_id(follow_up.case.case_id)
            today = local_day(utcnow(), self.policy.zone)
            if complaint_is_own_case(Status(earlier.status), earlier.due_date, today):
                related, follow_up = (None if forged else earlier.reference), None
        elif complaint and not forged:
            related = _complained_about(store, mail, sender, self.policy)
        if follow_up is not None:
            return self._store_follow_up(
                store,
                record=record,
                raw=raw,
                mail=mail,
                sender=sender,
                case_id=follow_up.case.case_id,
                reason=follow_up.reason,
            )
        return self._store_new_case(store, record, raw, mail, sender, classification, related)

    def _store_quarantined(
        self, store: CaseStore, record: MailRecord, raw: bytes | None, reason: str
    ) -> IntakeResult:
        record.disposition, record.reason = Outcome.QUARANTINED, reason
        if raw is not None:
            record.sender, record.subject, record.message_id = peek_headers(raw)
        store.add_mail(record, raw)
        return IntakeResult(_id(record), Outcome.QUARANTINED, None, reason)

    def _store_duplicate(
        self, store: CaseStore, record: MailRecord, raw: bytes, original: MailRecord
    ) -> IntakeResult:
        record.disposition = Outcome.DUPLICATE
        record.duplicate_of, record.case_id = original.id, original.case_id
        record.reason = f"the same mail as mail {original.id}, delivered again"
        store.add_mail(record, raw)
        reference = store.case_by_id(original.case_id).reference if original.case_id else None
        return IntakeResult(_id(record), Outcome.DUPLICATE, reference, record.reason)

    def _store_follow_up(
        self,
        store: CaseStore,
        *,
        record: MailRecord,
        raw: bytes,
        mail: ParsedMail,
        sender: Sender,
        case_id: int,
        reason: str,
    ) -> IntakeResult:
        case = store.case_by_id(case_id)
        record.disposition, record.case_id, record.reason = Outcome.FOLLOW_UP, case_id, reason
        status = Status(case.status)
        if status is Status.AWAITING_IDENTITY and mail.attachments:
            # Possibly an ID copy: deleted when the officer has verified the person.
            record.identity_evidence = True
        store.add_mail(record, raw, _attachments(mail))
        if mail.message_id:
            store.add_message_id(case_id, mail.message_id, Direction.IN, sender.thread_sender)
        store.add_event(
            case_id,
            ACTOR,
            "follow_up",
            {"mail_id": record.id, "reason": reason, "suggested_rights": record.rights},
        )
        if case.denied_at is None and status not in (Status.CLOSED, Status.NOT_A_REQUEST):
            apply_answer(store, case, record, mail)
        case.updated_at = utcnow()
        return IntakeResult(_id(record), Outcome.FOLLOW_UP, case.reference, reason)

    def _store_new_case(  # noqa: PLR0917 - the mail, as stored, parsed, and judged
        self,
        store: CaseStore,
        record: MailRecord,
        raw: bytes,
        mail: ParsedMail,
        sender: Sender,
        classification: Classification,
        related: str | None = None,
        *,
        actor: str = ACTOR,
        more: Mapping[str, object] | None = None,
    ) -> IntakeResult:
        """A new case of ``record``'s mail; ``actor`` made it (mailbot, or the officer who
        opened a quarantined mail, with ``more`` said in the trail)."""
        policy = self.policy
        # A colleague's forward reached the organisation when the original was sent.
        forward = mail if sender.forwarded_by is not None else None
        received_at = received_moment(record.arrived_at, forward, policy.zone)
        year = received_at.astimezone(policy.zone).year
        number = store.next_reference_number(policy.reference_prefix, year)
        reference = format_reference(policy.reference_prefix, year, number)
        requester = sender.requester
        now = utcnow()
        case = store.add_case(
            CaseRecord(
                reference=reference,
                mailbox=record.mailbox,
                status=Status.NEW if classification.is_request else Status.NOT_A_REQUEST,
                rights=[right.value for right in classification.rights],
                language=classification.language,
                requester=requester.address if requester else None,
                requester_name=(requester.name or None) if requester else None,
                subject=mail.request_subject,
                received_at=received_at,
                due_date=case_due_date(received_at, policy.zone, classification.is_request),
                confidence=classification.confidence,
                low_confidence=classification.confidence < policy.low_confidence,
                evidence=[item.as_dict() for item in classification.evidence],
                direct_marketing=is_direct_marketing(
                    [right.value for right in classification.rights],
                    [item.as_dict() for item in classification.evidence],
                ),
                signals=list(classification.signals),
                needs_decision=classification.needs_decision,
                topics=[topic.value for topic in classification.topics],
                urgent=classification.urgent,
                breach_notify_by=(
                    breach_notify_by(received_at)
                    if Topic.DATA_BREACH in classification.topics
                    else None
                ),
                related_case=related,
                classified_by=ACTOR,
                classified_at=now,
                created_at=now,
                updated_at=now,
            )
        )
        assert case.id is not None
        outcome = Outcome.NEW_CASE if classification.is_request else Outcome.NOT_A_REQUEST
        record.disposition, record.case_id = outcome, case.id
        store.add_mail(record, raw, _attachments(mail))
        if mail.message_id:
            store.add_message_id(
                case.id, mail.message_id, Direction.IN, sender.thread_sender, new_case=True
            )
        detail: dict[str, object] = {
            "mail_id": record.id,
            "rights": case.rights,
            "confidence": case.confidence,
        }
        if case.needs_decision:
            detail["needs_decision"] = True
        if case.topics:
            detail["topics"] = case.topics
        if related:
            detail["related_case"] = related
        if received_at != record.arrived_at:
            detail["received_from_forwarded_original"] = received_at.isoformat()
        detail.update(more or {})
        store.add_event(case.id, actor, "created", detail)
        return IntakeResult(_id(record), outcome, reference)

    def _quarantine_after_error(
        self, ref: MailRef, raw: bytes | None, exc: Exception
    ) -> IntakeResult:
        reason = f"mailbot failed on this mail ({type(exc).__name__}: {exc}); retry after an update"
        with self.database.session() as session:
            store = CaseStore(session)
            existing = store.mail_by_key(ref.key, self.policy.mailbox)
            if existing is not None:
                return _result(store, existing)
            record = _new_record(ref, self.policy.mailbox, reason[:2000])
            store.add_mail(record, raw)
            session.commit()
            return IntakeResult(_id(record), Outcome.QUARANTINED, None, reason)


class _Batch:
    """What one transaction's mails need to know of the database, asked once for all of them:
    whether their folder was renumbered (UIDVALIDITY) since mail was recorded from it, which
    of their fingerprints and thread Message-IDs are recorded. A "no" spares each mail its
    question; a "maybe" (and every mail stored in the batch makes its own fingerprint and
    Message-ID a "maybe" for the mails after it) asks it as a mail alone would."""

    def __init__(
        self, renumbered: bool, fingerprints: set[str] | None, message_ids: set[str] | None
    ) -> None:
        self.renumbered = renumbered
        self._fingerprints = fingerprints  # None: unknown, ask for every mail
        self._message_ids = message_ids

    @classmethod
    def unknown(cls) -> _Batch:
        """Nothing asked beforehand: every question is asked (a mail stored alone)."""
        return cls(True, None, None)

    @classmethod
    def of(
        cls, store: CaseStore, mailbox: str, keys: Sequence[MailKey], mails: Sequence[ParsedMail]
    ) -> _Batch:
        folders = {(key.source, key.folder, key.uidvalidity) for key in keys}
        renumbered = any(
            store.renumbered(mailbox, source, folder, validity)
            for source, folder, validity in folders
        ) or PurgedMailStore(store.session).renumbered(
            mailbox, {validity for _, _, validity in folders}
        )
        fingerprints = store.known_fingerprints([m.fingerprint for m in mails], mailbox)
        message_ids = store.known_message_ids([i for m in mails for i in m.thread_ids])
        return cls(renumbered, fingerprints, message_ids)

    def seen(self, mail: ParsedMail) -> None:
        """``mail`` was stored in this batch: the ones after it may be its duplicate or answer."""
        if self._fingerprints is not None:
            self._fingerprints.add(mail.fingerprint)
        if self._message_ids is not None and mail.message_id:
            self._message_ids.add(mail.message_id)

    def may_be_duplicate(self, mail: ParsedMail) -> bool:
        return self._fingerprints is None or mail.fingerprint in self._fingerprints

    def finder(self, store: CaseStore, mail: ParsedMail) -> CaseFinder:
        """``store``, or, when none of ``mail``'s thread Message-IDs is recorded, a finder that
        knows the thread matches none without asking."""
        known = self._message_ids
        if known is None or any(message_id in known for message_id in mail.thread_ids):
            return store
        return _NoThread(store)


@dataclass(frozen=True, slots=True)
class _NoThread:
    """A case finder for a mail whose thread holds no recorded Message-ID."""

    store: CaseStore

    def known_keys(self, keys: Iterable[MailKey], mailbox: str) -> dict[MailKey, str]:
        return self.store.known_keys(keys, mailbox)

    def thread_matches(self, message_ids: Sequence[str], mailbox: str) -> list[ThreadMatch]:
        return []

    def cases_by_reference(self, references: Sequence[str], mailbox: str) -> list[CaseLink]:
        return self.store.cases_by_reference(references, mailbox)


def _recorded_in(store: CaseStore, key: MailKey, mailbox: str) -> IntakeResult | None:
    """What became of the mail at ``key``, if it was recorded (or recorded and purged)."""
    existing = store.mail_by_key(key, mailbox)
    if existing is not None:
        return _result(store, existing)
    purged = PurgedMailStore(store.session).known([key], mailbox)
    return _purged_result(purged[key]) if key in purged else None


NEVER_READ = (
    "its bytes were never read (over intake.max_mail_bytes): raise the limit and try again, "
    "or read it in the mailbox and add the case by hand (mailbot cases add)"
)


def refuse_unless_quarantined(
    store: CaseStore, record: MailRecord, what: str, zone: ZoneInfo
) -> None:
    """``NotAllowed`` (``what``, and what became of the mail) unless it is in quarantine."""
    if record.disposition == Outcome.QUARANTINED:
        return
    if record.disposition == Outcome.DISMISSED:
        when = record.dismissed_at.astimezone(zone).date() if record.dismissed_at else "?"
        why = f"it was dismissed by {record.dismissed_by} on {when}: {record.dismissal_reason}"
    elif record.case_id is not None:
        reference = store.case_by_id(record.case_id).reference
        why = f"it is no longer in quarantine: it made case {reference} ({record.disposition})"
    else:
        why = f"it is no longer in quarantine ({record.disposition})"
    raise NotAllowed(what, [why])


def _complained_about(
    store: CaseStore, mail: ParsedMail, sender: Sender, policy: IntakePolicy
) -> str | None:
    """The earlier case of the same address a complaint is about: one it names, else the
    latest. Only a pointer for the officer: the earlier case does not move."""
    requester = sender.requester.key if sender.requester else None
    if requester is None:
        return None
    earlier = [case for case in store.cases_of(requester, policy.mailbox) if case.rights]
    named = set(references_in(f"{mail.subject}\n{mail.request_text}", policy.reference_prefix))
    for case in reversed(earlier):
        if case.reference.upper() in {name.upper() for name in named}:
            return case.reference
    return earlier[-1].reference if earlier else None


def _bounce_of_ours(store: CaseStore, record: MailRecord, raw: bytes) -> str | None:
    """A bounce of a mail we sent fails that mail and tells the officer; never answered."""
    bounce = read_bounce(raw)
    if bounce is None:
        return None
    reference = record_bounce(store.session, bounce)
    if reference is not None:
        record.case_id = store.case(reference).id
        record.reason = f"{record.reason}; it returns our mail in {reference}: {bounce.explanation}"
        log.warning("a mail sent in case %s bounced", reference)
    return reference


def _key(record: MailRecord) -> MailKey:
    return MailKey(record.source, record.folder, record.uidvalidity, record.uid)


def _rekey(store: CaseStore, stale: MailRecord, record: MailRecord) -> IntakeResult:
    """Move an existing record to the new key of the same mail; nothing else changes."""
    before = f"{stale.uidvalidity}/{stale.uid}"
    stale.uidvalidity, stale.uid = record.uidvalidity, record.uid
    log.info(
        "mail %s: the same mail as recorded under %s (UIDVALIDITY changed)", record.uid, before
    )
    found = _result(store, stale)
    return replace(found, reason=f"re-keyed from UIDVALIDITY/UID {before}", rekeyed=True)


def _purged_result(disposition: str, reason: str = PURGED) -> IntakeResult:
    return IntakeResult(0, Outcome(disposition), None, reason, purged=True)


def _purged_copy(store: CaseStore, record: MailRecord) -> IntakeResult | None:
    """A purged mail of the same folder with the same bytes: the server gave it a new
    UIDVALIDITY. Its new key is remembered as read too (the old one may still be valid)."""
    purged = PurgedMailStore(store.session)
    secret = purged.key()
    if secret is None or record.content_hash is None:
        return None
    found = purged.by_content(_key(record), record.mailbox, record.content_hash)
    if found is None:
        return None
    purged.add(secret, record.mailbox, _key(record), record.content_hash, found.disposition)
    log.info("mail %s: the same mail as one read before and purged (UIDVALIDITY changed)",
             record.uid)  # fmt: skip
    return _purged_result(found.disposition, f"{PURGED}; re-keyed (UIDVALIDITY changed)")


def _new_record(ref: MailRef, mailbox: str, reason: str = "") -> MailRecord:
    """A mail record for ``ref``, quarantined until a decision says otherwise."""
    return MailRecord(
        mailbox=mailbox,
        source=ref.key.source,
        folder=ref.key.folder,
        uidvalidity=ref.key.uidvalidity,
        uid=ref.key.uid,
        arrived_at=ref.arrived_at,
        size=ref.size,
        disposition=Outcome.QUARANTINED,
        reason=reason,
        processed_at=utcnow(),
    )


def _id(record: MailRecord) -> int:
    assert record.id is not None
    return record.id


def _result(store: CaseStore, record: MailRecord) -> IntakeResult:
    reference = store.case_by_id(record.case_id).reference if record.case_id else None
    return IntakeResult(_id(record), Outcome(record.disposition), reference, record.reason)


def _describe(record: MailRecord, mail: ParsedMail, sender: Sender) -> None:
    record.message_id = mail.message_id
    record.fingerprint = mail.fingerprint
    record.sender = mail.sender.address if mail.sender else None
    record.subject = mail.subject
    record.body_text = mail.text[:MAX_BODY_TEXT]
    record.request_text = mail.request_text[:MAX_BODY_TEXT]
    record.notes = list(mail.notes)
    record.authentication_results = list(mail.authentication_results)
    record.sender_verdict = sender.judgement.verdict.value
    record.sender_detail = sender.judgement.detail
    if sender.forwarded_by is not None:
        record.forwarded_by = sender.forwarded_by.address
    if sender.writes_for is not None:
        record.writes_for = sender.writes_for.address


def _classified(record: MailRecord, classification: Classification) -> None:
    record.language = classification.language
    record.rights = [right.value for right in classification.rights]
    record.confidence = classification.confidence
    record.evidence = [item.as_dict() for item in classification.evidence]


def _attachments(mail: ParsedMail) -> list[AttachmentRecord]:
    return [
        AttachmentRecord(
            mail_id=0,
            filename=(attachment.filename or "")[:255] or None,
            content_type=attachment.content_type[:255],
            size=attachment.size,
            inline=attachment.inline,
            kept=attachment.kept,  # in the mail's bytes (raw_mails), not stored twice
        )
        for attachment in mail.attachments
    ]


def _key_text(key: MailKey) -> str:
    """A mail's key for logs: the uid and folder name, no personal data."""
    return f"{key.source}:{key.uid}"


def _ref_text(reference: str | None) -> str:
    return f" {reference}" if reference else ""


def find_follow_up(
    finder: CaseFinder, mail: ParsedMail, references: Sequence[str], mailbox: str
) -> FollowUp | None:
    """The case ``mail`` follows up, if any: the store's candidates, the core's decision."""
    return match_follow_up(
        mail,
        finder.thread_matches(mail.thread_ids, mailbox),
        finder.cases_by_reference(references, mailbox),
    )
