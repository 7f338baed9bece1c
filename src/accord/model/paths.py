"""Pact body path expressions: the one reader, used by matching, inspect and the broker UI.

It lives in the model layer so the broker (which depends on the model only) reads paths
exactly as the matching engine does.

An expression such as ``$.items[*].id`` or ``$['two words'].*`` is parsed once (cached) into
tokens. A concrete location is a tuple like ``("$", "items", 3, "id")``. Each expression is
weighed against it: a root, name or index that matches weighs 2, a wildcard 1, and any
mismatch makes the product 0. Shorter expressions that match a prefix *cascade* to the
values under them; the best rule is the one with the largest weight times length.
"""

from __future__ import annotations

import re
from functools import lru_cache

from accord.errors import MatcherError

STAR = "\ue000*"
"""``.*``: any key or index. (Private-use prefix: no real key can be mistaken for it.)"""
ANY_INDEX = "\ue000[*]"
"""``[*]``: any index."""

Token = str | int
Location = tuple[str | int, ...]

_FIELD = re.compile(r"[^.\[\]'\s]+")


@lru_cache(maxsize=4096)
def parse_path(expression: str) -> tuple[Token, ...]:
    """Tokens of an expression. Names are ``str``, indices ``int``; wildcards as above."""
    text = expression.strip()
    tokens: list[Token] = ["$"]
    pos = 0
    if text.startswith("$"):
        pos = 1
    elif text and text[0] not in ".[":
        text = "." + text
    while pos < len(text):
        char = text[pos]
        if char == ".":
            pos += 1
            if text.startswith("*", pos) and (pos + 1 == len(text) or text[pos + 1] in ".["):
                tokens.append(STAR)
                pos += 1
                continue
            match = _FIELD.match(text, pos)
            if not match:
                raise MatcherError(
                    f"bad path expression {expression!r}: a name is missing at {pos}"
                )
            tokens.append(match.group())
            pos = match.end()
        elif char == "[":
            end = _bracket_end(text, pos, expression)
            inner = text[pos + 1 : end]
            pos = end + 1
            if inner == "*":
                tokens.append(ANY_INDEX)
            elif inner.lstrip("-").isdigit():
                tokens.append(int(inner))
            elif len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "'\"":
                name = inner[1:-1].replace("\\'", "'").replace("\\\\", "\\")
                if not name:
                    raise MatcherError(f"bad path expression {expression!r}: empty name")
                tokens.append(name)
            else:
                raise MatcherError(f"bad path expression {expression!r}: cannot read [{inner}]")
        else:
            raise MatcherError(
                f"bad path expression {expression!r}: unexpected {char!r} at position {pos}"
            )
    return tuple(tokens)


def _bracket_end(text: str, start: int, expression: str) -> int:
    quote = None
    pos = start + 1
    while pos < len(text):
        char = text[pos]
        if quote:
            if char == "\\":
                pos += 2
                continue
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "]":
            return pos
        pos += 1
    raise MatcherError(f"bad path expression {expression!r}: '[' is never closed")


def weight(tokens: tuple[Token, ...], location: Location) -> int:
    """Product of token weights if ``tokens`` matches a prefix of ``location``, else 0."""
    if len(tokens) > len(location):
        return 0
    total = 1
    for token, segment in zip(tokens, location, strict=False):
        if token == segment and type(token) is type(segment):
            total *= 2
        elif token == STAR or (token == ANY_INDEX and isinstance(segment, int)):
            continue
        else:
            return 0
    return total


@lru_cache(maxsize=8192)
def to_expression(location: Location) -> str:
    """The canonical expression for a concrete location (used when writing rules).

    Cached: a consumer test declares the same shapes message after message.
    """
    out = []
    for position, segment in enumerate(location):
        if position == 0 and segment == "$":
            out.append("$")
        elif isinstance(segment, int):
            out.append(f"[{segment}]")
        elif segment == STAR:
            out.append(".*")
        elif segment == ANY_INDEX:
            out.append("[*]")
        elif re.fullmatch(r"[_A-Za-z][_A-Za-z0-9]*", segment):
            out.append(f".{segment}")
        else:
            escaped = segment.replace("\\", "\\\\").replace("'", "\\'")
            out.append(f"['{escaped}']")
    return "".join(out)


def try_parse_path(expression: str) -> tuple[Token, ...] | None:
    """:func:`parse_path`, or ``None`` for an expression it cannot read (for display)."""
    try:
        return parse_path(expression)
    except MatcherError:
        return None


def names(pattern: tuple[Token, ...], location: Location) -> bool:
    """Does ``pattern`` name exactly the value at ``location`` (no cascading)?"""
    return len(pattern) == len(location) and weight(pattern, location) > 0
