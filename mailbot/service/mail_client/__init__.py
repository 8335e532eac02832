"""Review in the officer's own mail client (``[mail_client]``): one pass over his folders.

Each pass, in this order:

1. copies moved to the approval folder are read back (``core.mail_client``); a
   copy signed by mailbot, unchanged, of the draft as it is now, approves the
   stored draft through ``service.approval.approve_in_session``, the path of the
   web and the command line; the worker's outbox sends it;
2. copies moved to the rejection folder reject their draft (``service.approval.reject``);
3. the Sent folder is read from where the last pass stopped, for mail the
   officer sent himself (``sent``);
4. the mailbox is brought in line with the database: a copy (and a note) for
   every draft waiting for review, none for a draft that no longer waits, a new
   one for a draft that was changed.

The database is the source of truth: a copy is only ever a way to point at a
draft. Whatever the officer moved is moved on to the done folder (or back to the
review folder, when he has to do something), and every refusal to act is told
to him in a note beside it. Nothing here logs a person's data.

The feature in one place: the decisions are ``core.mail_client`` (and its ``notes``, the
texts the officer reads), the copies and their notes ``copies``, the Sent folder ``sent``,
the IMAP folders ``sources.imap.review_folders``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from mailbot.config import MailClientSettings, Settings
from mailbot.core.drafting import DraftStatus
from mailbot.core.mail_client import Content, Problem, Reading, read
from mailbot.core.mail_client.notes import Folders
from mailbot.errors import NotAllowed, NotFound, SourceUnavailable
from mailbot.i18n import texts
from mailbot.ports import FolderMail, ReviewMailbox
from mailbot.service import approval
from mailbot.service.clock import Clock
from mailbot.service.mail_client.copies import ReviewCopies, draft_content
from mailbot.service.mail_client.sent import SentMail
from mailbot.storage.database import Conflict, Database, Session, conflicts_reported
from mailbot.storage.drafts import DraftStore
from mailbot.storage.models import CaseRecord, DraftRecord
from mailbot.storage.review_copies import ReviewCopyStore
from mailbot.storage.store import CaseStore

log = logging.getLogger(__name__)
ACTOR = "mail client"  # who approved or rejected, in the case's history


@dataclass
class ReviewReport:
    """What one pass over the officer's folders did (counts only)."""

    placed: int = 0
    approved: int = 0
    rejected: int = 0
    not_acted: int = 0  # a changed or outdated copy, or an approval the rules refused
    ignored: int = 0  # not a copy mailbot signed
    sent_by_officer: int = 0
    retired: int = 0


@dataclass(frozen=True)
class _Told:
    """What to tell the officer about a mail he moved, and where that mail goes."""

    subject: str
    body: str
    back: str  # the folder the mail goes to


def signing_key(database: Database) -> bytes:
    with database.reader() as session:
        key = ReviewCopyStore(session).signing_key()
        if key is None:  # the migration made it; only a hand-edited database lacks it
            raise NotFound("the database has no signing key for review copies (migration 0010)")
        return bytes.fromhex(key)


