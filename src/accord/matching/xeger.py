"""Generate example strings that match a regular expression ("xeger" = regex backwards).

Pact's ``Regex`` generator (and any ``regex`` matcher without an example value) needs a
concrete value that the provider-side regex accepts. Rather than depend on a third-party
generator we walk the parse tree that :mod:`re` itself builds, so the example is produced by
exactly the same grammar that will later validate it. Every result is checked with
``fullmatch`` before it is returned, which lets the walker stay simple: constructs it cannot
honour precisely (look-arounds, word boundaries, case-folding subtleties) are approximated and
the attempt is retried with fresh randomness.
"""

from __future__ import annotations

import importlib
import random
import re
from functools import lru_cache
from typing import Any

from accord.errors import RuleError
from accord.limits import MAX_GENERATED_SIZE, MAX_REGEX_LENGTH
from accord.matching.safe_regex import safe_pattern
from accord.matching.values import python_regex

__all__ = ["example_for_regex"]

# ``re._parser``/``re._constants`` are the Python 3.11+ homes of the old ``sre_parse``
# modules. Typeshed only describes the deprecated names and their node payloads are a loose
# union, so we deliberately treat the tree as ``Any`` and keep our own return types precise.
_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

#: Unbounded repeats (``*``, ``+``, ``{n,}``) get at most this many extra repetitions, which
#: keeps examples short enough to read in a pact file.
_MAX_EXTRA_REPEATS = 5
#: Look-arounds and boundaries are only approximated, so we retry before giving up.
_ATTEMPTS = 50

_PRINTABLE = [chr(c) for c in range(0x20, 0x7F)]
_WHITESPACE = list(" \t\n\r\x0c\x0b")
# Fallback search space for classes that exclude all of printable ASCII, e.g. ``[^\x00-\x7f]``.
_WIDE = [chr(c) for c in range(0xA1, 0x3000)]


def example_for_regex(pattern: str, rng: random.Random | None = None) -> str:
    """Return a random string ``s`` such that ``re.fullmatch(pattern, s)`` succeeds.

    Java's ``\\Q...\\E`` quoting is honoured, as by the regex matcher. Pass
    ``rng=random.Random(seed)`` for reproducible output (pact files should not churn
    between runs); with ``rng=None`` a fresh, OS-seeded generator is used.

    Raises :class:`~accord.errors.RuleError` (a ``ValueError``) if the pattern does not
    compile, no matching example could be produced (for example contradictory look-aheads
    such as ``(?=a)b``), or every example would be longer than ``MAX_GENERATED_SIZE``.
    """
    if len(pattern) > MAX_REGEX_LENGTH:
        raise RuleError(f"the regex is {len(pattern)} characters long (limit {MAX_REGEX_LENGTH})")
    compiled, tree = _parsed(pattern)
    if _shortest(tree) > MAX_GENERATED_SIZE:
        raise RuleError(
            f"every example for this regex is longer than {MAX_GENERATED_SIZE} characters"
        )
    checker = safe_pattern(python_regex(pattern))
    gen = rng if rng is not None else random.Random()
    icase = bool(compiled.flags & re.IGNORECASE)
    for _ in range(_ATTEMPTS):
        try:
            candidate = _Walker(gen, icase).emit(tree)
        except RuleError:
            raise
        except ValueError as exc:
            reason = f"cannot generate a match for regular expression {pattern!r}: {exc}"
            raise RuleError(reason) from exc
        if checker.fullmatch(candidate):
            return candidate
    raise RuleError(f"could not generate a string matching regular expression {pattern!r}")


def _shortest(items: Any) -> int:
    """A lower bound on the length of any match (repeats count their minimum)."""
    total = 0
    for op, av in items:
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            total += av[0] * _shortest(av[2])
        elif op == _c.SUBPATTERN:
            total += _shortest(av[3])
        elif op == _c.ATOMIC_GROUP:
            total += _shortest(av)
        elif op == _c.BRANCH:
            total += min(_shortest(branch) for branch in av[1])
        elif op in (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.ANY_ALL, _c.IN, _c.CATEGORY):
            total += 1
        if total > MAX_GENERATED_SIZE:
            return total
    return total


@lru_cache(maxsize=1024)
def _parsed(pattern: str) -> tuple[re.Pattern[str], Any]:
    """The compiled pattern and its parse tree, once per pattern (parsing is the slow part)."""
    python = python_regex(pattern)
    try:
        return re.compile(python), _parser.parse(python)
    except re.error as exc:
        raise RuleError(f"invalid regular expression {pattern!r}: {exc}") from exc
    except (RecursionError, OverflowError) as exc:
        raise RuleError(f"the regular expression {pattern[:40]!r}... is nested too deeply") from exc


