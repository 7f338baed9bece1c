"""Malformed pact files give one clear ``PactFileError``: file, JSON path and problem.

The explicit cases pin the wording users see; the fuzz tests feed arbitrary JSON, mutated
near-valid pacts and arbitrary bytes to :func:`accord.model.loads_pact` and require that it
either returns a :class:`Pact` or raises :class:`PactFileError`, never anything else.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.errors import PactFileError
from accord.model import AsyncMessage, HttpInteraction, Pact, SyncMessage, load_pact, loads_pact

SOURCE = "pacts/consumer-provider.json"

# ---------------------------------------------------------------------------------------
# valid documents (the shapes of pact-format.md sections 1.4 and 1.5)

V3_MESSAGE_PACT: dict[str, Any] = {
    "consumer": {"name": "order-consumer"},
    "provider": {"name": "order-service"},
    "messages": [
        {
            "description": "an order created event",
            "providerStates": [{"name": "an order exists", "params": {"id": 10}}],
            "contents": {"id": 10, "status": "CREATED"},
            "metadata": {"contentType": "application/json", "topic": "orders.created"},
            "matchingRules": {
                "body": {"$.id": {"combine": "AND", "matchers": [{"match": "integer"}]}},
                "metadata": {
                    "topic": {
                        "combine": "AND",
                        "matchers": [{"match": "regex", "regex": "orders\\.\\w+"}],
                    }
                },
            },
            "generators": {
                "body": {"$.id": {"type": "RandomInt", "min": 0, "max": 1000}},
                "metadata": {"ID": {"type": "Uuid"}},
            },
        },
        {
            "description": "a binary event",
            "contents": "/9j/4AAQSkZJRg==",
            "metaData": {"contentType": "image/jpeg"},
        },
    ],
    "metadata": {
        "pactRust": {"ffi": "0.4.28", "models": "1.2.7"},
        "pactSpecification": {"version": "3.0.0"},
    },
}

V4_PACT: dict[str, Any] = {
    "consumer": {"name": "c"},
    "provider": {"name": "p"},
    "interactions": [
        {
            "type": "Synchronous/HTTP",
            "description": "GET request to retrieve default values",
            "key": "163f8e0",
            "pending": False,
            "providerStates": [{"name": "a default value exists", "params": {"id": "32432"}}],
            "request": {
                "method": "GET",
                "path": "/api/test/8",
                "query": {"a": ["1"], "b": ["2"]},
                "headers": {"Accept": ["application/json"]},
                "matchingRules": {
                    "path": {
                        "combine": "AND",
                        "matchers": [{"match": "regex", "regex": "/api/test/\\d{1,8}"}],
                    }
                },
                "generators": {"path": {"type": "ProviderState", "expression": "/api/test/${id}"}},
            },
            "response": {
                "status": 200,
                "headers": {"Content-Type": ["application/json"]},
                "body": {
                    "content": [{"id": 32432, "name": "testId254"}],
                    "contentType": "application/json",
                    "encoded": False,
                },
                "matchingRules": {
                    "body": {
                        "$": {"combine": "AND", "matchers": [{"match": "type", "min": 1}]},
                        "$[*].id": {"combine": "AND", "matchers": [{"match": "number"}]},
                    },
                    "status": {
                        "combine": "AND",
                        "matchers": [{"match": "statusCode", "status": "success"}],
                    },
                },
                "generators": {"status": {"type": "RandomInt", "min": 200, "max": 299}},
            },
            "comments": {"testname": "test_x", "text": ["a comment"]},
            "transport": "http",
        },
        {
            "type": "Asynchronous/Messages",
            "description": "an order created event",
            "key": "m_001",
            "pending": False,
            "providerStates": [{"name": "message exists"}],
            "contents": {
                "content": {"a": "1234-1234"},
                "contentType": "application/json",
                "encoded": False,
            },
            "metadata": {"contentType": "application/json", "destination": "a/b/c"},
            "matchingRules": {
                "body": {
                    "$.a": {
                        "combine": "AND",
                        "matchers": [{"match": "regex", "regex": "\\d+-\\d+"}],
                    }
                },
                "metadata": {
                    "destination": {
                        "combine": "AND",
                        "matchers": [{"match": "regex", "regex": "\\w+/\\w+/\\w+"}],
                    }
                },
            },
            "generators": {"body": {"$.a": {"type": "Uuid"}}},
        },
        {
            "type": "Synchronous/Messages",
            "description": "init plugin request",
            "pending": False,
            "request": {
                "contents": {
                    "content": "ChJwbHVnaW4=",
                    "contentType": "application/protobuf",
                    "contentTypeHint": "BINARY",
                    "encoded": "base64",
                },
                "metadata": {"x": 1},
            },
            "response": [
                {"contents": {"content": "ok", "contentType": "text/plain", "encoded": False}}
            ],
        },
        {
            "type": "Asynchronous/Messages",
            "description": "a text event",
            "contents": {"content": "hello", "contentType": "text/plain", "encoded": False},
        },
    ],
    "metadata": {"pactSpecification": {"version": "4.0"}, "pactRust": {"models": "1.2.7"}},
}


def _v4(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(V4_PACT)
    doc.update(changes)
    return doc


def _error(raw: Any, source: str = SOURCE) -> PactFileError:
    """The one PactFileError loading ``raw`` (a document, text or bytes) raises."""
    text = raw if isinstance(raw, str | bytes) else json.dumps(raw)
    with pytest.raises(PactFileError) as info:
        loads_pact(text, source=source)
    error = info.value
    assert type(error) is PactFileError
    # The message is exactly "source: path: problem", so it can be read without a traceback.
    assert str(error) == f"{error.source}: {error.path}: {error.problem}"
    assert error.source == source
    return error


def test_the_valid_documents_load() -> None:
    """Sanity: the fixtures the fuzz tests mutate are themselves valid."""
    v3 = loads_pact(json.dumps(V3_MESSAGE_PACT))
    assert [type(i) for i in v3.interactions] == [AsyncMessage, AsyncMessage]
    assert v3.interactions[1].message.contents is not None
    assert v3.interactions[1].message.contents.content == b"\xff\xd8\xff\xe0\x00\x10JFIF"
    v4 = loads_pact(json.dumps(V4_PACT))
    assert [type(i) for i in v4.interactions] == [
        HttpInteraction,
        AsyncMessage,
        SyncMessage,
        AsyncMessage,
    ]


# ---------------------------------------------------------------------------------------
# explicit cases


def test_invalid_json_names_line_and_column() -> None:
    text = '{\n  "consumer": {"name": "c"},\n  "provider": ,\n}'
    error = _error(text)
    assert error.path == "$"
    assert "invalid JSON" in error.problem
    assert "line 3, column 15" in error.problem
    assert isinstance(error.__cause__, json.JSONDecodeError)


def test_invalid_json_in_a_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"consumer": {"name": "c"}, "provider": {"name": "p"}', encoding="utf-8")
    with pytest.raises(PactFileError) as info:
        load_pact(path)
    assert info.value.source == str(path)
    assert str(info.value).startswith(f"{path}: $: invalid JSON at line 1, column ")


def test_truncated_file_and_empty_file() -> None:
    assert "invalid JSON at line 1, column 1" in _error("").problem
    truncated = json.dumps(V4_PACT)[:200]
    assert "invalid JSON" in _error(truncated).problem


def test_bytes_that_are_not_utf8() -> None:
    error = _error(b'{"consumer": "\xff"}')
    assert error.path == "$"
    assert "not UTF-8" in error.problem
    assert "offset 14" in error.problem


def test_a_utf8_bom_is_accepted() -> None:
    pact = loads_pact(b"\xef\xbb\xbf" + json.dumps(V4_PACT).encode())
    assert pact.consumer == "c"


@pytest.mark.parametrize(
    ("document", "found"),
    [([1, 2], "a list"), ("pact", "the string 'pact'"), (3, "the number 3"), (None, "null")],
)
def test_top_level_is_not_an_object(document: Any, found: str) -> None:
    error = _error(json.dumps(document))
    assert error.path == "$"
    assert error.problem == f"expected a pact (a JSON object), found {found}"


def test_missing_consumer() -> None:
    doc = _v4()
    del doc["consumer"]
    error = _error(doc)
    assert error.path == "$.consumer"
    assert "missing" in error.problem


@pytest.mark.parametrize(
    ("consumer", "path", "problem"),
    [
        ("c", "$.consumer", "expected an object, found the string 'c'"),
        ({}, "$.consumer.name", "expected a name, found null"),
        ({"name": 7}, "$.consumer.name", "expected a name, found the number 7"),
        ({"name": "  "}, "$.consumer.name", "the name is empty"),
    ],
)
def test_bad_consumer(consumer: Any, path: str, problem: str) -> None:
    error = _error(_v4(consumer=consumer))
    assert (error.path, error.problem) == (path, problem)


def test_missing_provider() -> None:
    doc = _v4()
    del doc["provider"]
    assert _error(doc).path == "$.provider"


def test_v4_interaction_description_not_a_string() -> None:
    doc = _v4()
    doc["interactions"][3]["description"] = 42
    error = _error(doc)
    assert error.path == "$.interactions[3].description"
    assert error.problem == "expected a description, found the number 42"
    assert str(error) == (
        f"{SOURCE}: $.interactions[3].description: expected a description, found the number 42"
    )


def test_v3_message_description_missing_reads_as_empty_as_the_rust_core_does() -> None:
    doc = copy.deepcopy(V3_MESSAGE_PACT)
    del doc["messages"][1]["description"]
    pact = loads_pact(json.dumps(doc), source=SOURCE)
    assert pact.interactions[1].description == ""


def test_v3_message_description_not_a_string() -> None:
    doc = copy.deepcopy(V3_MESSAGE_PACT)
    doc["messages"][1]["description"] = 7
    error = _error(doc)
    assert error.path == "$.messages[1].description"
    assert error.problem == "expected a description, found the number 7"


def test_legacy_http_description_not_a_string() -> None:
    doc = {
        "consumer": {"name": "c"},
        "provider": {"name": "p"},
        "interactions": [
            {"description": "ok", "request": {}, "response": {}},
            {"description": ["x"], "request": {}, "response": {}},
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }
    error = _error(doc)
    assert (error.path, error.problem) == (
        "$.interactions[1].description",
        "expected a description, found a list",
    )


def test_interactions_not_a_list() -> None:
    error = _error(_v4(interactions={"a": 1}))
    assert (error.path, error.problem) == ("$.interactions", "expected a list, found an object")


def test_interaction_not_an_object() -> None:
    doc = _v4()
    doc["interactions"][2] = "oops"
    error = _error(doc)
    assert error.path == "$.interactions[2]"
    assert error.problem == "expected an interaction object, found the string 'oops'"


@pytest.mark.parametrize(
    ("states", "path", "problem"),
    [
        ("a state", "$.interactions[1].providerStates", "expected a list, found the string"),
        (["a state"], "$.interactions[1].providerStates[0]", "expected a provider state object"),
        ([{"params": {}}], "$.interactions[1].providerStates[0].name", "expected a state name"),
        (
            [{"name": "ok"}, {"name": "x", "params": [1, 2]}],
            "$.interactions[1].providerStates[1].params",
            "expected an object, found a list",
        ),
        (
            [{"name": "ok", "params": "id=1"}],
            "$.interactions[1].providerStates[0].params",
            "expected an object, found the string 'id=1'",
        ),
    ],
)
def test_bad_provider_state(states: Any, path: str, problem: str) -> None:
    doc = _v4()
    doc["interactions"][1]["providerStates"] = states
    error = _error(doc)
    assert error.path == path
    assert error.problem.startswith(problem)


def test_bad_legacy_provider_state() -> None:
    doc = copy.deepcopy(V3_MESSAGE_PACT)
    del doc["messages"][0]["providerStates"]
    doc["messages"][0]["providerState"] = {"name": "x"}
    error = _error(doc)
    assert (error.path, error.problem) == (
        "$.messages[0].providerState",
        "expected a string, found an object",
    )


@pytest.mark.parametrize(
    ("rules", "path", "problem"),
    [
        (["type"], ".matchingRules", "expected an object, found a list"),
        ({"body": [1]}, ".matchingRules.body", "expected an object, found a list"),
        (
            {"body": {"$.a": {"combine": "AND", "matchers": [{"regexp": "x"}]}}},
            ".matchingRules.body['$.a'].matchers[0]",
            "a matching rule needs a 'match' name",
        ),
        (
            {"body": {"$.a": {"combine": "XOR", "matchers": []}}},
            ".matchingRules.body['$.a'].combine",
            "expected 'AND' or 'OR', found the string 'XOR'",
        ),
        (
            {"body": {"$.a": {"matchers": {"match": "type"}}}},
            ".matchingRules.body['$.a'].matchers",
            "expected a list, found an object",
        ),
        (
            {"body": {"$.a": {"matchers": [{"match": 5}]}}},
            ".matchingRules.body['$.a'].matchers[0].match",
            "expected a matcher name, found the number 5",
        ),
        (
            {"metadata": {"destination": "regex"}},
            ".matchingRules.metadata.destination",
            "expected a rule list object, found the string 'regex'",
        ),
        (
            {"status": []},
            ".matchingRules.status",
            "expected an object, found a list",
        ),
    ],
)
def test_bad_matching_rules_shape(rules: Any, path: str, problem: str) -> None:
    doc = _v4()
    doc["interactions"][1]["matchingRules"] = rules
    error = _error(doc)
    assert error.path == "$.interactions[1]" + path
    assert error.problem == problem


def test_bad_matching_rules_in_an_http_response() -> None:
    doc = _v4()
    doc["interactions"][0]["response"]["matchingRules"]["body"]["$[*].id"] = 7
    error = _error(doc)
    assert error.path == "$.interactions[0].response.matchingRules.body['$[*].id']"
    assert error.problem == "expected a rule list object, found the number 7"


def test_bad_generator_shape() -> None:
    doc = _v4()
    doc["interactions"][1]["generators"] = {"body": {"$.a": {"min": 1}}}
    error = _error(doc)
    assert error.path == "$.interactions[1].generators.body['$.a'].type"
    assert error.problem == "expected a generator type, found null"


@pytest.mark.parametrize(
    "content",
    [
        "abc",
        "a",
        "not base64 at all",
        "!!!!",
        "QUJD!!!!",
        "QU*JD",
    ],
)
def test_bad_base64(content: str) -> None:
    doc = _v4()
    doc["interactions"][2]["request"]["contents"]["content"] = content
    error = _error(doc)
    assert error.path == "$.interactions[2].request.contents.content"
    assert error.problem.startswith("not valid base64")


def test_base64_content_that_is_not_a_string() -> None:
    doc = _v4()
    doc["interactions"][2]["request"]["contents"]["content"] = [1, 2]
    error = _error(doc)
    assert error.path == "$.interactions[2].request.contents.content"
    assert error.problem == "expected base64 text, found a list"


def test_bad_encoded_flag() -> None:
    doc = _v4()
    doc["interactions"][1]["contents"]["encoded"] = 12
    error = _error(doc)
    assert (error.path, error.problem) == (
        "$.interactions[1].contents.encoded",
        "expected false, 'base64' or 'json', found the number 12",
    )


@pytest.mark.parametrize(
    ("where", "value", "path", "problem"),
    [
        ("pending", "no", "$.interactions[1].pending", "expected true or false"),
        ("key", 12, "$.interactions[1].key", "expected a string, found the number 12"),
        ("comments", ["x"], "$.interactions[1].comments", "expected an object, found a list"),
        ("metadata", "x", "$.interactions[1].metadata", "expected an object, found the string"),
    ],
)
def test_bad_interaction_fields(where: str, value: Any, path: str, problem: str) -> None:
    doc = _v4()
    doc["interactions"][1][where] = value
    error = _error(doc)
    assert error.path == path
    assert error.problem.startswith(problem)


def test_bad_http_parts() -> None:
    doc = _v4()
    doc["interactions"][0]["response"]["status"] = "OK"
    error = _error(doc)
    assert (error.path, error.problem) == (
        "$.interactions[0].response.status",
        "expected an HTTP status code, found the string 'OK'",
    )
    doc = _v4()
    doc["interactions"][0]["request"]["headers"] = {"Accept": {"x": 1}}
    assert _error(doc).path == "$.interactions[0].request.headers.Accept"
    doc = _v4()
    doc["interactions"][0]["request"]["query"] = {"a": [1], "b": {"c": 1}}
    assert _error(doc).path == "$.interactions[0].request.query.b"


def test_a_directory_is_not_a_pact_file(tmp_path: Path) -> None:
    with pytest.raises(PactFileError) as info:
        load_pact(tmp_path)
    assert info.value.source == str(tmp_path)
    assert info.value.path == "$"
    assert info.value.problem.startswith("cannot read file")
    assert "directory" in info.value.problem.lower()


def test_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "c-p.json"
    with pytest.raises(PactFileError) as info:
        load_pact(str(missing))
    assert info.value.source == str(missing)
    assert info.value.problem == "cannot read file: No such file or directory"
    assert str(info.value) == f"{missing}: $: cannot read file: No such file or directory"


def test_errors_from_a_file_name_the_file(tmp_path: Path) -> None:
    doc = _v4()
    doc["interactions"][3]["description"] = None
    path = tmp_path / "c-p.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(PactFileError) as info:
        load_pact(path)
    assert str(info.value) == (
        f"{path}: $.interactions[3].description: expected a description, found null"
    )


def test_deeply_nested_json() -> None:
    error = _error("[" * 100_000 + "]" * 100_000)
    assert error.path == "$"


def test_huge_integer_literal_is_a_pact_file_error() -> None:
    doc = json.dumps(_v4()).replace('"pending": false', '"pending": ' + "1" * 5000, 1)
    error = _error(doc)
    assert error.path == "$"


def test_status_with_a_unicode_digit_names_the_status() -> None:
    doc = _v4()
    doc["interactions"][0]["response"]["status"] = "²"
    error = _error(doc)
    assert error.path == "$.interactions[0].response.status"
    assert error.problem.startswith("expected an HTTP status code")


def test_spec_version_with_a_unicode_digit_is_not_a_python_error() -> None:
    doc = _v4()
    doc["metadata"]["pactSpecification"]["version"] = "²"
    try:
        loads_pact(json.dumps(doc), source=SOURCE)
    except PactFileError as error:
        assert error.path == "$.metadata.pactSpecification.version"


# ---------------------------------------------------------------------------------------
# fuzzing: only Pact or PactFileError may come out

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
# Values a pact reader treats specially, so mutations hit interesting branches more often.
PACT_WORDS = st.sampled_from(
    [
        "Synchronous/HTTP",
        "Asynchronous/Messages",
        "Synchronous/Messages",
        "Nope/Unknown",
        "base64",
        "json",
        "JSON",
        "BINARY",
        "application/json",
        "image/jpeg",
        "text/plain",
        "application/xml",
        "$",
        "$.a",
        "$.body.a",
        "$.headers.X",
        "AND",
        "OR",
        "4.0",
        "3.0.0",
        "2.0.0",
        "1.1.0",
        "v4",
        "x.y",
        "",
        "type",
        "regex",
        "eachKey",
        "RandomInt",
    ]
)
REPLACEMENTS = JSON | PACT_WORDS | st.just({}) | st.just([])


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every location in a JSON document, parents before children."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _locate(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


@st.composite
def mutated_pacts(draw: st.DrawFn) -> Any:
    """A valid V3 message pact or V4 pact with one to four random edits."""
    doc = copy.deepcopy(draw(st.sampled_from([V3_MESSAGE_PACT, V4_PACT])))
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        if not path:
            if draw(st.booleans()):
                return draw(REPLACEMENTS)
            continue
        parent = _locate(doc, path[:-1])
        action = draw(st.sampled_from(["drop", "replace", "replace", "add", "dup"]))
        if action == "drop":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(REPLACEMENTS)
        elif action == "add" and isinstance(parent, dict):
            parent[draw(PACT_WORDS | st.text(max_size=10))] = draw(REPLACEMENTS)
        elif action == "dup" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
    return doc


def _must_load_or_fail_cleanly(raw: str | bytes) -> None:
    try:
        result = loads_pact(raw, source="fuzz.json")
    except PactFileError as exc:
        assert exc.source == "fuzz.json"
        assert exc.path.startswith("$")
        assert str(exc).startswith("fuzz.json: $")
        assert exc.problem
    else:
        assert isinstance(result, Pact)


FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(JSON)
def test_fuzz_arbitrary_json(value: Any) -> None:
    _must_load_or_fail_cleanly(json.dumps(value))


@FUZZ
@given(mutated_pacts())
def test_fuzz_mutated_pacts(doc: Any) -> None:
    _must_load_or_fail_cleanly(json.dumps(doc))


@FUZZ
@given(mutated_pacts(), st.data())
def test_fuzz_truncated_and_spliced_pact_text(doc: Any, data: st.DataObject) -> None:
    text = json.dumps(doc)
    cut = data.draw(st.integers(0, len(text)))
    _must_load_or_fail_cleanly(text[:cut] + data.draw(st.text(max_size=5)) + text[cut:])


@FUZZ
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_fuzz_arbitrary_bytes_and_text(raw: bytes | str) -> None:
    _must_load_or_fail_cleanly(raw)
