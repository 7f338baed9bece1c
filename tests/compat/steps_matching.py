"""Steps for the V3/V4 ``matching_rules`` features: build, compare, check mismatches.

Import with ``from tests.compat.steps_matching import *`` so pytest-bdd finds the step
fixtures in the test module's namespace.
"""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers, then, when

from accord.matching import compare_request, compare_response
from accord.model import HttpResponse
from tests.compat.support import (
    World,
    describe,
    find_mismatch,
    quoted,
    request_from_row,
    response_from_row,
    rows,
    unescape,
)

# ------------------------------------------------------------------------------------------
# requests


@given("an expected request configured with the following:")
def expected_request(world: World, datatable: list[list[str]]) -> None:
    (row,) = rows(datatable)
    world.expected_request = request_from_row(row)


@given("a request is received with the following:")
@given("the following requests are received:")
def received_requests(world: World, datatable: list[list[str]]) -> None:
    world.received_requests = [request_from_row(row) for row in rows(datatable)]


@when("the request is compared to the expected one")
@when("the requests are compared to the expected one")
def compare_requests(world: World) -> None:
    assert world.expected_request is not None, "no expected request was configured"
    assert world.received_requests, "no request was received"
    world.request_results = [
        compare_request(world.expected_request, actual) for actual in world.received_requests
    ]


@then("the comparison should be OK")
def comparison_ok(world: World) -> None:
    failures = [
        f"request {index + 1}:\n{describe(result)}"
        for index, result in enumerate(world.request_results)
        if result
    ]
    if failures:
        pytest.fail("expected no mismatches, but accord reported:\n" + "\n".join(failures))


@then("the comparison should NOT be OK")
def comparison_not_ok(world: World) -> None:
    passed = [index + 1 for index, result in enumerate(world.request_results) if not result]
    if passed:
        pytest.fail(f"expected mismatches, but request(s) {passed} matched")


@then(
    parsers.re(
        r"the mismatches will contain a mismatch with error "
        + quoted("path")
        + r" -> "
        + quoted("error")
    )
)
def request_mismatch(world: World, path: str, error: str) -> None:
    path, error = unescape(path), unescape(error)
    found = [m for result in world.request_results for m in result]
    if find_mismatch(found, path=path, error=error) is None:
        pytest.fail(
            f"no mismatch at {path!r} with error {error!r}; accord reported:\n{describe(found)}"
        )


# ------------------------------------------------------------------------------------------
# responses


@given("an expected response configured with the following:")
def expected_response(world: World, datatable: list[list[str]]) -> None:
    (row,) = rows(datatable)
    world.expected_response = response_from_row(row)


@given(parsers.re(r"a status (?P<status>\d+) response is received"))
def received_status(world: World, status: str) -> None:
    world.received_response = HttpResponse(status=int(status))


@when("the response is compared to the expected one")
def compare_responses(world: World) -> None:
    assert world.expected_response is not None, "no expected response was configured"
    assert world.received_response is not None, "no response was received"
    world.response_results = compare_response(world.expected_response, world.received_response)


@then("the response comparison should be OK")
def response_ok(world: World) -> None:
    if world.response_results:
        pytest.fail(
            "expected no mismatches, but accord reported:\n" + describe(world.response_results)
        )


@then("the response comparison should NOT be OK")
def response_not_ok(world: World) -> None:
    if not world.response_results:
        pytest.fail("expected mismatches, but the response matched")


@then(
    parsers.re(
        r"the response mismatches will contain a "
        + quoted("kind")
        + r" mismatch with error "
        + quoted("error")
    )
)
def response_mismatch(world: World, kind: str, error: str) -> None:
    kind, error = unescape(kind), unescape(error)
    if find_mismatch(world.response_results, path=None, kind=kind, error=error) is None:
        pytest.fail(
            f"no {kind!r} mismatch with error {error!r}; accord reported:\n"
            + describe(world.response_results)
        )
