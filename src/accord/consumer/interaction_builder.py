"""What every interaction builder shares: states, key, pending and comments.

A message, a sync message, an HTTP request, a gRPC call and a WebSocket exchange differ in
what they carry, never in how they are given a provider state or marked pending, so those
live here once.
"""

from __future__ import annotations

from typing import Any, Self

from accord.errors import MatcherError
from accord.model.pact import ProviderState


class InteractionBuilder:
    """The shared part of a builder; ``kind`` names the interaction in errors."""

    kind = "an interaction"

    def __init__(self, description: str) -> None:
        if not description or not isinstance(description, str):
            raise MatcherError(f"{self.kind} needs a non-empty description")
        self.description = description
        self._states: list[ProviderState] = []
        self._key: str | None = None
        self._pending = False
        self._comments: dict[str, Any] = {}

    def given(self, state: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Self:
        """A provider state the interaction depends on; parameters as a dict or keywords."""
        self._states.append(ProviderState(state, {**(params or {}), **kwargs}))
        return self

    def with_key(self, key: str) -> Self:
        """A V4 interaction key; by default one is derived from description and states."""
        self._key = key
        return self

    def pending(self, pending: bool = True) -> Self:
        """Mark the interaction pending: its failures will not fail a provider build."""
        self._pending = pending
        return self

    def comment(self, text: str) -> Self:
        """A V4 comment, shown when the interaction is verified."""
        self._comments.setdefault("text", []).append(text)
        return self

    def test_name(self, name: str) -> Self:
        """The consumer test that defines this interaction (a V4 comment)."""
        self._comments["testname"] = name
        return self
