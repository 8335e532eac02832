"""The case list's queries: a filter (``core.case_list.CaseFilter``) as SQL, one page of it in
the list's order, its count, and what the page's rows show beside each case.

The database does the filtering, counting and paging (LIMIT/OFFSET), in SQL that SQLite and
PostgreSQL both run: no Python over every case. A case's rights are a JSON list: a right is
found in its text (``"access"`` with the quotes), which both store as written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import String, and_, case, cast, exists, false, func, or_
from sqlmodel import Session, col, select

from mailbot.core.case_list import ALL_VIEW, OPEN_VIEW, CaseFilter
from mailbot.core.cases import OPEN, Status
from mailbot.core.drafting import DraftStatus
from mailbot.storage.models import CaseRecord, DraftRecord, MailRecord

# The drafts that wait for the officer: to approve, or to look at again (not delivered).
WAITING = (DraftStatus.PENDING.value, DraftStatus.FAILED.value)
_OPEN = sorted(status.value for status in OPEN)
_CHUNK = 500
CLASSIFIER = "mailbot"  # ``classified_by`` until a person reclassifies (service.intake.ACTOR)


def possibly_missed() -> Any:
    """Mail mailbot took for no request, with low confidence, that nobody has decided on."""
    return and_(
        col(CaseRecord.status) == Status.NOT_A_REQUEST.value,
        col(CaseRecord.low_confidence),
        col(CaseRecord.classified_by) == CLASSIFIER,
    )


def missed(session: Session, mailbox: str) -> list[CaseRecord]:
    """``mailbox``'s mail mailbot took for no request and is not sure of (``possibly_missed``)."""
    query = select(CaseRecord).where(possibly_missed(), CaseRecord.mailbox == mailbox)
    return list(session.exec(query.order_by(col(CaseRecord.id))))


def _drafts_waiting() -> Any:
    return exists().where(
        col(DraftRecord.case_id) == col(CaseRecord.id), col(DraftRecord.status).in_(WAITING)
    )


def waiting_for_officer() -> Any:
    """Cases where the officer acts next: a decision (may it be a request?), an answer mailbot
    left to him, a denial to close, a draft to approve (or one not delivered), an answer sent
    (the case to close), or possibly a missed request."""
    is_open = col(CaseRecord.status).in_(_OPEN)
    return or_(
        and_(is_open, col(CaseRecord.needs_decision)),
        and_(is_open, col(CaseRecord.reply_to_check).is_not(None)),
        and_(is_open, col(CaseRecord.denied_at).is_not(None)),
        col(CaseRecord.status) == Status.SENT.value,
        and_(is_open, _drafts_waiting()),
        possibly_missed(),
    )


def conditions(wanted: CaseFilter, mailboxes: Collection[str] | None, today: date) -> list[Any]:
    """The SQL conditions of ``wanted``; only cases of ``mailboxes`` when given."""
    found: list[Any] = []
    if wanted.status == OPEN_VIEW:
        found.append(or_(col(CaseRecord.status).in_(_OPEN), possibly_missed()))
    elif wanted.status != ALL_VIEW:
        found.append(col(CaseRecord.status) == wanted.status)
    if wanted.right:
        found.append(cast(CaseRecord.rights, String).contains(f'"{wanted.right}"'))
    if mailboxes is not None:
        found.append(col(CaseRecord.mailbox).in_(list(mailboxes)) if mailboxes else false())
    if wanted.mailbox:
        found.append(col(CaseRecord.mailbox) == wanted.mailbox)
    if wanted.waiting_for_me:
        found.append(waiting_for_officer())
    if wanted.overdue:
        found.append(col(CaseRecord.status).in_(_OPEN))
        found.append(col(CaseRecord.due_date) < today)
    if wanted.reference:
        found.append(
            func.upper(CaseRecord.reference).contains(wanted.reference.upper(), autoescape=True)
        )
    return found


def count_cases(
    session: Session, wanted: CaseFilter, mailboxes: Collection[str] | None, today: date
) -> int:
    """How many cases ``wanted`` finds."""
    query = select(func.count()).select_from(CaseRecord)
    return int(session.exec(query.where(*conditions(wanted, mailboxes, today))).one())


def page_of_cases(
    session: Session,
    wanted: CaseFilter,
    mailboxes: Collection[str] | None,
    today: date,
    *,
    offset: int,
    limit: int,
) -> list[CaseRecord]:
    """The cases ``wanted`` finds, ``limit`` from ``offset``: urgent ones first (a breach's 72
    hours), then by due date (none last), then by reference."""
    no_due_date = case((col(CaseRecord.due_date).is_(None), 1), else_=0)
    query = (
        select(CaseRecord)
        .where(*conditions(wanted, mailboxes, today))
        .order_by(
            col(CaseRecord.urgent).desc(),
            no_due_date,
            col(CaseRecord.due_date),
            col(CaseRecord.reference),
        )
        .offset(offset)
        .limit(limit)
    )
    return list(session.exec(query))


def drafts_waiting(session: Session, case_ids: Collection[int]) -> dict[int, int]:
    """For each of ``case_ids`` with any, how many of its drafts wait for the officer."""
    if not case_ids:
        return {}
    query = (
        select(DraftRecord.case_id, func.count())
        .where(col(DraftRecord.case_id).in_(list(case_ids)), col(DraftRecord.status).in_(WAITING))
        .group_by(col(DraftRecord.case_id))
    )
    return {case_id: int(count) for case_id, count in session.exec(query)}


def message_ids(session: Session, case_ids: Collection[int]) -> dict[int, tuple[str, ...]]:
    """The Message-IDs of each case's mails, once each, in the order the mails arrived: for
    all of ``case_ids`` in one query."""
    found: dict[int, dict[str, None]] = defaultdict(dict)
    ids = list(case_ids)
    for start in range(0, len(ids), _CHUNK):  # a bounded number of parameters per query
        query = (
            select(MailRecord.case_id, MailRecord.message_id)
            .where(
                col(MailRecord.case_id).in_(ids[start : start + _CHUNK]),
                col(MailRecord.message_id).is_not(None),
            )
            .order_by(col(MailRecord.arrived_at), col(MailRecord.id))
        )
        for case_id, message_id in session.exec(query):
            if case_id is not None and message_id:
                found[case_id].setdefault(message_id, None)
    return {case_id: tuple(found_ids) for case_id, found_ids in found.items()}
