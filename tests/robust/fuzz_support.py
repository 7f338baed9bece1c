"""The hostile-input fuzzer's seeds, mutations and pipeline.

Seeds are real documents: the Pact specification's test cases (expected/actual pairs),
pacts built from the compatibility suite's rule, generator and body fixtures, and the
official broker client's own pacts. A mutation replaces a value somewhere in a seed, or adds
a key, with something hostile: wrong types, NaN and infinities, huge sizes, bad and
catastrophic regexes, unknown matchers, deep nesting, bad dates, lone surrogates. The
pipeline then does everything a verifier or ``accord inspect`` does with a pact: load,
lint, describe, generate (both sides) and compare. Only :class:`AccordError` may escape.
"""

from __future__ import annotations

import contextlib
import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from accord.errors import AccordError
from accord.inspection import describe, lint
from accord.matching.compare import compare
from accord.matching.generators import (
    CONSUMER,
    PROVIDER,
    generate_message,
    generate_request,
    generate_response,
)
from accord.matching.http import compare_request, compare_response
from accord.matching.message import compare_message
from accord.model import AsyncMessage, Body, HttpInteraction, MessageContents, SyncMessage
from accord.model.read import loads_pact
from tests.conformance_paths import CONFORMANCE, FIXTURES


def _deep(levels: int) -> Any:
    value: Any = "bottom"
    for level in range(levels):
        value = {"k": value} if level % 2 else [value]
    return value


HOSTILE_RULES: list[Any] = [
    {"match": "regex", "regex": "(a+)+$"},
    {"match": "regex", "regex": "((?=a)a+)+$"},
    {"match": "regex", "regex": "(x+x+)+y"},
    {"match": "regex", "regex": "(a{1,100}b?){1,500}"},
    {"match": "regex", "regex": "("},
    {"match": "regex", "regex": ["x"]},
    {"match": "regex", "regex": "(" * 500 + ")" * 500},
    {"match": "fuzzy"},
    {"match": 7},
    {"match": "type", "min": "x"},
    {"match": "type", "min": float("inf")},
    {"match": "type", "max": float("nan")},
    {"match": "type", "min": 10**30},
    {"match": "type", "max": -5},
    {"match": "type", "min": True},
    {"min": [1]},
    {"match": "date", "format": "yyyy-MM-dd'T"},
    {"match": "datetime", "format": "[[[[yyyy"},
    {"match": "time", "format": 12},
    {"match": "timestamp", "timestamp": "ppp"},
    {"match": "arrayContains", "variants": 5},
    {"match": "arrayContains", "variants": [5]},
    {"match": "arrayContains", "variants": [{"index": "z", "rules": 7}]},
    {"match": "arrayContains", "variants": [{"index": 10**20, "rules": {}}]},
    {"match": "arrayContains", "variants": [{"index": 0, "rules": {"$": {"match": "?"}}}]},
    {"match": "arrayContains", "variants": [{"index": 0, "rules": {"[": {"match": "type"}}}]},
    {"match": "eachValue", "rules": "x"},
    {"match": "eachKey", "rules": [{"match": "regex", "regex": "(a|a)*b"}]},
    {"match": "values"},
    {"match": "contentType", "value": None},
    {"match": "include", "value": {"x": 1}},
    {"match": "semver"},
    {"match": "statusCode", "status": "teapot"},
    {"match": "number"},
    {"matchers": [{"match": "type"}], "combine": "XOR"},
    {"matchers": "nope"},
]

