"""Review in the officer's mail client: the drafts' copies in his mailbox, how far his Sent
folder was read, and the key that signs the copies (made here, once per database).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "review_copies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("mailbox", sa.String(32), nullable=False, server_default="default"),
        sa.Column("draft_id", sa.Integer(), sa.ForeignKey("drafts.id"), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("message_id", sa.String(998), nullable=False, unique=True),
        sa.Column("note_message_id", sa.String(998), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("placed_at", MOMENT, nullable=False),
        sa.Column("done_at", MOMENT, nullable=True),
    )
    op.create_index("ix_review_copies_mailbox", "review_copies", ["mailbox"])
    op.create_index("ix_review_copies_draft_id", "review_copies", ["draft_id"])
    op.create_index("ix_review_copies_state", "review_copies", ["state"])
    op.create_table(
        "review_marks",
        sa.Column("mailbox", sa.String(32), primary_key=True),
        sa.Column("folder", sa.String(300), primary_key=True),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
    )
    keys = op.create_table(
        "signing_keys",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
    )
    # The key never leaves the database: whoever could read it could also approve drafts.
    op.bulk_insert(
        keys, [{"name": "review", "key": secrets.token_hex(32), "created_at": datetime.now(UTC)}]
    )


def downgrade() -> None:
    op.drop_table("signing_keys")
    op.drop_table("review_marks")
    op.drop_table("review_copies")
