"""Mail the officer sent himself, found in his Sent folder: the case is answered with that text.

The Sent folder is read from a mark (UIDVALIDITY, last UID) kept per mailbox,
headers first; only a mail with a valid ``X-Mailbot-Draft`` header, or with a
case reference in its subject *and* in the thread of that case, is fetched
whole. Mailbot's own sent mail (its Message-ID is in the outbox) is skipped.

The draft it answers (the signed one, else the case's waiting draft) is marked
sent with the text that really went, the way ``service.outbox`` settles mail
it sent itself; the officer is warned when it went to an address that is not
on file or without an attachment of the draft. Each mail is recorded with the
mark in one transaction: a crash reads it again, and records it once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from email.message import EmailMessage

from mailbot.config import Settings
from mailbot.core.approval import status_after_approval
from mailbot.core.cases import Status, references_in
from mailbot.core.drafting import DATA_BEARING, DraftKind, DraftStatus
from mailbot.core.mail_client import (
    NOTE_HEADER,
    carries_signature,
    check_sent,
    content_of,
    parse,
    recipients_of,
    signed_draft,
    thread_of,
)
from mailbot.errors import NotAllowed
from mailbot.i18n import texts
from mailbot.ports import ReviewMailbox
from mailbot.service import approval
from mailbot.service.clock import Clock
from mailbot.service.outbox import record_sent
from mailbot.service.suppression import suppress_case
from mailbot.storage.database import REFUSALS, Database, DatabaseUnavailable, Session
from mailbot.storage.drafts import DraftStore
from mailbot.storage.models import CaseRecord, DraftRecord, utcnow
from mailbot.storage.review_copies import ReviewCopyStore
from mailbot.storage.store import CaseStore

log = logging.getLogger(__name__)
ACTOR = "mail client"
_NO_NOTE: tuple[str, str] = ("", "")  # a draft recorded as sent, nothing to tell
# Which waiting draft a mail the officer sent answers, when no header names one.
_PREFERENCE = (DraftKind.REPLY, DraftKind.REFUSAL, DraftKind.EXTENSION)
_OPEN = (DraftStatus.PENDING, DraftStatus.FAILED, DraftStatus.APPROVED)


class SentMail:
    """Reads one mailbox's Sent folder for mail the officer sent himself."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        mailbox: ReviewMailbox,
        key: bytes,
        clock: Clock,
    ) -> None:
        self.database = database
        self.settings = settings
        self.mailbox = mailbox
        self.key = key
        self.clock = clock
        self.language = settings.web.language
        self.recorded = 0  # drafts recorded as sent by the officer in this run

    async def run(self, folder: str, stopping: Callable[[], bool]) -> list[tuple[str, str]]:
        """Record what came into ``folder``; returns the notes (subject, text) to place."""
        mark = await asyncio.to_thread(self._mark, folder)
        new = await self.mailbox.new_mail(folder, mark)
        notes: list[tuple[str, str]] = []
        for header in new.headers:
            if stopping():
                return notes
            if not await asyncio.to_thread(self._candidate, header.content, folder):
                continue  # the mark at the end passes it
            raw = await self.mailbox.fetch(folder, header.uid)
            if raw is None:
                continue
            note = await asyncio.to_thread(self._record, folder, (new.uidvalidity, header.uid), raw)
            if note is not None:
                notes.append(note)
        await asyncio.to_thread(self._save_mark, folder, (new.uidvalidity, new.last_uid))
        return notes

    def _candidate(self, header: bytes, folder: str) -> bool:
        """Whether a sent mail may answer a case (judged by its header, before its body
        is fetched): not a note, not sent by mailbot, with our header or a reference."""
        try:
            message = parse(header)
            if message.get(NOTE_HEADER) is not None:
                return False
            if carries_signature(message):
                return True  # a copy he sent (mailbot's own sent mail carries no signature)
            subject = str(message.get("Subject", ""))
            message_id = str(message.get("Message-ID", ""))
        except Exception as exc:  # any header at all: one must not stop the pass
            log.warning("a mail's header in %s could not be read (%s); skipped", folder, exc)
            return False
        prefix = self.settings.organisation.reference_prefix
        return bool(references_in(subject, prefix)) and not self._ours(message_id)

    # -- the mark --------------------------------------------------------------
    def _mark(self, folder: str) -> tuple[int, int] | None:
        with self.database.reader() as session:
            record = ReviewCopyStore(session).mark(self.settings.mailbox, folder)
            return None if record is None else (record.uidvalidity, record.last_uid)

    def _save_mark(
        self, folder: str, mark: tuple[int, int], session: Session | None = None
    ) -> None:
        if session is None:
            with self.database.session() as own:
                self._save_mark(folder, mark, own)
                own.commit()
            return
        ReviewCopyStore(session).move_mark(self.settings.mailbox, folder, *mark)

    # -- one mail ------------------------------------------------------------
    def _ours(self, sent_id: str) -> bool:
        """Whether mailbot sent the mail with this Message-ID (and filed it in Sent)."""
        if not sent_id.strip():
            return False
        with self.database.reader() as session:
            return CaseStore(session).in_outbox(sent_id.strip())

    def _record(self, folder: str, mark: tuple[int, int], raw: bytes) -> tuple[str, str] | None:
        """Record one sent mail with the mark, in one transaction; returns a warning note."""
        with self.database.session() as session:
            try:
                note = self._answer(session, raw)
            except (DatabaseUnavailable, *REFUSALS):
                raise  # the database's fault: the mail is read again when it can be used
            except Exception as exc:  # his Sent folder holds any mail: one must not stop us
                session.rollback()
                log.warning("a mail in the Sent folder could not be read (%s); skipped", exc)
                note = None
            self._save_mark(folder, mark, session)
            session.commit()
            if note is None:
                return None
            self.recorded += 1
            return None if note == _NO_NOTE else note

    def _answer(self, session: Session, raw: bytes) -> tuple[str, str] | None:
        """Record what the officer sent; None when it answers no waiting draft, else the
        warning note for him (``_NO_NOTE`` when all is well)."""
        message = parse(raw)
        sent_id = str(message.get("Message-ID", "")).strip()
        found = self._match(session, message)
        if found is None:
            return None
        case, draft = found
        assert case.id is not None
        store = CaseStore(session)
        case = store.case_for_update(case.id)  # another worker may be reading the same mail
        assert case.id is not None
        if draft is not None:
            session.refresh(draft)
        if sent_id and sent_id in store.message_ids(case.id, "out"):
            return None  # recorded before
        recipients = recipients_of(message)
        to_person = bool(recipients) and {address.lower() for address in recipients} <= (
            case.allowed_recipients | {(case.requester or "").lower()}
        )
        if sent_id and to_person:  # a reply to it joins the case; one to anyone else does not
            store.add_message_id(case.id, sent_id, "out")
        if draft is None or DraftStatus(draft.status) not in _OPEN:
            store.add_event(case.id, ACTOR, "officer_mail", {"message_id": sent_id, "draft": None})
            log.info("case %s: a mail the officer sent himself was recorded", case.reference)
            return None
        content = content_of(message)
        assert draft.id is not None
        attachments = [item.filename for item in DraftStore(session).files([draft.id])[draft.id]]
        check = check_sent(
            content,
            recipients,
            draft_to=draft.to_address,
            draft_attachments=attachments,
            allowed=case.allowed_recipients,
            data_bearing=DraftKind(draft.kind) in DATA_BEARING,
        )
        prefix = self.settings.organisation.reference_prefix
        named = {found.upper() for found in references_in(str(message.get("Subject", "")), prefix)}
        unsettled = [
            reason
            for reason, holds in (
                ("no_reference", case.reference.upper() not in named),
                ("recipient_not_on_file", not check.recipient_on_file),
            )
            if holds
        ]
        if unsettled:  # not the case's answer: nothing is settled, he is told why
            detail = {"message_id": sent_id, "draft": draft.id, "not_settled": unsettled}
            store.add_event(case.id, ACTOR, "officer_mail", detail)
            log.warning(
                "case %s: a mail the officer sent was not taken for draft %s (%s)",
                case.reference, draft.id, ", ".join(unsettled),
            )  # fmt: skip
            return self._warning(case, draft, recipients, (), unsettled, settled=False)
        warnings = check.warnings  # the recipient is allowed here: what else to check
        if DraftStatus(draft.status) is DraftStatus.APPROVED and not approval.withdraw(
            session, draft
        ):
            warnings.append("also_sent_by_mailbot")
        self._sent(session, store, case, draft, content.body, sent_id, warnings)
        if not warnings:
            return _NO_NOTE
        log.warning(
            "case %s: draft %s sent by the officer himself; check: %s",
            case.reference, draft.id, ", ".join(warnings),
        )  # fmt: skip
        return self._warning(case, draft, recipients, check.dropped, warnings)

    def _match(
        self, session: Session, message: EmailMessage
    ) -> tuple[CaseRecord, DraftRecord | None] | None:
        """The case (and the draft) a sent mail answers, or None when it is not recognised."""
        store = CaseStore(session)
        signed = signed_draft(message, self.key, self.settings.mailbox)
        if signed is not None:
            draft = DraftStore(session).find(signed[0])
            if draft is not None:
                case = store.case_by_id(draft.case_id)
                if case.mailbox == self.settings.mailbox:
                    return case, draft
        thread = set(thread_of(message))
        prefix = self.settings.organisation.reference_prefix
        for link in store.cases_by_reference(
            references_in(str(message.get("Subject", "")), prefix), self.settings.mailbox
        ):
            if thread & set(store.message_ids(link.case_id)):
                case = store.case_by_id(link.case_id)
                return case, self._waiting(store, case)
        return None

    @staticmethod
    def _waiting(store: CaseStore, case: CaseRecord) -> DraftRecord | None:
        assert case.id is not None
        waiting = [
            draft for draft in store.drafts_of(case.id) if DraftStatus(draft.status) in _OPEN
        ]
        for kind in _PREFERENCE:
            chosen = [draft for draft in waiting if draft.kind == kind]
            if chosen:
                return chosen[-1]
        return waiting[-1] if len(waiting) == 1 else None

    def _sent(  # noqa: PLR0917 (the case, its draft, and what was sent)
        self,
        session: Session,
        store: CaseStore,
        case: CaseRecord,
        draft: DraftRecord,
        body: str,
        sent_id: str,
        warnings: list[str],
    ) -> None:
        assert case.id is not None
        now = utcnow()
        kind = DraftKind(draft.kind)
        edited = body.strip() != draft.body.strip()
        if edited:
            draft.drafted_body = (
                draft.drafted_body if draft.drafted_body is not None else draft.body
            )
            draft.body, draft.edited_by, draft.edited_at = body, ACTOR, now
        draft.approved_by, draft.approved_at, draft.message_id = ACTOR, now, sent_id or None
        draft.error = ""
        detail = {"draft": draft.id, "kind": draft.kind, "message_id": sent_id, "edited": edited}
        store.add_event(case.id, ACTOR, "sent_by_officer", detail | {"warnings": warnings})
        if kind is DraftKind.REPLY:
            try:
                suppress_case(
                    session, self.settings, case, actor=ACTOR, today=self.clock.local_today(),
                    what=f"draft {draft.id}",
                )  # fmt: skip
            except NotAllowed as exc:
                warnings.append("suppression_not_recorded")
                store.add_event(
                    case.id, ACTOR, "warning", {"draft": draft.id, "problems": exc.reasons}
                )
        approved = status_after_approval(kind, Status(case.status))
        store.set_status(case, approved, ACTOR, "sent by the officer from his mail client")
        record_sent(store, draft, case, now, ACTOR, settings=self.settings)

    def _warning(
        self,
        case: CaseRecord,
        draft: DraftRecord,
        recipients: list[str],
        dropped: tuple[str, ...],
        warnings: list[str],
        *,
        settled: bool = True,
    ) -> tuple[str, str]:
        t = texts(self.language)
        sent_to = ", ".join(recipients) or "-"
        intro = "sent_intro" if settled else "not_settled_intro"
        lines = [t(intro, draft=draft.id, reference=case.reference)]
        for warning in warnings:
            if warning == "no_reference":
                lines.append(t(warning, reference=case.reference))
            elif warning in ("recipient_not_on_file", "recipient_changed"):
                lines.append(t(warning, sent_to=sent_to, to=draft.to_address))
            elif warning == "attachment_dropped":
                lines.append(t(warning, dropped=", ".join(dropped)))
            else:
                lines.append(f"- {warning}")
        return t("told.subject", reference=case.reference, what=t("warning")), "\n".join(
            lines
        ) + "\n"
