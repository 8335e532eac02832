"""An index on the lower-case requester address: a person's earlier cases without a full scan.

Drafting looks up each requester's earlier cases (repeated requests within 12 months)
by address, case-insensitively; without this index every lookup read every case, so
drafting a backlog took time in the square of the number of cases.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_requester_lower", "cases", [sa.func.lower(sa.text("requester"))])


def downgrade() -> None:
    op.drop_index("ix_cases_requester_lower", "cases")
