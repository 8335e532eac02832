"""Carrying out the decision in the company's systems (issue 24).

- ``executions``: one per action mailbot carries out in a SQL source (erase, restrict,
  rectify): the plan the officer approved (statements and the rows a dry run counted), its
  state (``approved``, ``running``, ``executed``, ``failed``, ``rolled_back``), the counts
  afterwards (never the data), the database's error, and the new values of a rectification
  until it ran (then cleared). ``running`` is committed before the company's transaction
  starts, so that a crash in between is found and recovered (``service.execution``).
- ``draft_actions.recipient``: which of the source's recipients an Art. 19 action tells.
- ``drafts.action_id``: the action a ``recipient_notice`` carries out (no foreign key: the
  two are deleted together with their case, in any order).
- ``kept_data``: data an erasure had to keep (invoices), the source and until when, so that
  the daily purge reminds the officer when the period ends. It outlives the case's purge, so
  it keeps the case's reference and the address the rows are filed under, and nothing else.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "executions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("right", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("plan_version", sa.String(64), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("new_values", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False, server_default=""),
        sa.Column("approved_by", sa.String(120), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_executions_case_id", "executions", ["case_id"])
    op.create_index("ix_executions_action_id", "executions", ["action_id"], unique=True)
    op.create_index("ix_executions_state", "executions", ["state"])
    op.add_column("draft_actions", sa.Column("recipient", sa.Integer(), nullable=True))
    op.add_column("drafts", sa.Column("action_id", sa.Integer(), nullable=True))
    op.create_index("ix_drafts_action_id", "drafts", ["action_id"])
    op.create_table(
        "kept_data",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(40), nullable=False),
        sa.Column("mailbox", sa.String(32), nullable=False, server_default="default"),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("kept_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(120), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_kept_data_until", "kept_data", ["until"])
    op.create_index("ix_kept_data_reference", "kept_data", ["reference"])
    op.create_index("ix_kept_data_mailbox", "kept_data", ["mailbox"])


def downgrade() -> None:
    op.drop_index("ix_kept_data_mailbox", "kept_data")
    op.drop_index("ix_kept_data_reference", "kept_data")
    op.drop_index("ix_kept_data_until", "kept_data")
    op.drop_table("kept_data")
    op.drop_index("ix_drafts_action_id", "drafts")
    op.drop_column("drafts", "action_id")
    op.drop_column("draft_actions", "recipient")
    for index in ("ix_executions_state", "ix_executions_action_id", "ix_executions_case_id"):
        op.drop_index(index, "executions")
    op.drop_table("executions")