HOSTILE_GENERATORS: list[Any] = [
    {"type": "RandomString", "size": 10**12},
    {"type": "RandomString", "size": "ten"},
    {"type": "RandomHexadecimal", "digits": float("inf")},
    {"type": "RandomDecimal", "digits": -3},
    {"type": "RandomInt", "min": "a", "max": 3},
    {"type": "RandomInt", "min": 5, "max": 2**90},
    {"type": "Regex", "regex": "(a{1000}){1000}"},
    {"type": "Regex", "regex": "(?=a)b"},
    {"type": "Regex", "regex": None},
    {"type": "Date", "format": "'"},
    {"type": "DateTime", "expression": "+ 99999999999999999 years"},
    {"type": "DateTime", "expression": "today + 9999999 years"},
    {"type": "Time", "expression": "@ 25pm"},
    {"type": "Uuid", "format": 5},
    {"type": "ProviderState", "expression": "${id}", "dataType": "INTEGER"},
    {"type": "ProviderState", "expression": 5, "dataType": []},
    {"type": "MockServerURL", "regex": "(a+)+$", "example": "a" * 40 + "b"},
    {"type": "MockServerURL", "regex": "(", "example": "x"},
    {"type": "Nope"},
    {"type": ["RandomInt"]},
]

HOSTILE_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    10**30,
    1.5,
    float("nan"),
    float("inf"),
    float("-inf"),
    "",
    "x",
    "\ud800",
    "nul\x00",
    "a" * 34 + "b",
    "a" * 20_000,
    "$.a[*]",
    "$[",
    "application/json",
    "application/xml",
    "<a><b>",
    [],
    {},
    [1, "2", None],
    {"a": {"b": [1]}},
    _deep(60),
    _deep(200),
    *HOSTILE_RULES,
    *HOSTILE_GENERATORS,
    {"body": {"$.a": {"matchers": HOSTILE_RULES[:3]}}},
    {"body": {"$.a": HOSTILE_GENERATORS[0]}},
]

KEYS = [
    "matchingRules",
    "generators",
    "match",
    "min",
    "max",
    "regex",
    "variants",
    "rules",
    "format",
    "type",
    "size",
    "digits",
    "combine",
    "content",
    "contents",
    "encoded",
    "contentType",
    "body",
    "headers",
    "query",
    "status",
    "path",
    "method",
    "metadata",
    "metaData",
    "providerStates",
    "pending",
    "request",
    "response",
    "interactions",
    "messages",
    "$.a",
    "$.one",
    "$",
]


# -- seeds ------------------------------------------------------------------------------


def _fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def _message_pact(body: Any, rules: Any, generators: Any) -> dict[str, Any]:
    interaction = {
        "type": "Asynchronous/Messages",
        "description": "fuzzed message",
        "providerStates": [{"name": "a state", "params": {"id": 1}}],
        "contents": {"content": body, "contentType": "application/json", "encoded": False},
        "metadata": {"topic": "orders", "contentType": "application/json"},
        "matchingRules": {"body": rules.get("body", rules)} if rules else {},
        "generators": generators or {},
    }
    http = {
        "type": "Synchronous/HTTP",
        "description": "fuzzed request",
        "request": {
            "method": "POST",
            "path": "/orders/1",
            "query": {"q": ["1"]},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"content": body, "contentType": "application/json", "encoded": False},
            "matchingRules": {"body": rules.get("body", rules)} if rules else {},
        },
        "response": {"status": 200, "body": {"content": body, "contentType": "application/json"}},
    }
    return {
        "consumer": {"name": "fuzz-consumer"},
        "provider": {"name": "fuzz-provider"},
        "interactions": [interaction, http],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }


@cache
def pact_seeds() -> tuple[str, ...]:
    """Pact documents (as JSON text, so each use gets a fresh copy)."""
    bodies = [_fixture(n) for n in ("basic.json", "3-level.json", "siren.json")]
    rules = sorted(FIXTURES.glob("*-matcher-*.json"))
    generators = sorted(FIXTURES.glob("*-generator.json"))
    seeds = []
    for index, path in enumerate(rules + generators):
        block = json.loads(path.read_text())
        body = bodies[index % len(bodies)]
        if path in rules:
            seeds.append(_message_pact(body, block, None))
        else:
            seeds.append(_message_pact(body, None, block))
    for path in sorted((CONFORMANCE / "broker-client-contracts").glob("*.json")):
        doc = json.loads(path.read_text())
        for start in range(0, 12, 3):
            part = copy.deepcopy(doc)
            part["interactions"] = doc["interactions"][start : start + 3]
            seeds.append(part)
    return tuple(json.dumps(seed) for seed in seeds)


