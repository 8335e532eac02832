"""The executions' side of the database: what mailbot carried out in a SQL source, per action."""

from __future__ import annotations

from sqlmodel import Session, col, select

from mailbot.storage.models import CaseRecord, ExecutionRecord


class ExecutionStore:
    """Executions, in the caller's session (the caller commits)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def of_case(self, case_id: int) -> list[ExecutionRecord]:
        return list(
            self.session.exec(
                select(ExecutionRecord)
                .where(ExecutionRecord.case_id == case_id)
                .order_by(col(ExecutionRecord.id))
            )
        )

    def of_action(self, action_id: int) -> ExecutionRecord | None:
        return self.session.exec(
            select(ExecutionRecord)
            .where(ExecutionRecord.action_id == action_id)
            .execution_options(populate_existing=True)
        ).first()

    def in_state(self, state: str, mailbox: str | None = None) -> list[ExecutionRecord]:
        """Executions in ``state`` (of ``mailbox``'s cases only, when given), oldest first."""
        query = select(ExecutionRecord).where(ExecutionRecord.state == state)
        if mailbox is not None:
            query = query.join(
                CaseRecord, col(CaseRecord.id) == col(ExecutionRecord.case_id)
            ).where(CaseRecord.mailbox == mailbox)
        return list(self.session.exec(query.order_by(col(ExecutionRecord.id))))

    def save(self, record: ExecutionRecord) -> ExecutionRecord:
        self.session.add(record)
        self.session.flush()
        return record