class _Walker:
    """One generation attempt; remembers group captures so back-references can repeat them."""

    def __init__(self, rng: random.Random, icase: bool) -> None:
        self.rng = rng
        self.icase = icase
        self.groups: dict[int, str] = {}
        self.steps = 0

    def emit(self, subpattern: Any) -> str:
        return "".join(self._node(op, av) for op, av in subpattern)

    def _node(self, op: Any, av: Any) -> str:
        # Each step makes at most one character or one repetition: capping the steps caps
        # both the example's length and the time spent on repeats of empty groups.
        self.steps += 1
        if self.steps > 4 * MAX_GENERATED_SIZE:
            raise RuleError(
                f"every example for this regex is longer than {MAX_GENERATED_SIZE} characters"
            )
        if op == _c.LITERAL:
            return chr(av)
        if op == _c.NOT_LITERAL:
            banned = _fold(chr(av)) if self.icase else {chr(av)}
            return self._pick([ch for ch in _PRINTABLE if ch not in banned])
        if op in (_c.ANY, _c.ANY_ALL):
            return self.rng.choice(_PRINTABLE)
        if op == _c.IN:
            return self._char_class(av)
        if op == _c.CATEGORY:
            return self._char_class([(_c.CATEGORY, av)])
        if op == _c.BRANCH:
            return self.emit(self.rng.choice(av[1]))
        if op == _c.SUBPATTERN:
            group, _add_flags, _del_flags, body = av
            text = self.emit(body)
            if group is not None:
                self.groups[group] = text
            return text
        if op == _c.ATOMIC_GROUP:
            return self.emit(av)
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            low, high, body = av
            cap = low + _MAX_EXTRA_REPEATS if high == _c.MAXREPEAT else high
            count = self.rng.randint(low, max(low, min(high, cap)))
            self.steps += count
            if self.steps > 4 * MAX_GENERATED_SIZE:
                raise RuleError(
                    f"every example for this regex is longer than {MAX_GENERATED_SIZE} characters"
                )
            return "".join(self.emit(body) for _ in range(count))
        if op == _c.GROUPREF:
            return self.groups.get(av, "")
        if op == _c.GROUPREF_EXISTS:
            group, yes, no = av
            if group in self.groups:
                return self.emit(yes)
            return self.emit(no) if no is not None else ""
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            # Anchors are zero-width; look-arounds are left to the fullmatch/retry loop.
            return ""
        raise ValueError(f"unsupported regular expression construct {op}")

    def _char_class(self, items: Any) -> str:
        """Pick a member of a ``[...]`` class, preferring printable ASCII over anything else."""
        key = (repr(items), self.icase)
        options = _CLASS_OPTIONS.get(key)
        if options is None:
            options = self._class_options(items)
            if len(_CLASS_OPTIONS) < _CLASS_CACHE_SIZE:
                _CLASS_OPTIONS[key] = options
        return self._pick(options)

    def _class_options(self, items: Any) -> list[str]:
        """Every character a class allows from the first pool that has any (the slow part)."""
        negate = bool(items) and items[0][0] == _c.NEGATE
        body = items[1:] if negate else items

        def member(ch: str) -> bool:
            variants = _fold(ch) if self.icase else {ch}
            return any(_in_items(v, body) for v in variants) != negate

        for pool in (_PRINTABLE, _WHITESPACE):
            options = [ch for ch in pool if member(ch)]
            if options:
                return options
        if not negate:
            explicit = _explicit_chars(body)
            if explicit:
                return explicit
        return [ch for ch in _WIDE if member(ch)]

    def _pick(self, options: list[str]) -> str:
        if not options:
            raise ValueError("character class matches no character we can generate")
        return self.rng.choice(options)


_CLASS_OPTIONS: dict[tuple[str, bool], list[str]] = {}
"""A class's allowed characters, by the class's parse and case folding: examples for the
same pattern are made over and over (a consumer test per message), the class never changes."""
_CLASS_CACHE_SIZE = 4096


def _fold(ch: str) -> set[str]:
    return {ch, ch.lower(), ch.upper()}


def _in_items(ch: str, items: Any) -> bool:
    code = ord(ch)
    for op, av in items:
        if op == _c.LITERAL and code == av:
            return True
        if op == _c.RANGE and av[0] <= code <= av[1]:
            return True
        if op == _c.CATEGORY and _in_category(ch, av):
            return True
    return False


def _in_category(ch: str, category: Any) -> bool:
    # Unicode semantics (the default for str patterns); the final fullmatch catches ASCII mode.
    checks = {
        _c.CATEGORY_DIGIT: ch.isdecimal(),
        _c.CATEGORY_SPACE: ch.isspace(),
        _c.CATEGORY_WORD: ch.isalnum() or ch == "_",
    }
    negated = {
        _c.CATEGORY_NOT_DIGIT: _c.CATEGORY_DIGIT,
        _c.CATEGORY_NOT_SPACE: _c.CATEGORY_SPACE,
        _c.CATEGORY_NOT_WORD: _c.CATEGORY_WORD,
    }
    if category in checks:
        return checks[category]
    if category in negated:
        return not checks[negated[category]]
    return False


def _explicit_chars(items: Any) -> list[str]:
    """Characters a positive class names outright (used when none of them are ASCII)."""
    out: list[str] = []
    for op, av in items:
        if op == _c.LITERAL:
            out.append(chr(av))
        elif op == _c.RANGE:
            out.extend(chr(c) for c in range(av[0], min(av[1], av[0] + 255) + 1))
    return out
