"""Which declared interaction does a received request belong to?

Pure functions over the model: no sockets here, so the choice is testable on its own and
the server module only moves bytes. Requests are compared by Pact's rules
(:func:`accord.matching.http.compare_request`). Interactions with a literal method and path
are indexed by both, so a request is usually compared with one or two candidates, not with
every interaction; anything else (a regex on the path, a miss) falls back to all of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from accord.matching.http import compare_request
from accord.matching.mismatch import Mismatch
from accord.model.body import Body, is_json_type, is_text_type
from accord.model.pact import HttpInteraction, HttpRequest


def received_request(
    method: str, target: str, headers: Iterable[tuple[str, str]], body: bytes
) -> HttpRequest:
    """The model of a request as it came off the wire (path decoded, query split)."""
    parts = urlsplit(target)
    query: dict[str, list[str | None]] | None = None
    if parts.query:
        query = {}
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            query.setdefault(name, []).append(value)
    by_name: dict[str, list[str]] = {}
    content_type: str | None = None
    for name, value in headers:
        by_name.setdefault(name, []).append(value)
        if name.lower() == "content-type":
            content_type = value
    content: Body | None = None
    if body:
        content = Body(_decoded(body, content_type), content_type)
    return HttpRequest(
        method=method.upper(),
        path=unquote(parts.path) or "/",
        query=query,
        headers=by_name,
        body=content,
        raw_query=parts.query or None,
    )


def _decoded(body: bytes, content_type: str | None) -> bytes | str:
    """Text bodies as ``str`` (text rules work on strings); JSON and binary stay bytes."""
    if content_type and is_text_type(content_type) and not is_json_type(content_type):
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            return body
    return body


@dataclass(slots=True)
class Choice:
    """The outcome for one request: the interaction it matched, or the nearest miss."""

    interaction: HttpInteraction | None
    mismatches: list[Mismatch] = field(default_factory=list)
    nearest: HttpInteraction | None = None
    """For a miss: the interaction with the same method and path and fewest mismatches."""


class RequestMatcher:
    """Chooses, for each received request, the declared interaction it satisfies."""

    def __init__(self, interactions: list[HttpInteraction]) -> None:
        self.interactions = interactions
        self._literal: dict[tuple[str, str], list[HttpInteraction]] = {}
        self._patterned: list[HttpInteraction] = []
        for interaction in interactions:
            request = interaction.request
            rules = request.matching_rules
            if rules.single("path") or rules.single("method"):
                self._patterned.append(interaction)
            else:
                key = (request.method.upper(), request.path)
                self._literal.setdefault(key, []).append(interaction)

    def choose(self, actual: HttpRequest, already: set[int] | None = None) -> Choice:
        """The best interaction for ``actual``.

        A perfect match wins; among several, one not yet matched (``already`` holds the
        ``id()`` of matched interactions) comes first, so two identical requests declared
        twice are both used. Otherwise the nearest miss among interactions with the same
        method and path is reported (fewest mismatches); with none, the request was
        unexpected.
        """
        already = already or set()
        literal = self._literal.get((actual.method.upper(), actual.path), [])
        scored = [(i, compare_request(i.request, actual)) for i in literal]
        perfect = [i for i, found in scored if not found]
        if not perfect:
            scored += [(i, compare_request(i.request, actual)) for i in self._patterned]
            perfect = [i for i, found in scored if not found]
        if perfect:
            fresh = [i for i in perfect if id(i) not in already]
            return Choice((fresh or perfect)[0])
        near = [
            (len(found), n, i, found)
            for n, (i, found) in enumerate(scored)
            if not any(m.kind in ("method", "path") for m in found)
        ]
        if not near:
            return Choice(None)
        _, _, nearest, found = min(near, key=lambda item: (item[0], item[1]))
        return Choice(None, found, nearest)
