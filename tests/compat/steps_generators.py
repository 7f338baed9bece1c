"""Steps for the V3/V4 ``generators`` features: apply accord's generators, check the result.

Import with ``from tests.compat.steps_generators import *`` so pytest-bdd finds the step
fixtures in the test module's namespace.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from accord.matching.path import parse_path
from tests.compat.support import (
    World,
    json_cell,
    quoted,
    request_from_row,
    rows,
    single_cell,
    unescape,
)

_HEX = "[0-9a-f]"
_HYPHENATED = f"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"
_SIMPLE_UUID = re.compile(f"{_HEX}{{32}}")
_LOWER_UUID = re.compile(_HYPHENATED)
_UPPER_UUID = re.compile(_HYPHENATED.upper())
_URN_UUID = re.compile(f"urn:uuid:{_HYPHENATED}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{2}:\d{2}:\d{2}(\.\d+)?")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")


def _generated(world: World) -> tuple[Any, Any, Any]:
    """The body before and after generation, and the generators (a response's, if prepared)."""
    if "generated body" in world.data:
        before, after, generators = world.data["generated body"]
        return before, after, generators
    assert world.original_request is not None and world.prepared_request is not None
    return (
        world.original_request.body,
        world.prepared_request.body,
        world.original_request.generators,
    )


def _generator_for(world: World, path: str) -> dict[str, Any]:
    found = _generated(world)[2].category("body").get(path)
    if found is None:
        pytest.fail(f"the scenario configured no body generator at {path!r}")
    return found


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parses(parser: Callable[[str], Any], value: str) -> bool:
    try:
        parser(value)
    except ValueError:
        return False
    return True


def _check_kind(kind: str, value: Any, generator: dict[str, Any]) -> str | None:
    """None if ``value`` is what a generator of that kind makes, else why not."""
    if kind == "integer":
        if not _is_int(value):
            return "not a JSON integer"
        low, high = generator.get("min"), generator.get("max")
        if low is not None and high is not None and not int(low) <= value <= int(high):
            return f"not within [{low}, {high}]"
        return None
    if kind == "decimal number":
        if not isinstance(value, float):
            return "not a JSON decimal number"
        digits = generator.get("digits")
        if digits is not None and len(re.sub(r"\D", "", repr(value))) > int(digits):
            return f"has more than {digits} digits"
        return None
    if kind == "boolean":
        return None if isinstance(value, bool) else "not a JSON boolean"
    if not isinstance(value, str):
        return "not a string"
    if kind == "hexadecimal number":
        if not re.fullmatch("[0-9a-fA-F]+", value):
            return "not hexadecimal"
        digits = generator.get("digits")
        if digits is not None and len(value) != int(digits):
            return f"does not have {digits} digits"
        return None
    if kind == "random string":
        size = generator.get("size")
        if size is not None and len(value) != int(size):
            return f"is not {size} characters long"
        return None
    if kind == "string from the regex":
        regex = str(generator.get("regex", ""))
        return None if re.fullmatch(regex, value) else f"does not match {regex!r}"
    if kind == "date":
        ok = _DATE.fullmatch(value) and _parses(dt.date.fromisoformat, value)
        return None if ok else "not an ISO date"
    if kind == "time":
        ok = _TIME.fullmatch(value) and _parses(dt.time.fromisoformat, value)
        return None if ok else "not an ISO time"
    if kind == "date-time":
        ok = _DATETIME.fullmatch(value) and _parses(dt.datetime.fromisoformat, value)
        return None if ok else "not an ISO date-time"
    uuid_forms = {
        "UUID": (_LOWER_UUID, _SIMPLE_UUID, _UPPER_UUID, _URN_UUID),
        "simple UUID": (_SIMPLE_UUID,),
        "lower-case-hyphenated UUID": (_LOWER_UUID,),
        "upper-case-hyphenated UUID": (_UPPER_UUID,),
        "URN UUID": (_URN_UUID,),
    }
    if kind in uuid_forms:
        ok = any(form.fullmatch(value) for form in uuid_forms[kind])
        return None if ok and _parses(uuid.UUID, value) else f"not a {kind}"
    pytest.fail(f"the step names a value kind this harness does not know: {kind!r}")


def _body_value(world: World, path: str) -> tuple[Any, Any]:
    """The value at a body path before and after the request (or response) was prepared."""
    before, after, _ = _generated(world)
    assert before is not None and after is not None, "the request has no body"

    def at(content: Any) -> Any:
        for token in parse_path(path)[1:]:
            in_map = isinstance(content, dict) and token in content
            in_list = isinstance(content, list) and isinstance(token, int) and token < len(content)
            if in_map or in_list:
                content = content[token]
            else:
                pytest.fail(f"no value at {path!r} in the body {content!r}")
        return content

    return at(before.content), at(after.content)


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


# ------------------------------------------------------------------------------------------
# steps


@given("a request configured with the following generators:")
def request_with_generators(world: World, datatable: list[list[str]]) -> None:
    (row,) = rows(datatable)
    world.original_request = request_from_row(row)


@given(parsers.re(r"the generator test mode is set as " + quoted("mode")))
def generator_mode(world: World, mode: str) -> None:
    world.generator_mode = unescape(mode).strip().lower()


def _prepare(world: World) -> None:
    from accord.matching.generators import generate_request

    assert world.original_request is not None, "no request was configured"
    pristine = copy.deepcopy(world.original_request)
    world.prepared_request = generate_request(
        world.original_request, mode=world.generator_mode, context=world.generator_context
    )
    assert world.original_request == pristine, "generate_request changed its input"


@when("the request is prepared for use")
def prepare(world: World) -> None:
    _prepare(world)


@when(parsers.re(r"the request is prepared for use with a " + quoted("name") + r" context:"))
def prepare_with_context(world: World, name: str, datatable: list[list[str]]) -> None:
    value, _ = json_cell("JSON: " + single_cell(datatable))
    world.generator_context[unescape(name)] = value
    _prepare(world)


@then(
    parsers.re(
        r"the body value for "
        + quoted("path")
        + r" will have been replaced with an? "
        + quoted("kind")
    )
)
def replaced_with_kind(world: World, path: str, kind: str) -> None:
    path, kind = unescape(path), unescape(kind)
    before, after = _body_value(world, path)
    if after == before:
        pytest.fail(f"the value at {path!r} was not replaced (still {after!r})")
    problem = _check_kind(kind, after, _generator_for(world, path))
    if problem:
        pytest.fail(f"the value at {path!r} is {after!r}: {problem}, not a {kind}")


@then(
    parsers.re(
        r"the body value for " + quoted("path") + r" will have been replaced with " + quoted("text")
    )
)
def replaced_with_text(world: World, path: str, text: str) -> None:
    path, text = unescape(path), unescape(text)
    _, after = _body_value(world, path)
    if _as_text(after) != text:
        pytest.fail(f"the value at {path!r} is {after!r}, expected {text!r}")
