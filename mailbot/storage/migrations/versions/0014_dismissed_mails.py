"""The quarantine's decisions (issue 23): a quarantined mail the officer dismisses keeps who
dismissed it, when, and why.

- ``mails.dismissed_by``, ``mails.dismissed_at``, ``mails.dismissal_reason``: set with the
  disposition ``dismissed``; the mail is purged like other mail that became no case, the
  period counted from the dismissal.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-14
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("mails", sa.Column("dismissed_by", sa.String(120), nullable=True))
    op.add_column("mails", sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("mails", sa.Column("dismissal_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    for column in ("dismissal_reason", "dismissed_at", "dismissed_by"):
        op.drop_column("mails", column)
