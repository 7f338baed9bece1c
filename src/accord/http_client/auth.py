"""Credentials: one type for brokers, pact URLs and the CLI."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Auth:
    """Credentials for a broker or a pact URL: a bearer token, or a username and password.

    The same type serves the broker client, pact URLs and the CLI, so credentials are given
    once. :meth:`from_env` reads the variables the official Pact CLIs read.
    """

    token: str | None = None
    username: str | None = None
    password: str | None = None

    def header(self) -> str | None:
        """The ``Authorization`` header value (a token wins over a username)."""
        if self.token:
            return f"Bearer {self.token}"
        if self.username is not None:
            raw = f"{self.username}:{self.password or ''}".encode()
            return "Basic " + base64.b64encode(raw).decode("ascii")
        return None

    @classmethod
    def from_env(
        cls,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Auth | None:
        """Arguments first, else ``PACT_BROKER_TOKEN`` / ``PACT_BROKER_USERNAME`` and
        ``PACT_BROKER_PASSWORD``; ``None`` when neither gives credentials."""
        env = os.environ if environ is None else environ
        token = token or env.get("PACT_BROKER_TOKEN") or None
        username = username or env.get("PACT_BROKER_USERNAME") or None
        password = password or env.get("PACT_BROKER_PASSWORD") or None
        if token or username:
            return cls(token, username, password)
        return None
