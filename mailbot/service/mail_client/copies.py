"""The drafts' copies in the officer's mailbox, kept in line with the database; notes to him.

Every draft waiting for review has one copy (and one note) in the review folder,
and, with ``mail_client.drafts_folder``, one in his Drafts folder. A draft that no
longer waits (approved, rejected, sent: here, in the browser, on the command
line) has its copy and note moved to the done folder; a draft that was changed
has its old copy deleted and a new one placed. Each copy is recorded in
``review_copies`` under a Message-ID made from the draft and its fingerprint, so
placing is idempotent: a copy is claimed in the database (``placing``) before it
is appended, and appended only when no mail with its Message-ID is in the folder.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mailbot.config import Settings
from mailbot.core.drafting import DraftStatus
from mailbot.core.mail_client import (
    HEADER,
    NOTE_HEADER,
    Content,
    attachment_name,
    copy_id,
    header_value,
    with_header,
)
from mailbot.core.mail_client.notes import Folders, ReviewFacts, review_note
from mailbot.core.outgoing import Outgoing, build_message, message_id
from mailbot.i18n import labeller, texts
from mailbot.ports import ReviewMailbox
from mailbot.service import approval
from mailbot.service.clock import Clock
from mailbot.storage.database import Conflict, Database, Session, conflicts_reported
from mailbot.storage.drafts import DraftStore
from mailbot.storage.models import (
    CaseRecord,
    DraftAttachmentRecord,
    DraftRecord,
    ReviewCopyRecord,
    utcnow,
)
from mailbot.storage.review_copies import DONE, PLACED, PLACING, REPLACED, ReviewCopyStore
from mailbot.storage.store import CaseStore

EVIDENCE_SHOWN = 5


def draft_content(
    draft: DraftRecord, case: CaseRecord, attachments: Sequence[DraftAttachmentRecord]
) -> Content:
    """What the draft's mail says, as a copy of it is compared."""
    return Content(
        to=draft.to_address,
        subject=approval.with_reference(draft.subject, case.reference),
        body=draft.body,
        attachments=tuple((attachment_name(item.filename), item.content) for item in attachments),
    )


@dataclass
class Reconciled:
    placed: int = 0
    retired: int = 0


