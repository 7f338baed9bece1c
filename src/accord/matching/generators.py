"""Generators: values made fresh each time an example is used.

A consumer test uses them to vary messages and responses; a verifier uses them to fill in
requests from provider-state values. ``mode`` says which: ``ProviderState`` generators run
only for the provider, ``MockServerURL`` only for the consumer, as Pact defines.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import random
import re
import string
import uuid
from dataclasses import replace
from typing import Any

from accord.errors import RuleError
from accord.matching.deadline import check_deadline
from accord.matching.javadate import apply_date_expression, format_java_pattern
from accord.matching.path import ANY_INDEX, STAR, Token, parse_path
from accord.matching.rule_check import check_generator, check_generators
from accord.matching.safe_regex import safe_pattern
from accord.matching.values import integer_setting, python_regex
from accord.matching.xeger import example_for_regex
from accord.model.body import Body
from accord.model.pact import HttpRequest, HttpResponse, MessageContents
from accord.model.rules import Generators

CONSUMER = "consumer"
PROVIDER = "provider"

_rng = random.Random()
"""Example values are not secrets: a private Mersenne Twister, seeded from the OS, is fast
(``SystemRandom`` makes a system call per number) and leaves the user's ``random`` state
alone. A forked child (pytest-xdist, multiprocessing) reseeds, so siblings differ."""
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_rng.seed)
_EXPRESSION = re.compile(r"\$\{([^}]+)\}")


def _context_value(context: dict[str, Any], name: str) -> tuple[bool, Any]:
    for scope in (context.get("providerState"), context):
        if isinstance(scope, dict) and name in scope:
            return True, scope[name]
    return False, None


def _provider_state(generator: dict[str, Any], context: dict[str, Any], current: Any) -> Any:
    expression = str(generator.get("expression", ""))
    whole = _EXPRESSION.fullmatch(expression)
    if whole:
        found, value = _context_value(context, whole.group(1))
        if not found:
            return current
    else:
        missing = False

        def substitute(match: re.Match[str]) -> str:
            nonlocal missing
            found, value = _context_value(context, match.group(1))
            missing = missing or not found
            return str(value)

        value = _EXPRESSION.sub(substitute, expression)
        if missing:
            return current
    return _convert(value, str(generator.get("dataType", "RAW")).upper())


def _convert(value: Any, data_type: str) -> Any:
    try:
        if data_type == "STRING":
            return value if isinstance(value, str) else str(value)
        if data_type == "INTEGER":
            return int(value)
        if data_type in ("DECIMAL", "FLOAT"):
            return float(value)
        if data_type == "BOOLEAN":
            return value if isinstance(value, bool) else str(value).lower() == "true"
    except (TypeError, ValueError):
        return value
    return value


def _mock_server_url(generator: dict[str, Any], context: dict[str, Any], current: Any) -> Any:
    server = context.get("mockServer")
    href = server.get("href") if isinstance(server, dict) else None
    if not href:
        return current
    example = str(generator.get("example", ""))
    # Pact files carry Java-flavoured regexes (``\Q...\E`` quoting): translate them.
    try:
        pattern = safe_pattern(python_regex(str(generator.get("regex", "")))).python_for(example)
    except RuleError as exc:
        raise RuleError(f"MockServerURL: {exc}") from exc
    match = pattern.match(example)
    if not match or not match.groups():
        return current
    tail = match.group(1)
    base = str(href).rstrip("/")
    # A captured tail without its leading slash still belongs below the server's root.
    return base + tail if tail.startswith(("/", "?", "#")) or not tail else f"{base}/{tail}"


def _uuid(fmt: str | None) -> str:
    value = uuid.uuid4()
    if fmt == "simple":
        return value.hex
    if fmt == "upper-case-hyphenated":
        return str(value).upper()
    if fmt == "URN":
        return value.urn
    return str(value)


def _temporal(generator: dict[str, Any], context: dict[str, Any], kind: str) -> str:
    base_key = {"Date": "baseDate", "Time": "baseTime", "DateTime": "baseDateTime"}[kind]
    base = context.get(base_key)
    now = base if isinstance(base, dt.datetime) else dt.datetime.now(dt.UTC).astimezone()
    expression = generator.get("expression")
    if expression:
        now = apply_date_expression(now, str(expression))
    fmt = generator.get("format")
    if fmt:
        return format_java_pattern(now, str(fmt))
    if kind == "Date":
        return now.date().isoformat()
    if kind == "Time":
        return now.time().replace(microsecond=0).isoformat()
    return now.isoformat(timespec="milliseconds")


def generate_value(
    generator: dict[str, Any],
    *,
    mode: str = CONSUMER,
    context: dict[str, Any] | None = None,
    current: Any = None,
) -> Any:
    """One value from one generator; unknown or inapplicable generators keep ``current``.

    Raises :class:`~accord.errors.RuleError` for a generator whose settings are broken or
    over the caps in :mod:`accord.limits` (sizes up to ``MAX_GENERATED_SIZE``).
    """
    check_deadline()  # the verifier's timeout covers generation too
    check_generator(generator)
    return _generate(generator, mode, context or {}, current)


def _generate(generator: dict[str, Any], mode: str, context: dict[str, Any], current: Any) -> Any:
    """:func:`generate_value` for a generator already checked (its part's generators all
    went through ``check_generators``): checking each one again, by its text, would
    cost as much as making most values."""
    check_deadline()
    kind = generator.get("type")
    if kind == "RandomInt":
        low, high = _setting(generator, "min", 0), _setting(generator, "max", 10)
        return _rng.randint(min(low, high), max(low, high))
    if kind == "RandomDecimal":
        digits = max(_setting(generator, "digits", 10), 2)
        text = _rng.choice("123456789") + "".join(_rng.choices(string.digits, k=digits - 1))
        point = _rng.randint(1, digits - 1)
        return float(text[:point] + "." + text[point:])
    if kind == "RandomHexadecimal":
        return "".join(_rng.choices("0123456789abcdef", k=_setting(generator, "digits", 10)))
    if kind == "RandomString":
        return "".join(_rng.choices(_ALPHANUMERIC, k=_setting(generator, "size", 10)))
    if kind == "Regex":
        return example_for_regex(str(generator.get("regex", "")))
    if kind == "Uuid":
        return _uuid(generator.get("format"))
    if kind in ("Date", "Time", "DateTime"):
        return _temporal(generator, context, kind)
    if kind == "RandomBoolean":
        return _rng.random() < 0.5
    if kind == "ProviderState":
        return _provider_state(generator, context, current) if mode == PROVIDER else current
    if kind == "MockServerURL":
        return _mock_server_url(generator, context, current) if mode == CONSUMER else current
    return current


_ALPHANUMERIC = string.ascii_letters + string.digits


def _setting(generator: dict[str, Any], key: str, default: int) -> int:
    value = integer_setting(generator, key)
    return default if value is None else value


# ---------------------------------------------------------------------------------------
# applying generators to bodies and parts


def _apply_at(value: Any, tokens: tuple[Token, ...], make: Any) -> Any:
    """``value`` with every location matching ``tokens`` replaced by ``make(old)``."""
    if not tokens:
        return make(value)
    head, rest = tokens[0], tokens[1:]
    if isinstance(value, dict):
        if head == STAR:
            return {k: _apply_at(v, rest, make) for k, v in value.items()}
        if isinstance(head, str) and head in value:
            out = dict(value)
            out[head] = _apply_at(value[head], rest, make)
            return out
        return value
    if isinstance(value, list):
        if head in (STAR, ANY_INDEX):
            return [_apply_at(v, rest, make) for v in value]
        index = head if isinstance(head, int) else (int(head) if str(head).isdigit() else None)
        if index is not None and 0 <= index < len(value):
            items = list(value)
            items[index] = _apply_at(value[index], rest, make)
            return items
    return value


def generate_body(
    body: Body | None,
    generators: Generators,
    *,
    mode: str,
    context: dict[str, Any],
    checked: bool = False,
) -> Body | None:
    """The body with its ``body`` generators applied (JSON bodies by path, others whole).

    ``checked``: the caller ran ``check_generators`` on ``generators`` already."""
    found = generators.category("body")
    produce = _generate if checked else _checked_generate
    if body is None or not found:
        return body
    content = body.content
    for expression, generator in found.items():
        if not expression.startswith("$"):
            continue  # a plugin's own key (e.g. ``column:1``): the plugin's business
        tokens = parse_path(expression)[1:]

        def make(
            old: Any, generator: dict[str, Any] = generator, expression: str = expression
        ) -> Any:
            try:
                return produce(generator, mode, context, old)
            except RuleError as exc:
                raise exc.at(f"generators.body {expression}") from exc.__cause__

        if isinstance(content, dict | list):
            content = _apply_at(content, tokens, make)
        elif not tokens:
            content = make(content)
    return replace(body, content=content)


def _checked_generate(
    generator: dict[str, Any], mode: str, context: dict[str, Any], current: Any
) -> Any:
    check_deadline()
    check_generator(generator)
    return _generate(generator, mode, context, current)


def _generate_keyed(
    values: dict[str, Any] | None,
    generators: dict[str, dict[str, Any]],
    category: str,
    *,
    mode: str,
    context: dict[str, Any],
    as_list: bool,
) -> dict[str, Any] | None:
    """Apply keyed (header, query, metadata) generators.

    A generator for a name the example lacks still adds that name: the generator is what
    defines the value, as Pact's implementations do. One that cannot produce a value here
    (a ``ProviderState`` generator on the consumer side, say) adds nothing.
    """
    if not generators:
        return values
    out = dict(values or {})
    lowered = {k.lower(): k for k in out}
    for name, generator in generators.items():
        key = lowered.get(name.lower(), name)
        current = out.get(key)
        first = current[0] if as_list and isinstance(current, list) and current else current
        try:
            made = _generate(generator, mode, context, first)  # checked by every caller
        except RuleError as exc:
            raise exc.at(f"generators.{category} {name}") from exc.__cause__
        if made is None and key not in out:
            continue
        out[key] = [str(made)] if as_list else made
    if values is None and not out:
        return None
    return out


def generate_request(
    request: HttpRequest, *, mode: str = CONSUMER, context: dict[str, Any] | None = None
) -> HttpRequest:
    """A copy of ``request`` with its generators applied."""
    context = context or {}
    gens = request.generators
    if not gens:
        return request
    check_generators(gens)
    path_gen = gens.category("path").get("")
    method_gen = gens.category("method").get("")
    return replace(
        request,
        path=str(generate_value(path_gen, mode=mode, context=context, current=request.path))
        if path_gen
        else request.path,
        method=str(generate_value(method_gen, mode=mode, context=context, current=request.method))
        if method_gen
        else request.method,
        headers=_generate_keyed(
            request.headers,
            gens.category("header"),
            "header",
            mode=mode,
            context=context,
            as_list=True,
        ),
        query=_generate_keyed(
            request.query, gens.category("query"), "query", mode=mode, context=context, as_list=True
        ),
        body=generate_body(request.body, gens, mode=mode, context=context, checked=True),
    )


def generate_response(
    response: HttpResponse, *, mode: str = CONSUMER, context: dict[str, Any] | None = None
) -> HttpResponse:
    """A copy of ``response`` with its generators applied."""
    context = context or {}
    gens = response.generators
    if not gens:
        return response
    check_generators(gens)
    status_gen = gens.category("status").get("")
    status = response.status
    if status_gen:
        made = generate_value(status_gen, mode=mode, context=context, current=status)
        try:
            status = int(made)
        except (TypeError, ValueError, OverflowError) as exc:
            raise RuleError(
                f"the status generator made {str(made)[:40]!r}, not a status code",
                path="generators.status",
            ) from exc
    return replace(
        response,
        status=status,
        headers=_generate_keyed(
            response.headers,
            gens.category("header"),
            "header",
            mode=mode,
            context=context,
            as_list=True,
        ),
        body=generate_body(response.body, gens, mode=mode, context=context, checked=True),
    )


def generate_message(
    message: MessageContents, *, mode: str = CONSUMER, context: dict[str, Any] | None = None
) -> MessageContents:
    """A copy of ``message`` with its contents and metadata generators applied."""
    context = context or {}
    gens = message.generators
    if not gens:
        return message
    check_generators(gens)
    metadata = _generate_keyed(
        copy.copy(message.metadata),
        gens.category("metadata"),
        "metadata",
        mode=mode,
        context=context,
        as_list=False,
    )
    return replace(
        message,
        contents=generate_body(message.contents, gens, mode=mode, context=context, checked=True),
        metadata=metadata or {},
    )
