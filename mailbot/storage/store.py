"""The case store: every query mailbot makes, on one session (one transaction).

Services open a session, wrap it in ``CaseStore``, and commit once at the end,
so that a mail, its case and its audit entry are stored together or not at all.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import Any, cast

from sqlalchemy import func, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlmodel import Session, col, delete, select

from mailbot.core.cases import Status, check_transition
from mailbot.core.drafting import DraftStatus
from mailbot.core.followups import CaseLink, Direction, ThreadMatch
from mailbot.core.outbox import OutboxState
from mailbot.errors import NotFound
from mailbot.ports import MailKey
from mailbot.storage.drafts import DraftStore
from mailbot.storage.models import (
    AttachmentRecord,
    CaseEventRecord,
    CaseMessageRecord,
    CaseRecord,
    DraftActionRecord,
    DraftRecord,
    MailRecord,
    OutboxRecord,
    RawMailRecord,
    ReferenceCounterRecord,
    utcnow,
)
from mailbot.storage.purged_mails import PurgedMailStore

_CHUNK = 500
RAW_PIECE = 1024 * 1024  # a mail's bytes over this size go into SQLite in pieces of it


class CaseStore:
    """Queries and writes on one open session; the caller commits."""

    def __init__(self, session: Session) -> None:
        self.session = session
        # (prefix, year) -> the last case number given in this transaction, once numbers are
        # counted here (``count_reference_numbers``); None: each is taken from the database.
        self._counted: dict[tuple[str, int], int] | None = None

    # -- mails -------------------------------------------------------------
    def known_keys(self, keys: Iterable[MailKey], mailbox: str) -> dict[MailKey, str]:
        """The keys among ``keys`` that already have a mail record, or had one that was
        purged, with what became of it."""
        keys = list(keys)
        groups: dict[tuple[str, str, int], list[str]] = defaultdict(list)
        for key in keys:
            groups[(key.source, key.folder, key.uidvalidity)].append(key.uid)
        found: dict[MailKey, str] = {}
        for (source, folder, validity), uids in groups.items():
            for start in range(0, len(uids), _CHUNK):
                chunk = uids[start : start + _CHUNK]
                rows = self.session.exec(
                    select(MailRecord.uid, MailRecord.disposition).where(
                        MailRecord.mailbox == mailbox,
                        MailRecord.source == source,
                        MailRecord.folder == folder,
                        MailRecord.uidvalidity == validity,
                        col(MailRecord.uid).in_(chunk),
                    )
                )
                for uid, disposition in rows:
                    found[MailKey(source, folder, validity, uid)] = disposition
        missing = [key for key in keys if key not in found]
        return found | PurgedMailStore(self.session).known(missing, mailbox) if missing else found

    def stale_copy(
        self, key: MailKey, mailbox: str, content_hash: str | None, fingerprint: str | None
    ) -> MailRecord | None:
        """A record of the same mail in the same folder under an earlier UIDVALIDITY.

        After a UIDVALIDITY change every key of the folder is new; the bytes (or,
        failing that, the fingerprint) tell which records they belong to.
        """
        same_folder = select(MailRecord).where(
            MailRecord.mailbox == mailbox,
            MailRecord.source == key.source,
            MailRecord.folder == key.folder,
            MailRecord.uidvalidity != key.uidvalidity,
        )
        if content_hash:
            found = self.session.exec(
                same_folder.where(MailRecord.content_hash == content_hash).order_by(
                    col(MailRecord.id)
                )
            ).first()
            if found is not None:
                return found
        if fingerprint:
            return self.session.exec(
                same_folder.where(MailRecord.fingerprint == fingerprint).order_by(
                    col(MailRecord.id)
                )
            ).first()
        return None

    def renumbered(self, mailbox: str, source: str, folder: str, uidvalidity: int) -> bool:
        """Whether mail of this folder was recorded under another UIDVALIDITY than this one
        (the server renumbered it: ``stale_copy`` may find a new key's old record)."""
        found = self.session.exec(
            select(MailRecord.id)
            .where(
                MailRecord.mailbox == mailbox,
                MailRecord.source == source,
                MailRecord.folder == folder,
                MailRecord.uidvalidity != uidvalidity,
            )
            .limit(1)
        )
        return found.first() is not None

    def known_fingerprints(self, fingerprints: Iterable[str], mailbox: str) -> set[str]:
        """The fingerprints among ``fingerprints`` of mails recorded in ``mailbox``."""
        wanted = sorted(set(fingerprints))
        found: set[str] = set()
        for start in range(0, len(wanted), _CHUNK):
            rows = self.session.exec(
                select(MailRecord.fingerprint).where(
                    MailRecord.mailbox == mailbox,
                    col(MailRecord.fingerprint).in_(wanted[start : start + _CHUNK]),
                )
            )
            found.update(row for row in rows if row is not None)
        return found

    def known_message_ids(self, message_ids: Iterable[str]) -> set[str]:
        """The Message-IDs among ``message_ids`` that some case sent or received."""
        wanted = sorted(set(message_ids))
        found: set[str] = set()
        for start in range(0, len(wanted), _CHUNK):
            rows = self.session.exec(
                select(CaseMessageRecord.message_id).where(
                    col(CaseMessageRecord.message_id).in_(wanted[start : start + _CHUNK])
                )
            )
            found.update(rows)
        return found

    def mail_by_key(self, key: MailKey, mailbox: str) -> MailRecord | None:
        return self.session.exec(
            select(MailRecord).where(
                MailRecord.mailbox == mailbox,
                MailRecord.source == key.source,
                MailRecord.folder == key.folder,
                MailRecord.uidvalidity == key.uidvalidity,
                MailRecord.uid == key.uid,
            )
        ).first()

    def mail(self, mail_id: int) -> MailRecord:
        record = self.session.get(MailRecord, mail_id)
        if record is None:
            raise NotFound(f"no mail with id {mail_id}")
        return record

    def mail_for_update(self, mail_id: int) -> MailRecord:
        """The mail, locked until the transaction ends (PostgreSQL; SQLite's writers take
        turns): a decision on a quarantined mail is taken once."""
        record = self.session.exec(
            select(MailRecord)
            .where(col(MailRecord.id) == mail_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
        if record is None:
            raise NotFound(f"no mail with id {mail_id}")
        return record

    def first_by_fingerprint(self, fingerprint: str, mailbox: str) -> MailRecord | None:
        """The first mail recorded in ``mailbox`` with this fingerprint, not itself a duplicate."""
        return self.session.exec(
            select(MailRecord)
            .where(
                MailRecord.mailbox == mailbox,
                MailRecord.fingerprint == fingerprint,
                MailRecord.disposition != "duplicate",
            )
            .order_by(col(MailRecord.id))
        ).first()

    def raw(self, mail_id: int) -> bytes | None:
        record = self.session.get(RawMailRecord, mail_id)
        return record.content if record is not None else None

    def has_raw(self, mail_id: int) -> bool:
        found = self.session.exec(
            select(RawMailRecord.mail_id).where(RawMailRecord.mail_id == mail_id)
        )
        return found.first() is not None

    def add_mail(
        self, mail: MailRecord, raw: bytes | None, attachments: Sequence[AttachmentRecord] = ()
    ) -> MailRecord:
        new = mail.id is None  # a new record has no bytes stored yet
        self.session.add(mail)
        self.session.flush()
        assert mail.id is not None
        if raw is not None and (new or self.session.get(RawMailRecord, mail.id) is None):
            self._add_raw(mail.id, raw)
        for attachment in attachments:
            attachment.mail_id = mail.id
            self.session.add(attachment)
        return mail

    def _add_raw(self, mail_id: int, raw: bytes) -> None:
        """Store a mail's bytes. SQLite copies a value it is given whole, so a large mail
        would be held twice while it is stored: its bytes are written into a blob of their
        size instead, a piece at a time."""
        connection = self.session.connection()
        if len(raw) <= RAW_PIECE or connection.dialect.name != "sqlite":
            self.session.add(RawMailRecord(mail_id=mail_id, content=raw))
            return
        connection.execute(
            text("INSERT INTO raw_mails (mail_id, content) VALUES (:id, zeroblob(:size))"),
            {"id": mail_id, "size": len(raw)},
        )
        sqlite = cast(sqlite3.Connection, connection.connection.driver_connection)
        view = memoryview(raw)
        with sqlite.blobopen("raw_mails", "content", mail_id) as blob:
            for start in range(0, len(raw), RAW_PIECE):
                blob.write(view[start : start + RAW_PIECE])

    def mails_with_disposition(self, disposition: str) -> list[MailRecord]:
        return list(
            self.session.exec(
                select(MailRecord)
                .where(MailRecord.disposition == disposition)
                .order_by(col(MailRecord.id))
            )
        )

    def forget_mail(self, mail: MailRecord) -> None:
        """Remove a mail record (and its bytes) so that its source delivers it again."""
        assert mail.id is not None
        raw = self.session.get(RawMailRecord, mail.id)
        if raw is not None:
            self.session.delete(raw)
        self.session.delete(mail)

    def forget_content(self, mail_id: int) -> int:
        """Delete a mail's attachments and raw bytes (an ID copy); returns how many were removed."""
        removed = 0
        for attachment in self.attachments(mail_id):
            self.session.delete(attachment)
            removed += 1
        raw = self.session.get(RawMailRecord, mail_id)
        if raw is not None:
            self.session.delete(raw)
        return removed

    def attachments(self, mail_id: int) -> list[AttachmentRecord]:
        """A mail's attachments, without the bytes older rows still hold."""
        return list(
            self.session.exec(
                select(AttachmentRecord)
                .options(defer(AttachmentRecord.content))  # type: ignore[arg-type]
                .where(AttachmentRecord.mail_id == mail_id)
                .order_by(col(AttachmentRecord.id))
            )
        )

    # -- cases -------------------------------------------------------------
    def count_reference_numbers(self) -> None:
        """Count this transaction's case numbers here: a counter's first number is taken
        from the database (which holds the counter's row from then until the transaction
        ends), the next ones are counted here; ``write_reference_numbers`` must then be
        called just before the commit. One statement per counter and transaction instead
        of one per case (intake's batches)."""
        self._counted = {}

    def write_reference_numbers(self) -> None:
        """Record the last number given of each counter (before the commit)."""
        counted, self._counted = self._counted or {}, None
        for (prefix, year), last in counted.items():
            self.session.execute(
                update(ReferenceCounterRecord)
                .where(
                    col(ReferenceCounterRecord.prefix) == prefix,
                    col(ReferenceCounterRecord.year) == year,
                )
                .values(last_number=last)
                .execution_options(synchronize_session=False)
            )

    def next_reference_number(self, prefix: str, year: int) -> int:
        """The next case number for ``prefix`` and ``year``, counted without gaps or repeats."""
        counted = self._counted
        if counted is not None and (prefix, year) in counted:
            counted[prefix, year] += 1
            return counted[prefix, year]
        number = self._take_reference_number(prefix, year)
        if counted is not None:
            counted[prefix, year] = number
        return number

    def _take_reference_number(self, prefix: str, year: int) -> int:
        last = col(ReferenceCounterRecord.last_number)
        statement = (
            update(ReferenceCounterRecord)
            .where(
                col(ReferenceCounterRecord.prefix) == prefix,
                col(ReferenceCounterRecord.year) == year,
            )
            .values(last_number=last + 1)
            .returning(last)
            .execution_options(synchronize_session=False)  # no counter object is loaded
        )
        number = self.session.execute(statement).scalar_one_or_none()
        if number is not None:
            return int(number)
        try:
            with self.session.begin_nested():
                self.session.add(ReferenceCounterRecord(prefix=prefix, year=year, last_number=1))
            return 1
        except IntegrityError:  # another process created this year's counter first
            return int(self.session.execute(statement).scalar_one())

    def add_case(self, case: CaseRecord) -> CaseRecord:
        self.session.add(case)
        self.session.flush()
        return case

    def case(self, reference: str) -> CaseRecord:
        record = self.session.exec(
            select(CaseRecord).where(func.upper(CaseRecord.reference) == reference.upper())
        ).first()
        if record is None:
            raise NotFound(f"no case {reference}")
        return record

    def case_by_id(self, case_id: int) -> CaseRecord:
        record = self.session.get(CaseRecord, case_id)
        if record is None:
            raise NotFound(f"no case with id {case_id}")
        return record

    def case_for_update(self, case_id: int) -> CaseRecord:
        """The case, locked until the transaction ends (PostgreSQL; SQLite's writers take turns)."""
        record = self.session.exec(
            select(CaseRecord)
            .where(col(CaseRecord.id) == case_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
        if record is None:
            raise NotFound(f"no case with id {case_id}")
        return record

    def cases_by_ids(self, case_ids: Collection[int]) -> dict[int, CaseRecord]:
        """The cases among ``case_ids`` that exist, by id."""
        found: dict[int, CaseRecord] = {}
        wanted = sorted(set(case_ids))
        for start in range(0, len(wanted), _CHUNK):
            query = select(CaseRecord).where(col(CaseRecord.id).in_(wanted[start : start + _CHUNK]))
            found.update((case.id, case) for case in self.session.exec(query) if case.id)
        return found

    def cases_for_update(self, case_ids: Collection[int]) -> dict[int, CaseRecord]:
        """The cases among ``case_ids``, locked until the transaction ends (as
        ``case_for_update``), by id."""
        found: dict[int, CaseRecord] = {}
        wanted = sorted(set(case_ids))  # always in the same order: two workers never deadlock
        for start in range(0, len(wanted), _CHUNK):
            query = (
                select(CaseRecord)
                .where(col(CaseRecord.id).in_(wanted[start : start + _CHUNK]))
                .order_by(col(CaseRecord.id))
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            found.update((case.id, case) for case in self.session.exec(query) if case.id)
        return found

    def mails_of_cases(self, case_ids: Collection[int]) -> dict[int, list[MailRecord]]:
        """Each case's mails, as ``case_mails`` gives them, for several cases at once."""
        found: dict[int, list[MailRecord]] = defaultdict(list)
        wanted = sorted(set(case_ids))
        for start in range(0, len(wanted), _CHUNK):
            query = (
                select(MailRecord)
                .where(col(MailRecord.case_id).in_(wanted[start : start + _CHUNK]))
                .order_by(col(MailRecord.arrived_at), col(MailRecord.id))
            )
            for mail in self.session.exec(query):
                if mail.case_id is not None:
                    found[mail.case_id].append(mail)
        return dict(found)

    def cases_of_requesters(
        self, cases: Iterable[CaseRecord]
    ) -> dict[tuple[str, str], list[CaseRecord]]:
        """Every case of the requesters of ``cases``, each in its own case's mailbox, as
        ``cases_of`` gives them, by (requester in lower case, mailbox)."""
        owners = {((case.requester or "").lower(), case.mailbox) for case in cases}
        owners = {owner for owner in owners if owner[0]}
        found: dict[tuple[str, str], list[CaseRecord]] = defaultdict(list)
        addresses = sorted({address for address, _ in owners})
        mailboxes = sorted({mailbox for _, mailbox in owners})
        for start in range(0, len(addresses), _CHUNK):
            query = (
                select(CaseRecord)
                .where(
                    func.lower(CaseRecord.requester).in_(addresses[start : start + _CHUNK]),
                    col(CaseRecord.mailbox).in_(mailboxes),
                )
                .order_by(col(CaseRecord.received_at))
            )
            for case in self.session.exec(query):
                owner = ((case.requester or "").lower(), case.mailbox)
                if owner in owners:
                    found[owner].append(case)
        return dict(found)

    def cases(
        self, status: str | None = None, mailboxes: Collection[str] | None = None
    ) -> list[CaseRecord]:
        query = select(CaseRecord).order_by(col(CaseRecord.received_at), col(CaseRecord.id))
        if status is not None:
            query = query.where(CaseRecord.status == status)
        if mailboxes is not None:
            query = query.where(col(CaseRecord.mailbox).in_(list(mailboxes)))
        return list(self.session.exec(query))

    def cases_of(self, address: str, mailbox: str) -> list[CaseRecord]:
        """The cases of ``mailbox`` whose requester is ``address`` (case-insensitive), oldest
        first."""
        query = select(CaseRecord).where(
            func.lower(CaseRecord.requester) == address.lower(), CaseRecord.mailbox == mailbox
        )
        return list(self.session.exec(query.order_by(col(CaseRecord.received_at))))

    def case_mails(self, case_id: int) -> list[MailRecord]:
        return list(
            self.session.exec(
                select(MailRecord)
                .where(MailRecord.case_id == case_id)
                .order_by(col(MailRecord.arrived_at), col(MailRecord.id))
            )
        )

    # -- threads -----------------------------------------------------------
    def add_message_id(
        self,
        case_id: int,
        message_id: str,
        direction: str,
        sender: str | None = None,
        *,
        new_case: bool = False,
    ) -> None:
        """Record a Message-ID of the case: one it sent (``out``), or one it received
        (``in``) with the address that sent it. A ``new_case`` has none yet to look at."""
        exists = (
            None
            if new_case
            else self.session.exec(
                select(CaseMessageRecord.id).where(
                    CaseMessageRecord.case_id == case_id,
                    CaseMessageRecord.message_id == message_id,
                )
            ).first()
        )
        if exists is None:
            self.session.add(
                CaseMessageRecord(
                    case_id=case_id,
                    message_id=message_id,
                    direction=direction,
                    sender=sender.lower() if sender and direction == Direction.IN else None,
                )
            )

    def message_ids(self, case_id: int, direction: str | None = None) -> list[str]:
        query = select(CaseMessageRecord.message_id).where(CaseMessageRecord.case_id == case_id)
        if direction is not None:
            query = query.where(CaseMessageRecord.direction == direction)
        return list(self.session.exec(query.order_by(col(CaseMessageRecord.id))))

    def thread_matches(self, message_ids: Sequence[str], mailbox: str) -> list[ThreadMatch]:
        """Every case of ``mailbox`` holding one of ``message_ids``, newest case first,
        with whose each Message-ID is (``core.followups`` decides which one counts)."""
        if not message_ids:
            return []
        rows = self.session.exec(
            select(CaseMessageRecord.case_id, CaseMessageRecord.direction, CaseMessageRecord.sender)
            .join(CaseRecord, col(CaseRecord.id) == col(CaseMessageRecord.case_id))
            .where(
                col(CaseMessageRecord.message_id).in_(list(message_ids)[:_CHUNK]),
                CaseRecord.mailbox == mailbox,
            )
            .order_by(col(CaseMessageRecord.case_id).desc(), col(CaseMessageRecord.id))
        )
        links: dict[int, CaseLink] = {}
        found = []
        for case_id, direction, sender in rows:
            if case_id not in links:
                links[case_id] = self._link(self.case_by_id(case_id))
            found.append(ThreadMatch(links[case_id], Direction(direction), sender))
        return found

    def cases_by_reference(self, references: Sequence[str], mailbox: str) -> list[CaseLink]:
        links = []
        for reference in references:
            try:
                case = self.case(reference)
            except NotFound:
                continue
            if case.mailbox == mailbox:
                links.append(self._link(case))
        return links

    @staticmethod
    def _link(case: CaseRecord) -> CaseLink:
        assert case.id is not None
        return CaseLink(case.id, case.reference, case.requester.lower() if case.requester else None)

    def set_status(self, case: CaseRecord, target: Status, actor: str, why: str = "") -> None:
        """Move ``case`` to ``target`` if the flow allows it, and record who did and why."""
        current = Status(case.status)
        if current is target:
            return
        check_transition(current, target)
        assert case.id is not None
        case.status, case.updated_at = target.value, utcnow()
        detail = {"from": current.value, "to": target.value}
        if why:
            detail["why"] = why
        self.add_event(case.id, actor, "status", detail)
        self.session.add(case)

    # -- drafts and the outbox ---------------------------------------------
    def draft(self, draft_id: int) -> DraftRecord:
        return DraftStore(self.session).draft(draft_id)

    def drafts_of(self, case_id: int) -> list[DraftRecord]:
        return DraftStore(self.session).of_case(case_id)

    def reject_pending(self, case_id: int, why: str) -> None:
        """Every pending draft of the case rejected with ``why``."""
        now = utcnow()
        for draft in self.drafts_of(case_id):
            if draft.status == DraftStatus.PENDING:
                draft.status, draft.reason, draft.updated_at = DraftStatus.REJECTED.value, why, now
                self.session.add(draft)

    def outbox_of(self, draft_id: int) -> OutboxRecord | None:
        return self.session.exec(
            select(OutboxRecord).where(OutboxRecord.draft_id == draft_id)
        ).first()

    def unqueue(self, draft_id: int) -> bool:
        """Delete the draft's mail from the outbox if it waits there (queued, or failed);
        False when it has none waiting (being sent, sent, or never queued)."""
        result = self.session.execute(
            delete(OutboxRecord).where(
                col(OutboxRecord.draft_id) == draft_id,
                col(OutboxRecord.state).in_([OutboxState.QUEUED, OutboxState.FAILED]),
            )
        )
        return getattr(result, "rowcount", 0) == 1

    def action(self, action_id: int) -> DraftActionRecord | None:
        """An action in a data source, of any draft."""
        return self.session.get(DraftActionRecord, action_id)

    def in_flight(self, case_id: int) -> list[int]:
        """The case's drafts that are approved and not yet sent (queued or being sent)."""
        query = (
            select(DraftRecord.id)
            .join(OutboxRecord, col(OutboxRecord.draft_id) == col(DraftRecord.id))
            .where(
                DraftRecord.case_id == case_id,
                col(OutboxRecord.state).in_([OutboxState.QUEUED, OutboxState.SENDING]),
            )
        )
        return [draft_id for draft_id in self.session.exec(query) if draft_id is not None]

    # -- audit -------------------------------------------------------------
    def add_event(self, case_id: int, actor: str, action: str, detail: dict[str, Any]) -> None:
        self.session.add(
            CaseEventRecord(case_id=case_id, at=utcnow(), actor=actor, action=action, detail=detail)
        )

    def events(self, case_id: int) -> list[CaseEventRecord]:
        return list(
            self.session.exec(
                select(CaseEventRecord)
                .where(CaseEventRecord.case_id == case_id)
                .order_by(col(CaseEventRecord.id))
            )
        )

    # -- reports across cases ----------------------------------------------
    def cases_in(self, statuses: Collection[str], mailbox: str) -> list[CaseRecord]:
        """``mailbox``'s cases in one of ``statuses``, in the order they were made."""
        query = select(CaseRecord).where(
            col(CaseRecord.status).in_(list(statuses)), CaseRecord.mailbox == mailbox
        )
        return list(self.session.exec(query.order_by(col(CaseRecord.id))))

    def authentication_of_last(
        self, mailbox: str, last: int
    ) -> list[tuple[Sequence[str] | None, str | None]]:
        """The ``Authentication-Results`` headers and the sender verdict of the last ``last``
        mails read in ``mailbox`` whose headers were kept (quarantined ones left out), newest
        first."""
        rows = self.session.exec(
            select(MailRecord.authentication_results, MailRecord.sender_verdict)
            .where(
                MailRecord.mailbox == mailbox,
                col(MailRecord.authentication_results).is_not(None),
                MailRecord.disposition != "quarantined",
            )
            .order_by(col(MailRecord.id).desc())
            .limit(last)
        )
        return [(values, verdict) for values, verdict in rows]

    # -- what the drafting pass and the mail-client review look up ----------
    def drafting_due(self, mailbox: str) -> list[int]:
        """The ids of ``mailbox``'s cases waiting to be drafted, oldest first."""
        query = select(CaseRecord.id).where(
            CaseRecord.drafting_due == True,  # noqa: E712
            CaseRecord.mailbox == mailbox,
        )
        found = self.session.exec(query.order_by(col(CaseRecord.id)))
        return [case_id for case_id in found if case_id]

    def in_outbox(self, message_id: str) -> bool:
        """Whether mailbot queued (and so sent, or will send) the mail with this Message-ID."""
        found = self.session.exec(
            select(OutboxRecord.id).where(col(OutboxRecord.message_id) == message_id)
        ).first()
        return found is not None
