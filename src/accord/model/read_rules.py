"""Reading matching rules (the flat V2 form and the V3/V4 category form) and generators."""

from __future__ import annotations

import marshal
import re
from typing import Any

from accord.model.at import At, describe_value
from accord.model.rules import (
    SINGLE_VALUE,
    Generators,
    MatchingRules,
    Rule,
    RuleList,
    category_name,
    share,
    unshare,
)

# ---------------------------------------------------------------------------------------
# matching rules and generators

_LEGACY_MATCH_KEYS = ("timestamp", "date", "time")


def normalise_rule(raw: Any, at: At) -> Rule:
    """A rule object, with the legacy forms that lack ``match`` given one."""
    rule = at.obj(raw, "a matching rule object")
    if "match" in rule:
        (at / "match").string(rule["match"], "a matcher name")
        return rule
    if "regex" in rule:
        return {"match": "regex", **rule}
    for key in _LEGACY_MATCH_KEYS:
        if key in rule:
            rest = {k: v for k, v in rule.items() if k != key}
            return {"match": key, "format": rule[key], **rest}
    if "min" in rule or "max" in rule:
        return {"match": "type", **rule}
    raise at.fail("a matching rule needs a 'match' name")


def _is_plain_rule(rule: Any) -> bool:
    return isinstance(rule, dict) and isinstance(rule.get("match"), str)


def _rule_list_fast(raw: Any) -> tuple[list[Rule], str] | None:
    """The common, well-formed ``{"matchers": [...], "combine": ...}`` with no location
    bookkeeping (a 1,000-interaction pact has tens of thousands); ``None`` means take the
    careful path, which names the place of any problem."""
    if type(raw) is not dict:
        return None
    matchers = raw.get("matchers")
    combine = raw.get("combine", "AND")
    if type(matchers) is not list or combine not in ("AND", "OR"):
        return None
    for rule in matchers:
        if not _is_plain_rule(rule):
            return None
    return matchers, combine


def _rule_list(raw: Any, at: At) -> tuple[list[Rule], str]:
    if isinstance(raw, list):
        return [normalise_rule(r, at / i) for i, r in enumerate(raw)], "AND"
    data = at.obj(raw, "a rule list object")
    if "matchers" not in data:
        return [normalise_rule(data, at)], "AND"
    combine = data.get("combine", "AND")
    if combine not in ("AND", "OR"):
        raise (at / "combine").fail(f"expected 'AND' or 'OR', found {describe_value(combine)}")
    matchers = (at / "matchers").lst(data["matchers"])
    return [normalise_rule(r, at / "matchers" / i) for i, r in enumerate(matchers)], combine


_PARSED: dict[bytes, MatchingRules] = {}
_PARSED_KEPT = 256


def parse_matching_rules(value: Any, at: At) -> MatchingRules:
    """The V2 flat form or the V3/V4 category form.

    Interactions of one pact mostly repeat the same rules, so each distinct set (by its
    ``marshal`` bytes, :func:`_quick_fingerprint`) is parsed once and the result shared,
    read-only, by every interaction that carries it (see :func:`~accord.model.rules.share`).
    """
    if not value or type(value) is not dict:
        return _parse_matching_rules(value, at)
    fingerprint = _quick_fingerprint(value)
    if fingerprint is None:
        return _parse_matching_rules(value, at)
    cached = _PARSED.get(fingerprint)
    if cached is not None:
        return cached
    rules = _parse_matching_rules(value, at)
    if len(_PARSED) >= _PARSED_KEPT:
        _forget_oldest()
    _PARSED[fingerprint] = rules
    share(rules, b"\0rules:" + fingerprint)
    body = rules.categories.get("body")
    if body:
        share(body, b"\0body:" + fingerprint)
    return rules


def _quick_fingerprint(value: Any) -> bytes | None:
    """Like :func:`~accord.model.rules.json_fingerprint`, in marshal's newer format.

    That format writes an object shared within the value once and refers back to it, so
    equal rules may get different bytes (a missed cache entry, nothing worse); equal bytes
    still decode to equal, same-typed values. It is half again as fast, and this runs for
    every interaction of every pact read.
    """
    try:
        return marshal.dumps(value)
    except ValueError:
        return None


