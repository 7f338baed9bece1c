"""Header, query and metadata generators for names the example does not have."""

from __future__ import annotations

from accord.matching.generators import PROVIDER, generate_message, generate_request
from accord.model import Generators, HttpRequest, MessageContents


def _random_int(name: str) -> dict[str, dict[str, object]]:
    return {name: {"type": "RandomInt", "min": 1, "max": 10}}


def test_a_header_generator_adds_the_header_the_example_lacks() -> None:
    request = HttpRequest(generators=Generators({"header": _random_int("X-Test")}))
    made = generate_request(request)
    assert made.headers is not None
    (value,) = made.headers["X-Test"]
    assert 1 <= int(value) <= 10


def test_a_query_generator_adds_the_parameter_the_example_lacks() -> None:
    request = HttpRequest(query={"a": ["1"]}, generators=Generators({"query": _random_int("v")}))
    made = generate_request(request)
    assert made.query is not None and made.query["a"] == ["1"]
    assert 1 <= int(str(made.query["v"][0])) <= 10


def test_a_generator_with_no_value_adds_nothing() -> None:
    # A ProviderState generator runs only for the provider; on the consumer side it has no
    # value to give, so a header the example lacks stays absent.
    state = {"X-Id": {"type": "ProviderState", "expression": "${id}"}}
    request = HttpRequest(generators=Generators({"header": state}))
    assert generate_request(request).headers is None
    made = generate_request(request, mode=PROVIDER, context={"providerState": {"id": 7}})
    assert made.headers == {"X-Id": ["7"]}


def test_a_metadata_generator_adds_the_key_the_example_lacks() -> None:
    message = MessageContents(generators=Generators({"metadata": _random_int("ID")}))
    made = generate_message(message)
    assert isinstance(made.metadata["ID"], int)


def _mock_server_url(regex: str, example: str) -> object:
    from accord.matching.generators import generate_value

    generator = {"type": "MockServerURL", "example": example, "regex": regex}
    context = {"mockServer": {"href": "http://127.0.0.1:5555"}}
    return generate_value(generator, mode="consumer", context=context, current=example)


def test_mock_server_url_understands_java_quoting() -> None:
    regex = r".*(\/\Qpacts\E\/\Qprovider\E\/\Q{provider}\E)$"
    made = _mock_server_url(regex, "http://localhost:9876/pacts/provider/{provider}")
    assert made == "http://127.0.0.1:5555/pacts/provider/{provider}"


def test_mock_server_url_keeps_a_tail_captured_without_its_slash_below_the_root() -> None:
    made = _mock_server_url(r".*\/(\Qpacts\E\/x)$", "http://localhost:9876/pacts/x")
    assert made == "http://127.0.0.1:5555/pacts/x"


def test_bad_generators_are_refused_on_every_path_with_their_place() -> None:
    import pytest

    from accord.errors import RuleError
    from accord.matching.generators import generate_body
    from accord.model import Body

    bad = {"type": "RandomString", "size": 10**9}
    body = Body({"a": "x"}, "application/json")
    for category, key in (("body", "$.a"), ("metadata", "topic")):
        contents = MessageContents(
            body, {"topic": "t"}, generators=Generators({category: {key: bad}})
        )
        with pytest.raises(RuleError, match=f"generators.{category} {key}".replace("$", r"\$")):
            generate_message(contents)
    with pytest.raises(RuleError, match=r"generators.body \$.a"):
        generate_body(body, Generators({"body": {"$.a": bad}}), mode=PROVIDER, context={})
