"""Alembic migrations for the broker database, shipped inside the package."""
