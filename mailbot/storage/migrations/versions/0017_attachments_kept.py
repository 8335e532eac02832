"""An attachment's bytes are kept once, in the mail's own (issue 25).

- ``attachments.kept``: the attachment was within ``intake.max_attachment_bytes``, so its
  bytes are kept, in the mail's (``raw_mails``), which intake has always stored whole.
  Until now intake also stored its decoded bytes in ``attachments.content``: a second copy
  that nothing read back, and that made the worker hold a large mail's attachments three
  times over while it stored them. Rows recorded from now on leave ``content`` empty.
- Existing rows get ``kept`` from whether they have ``content``, and their ``content`` is
  cleared where the mail's bytes are stored (always, unless a fault left them apart): a
  second copy of what may be an identity document is not kept for nothing. Rewriting those
  rows is a one-time cost of the upgrade.
- Downgrading drops ``kept``: the older code then shows every attachment as not stored,
  though its bytes are still in the mail's (``raw_mails``).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "attachments",
        sa.Column("kept", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.execute("UPDATE attachments SET kept = (content IS NOT NULL)")
    op.execute(
        "UPDATE attachments SET content = NULL WHERE content IS NOT NULL "
        "AND mail_id IN (SELECT mail_id FROM raw_mails)"
    )


def downgrade() -> None:
    op.drop_column("attachments", "kept")
