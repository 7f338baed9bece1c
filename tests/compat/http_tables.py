"""The suite's "HTTP interactions have been defined" tables, for both sides of HTTP.

A row describes a request (``method``, ``path``, ``query``, ``headers``, ``body``,
``matching rules``) and a response (``response``, ``response headers``, ``response content``,
``response body``, ``response matching rules``). The consumer steps turn a row into calls on
accord's builder (matching rules become matchers on the values they govern, as a user would
write them); the provider steps turn it into a model interaction for a pact file; the
"request is made" steps turn it into a real request for the mock server.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from accord._dsl.term import Term
from accord.consumer.http_builder import HttpInteractionBuilder
from accord.model import Body, HttpInteraction, HttpRequest, HttpResponse, MatchingRules
from accord.model.rules import RuleList
from tests.compat.support import (
    replace_at,
    request_from_row,
    response_from_row,
    rows,
    strip_prefix,
)

Row = dict[str, str]


def defined_interactions(datatable: list[list[str]]) -> dict[int, Row]:
    """The background table, by its ``No`` column."""
    return {int(row["No"]): row for row in rows(datatable)}


def changed(row: Row, changes: Row) -> Row:
    """``row`` with the cells of a "with the following changes" table replacing its own.

    A new body given as plain text keeps the content type the interaction had (a form post
    stays a form post); ``JSON:``, ``XML:`` and ``file:`` bodies bring their own.
    """
    out = {**row, **changes}
    body = changes.get("body")
    if body is not None and not any(strip_prefix(body, p) is not None for p in _TYPED):
        original = request_from_row(row).body
        if original is not None and original.content_type and not changes.get("content type"):
            out["content type"] = original.content_type
    return out


_TYPED = ("JSON:", "XML:", "file:")


# ------------------------------------------------------------------------------------------
# the consumer side: a row as builder calls


def _term(value: Any, rule_list: RuleList) -> Term:
    return Term(value, tuple(rule_list.rules), combine=rule_list.combine)


def _keyed_rule(rules: MatchingRules, category: str, name: str) -> RuleList | None:
    for key, rule_list in rules.category(category).items():
        if key.lower() == name.lower():
            return rule_list
    return None


def _with_matchers(body: Body | None, rules: MatchingRules) -> Any:
    if body is None:
        return None
    content = body.content
    for path, rule_list in rules.category("body").items():
        if path == "$":
            content = _term(content, rule_list)
        else:
            content = replace_at(content, path, lambda v, r=rule_list: _term(v, r))
    return content


def define(builder: HttpInteractionBuilder, row: Row) -> HttpInteractionBuilder:
    """Declare the row's request and response on ``builder``, matchers included."""
    request = request_from_row(row)
    rules = request.matching_rules
    unknown = set(rules.categories) - {"body", "path", "query", "header"}
    if unknown:
        pytest.fail(f"the harness cannot express request rules for {sorted(unknown)}")
    path_rule = rules.single("path")
    query: dict[str, Any] | None = None
    if request.query:
        query = {}
        for name, values in request.query.items():
            rule_list = _keyed_rule(rules, "query", name)
            query[name] = [_term(v, rule_list) if rule_list else v for v in values]
    headers: dict[str, Any] | None = None
    if request.headers:
        headers = {}
        for name, values in request.headers.items():
            rule_list = _keyed_rule(rules, "header", name)
            headers[name] = [_term(v, rule_list) if rule_list else v for v in values]
    builder.with_request(
        request.method,
        _term(request.path, path_rule) if path_rule else request.path,
        query=query,
        headers=headers,
        body=_with_matchers(request.body, rules),
        content_type=request.body.content_type if request.body else None,
    )
    response = response_from_row(row, interaction=True)
    builder.will_respond_with(
        response.status or 200,
        headers=response.headers,
        body=response.body.content if response.body else None,
        content_type=response.body.content_type if response.body else None,
    )
    return builder


# ------------------------------------------------------------------------------------------
# a request on the wire


def wire_request(row: Row) -> tuple[str, str, list[tuple[str, str]], bytes]:
    """Method, path with query string, header lines and body bytes for a row's request."""
    request = request_from_row(row)
    target = quote(request.path)
    if request.query:
        pairs = [
            quote(name, safe="") + ("" if value is None else "=" + quote(value, safe=""))
            for name, values in request.query.items()
            for value in values
        ]
        target += "?" + "&".join(pairs)
    lines = [(name, value) for name, values in (request.headers or {}).items() for value in values]
    body = request.body.to_bytes() if request.body is not None else b""
    return request.method, target, lines, body


# ------------------------------------------------------------------------------------------
# the provider side: a row as a model interaction


def interaction(row: Row, number: int) -> HttpInteraction:
    request: HttpRequest = request_from_row(row)
    response: HttpResponse = response_from_row(row, interaction=True)
    return HttpInteraction(description=f"interaction {number}", request=request, response=response)
