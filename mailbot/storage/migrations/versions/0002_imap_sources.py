"""IMAP sources: a content hash per mail (re-keying after a UIDVALIDITY change) and source states.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mails") as batch:
        batch.add_column(sa.Column("content_hash", sa.String(64), nullable=True))
        batch.create_index("ix_mails_content_hash", ["content_hash"])
    op.create_table(
        "source_states",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_ok_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("source_states")
    with op.batch_alter_table("mails") as batch:
        batch.drop_index("ix_mails_content_hash")
        batch.drop_column("content_hash")
