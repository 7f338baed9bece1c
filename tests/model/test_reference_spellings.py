"""Spellings found in real pact files, read (and written back) as the Rust core does."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from accord.errors import PactWriteError
from accord.matching.compare import compare
from accord.matching.xeger import example_for_regex
from accord.model import AsyncMessage, HttpInteraction, Pact, loads_pact
from accord.model.body import Body
from accord.model.pact import MessageContents
from accord.model.write import dumps_pact, pact_to_json


def _http_pact(request: dict[str, Any], response: dict[str, Any], version: str) -> str:
    return json.dumps(
        {
            "consumer": {"name": "c"},
            "provider": {"name": "p"},
            "metadata": {"pactSpecification": {"version": version}},
            "interactions": [{"description": "d", "request": request, "response": response}],
        }
    )


def test_legacy_request_and_response_matching_rules_apply_and_are_not_kept_as_unknown() -> None:
    text = _http_pact(
        {"method": "GET", "path": "/", "requestMatchingRules": {"$.body.a": {"match": "type"}}},
        {"status": 200, "responseMatchingRules": {"$.body.b": {"match": "type"}}},
        "2.0.0",
    )
    interaction = loads_pact(text).interactions[0]
    assert isinstance(interaction, HttpInteraction)
    assert list(interaction.request.matching_rules.category("body")) == ["$.a"]
    assert list(interaction.response.matching_rules.category("body")) == ["$.b"]
    assert interaction.request.extra == {} and interaction.response.extra == {}
    written = dumps_pact(loads_pact(text))
    assert "requestMatchingRules" not in written and "responseMatchingRules" not in written


def test_legacy_rules_change_the_verdict() -> None:
    expected = {"body": {"a": 1}, "responseMatchingRules": {"$.body.a": {"match": "type"}}}
    assert compare(expected, {"body": {"a": 2}}, part="response", spec="2.0.0") == []


def test_plugin_rule_and_generator_keys_stay_as_written() -> None:
    text = _http_pact(
        {"method": "GET", "path": "/"},
        {
            "status": 200,
            "headers": {"Content-Type": "text/csv"},
            "body": "a,b",
            "matchingRules": {"body": {"column:1": {"matchers": [{"match": "type"}]}}},
            "generators": {"body": {"column:2": {"type": "RandomInt"}}},
        },
        "4.0",
    )
    response = pact_to_json(loads_pact(text))["interactions"][0]["response"]
    assert list(response["matchingRules"]["body"]) == ["column:1"]
    assert list(response["generators"]["body"]) == ["column:2"]


def test_plain_body_keys_from_pact_jvm_become_paths() -> None:
    text = _http_pact(
        {"method": "GET", "path": "/"},
        {"status": 200, "matchingRules": {"body": {"a.b": {"matchers": [{"match": "type"}]}}}},
        "3.0.0",
    )
    interaction = loads_pact(text).interactions[0]
    assert isinstance(interaction, HttpInteraction)
    assert list(interaction.response.matching_rules.category("body")) == ["$.a.b"]


@pytest.mark.parametrize(
    ("rules", "version"),
    [
        (
            {
                "header": {
                    "$.Authorization[0]": {"matchers": [{"match": "regex", "regex": "Bearer .+"}]}
                }
            },
            "3.0.0",
        ),
        ({"$.header.$.Authorization[0]": {"match": "regex", "regex": "Bearer .+"}}, "2.0.0"),
    ],
    ids=["V3 category", "V2 flat"],
)
def test_old_pact_ffi_header_keys_apply_to_the_header_they_name(
    rules: dict[str, Any], version: str
) -> None:
    expected = {"headers": {"Authorization": "Bearer a"}, "matchingRules": rules}
    assert (
        compare(
            expected, {"headers": {"Authorization": "Bearer zz"}}, part="response", spec=version
        )
        == []
    )
    found = compare(
        expected, {"headers": {"Authorization": "Basic zz"}}, part="response", spec=version
    )
    assert [m.path for m in found] == ["Authorization"]


def test_a_v3_message_without_description_reads_as_an_empty_description() -> None:
    text = json.dumps(
        {
            "consumer": {"name": "c"},
            "provider": {"name": "p"},
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
            "messages": [{"contents": {"a": 1}}],
        }
    )
    assert loads_pact(text).interactions[0].description == ""


def _message_pact(body: Body, metadata: dict[str, Any] | None = None, **kw: Any) -> Pact:
    message = AsyncMessage(
        description="m", message=MessageContents(body, dict(metadata or {})), **kw
    )
    return Pact("c", "p", [message])


def test_the_v3_writer_adds_no_content_type_to_a_json_message() -> None:
    doc = pact_to_json(_message_pact(Body({"a": 1}, "application/json")), "3.0.0")
    assert doc["messages"][0]["metadata"] == {}
    again = loads_pact(json.dumps(doc)).interactions[0]
    assert isinstance(again, AsyncMessage)
    assert again.message.content_type == "application/json"


def test_the_v3_writer_keeps_a_stated_content_type_and_labels_text() -> None:
    stated = _message_pact(Body({"a": 1}, "application/json"), {"contentType": "application/json"})
    assert pact_to_json(stated, "3.0.0")["messages"][0]["metadata"] == {
        "contentType": "application/json"
    }
    text = pact_to_json(_message_pact(Body("hi", "text/plain")), "3.0.0")
    assert text["messages"][0]["metadata"] == {"contentType": "text/plain"}


@pytest.mark.parametrize(
    "kw",
    [
        {"plugin_config": {"protobuf": {"descriptorKey": "x"}}},
        {},
    ],
    ids=["plugin configuration", "protobuf content type"],
)
def test_a_protobuf_message_is_refused_as_v3(kw: dict[str, Any]) -> None:
    pact = _message_pact(Body(b"\x08\x01", "application/protobuf"), **kw)
    with pytest.raises(PactWriteError, match="Write spec V4"):
        pact_to_json(pact, "3.0.0")
    assert pact_to_json(pact, "4.0")["interactions"][0]["type"] == "Asynchronous/Messages"


def test_regex_generators_honour_java_quoting() -> None:
    pattern = r"\Qorder.\E\d{3}"
    value = example_for_regex(pattern)
    assert re.fullmatch(r"order\.\d{3}", value), value


def test_xml_unexpected_children_are_allowed_in_messages_unless_a_type_rule_reaches_them() -> None:
    expected = {
        "contents": "<people><person>Fred</person></people>",
        "metadata": {"contentType": "application/xml"},
    }
    actual = {
        "contents": "<people><person>Fred</person><cat>Tom</cat></people>",
        "metadata": {"contentType": "application/xml"},
    }
    assert compare(expected, actual, part="message", spec="3.0.0") == []
    typed = {**expected, "matchingRules": {"body": {"$.people": {"matchers": [{"match": "type"}]}}}}
    assert compare(typed, actual, part="message", spec="3.0.0") != []
    assert (
        compare(
            {"body": expected["contents"], "headers": {"Content-Type": "application/xml"}},
            {"body": actual["contents"], "headers": {"Content-Type": "application/xml"}},
            part="request",
            spec="3.0.0",
        )
        != []
    )
