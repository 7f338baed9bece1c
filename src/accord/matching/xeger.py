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
import os
import random
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from accord.errors import RuleError
from accord.limits import MAX_GENERATED_SIZE, MAX_REGEX_LENGTH
from accord.matching.safe_regex import SafeRegex, in_class_items, safe_pattern
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
    between runs); with ``rng=None`` a private, OS-seeded generator is used.

    Raises :class:`~accord.errors.RuleError` (a ``ValueError``) if the pattern does not
    compile, no matching example could be produced (for example contradictory look-aheads
    such as ``(?=a)b``), or every example would be longer than ``MAX_GENERATED_SIZE``.
    """
    if len(pattern) > MAX_REGEX_LENGTH:
        raise RuleError(f"the regex is {len(pattern)} characters long (limit {MAX_REGEX_LENGTH})")
    plan = _plan(pattern)
    gen = rng if rng is not None else _rng
    for _ in range(_ATTEMPTS):
        try:
            candidate = plan.emit(_State(gen))
        except RuleError:
            raise
        except ValueError as exc:
            reason = f"cannot generate a match for regular expression {pattern!r}: {exc}"
            raise RuleError(reason) from exc
        if plan.checker.fullmatch(candidate):
            return candidate
    raise RuleError(f"could not generate a string matching regular expression {pattern!r}")


_rng = random.Random()
"""Examples are not secrets: one private generator, seeded from the OS, instead of a fresh
one per example (seeding costs more than making a short example). A forked child reseeds."""
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_rng.seed)


class _Plan:
    """What generating for one pattern needs, worked out once: the emitter compiled from
    the parse tree and the bounded-time checker for the result."""

    __slots__ = ("checker", "emit")

    def __init__(self, emit: _Emit, checker: SafeRegex) -> None:
        self.emit = emit
        self.checker = checker


@lru_cache(maxsize=1024)
def _plan(pattern: str) -> _Plan:
    """The plan for ``pattern``, or the :class:`RuleError` saying why there is none (errors
    are not cached, so they are raised afresh, in the same order, every time)."""
    compiled, tree = _parsed(pattern)
    if _shortest(tree) > MAX_GENERATED_SIZE:
        raise RuleError(
            f"every example for this regex is longer than {MAX_GENERATED_SIZE} characters"
        )
    checker = safe_pattern(python_regex(pattern))
    icase = bool(compiled.flags & re.IGNORECASE)
    return _Plan(_Compiler(icase).sequence(tree), checker)


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
        raise RuleError(f"the regex {pattern[:40]!r}... is nested too deeply") from exc


_MAX_STEPS = 4 * MAX_GENERATED_SIZE
"""Each step makes at most one character or one repetition: capping the steps caps both
the example's length and the time spent on repeats of empty groups."""


class _State:
    """One generation attempt: the randomness, the group captures (so back-references can
    repeat them) and the steps taken."""

    __slots__ = ("groups", "rng", "steps")

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.groups: dict[int, str] = {}
        self.steps = 0

    def step(self, count: int = 1) -> None:
        self.steps += count
        if self.steps > _MAX_STEPS:
            raise RuleError(
                f"every example for this regex is longer than {MAX_GENERATED_SIZE} characters"
            )


_Emit = Callable[[_State], str]


class _Compiler:
    """Turns a parse tree into nested emitters, once per pattern.

    Walking the tree for every example re-decided, node by node, what each opcode means and
    which characters a class allows; the emitters keep only the random choices. Every
    node still takes one step when it is emitted (a run of literals takes one per
    character), so the size cap falls exactly where it did for the tree walk.
    """

    def __init__(self, icase: bool) -> None:
        self.icase = icase

    def sequence(self, items: Any) -> _Emit:
        parts: list[_Emit] = []
        run: list[str] = []
        for op, av in items:
            if op == _c.LITERAL:
                run.append(chr(av))
                continue
            if run:
                parts.append(_constant("".join(run)))
                run = []
            parts.append(self.node(op, av))
        if run:
            parts.append(_constant("".join(run)))
        if len(parts) == 1:
            return parts[0]

        def emit(state: _State) -> str:
            return "".join([part(state) for part in parts])

        return emit

    def node(self, op: Any, av: Any) -> _Emit:
        options = self.options(op, av)
        if options is not None:
            return _one_of(options)
        if op == _c.LITERAL:
            return _constant(chr(av))
        if op == _c.BRANCH:
            return _branch([self.sequence(branch) for branch in av[1]])
        if op == _c.SUBPATTERN:
            return _group(av[0], self.sequence(av[3]))
        if op == _c.ATOMIC_GROUP:
            return _group(None, self.sequence(av))
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            return self.repeat(*av)
        if op == _c.GROUPREF:
            return _backreference(av)
        if op == _c.GROUPREF_EXISTS:
            group, yes, no = av
            return _conditional(
                group, self.sequence(yes), None if no is None else self.sequence(no)
            )
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            # Anchors are zero-width; look-arounds are left to the fullmatch/retry loop.
            return _constant("", steps=1)
        return _unsupported(op)

    def options(self, op: Any, av: Any) -> list[str] | None:
        """The characters a one-character node may be, or ``None`` for other nodes."""
        if op == _c.NOT_LITERAL:
            banned = _fold(chr(av)) if self.icase else {chr(av)}
            return [ch for ch in _PRINTABLE if ch not in banned]
        if op in (_c.ANY, _c.ANY_ALL):
            return _PRINTABLE
        if op == _c.IN:
            return _class_options(av, self.icase)
        if op == _c.CATEGORY:
            return _class_options([(_c.CATEGORY, av)], self.icase)
        return None

    def repeat(self, low: int, high: int, body: Any) -> _Emit:
        cap = low + _MAX_EXTRA_REPEATS if high == _c.MAXREPEAT else high
        top = max(low, min(high, cap))
        options = self.options(*body[0]) if len(body) == 1 else None
        if options is not None:
            return _repeat_one_of(low, top, options)
        inner = self.sequence(body)

        def emit(state: _State) -> str:
            state.step()
            count = state.rng.randint(low, top)
            state.step(count)
            return "".join([inner(state) for _ in range(count)])

        return emit


