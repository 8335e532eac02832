"""Drafting in batches: the cases' facts read in one transaction, their drafts stored in one;
a case that fails stays due alone."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from itertools import count
from pathlib import Path

import pytest
from sqlalchemy import event

from mailbot.ports import MailKey, MailRef
from mailbot.service.drafting import Drafting, _Prepared
from mailbot.storage.database import Database
from mailbot.storage.models import DraftRecord
from mailbot.storage.store import CaseStore
from tests.support.desk import TOM, Desk, desks
from tests.support.mails import simple

_uids = count(1)


@pytest.fixture
def desk(tmp_path: Path, database: Database) -> Iterator[Desk]:
    yield from desks(tmp_path, database)


def arrive(desk: Desk, bodies: Sequence[str], sender: str = TOM) -> list[int]:
    """Mails become cases, not drafted yet; their case ids."""
    ids = []
    for body in bodies:
        raw = simple(body, From=sender, Message_ID=f"<batch-{next(_uids)}@example.com>")
        moment = datetime(2026, 3, 5, 9, tzinfo=UTC)
        key = MailKey("maildir", "/t", 0, f"batch-{next(_uids)}")
        result = desk.intake.process(MailRef(key, len(raw), moment), raw)
        assert result.reference is not None
        with desk.database.reader() as session:
            case_id = CaseStore(session).case(result.reference).id
        assert case_id is not None
        ids.append(case_id)
    return ids


def due(desk: Desk) -> list[int]:
    with desk.database.reader() as session:
        return CaseStore(session).drafting_due(desk.settings.mailbox)


def drafts(desk: Desk, case_id: int) -> list[DraftRecord]:
    with desk.database.reader() as session:
        return CaseStore(session).drafts_of(case_id)


def test_a_batch_of_cases_is_stored_in_one_transaction(desk: Desk) -> None:
    ids = arrive(desk, [f"Ik wil inzage in mijn gegevens ({n})." for n in range(4)])
    committed: list[int] = []

    def counted(_connection: object) -> None:
        committed.append(1)

    event.listen(desk.database.engine, "commit", counted)
    try:
        assert desk.drafting.draft_batch(ids) == 4
    finally:
        event.remove(desk.database.engine, "commit", counted)
    assert len(committed) == 1
    assert due(desk) == []
    kinds = [[d.kind for d in drafts(desk, case_id)] for case_id in ids]
    assert kinds == [["acknowledgement", "reply"]] * 4
    # The second and later requests of the same person within a year are noted, as alone.
    notes = drafts(desk, ids[-1])[0].notes
    assert sum("repeated request" in note for note in notes) == 3


class _FailsToStore(Drafting):
    """Drafting whose storing fails, as a bug would, for one case."""

    failing: int = 0

    def _store(self, store: CaseStore, record: object, prepared: _Prepared, *rest: object) -> bool:
        if prepared.case_id == self.failing:
            raise RuntimeError("simulated bug")
        return super()._store(store, record, prepared, *rest)  # type: ignore[arg-type]


def test_a_case_that_cannot_be_stored_stays_due_alone(desk: Desk) -> None:
    ids = arrive(desk, [f"Verwijder mijn gegevens ({n})." for n in range(3)])
    drafting = _FailsToStore(desk.database, desk.settings, desk.sources, desk.drafting.renderer)
    drafting.failing = ids[1]
    assert drafting.draft_batch(ids) == 2
    assert due(desk) == [ids[1]]
    assert drafts(desk, ids[1]) == []
    # The others are stored alone, each with its drafts (built anew: the batch's records
    # were flushed and rolled back).
    for case_id in (ids[0], ids[2]):
        assert [d.kind for d in drafts(desk, case_id)] == [
            "acknowledgement",
            "confirmation_request",
        ]
    all_ids = [d.id for case_id in ids for d in drafts(desk, case_id)]
    assert len(all_ids) == len(set(all_ids)) == 4
    assert desk.drafting.run() == 1  # fixed: drafted on the next pass
    assert due(desk) == []


class _FailsToGather(Drafting):
    """Drafting whose reading of one case's facts fails, as a data source's bug would."""

    failing: int = 0

    def _facts(self, case: object, *rest: object) -> object:  # type: ignore[override]
        if getattr(case, "id", None) == self.failing:
            raise RuntimeError("simulated bug")
        return super()._facts(case, *rest)  # type: ignore[arg-type]


def test_a_case_whose_facts_cannot_be_read_stays_due_alone(desk: Desk) -> None:
    ids = arrive(desk, [f"Ik wil inzage ({n})." for n in range(3)])
    drafting = _FailsToGather(desk.database, desk.settings, desk.sources, desk.drafting.renderer)
    drafting.failing = ids[0]
    assert drafting.draft_batch(ids) == 2
    assert due(desk) == [ids[0]]
