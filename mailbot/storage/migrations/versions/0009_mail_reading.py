"""What drafting reads from a mail, kept at intake: the request text, Authentication-Results.

Drafting parsed each case's mail again from its bytes, which for a 25 MB mail took
some 170 MB and a sixth of the drafting time. Mails recorded before this migration
keep NULL here and are read from their bytes as before.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mails") as batch:
        batch.add_column(sa.Column("request_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("authentication_results", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mails") as batch:
        batch.drop_column("authentication_results")
        batch.drop_column("request_text")
