"""Users of the review pages and their browser sessions.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("name", sa.String(120), primary_key=True),
        sa.Column("password_hash", sa.String(400), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("password_changed_at", MOMENT, nullable=False),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column(
            "user_name", sa.String(120), sa.ForeignKey("users.name"), nullable=True, index=True
        ),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("expires_at", MOMENT, nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("web_sessions")
    op.drop_table("users")
