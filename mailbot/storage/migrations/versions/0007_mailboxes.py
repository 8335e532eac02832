"""Several mailboxes in one database: cases, mails, the outbox and digests carry their mailbox.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def _mailbox() -> sa.Column[str]:
    return sa.Column("mailbox", sa.String(32), nullable=False, server_default="default")


def upgrade() -> None:
    for table in ("cases", "outbox"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(_mailbox())
            batch.create_index(f"ix_{table}_mailbox", ["mailbox"])
    with op.batch_alter_table("mails") as batch:
        batch.add_column(_mailbox())
        batch.drop_constraint("uq_mails_key", type_="unique")
        batch.create_unique_constraint(
            "uq_mails_key", ["mailbox", "source", "folder", "uidvalidity", "uid"]
        )
    # One digest per mailbox and day: the (small) table is rebuilt with its rows.
    op.create_table(
        "digests_by_mailbox",
        sa.Column("mailbox", sa.String(32), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("outbox_id", sa.Integer(), sa.ForeignKey("outbox.id"), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
    )
    op.execute(
        "INSERT INTO digests_by_mailbox (mailbox, day, outbox_id, created_at) "
        "SELECT 'default', day, outbox_id, created_at FROM digests"
    )
    op.drop_table("digests")
    op.rename_table("digests_by_mailbox", "digests")
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("mailboxes", sa.JSON(), nullable=False, server_default="[]"))
    # Each organisation's suppression list is its own.
    op.create_table(
        "suppression_by_mailbox",
        sa.Column("mailbox", sa.String(32), primary_key=True),
        sa.Column("address_hash", sa.String(64), primary_key=True),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
    )
    op.execute(
        "INSERT INTO suppression_by_mailbox (mailbox, address_hash, added_on, origin) "
        "SELECT 'default', address_hash, added_on, origin FROM suppression"
    )
    op.drop_table("suppression")
    op.rename_table("suppression_by_mailbox", "suppression")


def downgrade() -> None:
    op.drop_table("suppression")
    op.create_table(
        "suppression",
        sa.Column("address_hash", sa.String(64), primary_key=True),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
    )
    with op.batch_alter_table("users") as batch:
        batch.drop_column("mailboxes")
    op.drop_table("digests")
    op.create_table(
        "digests",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("outbox_id", sa.Integer(), sa.ForeignKey("outbox.id"), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
    )
    with op.batch_alter_table("mails") as batch:
        batch.drop_constraint("uq_mails_key", type_="unique")
        batch.create_unique_constraint("uq_mails_key", ["source", "folder", "uidvalidity", "uid"])
        batch.drop_column("mailbox")
    for table in ("cases", "outbox"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_mailbox")
            batch.drop_column("mailbox")