@cache
def case_seeds() -> tuple[tuple[str, str, str], ...]:
    """(part, spec, JSON text of the test case) for every specification test case."""
    out = []
    for path in sorted((CONFORMANCE / "specification").rglob("*.json")):
        parts = path.parts
        spec = next(p for p in parts if p.startswith("version-")).removeprefix("version-")
        part = parts[-3]
        out.append((part, spec, path.read_text(encoding="utf-8-sig")))
    return tuple(out)


# -- mutation ---------------------------------------------------------------------------


def _places(doc: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) in ``doc``, breadth first."""
    out: list[tuple[Any, Any]] = []
    queue = [doc]
    while queue and len(out) < 5000:
        node = queue.pop(0)
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            out.append((node, key))
            if isinstance(value, dict | list):
                queue.append(value)
    return out


def mutate(doc: Any, mutations: list[tuple[int, int, int, int]]) -> Any:
    """Apply (kind, where, what, key) mutations: replace a value, or add a key to an object."""
    for kind, where, what, key in mutations:
        places = _places(doc)
        if not places:
            return doc
        container, slot = places[where % len(places)]
        value = copy.deepcopy(HOSTILE_VALUES[what % len(HOSTILE_VALUES)])
        if kind % 3 == 0 or not isinstance(container[slot], dict):
            container[slot] = value
        elif kind % 3 == 1:
            container[slot][KEYS[key % len(KEYS)]] = value
        else:
            target = container[slot]
            target["matchingRules" if key % 2 else "generators"] = {
                "body": {"$" if key % 3 else "$.a": value}
            }
    return doc


# -- the pipeline -----------------------------------------------------------------------

CONTEXT = {"providerState": {"id": 7}, "mockServer": {"href": "http://127.0.0.1:1"}, "id": 7}


def run_pact(text: str) -> None:
    """Everything verify and inspect do with one pact; only AccordError may escape."""
    try:
        pact = loads_pact(text, source="fuzz.json")
    except AccordError:
        return
    for step in (lint, describe):
        with contextlib.suppress(AccordError):
            step(pact)  # type: ignore[operator]
    for interaction in pact.interactions[:4]:
        with contextlib.suppress(AccordError):
            _exercise(interaction)


def _exercise(interaction: Any) -> None:
    if isinstance(interaction, AsyncMessage):
        message = interaction.message
        for mode in (CONSUMER, PROVIDER):
            produced = generate_message(message, mode=mode, context=CONTEXT)
            compare_message(message, produced)
        # what a misbehaving producer might send back (already JSON: see producers.py)
        seed = len(interaction.description)
        for value in HOSTILE_VALUES[seed % 7 :: 7]:
            hostile = MessageContents(Body(value, "application/json"), {"topic": value})
            with contextlib.suppress(AccordError):
                compare_message(message, hostile)
    elif isinstance(interaction, SyncMessage):
        compare_message(interaction.request, interaction.request)
        for response in interaction.response:
            compare_message(response, generate_message(response, mode=PROVIDER, context=CONTEXT))
    elif isinstance(interaction, HttpInteraction):
        request = generate_request(interaction.request, mode=PROVIDER, context=CONTEXT)
        compare_request(interaction.request, request)
        response = generate_response(interaction.response, mode=CONSUMER, context=CONTEXT)
        compare_response(interaction.response, response)


def run_case(part: str, spec: str, case: dict[str, Any]) -> None:
    """A specification test case, compared as the conformance tests do."""
    if not isinstance(case, dict):
        return
    with contextlib.suppress(AccordError):
        compare(case.get("expected"), case.get("actual"), part=part, spec=spec)  # type: ignore[arg-type]


def dumps(doc: Any) -> str:
    return json.dumps(doc)


ROOT = Path(__file__).resolve().parent
