"""Recall first: a mail that may be a request is a case the officer decides (issue 21).

- ``cases.needs_decision``: a provisional clock, until the officer reclassifies or dismisses;
- ``cases.topics``: what else the mail is (consent withdrawal, breach, complaint, ...);
- ``cases.urgent`` and ``cases.breach_notify_by`` (receipt plus 72 hours, Art. 33);
- ``cases.related_case``: the earlier case a complaint is about.

Cases recorded before keep their status: a ``not_a_request`` of before is not reopened
(the officer can reclassify it), and none needs a decision.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "cases",
        sa.Column("needs_decision", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("cases", sa.Column("topics", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column(
        "cases", sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("cases", sa.Column("breach_notify_by", sa.DateTime(timezone=True), nullable=True))
    op.add_column("cases", sa.Column("related_case", sa.String(40), nullable=True))


def downgrade() -> None:
    for column in ("related_case", "breach_notify_by", "urgent", "topics", "needs_decision"):
        op.drop_column("cases", column)
