"""UTC timestamps, and reading them back the same from SQLite (naive) and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def utc(value: datetime) -> datetime:
    """SQLite hands timestamps back without a zone; they were written in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return utc(value).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_date(text: str) -> datetime:
    """An ISO date or datetime from a client (``2020-01-01``, ``...T10:00:00Z``), as UTC."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return utc(value)
