"""The UI's pure parts: rule paths and phrases, annotated bodies, Accept negotiation, the
network layout and relative times."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from accord.broker.ui.annotate import (
    ANY_INDEX,
    ANY_KEY,
    body_view,
    describe_generator,
    describe_rule,
    names,
    parse_path,
)
from accord.broker.ui.graph import Edge, layout
from accord.broker.ui.negotiate import wants_html
from accord.broker.ui.pact_view import interactions
from accord.broker.ui.render import ago
from accord.model.body import Body
from accord.model.read import parse_pact
from accord.model.rules import Generators, MatchingRules


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("$", ("$",)),
        ("$.a.b", ("$", "a", "b")),
        ("$.items[*].id", ("$", "items", ANY_INDEX, "id")),
        ("$['two words'][0]", ("$", "two words", 0)),
        ("$.*", ("$", ANY_KEY)),
        ("a.b", ("$", "a", "b")),
        ("$.a[", None),
        ("$.a[x]", None),
    ],
)
def test_parse_path(text: str, tokens: tuple[object, ...] | None) -> None:
    assert parse_path(text) == tokens


def test_a_rule_path_names_a_value_exactly() -> None:
    pattern = parse_path("$.items[*].id")
    assert pattern is not None
    assert names(pattern, ("$", "items", 3, "id"))
    assert not names(pattern, ("$", "items", "x", "id"))
    assert not names(pattern, ("$", "items", 3))
    wildcard = parse_path("$.*")
    assert wildcard is not None
    assert names(wildcard, ("$", "any")) and names(wildcard, ("$", 0))


@pytest.mark.parametrize(
    ("rule", "kind", "phrase"),
    [
        ({"match": "type"}, "string", "any string"),
        ({"match": "type", "min": 1}, "array", "each item alike · min 1"),
        ({"match": "type", "max": 3}, None, "type · max 3"),
        ({"match": "regex", "regex": r"\d+"}, "string", r"regex \d+"),
        ({"match": "integer"}, "number", "integer"),
        ({"match": "datetime", "format": "yyyy"}, "string", "datetime yyyy"),
        ({"match": "timestamp", "timestamp": "HH"}, "string", "timestamp HH"),
        ({"match": "include", "value": "x"}, "string", 'includes "x"'),
        ({"match": "contentType", "value": "image/png"}, None, "content type image/png"),
        ({"match": "statusCode", "status": "success"}, None, "status success"),
        ({"match": "arrayContains", "variants": [{}, {}]}, "array", "array contains 2 variants"),
        (
            {"match": "eachKey", "rules": [{"match": "regex", "regex": "^a"}]},
            None,
            "each key: regex ^a",
        ),
        ({"match": "semver"}, "string", "semver"),
        ({"min": 2}, "array", "each item alike · min 2"),
    ],
)
def test_describe_rule(rule: dict[str, object], kind: str | None, phrase: str) -> None:
    assert describe_rule(rule, kind) == phrase


@pytest.mark.parametrize(
    ("generator", "phrase"),
    [
        ({"type": "Uuid"}, "uuid"),
        ({"type": "Uuid", "format": "simple"}, "uuid · format simple"),
        ({"type": "RandomInt", "min": 1, "max": 9}, "random int 1–9"),
        ({"type": "ProviderState", "expression": "${id}"}, "from provider state ${id}"),
        ({"type": "RandomString", "size": 5}, "random string · size 5"),
    ],
)
def test_describe_generator(generator: dict[str, object], phrase: str) -> None:
    assert describe_generator(generator) == phrase


def test_body_rules_sit_on_their_lines_and_the_rest_are_listed() -> None:
    rules = MatchingRules()
    rules.add("body", "$.items", [{"match": "type", "min": 1}])
    rules.add("body", "$.items[*].id", [{"match": "integer"}])
    rules.add("body", "$.missing", [{"match": "type"}])
    rules.add("body", "$.name", [{"match": "regex", "regex": "a"}, {"match": "null"}], "OR")
    generators = Generators()
    generators.add("body", "$.items[*].id", {"type": "RandomInt", "min": 0, "max": 5})
    content = {"name": "a", "items": [{"id": 1}, {"id": 2}]}
    view = body_view(Body(content, "application/json"), rules, generators)
    assert view is not None and view.kind == "json"
    by_path = {line.path: line for line in view.lines if line.key or line.indent == 0}
    assert [n.text for n in by_path["$.items"].notes] == ["each item alike · min 1"]
    assert [n.text for n in by_path["$.items[1].id"].notes] == ["integer", "random int 0–5"]
    assert [n.text for n in by_path["$.name"].notes] == ["any of: regex a | null"]
    assert [(n.path, n.text) for n in view.unattached] == [("$.missing", "type")]
    assert [(line.indent, line.key + line.value, line.comma) for line in view.lines[:4]] == [
        (0, "{", False),
        (1, '"name": "a"', True),
        (1, '"items": [', False),
        (2, "{", False),
    ]


def test_text_binary_and_absent_bodies() -> None:
    empty = MatchingRules()
    text = body_view(Body("<a/>", "application/xml"), empty, Generators())
    assert text is not None and (text.kind, text.text) == ("text", "<a/>")
    binary = body_view(Body(b"\xff\x00" * 4000, "application/octet-stream"), empty, Generators())
    assert binary is not None and binary.kind == "binary"
    assert binary.size == 8000 and binary.truncated
    assert body_view(None, empty, Generators()) is None


def test_an_unknown_interaction_type_is_kept_as_json() -> None:
    doc = {
        "consumer": {"name": "c"},
        "provider": {"name": "p"},
        "interactions": [{"type": "Something/New", "description": "d", "x": 1}],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    [view] = interactions(parse_pact(doc), doc)
    assert view.kind == "unknown" and view.kind_label == "Other"
    assert json.loads(view.raw or "")["x"] == 1


def test_http_rules_for_headers_query_and_status() -> None:
    doc = {
        "consumer": {"name": "c"},
        "provider": {"name": "p"},
        "interactions": [
            {
                "type": "Synchronous/HTTP",
                "description": "d",
                "request": {
                    "method": "get",
                    "path": "/x",
                    "query": {"page": ["1"]},
                    "matchingRules": {
                        "query": {"page": {"matchers": [{"match": "integer"}]}},
                        "header": {"X-Absent": {"matchers": [{"match": "type"}]}},
                    },
                },
                "response": {
                    "status": 201,
                    "headers": {"location": ["/x/1"]},
                    "matchingRules": {
                        "status": {"matchers": [{"match": "statusCode", "status": "success"}]},
                        "header": {"Location": {"matchers": [{"match": "regex", "regex": "/x/"}]}},
                    },
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    [view] = interactions(parse_pact(doc), doc)
    request, response = view.parts
    assert request.line == "GET /x"
    assert [(f.name, f.value, [n.text for n in f.notes]) for f in request.query] == [
        ("page", "1", ["integer"])
    ]
    assert [(n.path, n.text) for n in request.unattached] == [("header X-Absent", "type")]
    assert response.line == "201"
    assert [n.text for n in response.line_notes] == ["status success"]
    assert [n.text for n in response.fields[0].notes] == ["regex /x/"]


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        ("text/html", True),
        ("text/html,application/xhtml+xml,*/*;q=0.8", True),
        ("application/xhtml+xml", True),
        ("application/hal+json, application/json", False),
        ("*/*", False),
        ("", False),
        ("text/html;q=0.5, application/json", False),
        ("application/json;q=0.5, text/html", True),
        ("application/json, text/html", False),
        ("text/html;q=0", False),
        ("text/html;q=abc", False),
    ],
)
def test_wants_html(accept: str, html: bool) -> None:
    assert wants_html(accept) is html


def _edges(*pairs: tuple[str, str]) -> list[Edge]:
    return [Edge(c, p, "passed", f"/{c}/{p}") for c, p in pairs]


def test_layout_puts_consumers_left_of_their_providers() -> None:
    edges = _edges(("web", "api"), ("api", "db"), ("worker", "db"), ("web", "db"))
    drawing = layout(edges, {n: f"/{n}" for n in ("web", "api", "db", "worker")})
    x = {node.name: node.x for node in drawing.nodes}
    assert x["web"] < x["api"] < x["db"]
    assert x["worker"] < x["db"]
    assert len(drawing.edges) == 4
    assert all(path.d.startswith("M") for path in drawing.edges)
    assert drawing.width > max(node.x + node.width for node in drawing.nodes)


def test_layout_survives_cycles_and_an_empty_broker() -> None:
    edges = _edges(("a", "b"), ("b", "a"), ("b", "c"), ("c", "c"))
    drawing = layout(edges, {n: "/" for n in "abc"})
    assert {node.name for node in drawing.nodes} == {"a", "b", "c"}
    assert len(drawing.edges) == 4
    assert layout([], {}).nodes == []


def test_long_names_are_shortened_on_the_picture_only() -> None:
    name = "a-very-long-application-name-that-goes-on-and-on"
    drawing = layout(_edges((name, "x")), {name: "/", "x": "/"})
    node = next(n for n in drawing.nodes if n.name == name)
    assert node.label.endswith("…") and len(node.label) < len(name)


def test_ago() -> None:
    now = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    assert ago(now - timedelta(seconds=5), now) == "just now"
    assert ago(now - timedelta(minutes=1), now) == "1 minute ago"
    assert ago(now - timedelta(minutes=42), now) == "42 minutes ago"
    assert ago(now - timedelta(hours=3), now) == "3 hours ago"
    assert ago(now - timedelta(days=2), now) == "2 days ago"
    assert ago(now - timedelta(days=400), now) == "1 year ago"
    assert ago(now.replace(tzinfo=None) - timedelta(days=1), now) == "1 day ago"
    assert ago(None, now) == "never"
