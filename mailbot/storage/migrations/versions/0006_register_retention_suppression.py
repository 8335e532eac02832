"""The register's codes (extension and refusal grounds, verification, answered), purging, suppression.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("extension_ground", sa.String(32), nullable=True))
        batch.add_column(sa.Column("refusal_ground", sa.String(32), nullable=True))
        batch.add_column(sa.Column("verification", sa.String(16), nullable=True))
        batch.add_column(sa.Column("answered_at", MOMENT, nullable=True))
        batch.add_column(
            sa.Column("direct_marketing", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("purged_at", MOMENT, nullable=True))
    # Cases answered before this version: the first answer that was sent.
    op.execute(
        sa.text(
            "UPDATE cases SET answered_at = (SELECT min(drafts.sent_at) FROM drafts "
            "WHERE drafts.case_id = cases.id AND drafts.kind IN ('reply', 'refusal') "
            "AND drafts.sent_at IS NOT NULL)"
        )
    )
    op.create_table(
        "suppression",
        sa.Column("address_hash", sa.String(64), primary_key=True),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("suppression")
    with op.batch_alter_table("cases") as batch:
        for column in (
            "purged_at", "direct_marketing", "answered_at", "verification", "refusal_ground",
            "extension_ground",
        ):  # fmt: skip
            batch.drop_column(column)