class MailClientReview:
    """Review in the officer's mail client, for one mailbox."""

    def __init__(
        self, database: Database, settings: Settings, mailbox: ReviewMailbox, clock: Clock
    ) -> None:
        assert settings.mail_client is not None
        self.database = database
        self.settings = settings
        self.config: MailClientSettings = settings.mail_client
        self.mailbox = mailbox
        self.clock = clock
        self.language = settings.web.language
        self._special: dict[str, str] | None = None
        self._key: bytes | None = None
        self.copies = ReviewCopies(database, settings, mailbox, clock, lambda: self.folders)

    @property
    def name(self) -> str:
        return self.mailbox.name

    @property
    def folders(self) -> Folders:
        config, special = self.config, self._special or {}
        drafts = (
            special.get("drafts", "") if config.drafts_folder == "auto" else config.drafts_folder
        )
        return Folders(
            config.review_folder,
            config.approve_folder,
            config.reject_folder,
            config.done_folder,
            drafts,
        )

    def _t(self, key: str, **values: object) -> str:
        return texts(self.language)(key, **values)

    # -- the pass ------------------------------------------------------------
    async def run(self, stopping: Callable[[], bool] = lambda: False) -> ReviewReport:
        """One pass over the folders; ``SourceUnavailable`` when the mailbox cannot be used."""
        try:
            return await self._run(stopping)
        except SourceUnavailable:
            self._special = None  # a folder may have been deleted: made again next time
            raise

    async def _run(self, stopping: Callable[[], bool]) -> ReviewReport:
        report = ReviewReport()
        if self._special is None:
            assert self.settings.imap is not None  # the configuration guarantees it
            special = self.config.special(self.settings.imap.sent_folder)
            self._special = await self.mailbox.prepare(self.config.folders, special)
        if self._key is None:
            self._key = await asyncio.to_thread(signing_key, self.database)
        folders = self.folders
        for folder, approve in ((folders.approve, True), (folders.reject, False)):
            moves: dict[str, list[int]] = {}
            for uid in await self.mailbox.uids(folder):  # one at a time: copies may be large
                if stopping():
                    break
                raw = await self.mailbox.fetch(folder, uid)
                if raw is None:
                    continue  # moved away meanwhile
                mail = FolderMail(folder, uid, raw)
                target = await self._handle(mail, self._key, report, approve=approve)
                moves.setdefault(target, []).append(uid)
            for target, uids in moves.items():  # what was handled leaves the folder
                await self.mailbox.move(folder, uids, target)
            if stopping():
                return report
        sent = self._special.get("sent", "")
        if sent:
            watcher = SentMail(self.database, self.settings, self.mailbox, self._key, self.clock)
            for subject, body in await watcher.run(sent, stopping):
                await self.copies.tell(subject, body)
            report.sent_by_officer = watcher.recorded
        reconciled = await self.copies.reconcile(self._key, stopping)
        report.placed, report.retired = reconciled.placed, reconciled.retired
        return report

    async def wait(self, timeout: float) -> None:
        """Until a copy is moved to the approval folder, or ``mail_client.poll_interval``."""
        await self.mailbox.wait(self.config.approve_folder, min(timeout, self.config.poll_interval))

    async def close(self) -> None:
        await self.mailbox.close()

    # -- what the officer moved ----------------------------------------------
    async def _handle(
        self, mail: FolderMail, key: bytes, report: ReviewReport, *, approve: bool
    ) -> str:
        """Act on one mail the officer moved; returns the folder it goes to next."""
        folders = self.folders
        try:
            reading = read(mail.content, key, self.settings.mailbox)
        except Exception as exc:  # anything can be moved there: it must not stop the worker
            log.warning("%s: a mail in %s could not be read (%s)", self.name, mail.folder, exc)
            reading = Reading(None, "", Problem.NOT_OURS, Content("", "", ""))
        if reading.note:  # a note moved along with its copy
            return folders.done
        if reading.draft_id is None:
            await self._ignored(mail, reading, report)
            return folders.done
        decide = self._approve if approve else self._reject
        told = await asyncio.to_thread(decide, reading, report)
        if told is None:
            return folders.done
        await self.copies.tell(told.subject, told.body)
        return told.back

    async def _ignored(self, mail: FolderMail, reading: Reading, report: ReviewReport) -> None:
        log.warning(
            "%s: a mail in %s is not a copy mailbot signed (%s); ignored and moved to %s",
            self.name,
            mail.folder,
            reading.problem,
            self.folders.done,
        )
        told = self._not_ours(mail.folder, reading, report)
        await self.copies.tell(told.subject, told.body)

    def _approve(self, reading: Reading, report: ReviewReport) -> _Told | None:
        """Approve the draft a copy in the approval folder names, if all is well."""
        folders = self.folders
        assert reading.draft_id is not None
        with self.database.session() as session:
            found = self._draft(session, reading.draft_id)
            if found is None:
                return self._not_ours(folders.approve, reading, report)
            draft, case = found
            assert case.id is not None
            store = CaseStore(session)
            case = store.case_for_update(case.id)  # another worker may approve it right now
            assert case.id is not None
            session.refresh(draft)
            status = DraftStatus(draft.status)
            if status in (DraftStatus.APPROVED, DraftStatus.SENT):
                return None  # approved before (moved back and forth): sent once, nothing to do
            attachments = DraftStore(session).attachments(draft.id)
            current = draft_content(draft, case, attachments).fingerprint
            problem = reading.against(current)
            if problem is not None:
                store.add_event(
                    case.id, ACTOR, "not_sent", {"draft": draft.id, "why": problem.value}
                )
                session.commit()
                report.not_acted += 1
                log.warning(
                    "%s: draft %s (case %s) not sent: the copy moved to %s is %s",
                    self.name, draft.id, case.reference, folders.approve, problem,
                )  # fmt: skip
                back = folders.review if problem is Problem.CHANGED else folders.done
                body = self._t(
                    problem.value, draft=draft.id, folder=folders.approve, back=folders.review
                )
                subject = self._t(
                    "told.subject", reference=case.reference, what=self._t("not_sent")
                )
                return _Told(subject, body, back)
            try:
                approval.approve_in_session(
                    session, self.settings, draft, case, actor=ACTOR, today=self.clock.local_today()
                )
            except NotAllowed as exc:
                session.rollback()
                report.not_acted += 1
                # A waiting draft's copy goes back for another try; any other to done.
                back = folders.review if status is DraftStatus.PENDING else folders.done
                problems = "\n".join(f"- {problem}" for problem in exc.reasons)
                body = self._t("refused", draft=draft.id, problems=problems, back=back)
                subject = self._t(
                    "told.subject", reference=case.reference, what=self._t("not_sent")
                )
                return _Told(subject, body, back)
            try:
                with conflicts_reported(session):
                    session.commit()
            except Conflict:  # another worker approved it first (its outbox row exists)
                return None
            report.approved += 1
            log.info(
                "%s: draft %s (case %s) approved in the mail client",
                self.name,
                draft.id,
                case.reference,
            )
            return None

    def _reject(self, reading: Reading, report: ReviewReport) -> _Told | None:
        """Reject the draft a copy in the rejection folder names (changed or not)."""
        folders = self.folders
        assert reading.draft_id is not None
        with self.database.reader() as session:
            found = self._draft(session, reading.draft_id)
            if found is None:
                return self._not_ours(folders.reject, reading, report)
            draft, case = found
        if draft.status == DraftStatus.REJECTED:
            return None
        reason = f"moved to {folders.reject} in the mail client"
        try:
            approval.reject(self.database, self.clock, reading.draft_id, ACTOR, reason)
        except NotAllowed as exc:
            report.not_acted += 1
            body = self._t("not_rejected", draft=draft.id, problems="; ".join(exc.reasons))
            what = self._t("not_rejected.what")
            subject = self._t("told.subject", reference=case.reference, what=what)
            return _Told(subject, body, folders.done)
        report.rejected += 1
        log.info(
            "%s: draft %s (case %s) rejected in the mail client",
            self.name,
            draft.id,
            case.reference,
        )
        return None

    def _not_ours(self, folder: str, reading: Reading, report: ReviewReport) -> _Told:
        """A mail that names no draft of this mailbox: not acted on; told; to done."""
        report.ignored += 1
        why = self._t("bad_signature") if reading.problem is Problem.BAD_SIGNATURE else ""
        done = self.folders.done
        subject = self._t("ignored.subject", folder=folder)
        body = self._t(
            "ignored", folder=folder, subject=reading.content.subject or "-", why=why, done=done
        )
        return _Told(subject, body, done)

    def _draft(self, session: Session, draft_id: int) -> tuple[DraftRecord, CaseRecord] | None:
        """The draft and its case, when it is one of this mailbox's."""
        draft = DraftStore(session).find(draft_id)
        if draft is None:
            return None
        case = CaseStore(session).case_by_id(draft.case_id)
        return (draft, case) if case.mailbox == self.settings.mailbox else None