def _forget_oldest() -> None:
    """Drop the oldest parsed set; another thread may be doing the same."""
    try:
        oldest = _PARSED.pop(next(iter(_PARSED)))
    except (RuntimeError, StopIteration, KeyError):
        return
    unshare(oldest)
    unshare(oldest.categories.get("body"))


def _parse_matching_rules(value: Any, at: At) -> MatchingRules:
    rules = MatchingRules()
    if value is None:
        return rules
    data = at.obj(value)
    if not data:
        return rules
    if next(iter(data)).startswith("$"):
        for key, raw in data.items():
            category, name = _v2_target(key)
            rules.add(category, name, [normalise_rule(raw, at / key)])
        return rules
    for raw_category, bucket in data.items():
        category = category_name(raw_category)
        where = at / raw_category
        if category in SINGLE_VALUE:
            block = where.obj(bucket)
            if "matchers" not in block and len(block) == 1 and "$" in block:
                block = block["$"]
            if block:
                found, combine = _rule_list(block, where)
                rules.add(category, "", found, combine)
            continue
        is_body = category == "body"
        target = rules.categories.setdefault(category, {})
        for key, raw in where.obj(bucket).items():
            found, combine = _rule_list_fast(raw) or _rule_list(raw, where / key)
            name = _body_key(key) if is_body else keyed_name(key)
            existing = target.get(name)
            if existing is None:  # what MatchingRules.add does, without a call per key
                target[name] = RuleList(list(found), combine)
            else:
                existing.rules.extend(found)
    return rules


_PLAIN_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*(?=[.\[]|$)")
_FIRST_FIELD = re.compile(r"\$(?:\.([^.\[\]]+)|\[['\"](.+?)['\"]\])")


def _body_key(key: str) -> str:
    """A body key as a path: ``a.b`` (pact-jvm) means ``$.a.b``.

    Keys that are not JSON paths at all, such as a plugin's ``column:1``, stay as written.
    """
    if key.startswith("$"):
        return key
    if key.startswith("["):
        return "$" + key
    return "$." + key if _PLAIN_FIELD.match(key) else key


def keyed_name(key: str) -> str:
    """The header, query or metadata name a rule key means.

    Old pact_ffi versions wrote header rules under path keys such as ``$.Authorization[0]``;
    the Rust core applies those to the header the first field names, and so does accord.
    ``accord inspect`` reports such keys (see :func:`is_path_style_name`).
    """
    if is_path_style_name(key):
        found = _FIRST_FIELD.match(key)
        if found:
            return found.group(1) or found.group(2)
    return key


def is_path_style_name(key: str) -> bool:
    """A header/query/metadata rule key spelt as a JSON path (old pact_ffi)."""
    return key.startswith("$") and _FIRST_FIELD.match(key) is not None


def _v2_target(key: str) -> tuple[str, str]:
    """Split a V2 path such as ``$.body.a`` or ``$.headers.X`` into category and key."""
    rest = key[1:]
    for prefix, category in (
        (".body", "body"),
        (".headers.", "header"),
        (".header.", "header"),
        (".query.", "query"),
        (".path", "path"),
        (".method", "method"),
        (".status", "status"),
    ):
        if rest.startswith(prefix):
            remainder = rest[len(prefix) :]
            if category == "body":
                return "body", "$" + remainder
            if category in SINGLE_VALUE:
                return category, ""
            if remainder.startswith("['") and remainder.endswith("']"):
                remainder = remainder[2:-2]
            return category, keyed_name(remainder)
    return "body", key


def parse_generators(value: Any, at: At) -> Generators:
    generators = Generators()
    if value is None:
        return generators
    for raw_category, bucket in at.obj(value).items():
        category = category_name(raw_category)
        where = at / raw_category
        block = where.obj(bucket)
        if category in SINGLE_VALUE:
            if "type" in block:
                generators.add(category, "", block)
            elif len(block) == 1 and "$" in block:
                generators.add(category, "", where.obj(block["$"]))
            continue
        target = generators.categories.setdefault(category, {})
        for key, raw in block.items():
            if type(raw) is not dict or type(raw.get("type")) is not str:
                entry = (where / key).obj(raw, "a generator object")  # names the place
                (where / key / "type").string(entry.get("type"), "a generator type")
            target[_body_key(key) if category == "body" else keyed_name(key)] = raw
    return generators