def _constant(text: str, steps: int | None = None) -> _Emit:
    taken = len(text) if steps is None else steps

    def emit(state: _State) -> str:
        state.step(taken)
        return text

    return emit


def _one_of(options: list[str]) -> _Emit:
    def emit(state: _State) -> str:
        state.step()
        return _pick(state.rng, options)

    return emit


def _repeat_one_of(low: int, top: int, options: list[str]) -> _Emit:
    """``[a-z]{2,5}`` and the like: one draw of ``count`` characters. The steps are those
    of the nested nodes: one for the repeat, one per repetition, one per character."""

    def emit(state: _State) -> str:
        state.step()
        count = state.rng.randint(low, top)
        state.step(count)
        if not count:
            return ""
        if not options:
            state.step()
            raise ValueError(_NO_CHARACTER)
        state.step(count)
        return "".join(state.rng.choices(options, k=count))

    return emit


def _branch(branches: list[_Emit]) -> _Emit:
    def emit(state: _State) -> str:
        state.step()
        return state.rng.choice(branches)(state)

    return emit


def _group(group: int | None, body: _Emit) -> _Emit:
    def emit(state: _State) -> str:
        state.step()
        text = body(state)
        if group is not None:
            state.groups[group] = text
        return text

    return emit


def _backreference(group: int) -> _Emit:
    def emit(state: _State) -> str:
        state.step()
        return state.groups.get(group, "")

    return emit


def _conditional(group: int, yes: _Emit, no: _Emit | None) -> _Emit:
    def emit(state: _State) -> str:
        state.step()
        if group in state.groups:
            return yes(state)
        return no(state) if no is not None else ""

    return emit


def _unsupported(op: Any) -> _Emit:
    """Raised only if generation reaches the construct, as the tree walk did."""

    def emit(state: _State) -> str:
        state.step()
        raise ValueError(f"unsupported regular expression construct {op}")

    return emit


_NO_CHARACTER = "character class matches no character we can generate"


def _pick(rng: random.Random, options: list[str]) -> str:
    if not options:
        raise ValueError(_NO_CHARACTER)
    return rng.choice(options)


def _class_options(items: Any, icase: bool) -> list[str]:
    """A class's allowed characters (see :func:`_class_members`), cached by the class."""
    key = (repr(items), icase)
    options = _CLASS_OPTIONS.get(key)
    if options is None:
        options = _class_members(items, icase)
        if len(_CLASS_OPTIONS) < _CLASS_CACHE_SIZE:
            _CLASS_OPTIONS[key] = options
    return options


def _class_members(items: Any, icase: bool) -> list[str]:
    """Every character a ``[...]`` class allows from the first pool that has any,
    preferring printable ASCII over anything else."""
    negate = bool(items) and items[0][0] == _c.NEGATE
    body = items[1:] if negate else items

    def member(ch: str) -> bool:
        variants = _fold(ch) if icase else {ch}
        return any(in_class_items(v, body) for v in variants) != negate

    for pool in (_PRINTABLE, _WHITESPACE):
        options = [ch for ch in pool if member(ch)]
        if options:
            return options
    if not negate:
        explicit = _explicit_chars(body)
        if explicit:
            return explicit
    return [ch for ch in _WIDE if member(ch)]


_CLASS_OPTIONS: dict[tuple[str, bool], list[str]] = {}
"""A class's allowed characters, by the class's parse and case folding: examples for the
same pattern are made over and over (a consumer test per message), the class never changes."""
_CLASS_CACHE_SIZE = 4096


def _fold(ch: str) -> set[str]:
    return {ch, ch.lower(), ch.upper()}


def _explicit_chars(items: Any) -> list[str]:
    """Characters a positive class names outright (used when none of them are ASCII)."""
    out: list[str] = []
    for op, av in items:
        if op == _c.LITERAL:
            out.append(chr(av))
        elif op == _c.RANGE:
            out.extend(chr(c) for c in range(av[0], min(av[1], av[0] + 255) + 1))
    return out
