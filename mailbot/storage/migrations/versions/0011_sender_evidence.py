"""Evidence that the person wrote: the receiving service's verdict on each mail, who sent
each Message-ID a case received, and a person's denial or an answer left to the officer.

- ``mails.sender_verdict``/``sender_detail``: ``core.authentication``'s verdict, decided
  at intake (NULL: a mail recorded before, judged again from its bytes when drafted);
  ``mails.writes_for``: the original sender of another person's mail that was forwarded;
- ``case_messages.sender``: who sent a received Message-ID, when the receiving service
  authenticated it (a thread joins a case only through a Message-ID the same address sent);
- ``cases.denied_at``: the person said the request was not theirs; ``reply_to_check``
  and ``reply_check_reason``: an answer to a confirmation request the officer must judge.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN (no batch copy of the tables): SQLite has both since 3.35, and a
    # copy would drop the expression index on cases that it cannot reflect.
    op.add_column("mails", sa.Column("sender_verdict", sa.String(16), nullable=True))
    op.add_column("mails", sa.Column("sender_detail", sa.Text(), nullable=True))
    op.add_column("mails", sa.Column("writes_for", sa.String(320), nullable=True))
    op.add_column("case_messages", sa.Column("sender", sa.String(320), nullable=True))
    op.add_column("cases", sa.Column("denied_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("cases", sa.Column("reply_to_check", sa.Integer(), nullable=True))
    op.add_column("cases", sa.Column("reply_check_reason", sa.Text(), nullable=True))
    # Message-IDs recorded before stay without a sender: whether their mail was authenticated
    # was not kept, and one a forger chose must capture nothing. A reply to such a mail (not
    # to ours) opens a case of its own, which the officer can close: a click, not a breach.


def downgrade() -> None:
    for table, column in (
        ("cases", "reply_check_reason"),
        ("cases", "reply_to_check"),
        ("cases", "denied_at"),
        ("case_messages", "sender"),
        ("mails", "writes_for"),
        ("mails", "sender_detail"),
        ("mails", "sender_verdict"),
    ):
        op.drop_column(table, column)
