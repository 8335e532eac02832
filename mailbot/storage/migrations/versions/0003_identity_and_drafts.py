"""Identity on cases, ID-evidence flag on mails, drafts with their attachments and actions.

Existing cases get ``drafting_due`` so that the drafting pass handles them once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("identity", sa.String(16), nullable=True))
        batch.add_column(sa.Column("identity_detail", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("address_on_file", sa.String(320), nullable=True))
        batch.add_column(sa.Column("send_to", sa.String(320), nullable=True))
        batch.add_column(sa.Column("verified_method", sa.String(200), nullable=True))
        batch.add_column(sa.Column("verified_by", sa.String(120), nullable=True))
        batch.add_column(sa.Column("verified_at", MOMENT, nullable=True))
        batch.add_column(sa.Column("confirmed_at", MOMENT, nullable=True))
        batch.add_column(
            sa.Column("drafting_due", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("mails") as batch:
        batch.add_column(
            sa.Column("identity_evidence", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("to_address", sa.String(320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("in_reply_to", sa.String(998), nullable=True),
        sa.Column("references", sa.JSON(), nullable=False),
        sa.Column("message_id", sa.String(998), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("updated_at", MOMENT, nullable=False),
    )
    op.create_table(
        "draft_attachments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("draft_id", sa.Integer(), sa.ForeignKey("drafts.id"), nullable=False, index=True),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "draft_actions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("draft_id", sa.Integer(), sa.ForeignKey("drafts.id"), nullable=False, index=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("right", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kept_until", sa.String(200), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("done_by", sa.String(120), nullable=True),
        sa.Column("done_at", MOMENT, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("draft_actions")
    op.drop_table("draft_attachments")
    op.drop_table("drafts")
    with op.batch_alter_table("mails") as batch:
        batch.drop_column("identity_evidence")
    with op.batch_alter_table("cases") as batch:
        for column in (
            "drafting_due", "confirmed_at", "verified_at", "verified_by", "verified_method",
            "send_to", "address_on_file", "identity_detail", "identity",
        ):  # fmt: skip
            batch.drop_column(column)
