"""Builder for HTTP interactions: ``pact.upon_receiving(...)``.

Each part of a request or response may carry matchers and generators where Pact allows
them: the path, each query value, each header value, the body and the status. A term is
split once, here, into the example that goes on the wire and the rules and generators that
go into the pact file, so the mock server and the writer only ever see the plain model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from accord._dsl.term import Term, compile_value
from accord.consumer.builder import message_contents
from accord.consumer.interaction_builder import InteractionBuilder
from accord.errors import MatcherError
from accord.matching.path import to_expression
from accord.model.body import Body, media_type
from accord.model.pact import HttpInteraction, HttpRequest, HttpResponse
from accord.model.rules import Generators, MatchingRules

FORM = "application/x-www-form-urlencoded"

HeaderValue = str | Term | list[str | Term]
QueryValue = str | int | float | Term | list[str | int | float | Term] | None


class HttpInteractionBuilder(InteractionBuilder):
    """Describes one HTTP request the consumer sends and the response it expects."""

    kind = "an HTTP interaction"

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self._request: HttpRequest | None = None
        self._response = HttpResponse(status=200)

    def with_request(
        self,
        method: str | Term,
        path: str | Term,
        *,
        query: Mapping[str, QueryValue] | None = None,
        headers: Mapping[str, HeaderValue] | None = None,
        body: Any = None,
        content_type: str | None = None,
    ) -> HttpInteractionBuilder:
        """The request the consumer sends. ``body`` is JSON (matchers allowed), ``str``
        text (XML with an XML ``content_type``), ``bytes``, or a ``dict`` of form fields
        with ``content_type="application/x-www-form-urlencoded"``."""
        rules, generators = MatchingRules(), Generators()
        where = f"{self.description!r}: request"
        request = HttpRequest(
            method=str(_single("method", method, rules, generators)).upper(),
            path=str(_single("path", path, rules, generators)),
            matching_rules=rules,
            generators=generators,
        )
        request.query = _query(query, rules, generators, where)
        request.headers = _headers(headers, rules, generators, where)
        request.body, request.headers = _body(
            body, content_type, request.headers, rules, generators
        )
        self._request = request
        return self

    def will_respond_with(
        self,
        status: int | Term,
        *,
        headers: Mapping[str, HeaderValue] | None = None,
        body: Any = None,
        content_type: str | None = None,
    ) -> HttpInteractionBuilder:
        """The response the consumer expects; ``status`` may be ``match.status_code(...)``."""
        rules, generators = MatchingRules(), Generators()
        where = f"{self.description!r}: response"
        code = _single("status", status, rules, generators)
        if isinstance(code, bool) or not isinstance(code, int) or not 100 <= code <= 599:
            raise MatcherError(f"{where}: status must be an HTTP status code, not {code!r}")
        response = HttpResponse(status=code, matching_rules=rules, generators=generators)
        response.headers = _headers(headers, rules, generators, where)
        response.body, response.headers = _body(
            body, content_type, response.headers, rules, generators
        )
        self._response = response
        return self

    def build(self) -> HttpInteraction:
        if self._request is None:
            raise MatcherError(
                f"HTTP interaction {self.description!r} has no request: call "
                ".with_request(method, path) before serving"
            )
        return HttpInteraction(
            description=self.description,
            provider_states=list(self._states),
            key=self._key,
            pending=self._pending,
            comments=dict(self._comments),
            request=self._request,
            response=self._response,
        )


# ---------------------------------------------------------------------------------------
# parts


def _single(category: str, value: Any, rules: MatchingRules, generators: Generators) -> Any:
    """A single-value part (method, path, status): its example; rules under key ``""``."""
    if not isinstance(value, Term):
        return value
    compiled = compile_value(value)
    own = compiled.rules.get("$")
    if own is not None:
        rules.add(category, "", own.rules, own.combine)
    if "$" in compiled.generators:
        generators.add(category, "", compiled.generators["$"])
    return compiled.example


def _keyed(
    category: str,
    name: str,
    value: Any,
    rules: MatchingRules,
    generators: Generators,
    where: str,
) -> list[str | None]:
    """The values of one header or query parameter as strings; terms add keyed rules."""
    items = value if isinstance(value, list | tuple) else [value]
    out: list[str | None] = []
    for item in items:
        if isinstance(item, Term):
            compiled = compile_value(item)
            own = compiled.rules.get("$")
            if own is not None and rules.keyed(category, name) is None:
                rules.add(category, name, own.rules, own.combine)
            if "$" in compiled.generators:
                generators.add(category, name, compiled.generators["$"])
            item = compiled.example
        if item is None and category == "query":
            out.append(None)
        elif isinstance(item, str | int | float) and not isinstance(item, bool):
            out.append(str(item))
        else:
            raise MatcherError(
                f"{where}: {category} {name!r} must be a string (or a list of them), "
                f"not {type(item).__name__}"
            )
    return out


def _query(
    query: Mapping[str, QueryValue] | None,
    rules: MatchingRules,
    generators: Generators,
    where: str,
) -> dict[str, list[str | None]] | None:
    if not query:
        return None
    return {
        str(name): _keyed("query", str(name), value, rules, generators, where)
        for name, value in query.items()
    }


def _headers(
    headers: Mapping[str, HeaderValue] | None,
    rules: MatchingRules,
    generators: Generators,
    where: str,
) -> dict[str, list[str]] | None:
    if not headers:
        return None
    out: dict[str, list[str]] = {}
    for name, value in headers.items():
        values = _keyed("header", str(name), value, rules, generators, where)
        out[str(name)] = [v for v in values if v is not None]
    return out


def _content_type_header(headers: dict[str, list[str]] | None) -> str | None:
    for name, values in (headers or {}).items():
        if name.lower() == "content-type" and values:
            return values[0]
    return None


def _body(
    body: Any,
    content_type: str | None,
    headers: dict[str, list[str]] | None,
    rules: MatchingRules,
    generators: Generators,
) -> tuple[Body | None, dict[str, list[str]] | None]:
    """The body and the headers, with a ``Content-Type`` header added when none was given.

    A body always states its type, so the mock server can answer with it and a provider
    verifier knows how to compare it.
    """
    if body is None and content_type is None:
        return None, headers
    content_type = content_type or _content_type_header(headers)
    if media_type(content_type) == FORM and isinstance(body, Mapping):
        body = _form_text(body, rules)
    elif isinstance(body, Term) and content_type is None:
        example = body.example
        if isinstance(example, bytes):
            content_type = "application/octet-stream"
        elif isinstance(example, str):
            content_type = "text/plain"
    contents = message_contents(body, content_type, {})
    for category, key, rule_list in contents.matching_rules.items():
        rules.add(category, key, rule_list.rules, rule_list.combine)
    for key, generator in contents.generators.category("body").items():
        generators.add("body", key, generator)
    result = contents.contents
    if result is not None and result.content_type and _content_type_header(headers) is None:
        headers = {**(headers or {}), "Content-Type": [result.content_type]}
    return result, headers


def _form_text(fields: Mapping[str, Any], rules: MatchingRules) -> str:
    """Form fields as ``a=1&b=2``; a matcher on a field becomes a body rule at ``$.field``,
    applied to each of its values, as Pact matches form parameters."""
    pairs: list[tuple[str, str]] = []
    for name, value in fields.items():
        key = to_expression(("$", str(name)))
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, Term):
                compiled = compile_value(item)
                if compiled.generators:
                    raise MatcherError(
                        f"form field {name!r}: generators inside form bodies are not "
                        "supported; use a matcher or a plain value"
                    )
                own = compiled.rules.get("$")
                if own is not None and key not in rules.category("body"):
                    rules.add("body", key, own.rules, own.combine)
                item = compiled.example
            if isinstance(item, dict | list | bytes) or item is None:
                raise MatcherError(
                    f"form field {name!r}: a form value must be a string or number, "
                    f"not {type(item).__name__}"
                )
            pairs.append((str(name), str(item)))
    return urlencode(pairs)
