"""Pact content: validation, the canonical SHA that de-duplicates it, and merging.

Identical content is stored once. Two publications are "identical" when everything that
can change a verification result is equal: the interactions (or V3 messages) and the spec
version. Names, ``metadata``, whitespace, key order and interaction order are ignored, as
the Pact Broker does by default (``base_equality_only_on_content_that_affects_verification_
results``), so a re-publish from another tool version is recognised as already verified.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from accord.errors import PactFileError
from accord.model.read import parse_pact

# Keys the broker itself adds when it serves a pact; never part of stored content.
_BROKER_KEYS = ("_links", "_embedded", "createdAt")


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class PactContent:
    consumer: str
    provider: str
    doc: dict[str, Any]
    text: str
    sha: str
    interactions_count: int


def prepare(doc: Any, *, source: str = "<pact>") -> PactContent:
    """Validate pact JSON with the accord model and compute its content SHA.

    Raises :class:`~accord.errors.PactFileError` for anything that is not a readable pact.
    """
    if not isinstance(doc, dict):
        raise PactFileError("expected a pact (a JSON object)", source=source)
    clean = {key: value for key, value in doc.items() if key not in _BROKER_KEYS}
    pact = parse_pact(clean, source=source)
    text = json.dumps(clean, ensure_ascii=False, separators=(",", ":"))
    return PactContent(
        consumer=pact.consumer,
        provider=pact.provider,
        doc=clean,
        text=text,
        sha=content_sha(clean, pact.spec_version),
        interactions_count=len(pact.interactions),
    )


def content_sha(doc: dict[str, Any], spec_version: str) -> str:
    """SHA-1 of the canonical form of the content that affects verification."""
    relevant: dict[str, Any] = {}
    for key in ("interactions", "messages"):
        items = doc.get(key)
        if isinstance(items, list):
            relevant[key] = sorted(items, key=canonical)
    if relevant:
        relevant["pactSpecificationVersion"] = spec_version
    else:
        relevant = {k: v for k, v in doc.items() if k not in ("consumer", "provider", "metadata")}
    return hashlib.sha1(canonical(relevant).encode("utf-8")).hexdigest()


class MergeConflict(ValueError):
    """Two pacts hold different interactions under the same description and states."""


def _identity(item: Any) -> str:
    if not isinstance(item, dict):
        return canonical(item)
    states = item.get("providerStates", item.get("providerState"))
    return canonical([item.get("type"), item.get("description"), states])


def merge(existing: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """Add ``incoming``'s interactions to ``existing``; same key, different body: conflict."""
    merged = dict(existing)
    for key in ("interactions", "messages"):
        theirs = incoming.get(key)
        if not isinstance(theirs, list):
            continue
        ours = list(existing.get(key) or [])
        index = {_identity(item): position for position, item in enumerate(ours)}
        for item in theirs:
            identity = _identity(item)
            if identity not in index:
                index[identity] = len(ours)
                ours.append(item)
            elif canonical(ours[index[identity]]) != canonical(item):
                description = item.get("description") if isinstance(item, dict) else item
                raise MergeConflict(
                    f"Cannot merge pacts: the interaction {description!r} already exists "
                    "with different content"
                )
        merged[key] = ours
    if "metadata" in incoming:
        merged["metadata"] = incoming["metadata"]
    return merged
