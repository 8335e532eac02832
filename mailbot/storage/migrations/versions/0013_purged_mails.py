"""The register is what it says (issue 22): a purge leaves nothing that leads to a person.

- ``purged_mails``: what stays of a purged mail, keyed hashes (HMAC-SHA256) of its key
  and of its bytes under a key made here (``signing_keys``, ``mails``), tied to no case,
  so that a mail still in the mailbox is not read again;
- the records of the mails purged before this version (those of purged cases, and the
  emptied mails that became no case) are turned into such entries and deleted, with the
  Message-IDs, fingerprints and content hashes they kept; the purged cases lose the mail
  their answer was in and the case a complaint was about, and their trails the mail ids.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-10
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

MAIL_KEY = "mails"
CASELESS = ("ignored", "duplicate")


def _mac(key: str, *parts: str) -> str:
    """As ``core.retention._mac`` does it now (written out: a migration must not change)."""
    message = "\x00".join(parts).encode("utf-8", "surrogatepass")
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def upgrade() -> None:
    purged = op.create_table(
        "purged_mails",
        sa.Column("mailbox", sa.String(32), primary_key=True),
        sa.Column("key_hash", sa.String(64), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=True),
        # the folder's epoch, not the mail's: its bytes count again only under a new one
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("disposition", sa.String(16), nullable=False),
    )
    op.create_index("ix_purged_mails_content_hash", "purged_mails", ["content_hash"])
    connection = op.get_bind()
    keys = sa.table(
        "signing_keys",
        sa.column("name", sa.String()),
        sa.column("key", sa.String()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    key = connection.execute(sa.select(keys.c.key).where(keys.c.name == MAIL_KEY)).scalar()
    if key is None:  # the key never leaves the database; it must never change
        key = secrets.token_hex(32)
        op.bulk_insert(keys, [{"name": MAIL_KEY, "key": key, "created_at": datetime.now(UTC)}])
    # The mails purged before: those of purged cases, and the mails that became no case
    # and were emptied (no bytes left; every such mail is stored with its bytes).
    rows = connection.execute(
        sa.text(
            "SELECT m.id, m.mailbox, m.source, m.folder, m.uidvalidity, m.uid, "
            "m.content_hash, m.disposition FROM mails m "
            "LEFT JOIN cases c ON c.id = m.case_id "
            "WHERE c.purged_at IS NOT NULL OR (m.case_id IS NULL "
            "AND m.disposition IN ('ignored', 'duplicate') "
            "AND NOT EXISTS (SELECT 1 FROM raw_mails r WHERE r.mail_id = m.id))"
        )
    ).all()
    entries: dict[tuple[str, str], dict[str, Any]] = {}
    for _id, mailbox, source, folder, validity, uid, content, disposition in rows:
        key_hash = _mac(key, "key", source, folder, str(validity), uid)
        entries[(mailbox, key_hash)] = {
            "mailbox": mailbox,
            "key_hash": key_hash,
            "content_hash": _mac(key, "content", source, folder, content) if content else None,
            "uidvalidity": validity,
            "disposition": disposition,
        }
    if entries:
        op.bulk_insert(purged, list(entries.values()))
    ids = [row[0] for row in rows]
    for start in range(0, len(ids), 500):
        chunk = {"ids": ids[start : start + 500]}
        for statement in (
            "DELETE FROM attachments WHERE mail_id IN :ids",
            "DELETE FROM raw_mails WHERE mail_id IN :ids",
            "UPDATE mails SET duplicate_of = NULL WHERE duplicate_of IN :ids",
            "DELETE FROM mails WHERE id IN :ids",
        ):
            connection.execute(
                sa.text(statement).bindparams(sa.bindparam("ids", expanding=True)), chunk
            )
    connection.execute(
        sa.text(
            "UPDATE cases SET reply_to_check = NULL, related_case = NULL "
            "WHERE purged_at IS NOT NULL"
        )
    )
    events = sa.table("case_events", sa.column("id", sa.Integer()), sa.column("detail", sa.JSON()))
    trail = connection.execute(
        sa.select(events.c.id, events.c.detail).where(
            sa.text("case_id IN (SELECT id FROM cases WHERE purged_at IS NOT NULL)")
        )
    ).all()
    for event_id, detail in trail:
        if isinstance(detail, dict) and "mail_id" in detail:
            bare = {name: value for name, value in detail.items() if name != "mail_id"}
            connection.execute(events.update().where(events.c.id == event_id).values(detail=bare))


def downgrade() -> None:
    # The purged mails' records are not brought back: after a downgrade, those still in
    # the mailbox are read again as new mail. The key stays, for an upgrade again.
    op.drop_index("ix_purged_mails_content_hash", table_name="purged_mails")
    op.drop_table("purged_mails")
