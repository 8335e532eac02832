"""Reminder drafts (issue 23): ``drafts.reminder_of``, the request a reminder reminds of.

Unique, so that a request gets one reminder however many workers draft at once. A link
between two drafts of one case, deleted together, so no foreign key: it would decide the
order in which a purge may delete them, and SQLite cannot add one without copying the table.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("drafts", sa.Column("reminder_of", sa.Integer(), nullable=True))
    op.create_index("ix_drafts_reminder_of", "drafts", ["reminder_of"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_drafts_reminder_of", "drafts")
    op.drop_column("drafts", "reminder_of")
