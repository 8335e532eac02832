"""The case flow (channel, outcome, extension), review of drafts, the outbox and daily digests.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(
            sa.Column("channel", sa.String(16), nullable=False, server_default="email")
        )
        batch.add_column(sa.Column("outcome", sa.String(32), nullable=True))
        batch.add_column(sa.Column("closed_at", MOMENT, nullable=True))
        batch.add_column(sa.Column("original_due_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("extended_at", MOMENT, nullable=True))
        batch.add_column(sa.Column("extension_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("drafted_body", sa.Text(), nullable=True))
        batch.add_column(sa.Column("edited_by", sa.String(120), nullable=True))
        batch.add_column(sa.Column("edited_at", MOMENT, nullable=True))
        batch.add_column(sa.Column("approved_by", sa.String(120), nullable=True))
        batch.add_column(sa.Column("approved_at", MOMENT, nullable=True))
        batch.add_column(
            sa.Column("automatic", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("sent_at", MOMENT, nullable=True))
        batch.add_column(sa.Column("error", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("draft_id", sa.Integer(), sa.ForeignKey("drafts.id"), nullable=True, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("message_id", sa.String(998), nullable=False, unique=True),
        sa.Column("sender", sa.String(320), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False, index=True),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", MOMENT, nullable=False),
        sa.Column("claimed_by", sa.String(200), nullable=True),
        sa.Column("lease_until", MOMENT, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("server_reply", sa.Text(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("sent_at", MOMENT, nullable=True),
        sa.Column("file_in_sent", sa.Boolean(), nullable=False),
        sa.Column("filed_at", MOMENT, nullable=True),
        sa.Column("file_error", sa.Text(), nullable=False),
    )
    op.create_table(
        "digests",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("outbox_id", sa.Integer(), sa.ForeignKey("outbox.id"), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("digests")
    op.drop_table("outbox")
    with op.batch_alter_table("drafts") as batch:
        for column in (
            "error", "sent_at", "automatic", "approved_at", "approved_by", "edited_at",
            "edited_by", "drafted_body",
        ):  # fmt: skip
            batch.drop_column(column)
    with op.batch_alter_table("cases") as batch:
        for column in (
            "extension_reason", "extended_at", "original_due_date", "closed_at", "outcome",
            "channel",
        ):  # fmt: skip
            batch.drop_column(column)
