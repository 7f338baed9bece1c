"""Migrations: they build exactly the tables the queries use, and re-running is a no-op."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from accord.broker.db.engine import make_engine
from accord.broker.db.migrate import current_revision, head_revision, migrate
from accord.broker.db.schema import metadata


def test_migrated_schema_matches_the_table_definitions(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrate(engine=engine)
        migrate(engine=engine)  # idempotent
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    finally:
        engine.dispose()


def test_migrate_creates_a_fresh_sqlite_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "nested" / "broker.sqlite3"
    migrate(f"sqlite:///{target}")
    assert target.exists()
    engine = make_engine(f"sqlite:///{target}")
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
