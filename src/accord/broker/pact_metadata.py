"""The opaque ``/metadata/{token}`` path segment on pact URLs handed to verifiers.

It records why a pact was selected (the consumer versions, and whether it was pending or
WIP), so results published back to ``.../metadata/{token}/verification-results`` can be
stored as WIP/pending. It lives in the path because the Rust clients drop query strings.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PactMetadata:
    consumer_versions: tuple[str, ...] = ()
    pending: bool | None = None
    wip: bool = False


def encode(meta: PactMetadata) -> str:
    data: dict[str, object] = {"cv": list(meta.consumer_versions)}
    if meta.pending is not None:
        data["p"] = meta.pending
    if meta.wip:
        data["w"] = True
    raw = json.dumps(data, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode(token: str | None) -> PactMetadata:
    """Anything unreadable means "no metadata": the token is a hint, never an authority."""
    if not token:
        return PactMetadata()
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError):
        return PactMetadata()
    if not isinstance(data, dict):
        return PactMetadata()
    versions = data.get("cv")
    pending = data.get("p")
    return PactMetadata(
        tuple(str(v) for v in versions) if isinstance(versions, list) else (),
        pending if isinstance(pending, bool) else None,
        data.get("w") is True,
    )
