"""Explaining a pact and finding its problems: the engine behind ``accord inspect``.

Pure functions over the model: :func:`describe` renders a pact for people and
:func:`lint` returns :class:`Finding` objects for anything that will surprise a consumer or
provider later: rules that match nothing, examples that fail their own rules, regexes that do
not compile, generator types nobody knows.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass
from typing import Any

from accord.errors import AccordError, MatcherError
from accord.matching.json_body import compare_json
from accord.matching.path import parse_path, weight
from accord.matching.rule_check import check_generator, check_rule
from accord.matching.values import CHECKS, python_regex, rule_name
from accord.model.body import Body
from accord.model.describe import describe_generator, describe_rule
from accord.model.pact import (
    AsyncMessage,
    HttpInteraction,
    Interaction,
    MessageContents,
    Pact,
    SyncMessage,
    UnknownInteraction,
)
from accord.model.read_rules import is_path_style_name, keyed_name
from accord.model.rules import Generators, MatchingRules, Rule

KNOWN_GENERATORS = frozenset(
    {
        "RandomInt",
        "RandomDecimal",
        "RandomHexadecimal",
        "RandomString",
        "Regex",
        "Uuid",
        "Date",
        "Time",
        "DateTime",
        "RandomBoolean",
        "ProviderState",
        "MockServerURL",
    }
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: ``error`` will break verification, ``warning`` probably is a mistake."""

    level: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.message}"


# ---------------------------------------------------------------------------------------
# lint


KNOWN_SPEC_MAJORS = frozenset({1, 2, 3, 4})


def lint(pact: Pact) -> list[Finding]:
    findings: list[Finding] = []
    if pact.spec_major not in KNOWN_SPEC_MAJORS:
        findings.append(
            Finding(
                "error",
                "metadata.pactSpecification.version",
                f"unknown spec version {pact.spec_version!r} (accord knows V1 to V4)",
            )
        )
    seen: dict[tuple[Any, ...], int] = {}
    for number, interaction in enumerate(pact.interactions, 1):
        where = f"interaction {number} ({interaction.description!r})"
        identity = interaction.identity()
        if identity in seen:
            findings.append(
                Finding(
                    "error",
                    where,
                    f"duplicates interaction {seen[identity]}: same "
                    "description and provider states",
                )
            )
        seen.setdefault(identity, number)
        if isinstance(interaction, UnknownInteraction):
            findings.append(
                Finding(
                    "error",
                    where,
                    f"unknown interaction type {interaction.type!r}: accord cannot verify it "
                    "(known: Synchronous/HTTP, Asynchronous/Messages, Synchronous/Messages)",
                )
            )
        for state in interaction.provider_states:
            if not state.name.strip():
                findings.append(Finding("warning", where, "a provider state has an empty name"))
        for label, part in _parts(interaction):
            findings += _lint_part(f"{where} {label}".rstrip(), part)
    return findings


def _parts(interaction: Interaction) -> list[tuple[str, MessageContents | Any]]:
    if isinstance(interaction, AsyncMessage):
        return [("", interaction.message)]
    if isinstance(interaction, SyncMessage):
        return [("request", interaction.request)] + [
            (f"response {n}", m) for n, m in enumerate(interaction.response, 1)
        ]
    if isinstance(interaction, HttpInteraction):
        return [("request", interaction.request), ("response", interaction.response)]
    return []


