"""Alembic environment: always online, always on the connection :func:`migrate` hands in."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from accord.broker.db.schema import metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run broker migrations through accord.broker.db.migrate.migrate()")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
