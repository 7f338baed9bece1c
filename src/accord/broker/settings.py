"""How one broker process is configured; everything else lives in the database.

:meth:`Settings.from_env` reads the same variables as the official broker image
(``PACT_BROKER_BASIC_AUTH_*``, ``PACT_BROKER_WEBHOOK_*_WHITELIST``) plus accord's own
``ACCORD_BROKER_*`` ones, so a deployment can switch images without renaming its secrets.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from accord.broker.db.engine import DEFAULT_DATABASE_URL, DEFAULT_LOCK_TIMEOUT
from accord.broker.events import EventListener

DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
DEFAULT_WEBHOOK_RETRY_SCHEDULE = (10.0, 60.0, 120.0, 300.0, 600.0, 1200.0)


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    """``sqlite:///path`` (the default, ``./accord-broker.sqlite3``) or ``postgresql://...``."""
    public_url: str | None = None
    """The URL clients reach the broker at; hrefs are built from the request when unset."""
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    """Larger request bodies are refused with 413."""
    header_timeout: float = 10.0
    """Seconds a client has to send a request's line and headers once it starts (or once
    it connects); a slower client is answered 408 and disconnected."""
    body_timeout: float = 30.0
    """Seconds a client has to send a request's whole body; slower: 408 and disconnected."""
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    """Seconds a write waits for a database lock held elsewhere (SQLite) or for a pooled
    connection, before the request is answered 503 with ``Retry-After``."""
    queue_timeout: float = 30.0
    """Seconds a SQLite write may queue for its turn behind the broker's own writers (a
    queued write holds no thread) before it too is answered 503."""
    allow_contract_modification: bool = False
    """Allow new content for an already published consumer version (the broker's
    ``allow_dangerous_contract_modification``); refused with 409 by default."""
    migrate_on_start: bool = True
    listeners: tuple[EventListener, ...] = ()
    """Called with each :mod:`accord.broker.events` event after its transaction commits."""

    # --- auth (see accord.broker.auth); no credential at all means an open broker ----------
    basic_auth_username: str | None = None
    basic_auth_password: str | None = field(default=None, repr=False)
    basic_auth_read_only_username: str | None = None
    basic_auth_read_only_password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    """A bearer token with read-write access."""
    read_only_token: str | None = field(default=None, repr=False)
    allow_public_read: bool = False
    """Let anonymous clients read (GET, and POST for-verification) when credentials are set."""

    # --- webhooks (see accord.broker.webhooks) ----------------------------------------------
    webhook_host_allowlist: tuple[str, ...] = ()
    """Hosts webhooks may call: exact names, ``*.suffix`` names, IPs or CIDR ranges. Empty:
    any host whose addresses are all public. A listed entry may name a private address."""
    webhook_scheme_allowlist: tuple[str, ...] = ("https",)
    webhook_method_allowlist: tuple[str, ...] = ("POST",)
    webhook_retry_schedule: tuple[float, ...] = DEFAULT_WEBHOOK_RETRY_SCHEDULE
    """Seconds to wait before each retry of a failed webhook; its length is the retry count."""
    webhook_timeout: float = 10.0
    """Seconds allowed for connecting to, and for each read from, a webhook's target."""

    def __post_init__(self) -> None:
        pairs = (
            ("basic_auth_username", "basic_auth_password"),
            ("basic_auth_read_only_username", "basic_auth_read_only_password"),
        )
        for user, password in pairs:
            if bool(getattr(self, user)) != bool(getattr(self, password)):
                raise ValueError(f"{user} and {password} must be set together")
        read_only = self.basic_auth_read_only_username or self.read_only_token
        if read_only and not (self.basic_auth_username or self.token):
            raise ValueError("read-only credentials need a read-write credential as well")
        if min(self.header_timeout, self.body_timeout, self.lock_timeout, self.queue_timeout) <= 0:
            raise ValueError("the header, body, lock and queue timeouts must be > 0 seconds")
        if any(delay < 0 for delay in self.webhook_retry_schedule) or self.webhook_timeout <= 0:
            raise ValueError("webhook retry delays must be >= 0 and the timeout > 0 seconds")

    @property
    def auth_enabled(self) -> bool:
        return bool(self.basic_auth_username or self.token)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from environment variables; keyword arguments that are not None win."""
        env = os.environ if environ is None else environ

        def get(*names: str) -> str | None:
            return next((env[n] for n in names if env.get(n)), None)

        def listed(*names: str) -> tuple[str, ...] | None:
            raw = get(*names)
            return None if raw is None else tuple(p for p in re.split(r"[,\s]+", raw) if p)

        schedule = listed(
            "ACCORD_BROKER_WEBHOOK_RETRY_SCHEDULE", "PACT_BROKER_WEBHOOK_RETRY_SCHEDULE"
        )
        timeout = get("ACCORD_BROKER_WEBHOOK_TIMEOUT")
        seconds = {
            key: None if raw is None else float(raw)
            for key, raw in (
                ("header_timeout", get("ACCORD_BROKER_HEADER_TIMEOUT")),
                ("body_timeout", get("ACCORD_BROKER_BODY_TIMEOUT")),
                ("lock_timeout", get("ACCORD_BROKER_LOCK_TIMEOUT")),
                ("queue_timeout", get("ACCORD_BROKER_QUEUE_TIMEOUT")),
            )
        }
        public_read = get("ACCORD_BROKER_ALLOW_PUBLIC_READ", "PACT_BROKER_ALLOW_PUBLIC_READ")
        values: dict[str, Any] = {
            "database_url": get("ACCORD_BROKER_DATABASE_URL", "PACT_BROKER_DATABASE_URL"),
            "public_url": get("ACCORD_BROKER_PUBLIC_URL", "PACT_BROKER_PUBLIC_URL"),
            "basic_auth_username": get("PACT_BROKER_BASIC_AUTH_USERNAME"),
            "basic_auth_password": get("PACT_BROKER_BASIC_AUTH_PASSWORD"),
            "basic_auth_read_only_username": get("PACT_BROKER_BASIC_AUTH_READ_ONLY_USERNAME"),
            "basic_auth_read_only_password": get("PACT_BROKER_BASIC_AUTH_READ_ONLY_PASSWORD"),
            "token": get("ACCORD_BROKER_TOKEN"),
            "read_only_token": get("ACCORD_BROKER_READ_ONLY_TOKEN"),
            "allow_public_read": None if public_read is None else _truthy(public_read),
            "webhook_host_allowlist": listed(
                "ACCORD_BROKER_WEBHOOK_HOST_ALLOWLIST", "PACT_BROKER_WEBHOOK_HOST_WHITELIST"
            ),
            "webhook_scheme_allowlist": listed(
                "ACCORD_BROKER_WEBHOOK_SCHEME_ALLOWLIST", "PACT_BROKER_WEBHOOK_SCHEME_WHITELIST"
            ),
            "webhook_method_allowlist": listed(
                "ACCORD_BROKER_WEBHOOK_METHOD_ALLOWLIST",
                "PACT_BROKER_WEBHOOK_HTTP_METHOD_WHITELIST",
            ),
            "webhook_retry_schedule": None if schedule is None else tuple(map(float, schedule)),
            "webhook_timeout": None if timeout is None else float(timeout),
            **seconds,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**{k: v for k, v in values.items() if v is not None})


def _truthy(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on")
