"""The drafts' store: a draft stored with its copies and actions, the drafts waiting."""

from __future__ import annotations

from mailbot.storage.database import Database
from mailbot.storage.drafts import DraftStore
from mailbot.storage.models import DraftActionRecord, DraftAttachmentRecord
from tests.support.drafts import stored_draft


def test_a_draft_is_stored_with_its_attached_copies_and_actions(database: Database) -> None:
    attachment = DraftAttachmentRecord(
        draft_id=0, filename="gegevens.csv", content_type="text/csv", size=3, content=b"a;b"
    )
    action = DraftActionRecord(draft_id=0, case_id=0, source="crm", right="erasure", text="wis")
    draft_id = stored_draft(database, attachments=(attachment,), actions=(action,))
    with database.reader() as session:
        drafts = DraftStore(session)
        draft = drafts.draft(draft_id)
        assert [item.filename for item in drafts.files([draft_id])[draft_id]] == ["gegevens.csv"]
        (stored,) = drafts.actions(draft_id)
        assert (stored.case_id, stored.text) == (draft.case_id, "wis")
        assert drafts.find(draft_id + 1) is None


def test_the_drafts_waiting_are_the_pending_ones_of_the_mailbox(database: Database) -> None:
    first = stored_draft(database)
    other = stored_draft(database, "other", "AVG-2026-2")
    second = stored_draft(database, reference="AVG-2026-3")
    with database.session() as session:
        drafts = DraftStore(session)
        drafts.draft(second).status = "approved"
        waiting = drafts.waiting("default")
        assert [(draft.id, draft.updated_at) for draft in waiting] == [
            (first, drafts.draft(first).updated_at)
        ]
        assert [draft.id for draft in drafts.waiting("other")] == [other]