def _lint_part(where: str, part: Any) -> list[Finding]:
    rules: MatchingRules = part.matching_rules
    generators: Generators = part.generators
    body: Body | None = getattr(part, "contents", None) or getattr(part, "body", None)
    findings: list[Finding] = []
    broken = False  # a rule that would raise: the example cannot be checked against it
    for category, key, rule_list in rules.items():
        for rule in rule_list.rules:
            problem = _rule_problem(rule)
            if problem:
                broken = broken or _raises(rule)
                findings.append(Finding("error", f"{where} rule {category} {key}", problem))
        if category == "body" and body is not None and isinstance(body.content, dict | list):
            try:
                tokens = parse_path(key)
            except MatcherError as exc:
                findings.append(Finding("error", f"{where} rule body {key}", str(exc)))
                continue
            if not _reaches(body.content, tokens):
                findings.append(
                    Finding("warning", f"{where} rule body {key}", "matches nothing in the example")
                )
    if body is not None and body.is_json and rules.category("body") and not broken:
        try:
            mismatches = compare_json(
                body.content, body.content, rules.category("body"), allow_unexpected_keys=True
            )
        except AccordError as exc:  # a rule that cannot run is reported, never raised
            findings.append(Finding("error", f"{where} example", str(exc)))
            mismatches = []
        for mismatch in mismatches:
            findings.append(
                Finding(
                    "error",
                    f"{where} example {mismatch.path}",
                    f"the example fails its own rule: {mismatch.message}",
                )
            )
    for category, bucket in generators.categories.items():
        for key, generator in bucket.items():
            kind = generator.get("type")
            try:
                check_generator(generator)
            except AccordError as exc:
                findings.append(
                    Finding("error", f"{where} generator {category} {key}".rstrip(), str(exc))
                )
            if kind not in KNOWN_GENERATORS:
                findings.append(
                    Finding(
                        "warning",
                        f"{where} generator {category} {key}".rstrip(),
                        f"unknown generator type {kind!r} (kept, but not applied)",
                    )
                )
    if body is not None and body.content_type is None and not isinstance(part, MessageContents):
        findings.append(Finding("warning", where, "the body has no content type"))
    return findings


def _rule_problem(rule: Rule) -> str | None:
    name = rule_name(rule)
    if name not in CHECKS:
        return f"unknown matcher {name!r}: verification fails wherever this rule applies"
    if name == "regex":
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                re.compile(python_regex(str(rule.get("regex", ""))))
        except (re.error, RecursionError, OverflowError) as exc:
            return f"the regex {rule.get('regex')!r} does not compile: {exc}"
    if name in ("date", "time", "datetime") and rule.get("format"):
        from accord.matching.javadate import matches_java_pattern

        try:
            matches_java_pattern("", str(rule["format"]))
        except ValueError as exc:
            return f"bad {name} format {rule['format']!r}: {exc}"
    try:
        check_rule(rule, "")
    except AccordError as exc:
        return str(exc).strip()  # a nested place starts with a space: " variants[0]: ..."
    return None


def _raises(rule: Rule) -> bool:
    try:
        check_rule(rule, "")
    except AccordError:
        return True
    return False


def _reaches(value: Any, tokens: tuple[Any, ...]) -> bool:
    """Whether the expression selects at least one place in ``value`` (or below it)."""

    def walk(node: Any, location: tuple[Any, ...]) -> bool:
        if weight(tokens[: len(location)], location) == 0 and len(location) <= len(tokens):
            return False
        if len(location) >= len(tokens):
            return weight(tokens, location[: len(tokens)]) > 0
        if isinstance(node, dict):
            return any(walk(v, (*location, k)) for k, v in node.items())
        if isinstance(node, list):
            return any(walk(v, (*location, i)) for i, v in enumerate(node))
        return False

    return walk(value, ("$",))


# ---------------------------------------------------------------------------------------
# describe


def describe(pact: Pact, *, source: str = "", width: int = 100) -> str:
    count = len(pact.interactions)
    lines = [
        f"{source or 'pact'}  (spec {pact.spec_version}, {pact.consumer} -> {pact.provider}, "
        f"{count} interaction{'s' if count != 1 else ''})"
    ]
    for number, interaction in enumerate(pact.interactions, 1):
        flags = " [pending]" if interaction.pending else ""
        lines.append("")
        lines.append(f"  {number}. {interaction.type} {interaction.description!r}{flags}")
        for state in interaction.provider_states:
            params = f" {json.dumps(state.params)}" if state.params else ""
            lines.append(f"     given {state.name!r}{params}")
        for text in interaction.comments.get("text", []) if interaction.comments else []:
            lines.append(f"     comment: {text}")
        for label, part in _parts(interaction):
            lines += _describe_part(label, part, width)
    return "\n".join(lines)


