"""An attachment's bytes are kept once, in the mail's own (issue 25).

- ``attachments.kept``: the attachment was within ``intake.max_attachment_bytes``, so its
  bytes are kept, in the mail's (``raw_mails``), which intake has always stored whole.
  Until now intake also stored its decoded bytes in ``attachments.content``: a second copy
  that nothing read back, and that made the worker hold a large mail's attachments three
  times over while it stored them. Rows recorded from now on leave ``content`` empty.
- Existing rows get ``kept`` from whether they have ``content``; their ``content`` stays
  (it is deleted with the mail, as before).

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


def downgrade() -> None:
    # Rows recorded since have no second copy: their bytes are still in raw_mails.
    op.drop_column("attachments", "kept")
