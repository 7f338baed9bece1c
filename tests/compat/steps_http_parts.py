"""Steps for V3 ``http_matching`` and ``http_generators``: headers and generated HTTP parts.

These scenarios exercise accord's matching and generator layers directly: a request or
response is built from the table, compared or prepared with accord's own functions, and the
result is checked. The comparison and "OK / NOT OK" steps come from ``steps_matching``.

Import with ``from tests.compat.steps_http_parts import *`` so pytest-bdd finds the step
fixtures in the test module's namespace.
"""

from __future__ import annotations

import copy
import re

import pytest
from pytest_bdd import given, parsers, then, when

from accord.matching.generators import generate_response
from accord.model import HttpRequest
from tests.compat.steps_generators import *  # noqa: F403 (pytest-bdd step fixtures)
from tests.compat.steps_matching import *  # noqa: F403 (pytest-bdd step fixtures)
from tests.compat.support import World, quoted, response_from_row, rows, unescape

# ------------------------------------------------------------------------------------------
# http_matching: one header on each side


def _with_header(name: str, value: str) -> HttpRequest:
    return HttpRequest(method="GET", path="/", headers={unescape(name): [unescape(value)]})


@given(
    parsers.re(r"an expected request with an? " + quoted("name") + r" header of " + quoted("value"))
)
def expected_request_with_header(world: World, name: str, value: str) -> None:
    world.expected_request = _with_header(name, value)


@given(
    parsers.re(
        r"a request is received with an? " + quoted("name") + r" header of " + quoted("value")
    )
)
def received_request_with_header(world: World, name: str, value: str) -> None:
    world.received_requests = [_with_header(name, value)]


# ------------------------------------------------------------------------------------------
# http_generators: the request side (configured by steps_generators) and the response side


_PART = re.compile(r"(?P<kind>header|queryParameter)\[(?P<name>[^\]]+)\]")


def _request_part(world: World, part: str) -> str:
    """The text of ``path``, ``header[NAME]`` or ``queryParameter[NAME]`` once prepared."""
    request = world.prepared_request
    assert request is not None, "the request was never prepared"
    if part == "path":
        return request.path
    found = _PART.fullmatch(part)
    if found is None:
        pytest.fail(f"the step names a request part this harness does not know: {part!r}")
    name = found["name"]
    values = request.headers if found["kind"] == "header" else request.query
    for key, listed in (values or {}).items():
        if key.lower() == name.lower() and listed and listed[0] is not None:
            return str(listed[0])
    pytest.fail(f"the prepared request has no {part}: {request!r}")


@then(parsers.re(r"the request " + quoted("part") + r" will be set as " + quoted("value")))
def request_part_set(world: World, part: str, value: str) -> None:
    actual = _request_part(world, unescape(part))
    assert actual == unescape(value), f"the request {part} is {actual!r}, not {value!r}"


@then(parsers.re(r"the request " + quoted("part") + r" will match " + quoted("regex")))
def request_part_matches(world: World, part: str, regex: str) -> None:
    actual = _request_part(world, unescape(part))
    assert re.fullmatch(unescape(regex), actual), f"the request {part} {actual!r} is not {regex}"


@given("a response configured with the following generators:")
def response_with_generators(world: World, datatable: list[list[str]]) -> None:
    (row,) = rows(datatable)
    world.expected_response = response_from_row(row)


@when("the response is prepared for use")
def prepare_response(world: World) -> None:
    response = world.expected_response
    assert response is not None, "no response was configured"
    pristine = copy.deepcopy(response)
    world.received_response = generate_response(
        response, mode=world.generator_mode, context=world.generator_context
    )
    assert response == pristine, "generate_response changed its input"
    world.data["generated body"] = (
        response.body,
        world.received_response.body,
        response.generators,
    )


def _response_part(world: World, part: str) -> str:
    response = world.received_response
    assert response is not None, "the response was never prepared"
    if part == "status":
        return str(response.status)
    found = _PART.fullmatch(part)
    if found is None or found["kind"] != "header":
        pytest.fail(f"the step names a response part this harness does not know: {part!r}")
    for key, listed in (response.headers or {}).items():
        if key.lower() == found["name"].lower() and listed:
            return listed[0]
    pytest.fail(f"the prepared response has no {part}: {response!r}")


@then(parsers.re(r"the response " + quoted("part") + r" will not be " + quoted("value")))
def response_part_not(world: World, part: str, value: str) -> None:
    actual = _response_part(world, unescape(part))
    assert actual != unescape(value), f"the response {part} is still {actual!r}"


@then(parsers.re(r"the response " + quoted("part") + r" will match " + quoted("regex")))
def response_part_matches(world: World, part: str, regex: str) -> None:
    actual = _response_part(world, unescape(part))
    assert re.fullmatch(unescape(regex), actual), f"the response {part} {actual!r} is not {regex}"