def _describe_part(label: str, part: Any, width: int) -> list[str]:
    indent = "     " + (f"{label}: " if label else "")
    out: list[str] = []
    if hasattr(part, "method"):
        out.append(f"{indent}{part.method} {part.path}")
    if getattr(part, "status", None) is not None:
        out.append(f"{indent}status {part.status}")
    body = getattr(part, "contents", None) if isinstance(part, MessageContents) else part.body
    metadata = part.metadata if isinstance(part, MessageContents) else None
    headers = getattr(part, "headers", None)
    if headers:
        out.append(f"     headers: {json.dumps(headers)}")
    if metadata:
        out.append(f"     metadata: {_clip(json.dumps(metadata), width)}")
    if body is not None:
        shown = (
            body.content if not isinstance(body.content, bytes) else f"<{len(body.content)} bytes>"
        )
        text = json.dumps(shown) if not isinstance(shown, str) else shown
        out.append(f"     content ({body.content_type or 'no content type'}): {_clip(text, width)}")
    for category, key, rule_list in part.matching_rules.items():
        joined = f" {rule_list.combine} ".join(describe_rule(r) for r in rule_list.rules)
        out.append(f"     rule {category} {key}".rstrip() + f": {joined}")
    for category, bucket in part.generators.categories.items():
        for key, generator in bucket.items():
            out.append(
                f"     generator {category} {key}".rstrip() + f": {describe_generator(generator)}"
            )
    return out


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


# ---------------------------------------------------------------------------------------
# spellings the reader maps silently


_KEYED = ("header", "headers", "query", "metadata")
_RULE_KEYS = ("matchingRules", "requestMatchingRules", "responseMatchingRules", "generators")


def spelling_findings(document: Any) -> list[Finding]:
    """Rule and generator keys written in a form accord (like the Rust core) reinterprets.

    Old pact_ffi versions wrote header rules as ``$.header.$.Authorization[0]`` (V2) or as
    ``{"header": {"$.Authorization[0]": ...}}``; both are read as rules for the header the
    first field names. The reader maps them without a word; ``inspect`` says so.
    """
    findings: list[Finding] = []
    if not isinstance(document, dict):
        return findings
    items = document.get("interactions") or document.get("messages") or []
    if not isinstance(items, list):
        return findings
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            continue
        where = f"interaction {number} ({item.get('description', '')!r})"
        holders: list[tuple[str, Any]] = [("", item)]
        for part in ("request", "response"):
            value = item.get(part)
            for index, one in enumerate(value if isinstance(value, list) else [value]):
                label = part if not isinstance(value, list) else f"{part} {index + 1}"
                holders.append((label, one))
        for label, holder in holders:
            if not isinstance(holder, dict):
                continue
            for rules_key in _RULE_KEYS:
                block = holder.get(rules_key)
                if isinstance(block, dict):
                    findings += _spelling_in(f"{where} {label}".rstrip(), rules_key, block)
    return findings


def _spelling_in(where: str, rules_key: str, block: dict[str, Any]) -> list[Finding]:
    out = []
    for key, value in block.items():
        if key.startswith("$.") and key.split(".", 2)[1] in _KEYED:
            name = key.split(".", 2)[2] if key.count(".") >= 2 else ""
            if is_path_style_name(name):
                out.append(_mapped(where, rules_key, key, keyed_name(name)))
        elif key in _KEYED and isinstance(value, dict):
            for name in value:
                if is_path_style_name(name):
                    out.append(_mapped(where, rules_key, f"{key} {name}", keyed_name(name)))
    return out


def _mapped(where: str, rules_key: str, key: str, name: str) -> Finding:
    return Finding(
        "warning",
        f"{where} {rules_key} {key}",
        f"a path-style key (written by old pact_ffi versions); read, as the Rust core reads it, "
        f"as the rule for {name!r}",
    )
