"""How one broker process is configured; everything else lives in the database."""

from __future__ import annotations

from dataclasses import dataclass

from accord.broker.db.engine import DEFAULT_DATABASE_URL
from accord.broker.events import EventListener

DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    """``sqlite:///path`` (the default, ``./accord-broker.sqlite3``) or ``postgresql://...``."""
    public_url: str | None = None
    """The URL clients reach the broker at; hrefs are built from the request when unset."""
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    """Larger request bodies are refused with 413."""
    allow_contract_modification: bool = False
    """Allow new content for an already published consumer version (the broker's
    ``allow_dangerous_contract_modification``); refused with 409 by default."""
    migrate_on_start: bool = True
    listeners: tuple[EventListener, ...] = ()
    """Called with each :mod:`accord.broker.events` event after its transaction commits."""
