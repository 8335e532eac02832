"""Alembic environment: runs on the connection mailbot hands over (see database.Database)."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from mailbot.storage import models  # noqa: F401 - registers the tables on the metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("mailbot migrations run through `mailbot db upgrade`, not the alembic CLI")
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
