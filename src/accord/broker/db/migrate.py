"""Bring a database to the newest schema, safely even when several processes start at once.

The migrations live inside the package (``accord/broker/db/migrations``) so an installed
broker can upgrade its own database: :func:`migrate` runs at server start and can be called
on its own. Concurrent starts are serialised by a PostgreSQL advisory lock, or on SQLite by
the write lock that ``BEGIN IMMEDIATE`` takes, so only one process runs each revision.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from accord.broker.db.engine import make_engine

MIGRATIONS = Path(__file__).with_name("migrations")
_LOCK_KEY = 0x616363_6F7264  # "accord": one advisory lock id for every broker process


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(database_url: str | None = None, *, engine: Engine | None = None) -> None:
    """Upgrade the database at ``database_url`` (default: the SQLite file) to the head."""
    own = engine is None
    engine = engine or make_engine(database_url)
    try:
        if current_revision(engine) == head_revision():
            return
        config = alembic_config()
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": _LOCK_KEY})
                conn.commit()
                try:
                    config.attributes["connection"] = conn
                    command.upgrade(config, "head")
                    conn.commit()
                finally:
                    conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _LOCK_KEY})
                    conn.commit()
            else:
                conn = conn.execution_options(accord_write=True)
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
                conn.commit()
    finally:
        if own:
            engine.dispose()