class ReviewCopies:
    """Places, replaces and retires one mailbox's copies; writes the notes."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        mailbox: ReviewMailbox,
        clock: Clock,
        folders: Callable[[], Folders],
    ) -> None:
        self.database = database
        self.settings = settings
        self.mailbox = mailbox
        self.clock = clock
        self.folders = folders
        self.language = settings.web.language

    # -- notes ---------------------------------------------------------------
    def _domain(self) -> str:
        return approval.sender_of(self.settings)[0].rpartition("@")[2]

    def note(self, subject: str, body: str, made: str) -> bytes:
        """A note from mailbot to the officer (never sent: only placed in his mailbox)."""
        address, name = approval.sender_of(self.settings)
        officer = self.settings.digest.to if self.settings.digest is not None else address
        note = Outgoing(
            sender=address,
            sender_name=name,
            to=officer,
            subject=subject,
            body=body,
            message_id=made,
            date=utcnow(),
            language=self.language,
            automatic="auto-generated",
        )
        return with_header(build_message(note), NOTE_HEADER, "1")

    async def tell(self, subject: str, body: str) -> None:
        """A note to the officer in the review folder."""
        made = message_id(f"note.{uuid.uuid4().hex}", self._domain())
        await self.mailbox.append(self.folders().review, self.note(subject, body, made))

    # -- keeping the mailbox in line -----------------------------------------
    async def reconcile(self, key: bytes, stopping: Callable[[], bool]) -> Reconciled:
        """Place what is missing or changed, retire what no longer waits."""
        done = Reconciled()
        check, retire = await asyncio.to_thread(self._plan)
        index = _Index(self.mailbox)  # what is in each folder, read once per pass
        if retire and not stopping():
            await self._remove(index, retire, self.folders().done)
            await asyncio.to_thread(self._mark, retire, DONE)
            done.retired = len(retire)
        for draft_id in check:
            if stopping():
                return done
            done.placed += await self._place(index, draft_id, key)
        return done

    async def _place(self, index: _Index, draft_id: int, key: bytes) -> int:
        made = await asyncio.to_thread(self._copy, draft_id, key)
        if made is None:
            return 0
        row, copy, note = made
        old = await asyncio.to_thread(self._live, draft_id)
        if old is not None and old.fingerprint == row.fingerprint and old.state == PLACED:
            await asyncio.to_thread(self._mark, [old], PLACED)  # checked: still what it says
            return 0
        if old is not None and old.fingerprint != row.fingerprint:
            await self._remove(index, [old], "")  # the draft was changed: its old copy goes
            await asyncio.to_thread(self._mark, [old], REPLACED)
        claimed = await asyncio.to_thread(self._claim, row)
        if claimed is None:
            return 0  # another worker is placing it
        folders = self.folders()
        places = [
            (folders.review, row.message_id, copy),
            (folders.review, row.note_message_id, note),
        ]
        if folders.drafts:
            places.insert(1, (folders.drafts, row.message_id, copy))
        for folder, made_id, content in places:
            present = await index.get(folder)
            if made_id not in present:  # not there from a pass cut off after its APPEND
                await self.mailbox.append(folder, content)
                present[made_id] = 0
        await asyncio.to_thread(self._mark, [claimed], PLACED)
        return 1

    async def _remove(self, index: _Index, rows: list[ReviewCopyRecord], target: str) -> None:
        """Move the copies and notes of ``rows`` to ``target`` (delete them when "")."""
        folders = self.folders()
        wanted = {made for row in rows for made in (row.message_id, row.note_message_id)}
        for folder in (folders.review, folders.approve, folders.reject):
            if folder != target:
                present = await index.get(folder)
                uids = [present.pop(made) for made in wanted if made in present]
                await self.mailbox.move(folder, uids, target)
        if folders.drafts:  # the Drafts folder's copy is deleted: one copy in done is enough
            present = await index.get(folders.drafts)
            uids = [present.pop(row.message_id) for row in rows if row.message_id in present]
            await self.mailbox.move(folders.drafts, uids, "")

    def _plan(self) -> tuple[list[int], list[ReviewCopyRecord]]:
        """Drafts whose copy is missing or may be out of date; copies of drafts not waiting."""
        mailbox = self.settings.mailbox
        with self.database.reader() as session:
            pending = DraftStore(session).waiting(mailbox)
            rows = ReviewCopyStore(session).live(mailbox)
        live = {row.draft_id: row for row in rows}
        waiting = {draft.id for draft in pending}
        check = [
            draft.id
            for draft in pending
            if draft.id not in live
            or live[draft.id].state == PLACING  # a placing cut off: done again
            or draft.updated_at > live[draft.id].placed_at  # changed since: checked
        ]
        return check, [row for row in rows if row.draft_id not in waiting]

    def _copy(self, draft_id: int, key: bytes) -> tuple[ReviewCopyRecord, bytes, bytes] | None:
        """A waiting draft's copy and note, and the row that will record them."""
        with self.database.reader() as session:
            draft = DraftStore(session).find(draft_id)
            if draft is None or draft.status != DraftStatus.PENDING:
                return None
            case = CaseStore(session).case_by_id(draft.case_id)
            attachments = DraftStore(session).attachments(draft.id)
            fingerprint = draft_content(draft, case, attachments).fingerprint
            made = copy_id(key, self.settings.mailbox, draft_id, fingerprint, self._domain())
            note_id = message_id(f"note.{draft_id}.{fingerprint[:16]}", self._domain())
            mail = approval.outgoing(
                session, self.settings, draft, case.reference, made=made, now=utcnow(),
                attachments=attachments,
            )  # fmt: skip
            value = header_value(key, self.settings.mailbox, draft_id, fingerprint)
            copy = with_header(build_message(mail), HEADER, value)
            facts = self._facts(session, draft, case, [item.filename for item in attachments])
            subject, body = review_note(
                facts, self.folders(), labeller(self.language), texts(self.language)
            )
            row = ReviewCopyRecord(
                mailbox=self.settings.mailbox,
                draft_id=draft_id,
                fingerprint=fingerprint,
                message_id=made,
                note_message_id=note_id,
                state=PLACING,
                placed_at=utcnow(),
            )
            return row, copy, self.note(subject, body, note_id)

    def _facts(
        self, session: Session, draft: DraftRecord, case: CaseRecord, attachments: list[str]
    ) -> ReviewFacts:
        evidence = [str(item.get("phrase", "")) for item in case.evidence if item.get("right")]
        return ReviewFacts(
            draft=draft.id or 0,
            reference=case.reference,
            kind=draft.kind,
            to=draft.to_address,
            on_file=draft.to_address.lower() in case.allowed_recipients,
            rights=list(case.rights),
            identity=case.identity,
            identity_detail=case.identity_detail,
            due=case.due_date,
            today=self.clock.local_today(),
            evidence=evidence[:EVIDENCE_SHOWN],
            why=draft.why,
            notes=list(draft.notes),
            actions=[f"[{item.id}] {item.text}" for item in approval.open_actions(session, draft)],
            attachments=attachments,
        )

    # -- the rows ------------------------------------------------------------
    def _live(self, draft_id: int) -> ReviewCopyRecord | None:
        with self.database.reader() as session:
            return ReviewCopyStore(session).live_of(draft_id)

    def _claim(self, row: ReviewCopyRecord) -> ReviewCopyRecord | None:
        """Record that this copy is being placed; None when another worker claimed it.

        A copy placed before under the same Message-ID (the draft changed and was
        changed back) is the same mail: its row is taken up again.
        """
        with self.database.session() as session:
            store = ReviewCopyStore(session)
            found = store.by_message_id(row.message_id)
            if found is not None and found.state == PLACED:
                return None
            if found is not None:
                found.state, found.placed_at, found.done_at = PLACING, row.placed_at, None
                row = found
            store.add(row)
            try:
                with conflicts_reported(session):
                    session.commit()
            except Conflict:  # another worker claimed it first
                return None
            session.refresh(row)
            return row

    def _mark(self, rows: list[ReviewCopyRecord], state: str) -> None:
        now = utcnow()
        with self.database.session() as session:
            store = ReviewCopyStore(session)
            for row in rows:
                current = store.copy(row.id)
                if current is None:
                    continue
                current.state = state
                if state == PLACED:
                    current.placed_at = now
                else:
                    current.done_at = now
            session.commit()


class _Index:
    """The Message-IDs (and UIDs) in each folder, read when first needed in a pass."""

    def __init__(self, mailbox: ReviewMailbox) -> None:
        self.mailbox = mailbox
        self.folders: dict[str, dict[str, int]] = {}

    async def get(self, folder: str) -> dict[str, int]:
        if folder not in self.folders:
            self.folders[folder] = await self.mailbox.index(folder)
        return self.folders[folder]
