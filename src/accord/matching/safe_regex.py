"""Regexes from a pact, matched in bounded time.

Python's :mod:`re` backtracks, so a pattern such as ``(a+)+$`` takes exponential time on
``"a" * 34 + "b"``. A pact is written by someone else, so every regex it carries goes
through :func:`safe_pattern`, which reads the pattern once and picks an engine:

* Python's own engine when the pattern cannot backtrack badly: no repetition inside a
  repetition, no alternation inside a repetition, and few enough open-ended repeats that
  the worst case for the value's length stays under about ten million steps;
* otherwise a small linear-time engine (a Pike VM over the same parse tree, so the syntax
  and character classes are exactly Python's). The Pact reference uses Rust's ``regex``
  crate, which is linear-time too and has no look-around or back-references.

A pattern that would need backtracking *and* uses look-around, back-references or
conditionals (which only a backtracking engine can run) is refused with a
:class:`~accord.errors.RuleError` when the value is long enough to be dangerous, and so is
a pattern whose linear program would be too large. Both fail one comparison, not the run.
"""

from __future__ import annotations

import importlib
import re
import warnings
from functools import lru_cache
from typing import Any

from accord.errors import RuleError
from accord.limits import MAX_REGEX_LENGTH, MAX_REGEX_PROGRAM
from accord.matching.deadline import check_deadline

_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

_STEP_BUDGET = 10_000_000
"""Worst-case backtracking steps tolerated before the linear engine takes over."""
_LINEAR_BUDGET = 20_000_000
"""Characters times program steps the linear engine will take on (a few seconds at most)."""
_WIDE_REPEAT = 32
"""A repeat whose range is wider than this counts as open-ended for the step estimate."""

# opcodes of the linear program
_CHAR, _SPLIT, _JMP, _ASSERT, _MATCH = range(5)


class SafeRegex:
    """One pattern, with the engine(s) that can run it safely."""

    __slots__ = ("_max_fast_length", "_memo", "_program", "_python", "pattern", "why_slow")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        if len(pattern) > MAX_REGEX_LENGTH:
            raise RuleError(
                f"the regex is {len(pattern)} characters long; the limit is {MAX_REGEX_LENGTH}"
            )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                self._python: re.Pattern[str] = re.compile(pattern)
                tree = _parser.parse(pattern)
        except re.error as exc:
            raise RuleError(f"the regex {pattern!r} is not valid: {exc}") from exc
        except (RecursionError, OverflowError) as exc:
            raise RuleError(f"the regex {_clip(pattern)!r} is nested too deeply") from exc
        shape = _Shape()
        shape.scan(tree, repeated=False)
        self.why_slow = shape.nested
        self._max_fast_length: int | None
        if shape.nested:
            self._max_fast_length = 0
        elif shape.open_repeats <= 1:
            self._max_fast_length = None  # linear (or nearly) in Python's engine too
        else:
            self._max_fast_length = int(_STEP_BUDGET ** (1 / shape.open_repeats))
        self._program: list[tuple[int, Any, Any]] | None = None
        self._memo: dict[Any, Any] = {}
        if self._max_fast_length is not None and not shape.backtracking_only:
            self._program = _Compiler(tree.state.flags).build(tree)
        elif self._max_fast_length == 0:
            raise RuleError(
                f"the regex {_clip(pattern)!r} repeats {shape.nested} and uses "
                "look-around, back-references or conditionals: it could take exponential "
                "time, and accord's linear-time engine cannot run those features"
            )

    def unbounded_fullmatch(self) -> Any:
        """Python's ``fullmatch`` when it is safe for a value of any length, else ``None``.

        For callers on a hot path (a body of thousands of values): calling it directly
        skips the per-call length check, which such patterns never need.
        """
        return self._python.fullmatch if self._max_fast_length is None else None

    def fullmatch(self, text: str) -> bool:
        """Whether the whole of ``text`` matches, in time linear in ``len(text)``."""
        limit = self._max_fast_length
        if limit is None or len(text) <= limit:
            return self._python.fullmatch(text) is not None
        if self._program is None:
            raise RuleError(
                f"the regex {_clip(self.pattern)!r} has several open-ended repeats and uses "
                f"look-around or back-references; a value of {len(text)} characters "
                f"(more than {limit}) could take too long to check"
            )
        if len(text) * len(self._program) > _LINEAR_BUDGET:
            raise RuleError(
                f"a value of {len(text)} characters is too long to check safely against the "
                f"regex {_clip(self.pattern)!r}, which could take exponential time in "
                "Python's engine"
            )
        return _run(self._program, text, self._memo)

    def python_for(self, text: str) -> re.Pattern[str]:
        """Python's compiled pattern, for callers that need groups, when that is safe for
        ``text``; otherwise a :class:`RuleError`."""
        limit = self._max_fast_length
        if limit is None or len(text) <= limit:
            return self._python
        raise RuleError(
            f"the regex {_clip(self.pattern)!r} could take exponential time on a value of "
            f"{len(text)} characters; simplify it"
        )


def safe_pattern(pattern: str) -> SafeRegex:
    """The :class:`SafeRegex` for ``pattern`` (cached); raises :class:`RuleError`."""
    found = _analysed(pattern)
    if isinstance(found, RuleError):  # refusals are cached too: they can be costly to reach
        raise RuleError(found.problem, path=found.path) from found.__cause__
    return found


@lru_cache(maxsize=1024)
def _analysed(pattern: str) -> SafeRegex | RuleError:
    try:
        return SafeRegex(pattern)
    except RuleError as exc:
        return exc


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


# ---------------------------------------------------------------------------------------
# reading the pattern's shape


class _Shape:
    """What makes a pattern slow under backtracking."""

    def __init__(self) -> None:
        self.nested = ""  # a description of the first nesting found, "" when none
        self.open_repeats = 0
        self.backtracking_only = False

    def scan(self, items: Any, repeated: bool) -> None:
        for op, av in items:
            if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
                low, high, body = av
                variable = high != low
                if repeated and variable and not self.nested:
                    self.nested = "a repetition inside a repetition"
                if high == _c.MAXREPEAT or high - low > _WIDE_REPEAT:
                    self.open_repeats += 1
                self.scan(body, repeated or high > 1)
            elif op == _c.BRANCH:
                if repeated and not self.nested:
                    self.nested = "an alternation inside a repetition"
                for branch in av[1]:
                    self.scan(branch, repeated)
            elif op == _c.SUBPATTERN:
                self.scan(av[3], repeated)
            elif op == _c.ATOMIC_GROUP:
                self.backtracking_only = True
                self.scan(av, repeated)
            elif op in (_c.ASSERT, _c.ASSERT_NOT):
                self.backtracking_only = True
                self.scan(av[1], repeated)
            elif op == _c.GROUPREF:
                self.backtracking_only = True
            elif op == _c.GROUPREF_EXISTS:
                self.backtracking_only = True
                self.scan(av[1], repeated)
                if av[2] is not None:
                    self.scan(av[2], repeated)


# ---------------------------------------------------------------------------------------
# the linear engine


class _Compiler:
    """Parse tree -> a flat program of char tests, splits, jumps and assertions."""

    def __init__(self, flags: int) -> None:
        self.program: list[tuple[int, Any, Any]] = []
        self.flags = flags

    def build(self, tree: Any) -> list[tuple[int, Any, Any]]:
        self._items(tree, self.flags)
        self._emit(_MATCH, None, None)
        return self.program

    def _emit(self, op: int, a: Any, b: Any) -> int:
        if len(self.program) >= MAX_REGEX_PROGRAM:
            raise RuleError(
                f"the regex unrolls to more than {MAX_REGEX_PROGRAM} steps "
                "(counted repeats multiply); simplify it"
            )
        self.program.append((op, a, b))
        return len(self.program) - 1

    def _patch(self, at: int, op: int, a: Any, b: Any) -> None:
        self.program[at] = (op, a, b)

    def _items(self, items: Any, flags: int) -> None:
        for op, av in items:
            self._node(op, av, flags)

    def _node(self, op: Any, av: Any, flags: int) -> None:
        icase = bool(flags & re.IGNORECASE)
        ascii_only = bool(flags & re.ASCII)
        if op == _c.LITERAL:
            self._emit(_CHAR, _literal(chr(av), icase), None)
        elif op == _c.NOT_LITERAL:
            test = _literal(chr(av), icase)
            self._emit(_CHAR, lambda ch, t=test: not t(ch), None)
        elif op in (_c.ANY, _c.ANY_ALL):
            dotall = op == _c.ANY_ALL or bool(flags & re.DOTALL)
            self._emit(_CHAR, (lambda ch: True) if dotall else (lambda ch: ch != "\n"), None)
        elif op == _c.IN:
            self._emit(_CHAR, _char_class(av, icase, ascii_only), None)
        elif op == _c.CATEGORY:
            self._emit(_CHAR, _char_class([(_c.CATEGORY, av)], icase, ascii_only), None)
        elif op == _c.AT:
            self._emit(_ASSERT, av, flags)
        elif op == _c.SUBPATTERN:
            _group, add_flags, del_flags, body = av
            self._items(body, (flags | add_flags) & ~del_flags)
        elif op == _c.BRANCH:
            self._branch(av[1], flags)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            self._repeat(av, flags)
        else:  # look-around, back-references: never compiled (see SafeRegex)
            raise RuleError(f"the linear-time regex engine cannot run {op}")

    def _branch(self, branches: Any, flags: int) -> None:
        jumps = []
        for index, branch in enumerate(branches):
            if index < len(branches) - 1:
                split = self._emit(_SPLIT, None, None)
                self._items(branch, flags)
                jumps.append(self._emit(_JMP, None, None))
                self._patch(split, _SPLIT, split + 1, len(self.program))
            else:
                self._items(branch, flags)
        end = len(self.program)
        for jump in jumps:
            self._patch(jump, _JMP, end, None)

    def _repeat(self, av: Any, flags: int) -> None:
        low, high, body = av
        for _ in range(low):
            self._items(body, flags)
        if high == _c.MAXREPEAT:
            split = self._emit(_SPLIT, None, None)
            self._items(body, flags)
            self._emit(_JMP, split, None)
            self._patch(split, _SPLIT, split + 1, len(self.program))
            return
        splits = []
        for _ in range(high - low):
            splits.append(self._emit(_SPLIT, None, None))
            self._items(body, flags)
        end = len(self.program)
        for split in splits:
            self._patch(split, _SPLIT, split + 1, end)


def _literal(char: str, icase: bool) -> Any:
    if not icase:
        return lambda ch: ch == char
    folded = {char, char.lower(), char.upper()}
    return lambda ch: ch in folded or ch.lower() in folded or ch.upper() in folded


def _char_class(items: Any, icase: bool, ascii_only: bool) -> Any:
    negate = bool(items) and items[0][0] == _c.NEGATE
    body = items[1:] if negate else items

    def member(ch: str) -> bool:
        variants = (ch, ch.lower(), ch.upper()) if icase else (ch,)
        return any(in_class_items(v, body, ascii_only) for v in variants) != negate

    return member


def in_class_items(ch: str, items: Any, ascii_only: bool = False) -> bool:
    """Whether ``ch`` is one of a character class's parsed items (literals, ranges,
    categories such as ``\\d``), with Python's own Unicode or ASCII meaning."""
    code = ord(ch)
    for op, av in items:
        if op == _c.LITERAL and code == av:
            return True
        if op == _c.RANGE and av[0] <= code <= av[1]:
            return True
        if op == _c.CATEGORY and _in_category(ch, av, ascii_only):
            return True
    return False


def _is_word(ch: str, ascii_only: bool) -> bool:
    if ascii_only and not ch.isascii():
        return False
    return ch.isalnum() or ch == "_"


def _in_category(ch: str, category: Any, ascii_only: bool) -> bool:
    wide = not ascii_only or ch.isascii()
    if category == _c.CATEGORY_DIGIT:
        return wide and ch.isdecimal()
    if category == _c.CATEGORY_NOT_DIGIT:
        return not (wide and ch.isdecimal())
    if category == _c.CATEGORY_SPACE:
        return wide and ch.isspace()
    if category == _c.CATEGORY_NOT_SPACE:
        return not (wide and ch.isspace())
    if category == _c.CATEGORY_WORD:
        return _is_word(ch, ascii_only)
    if category == _c.CATEGORY_NOT_WORD:
        return not _is_word(ch, ascii_only)
    if category == _c.CATEGORY_LINEBREAK:
        return ch == "\n"
    if category == _c.CATEGORY_NOT_LINEBREAK:
        return ch != "\n"
    return False


def _holds(where: Any, flags: int, text: str, pos: int) -> bool:
    size = len(text)
    multiline = bool(flags & re.MULTILINE)
    if where in (_c.AT_BEGINNING, _c.AT_BEGINNING_LINE):
        return pos == 0 or (multiline and text[pos - 1] == "\n")
    if where == _c.AT_BEGINNING_STRING:
        return pos == 0
    if where in (_c.AT_END, _c.AT_END_LINE):
        if pos == size or (pos == size - 1 and text[pos] == "\n"):
            return True
        return multiline and text[pos] == "\n"
    if where == _c.AT_END_STRING:
        return pos == size
    ascii_only = bool(flags & re.ASCII)
    before = pos > 0 and _is_word(text[pos - 1], ascii_only)
    after = pos < size and _is_word(text[pos], ascii_only)
    if where == _c.AT_BOUNDARY:
        return before != after
    if where == _c.AT_NON_BOUNDARY:
        return before == after
    return False


def _run(
    program: list[tuple[int, Any, Any]], text: str, memo: dict[Any, Any] | None = None
) -> bool:
    """Pike VM without captures, memoised into a lazy DFA (as RE2 does).

    The set of live instructions is the state; each (state, character) step is computed
    once and cached in ``memo``, so long repetitive values cost one dictionary lookup per
    character. Assertions (``^``, ``$``, ``\\b``) depend on the neighbouring characters,
    so for programs that have them the key includes those too.
    """
    if memo is None:
        memo = {}
    size = len(text)
    has_asserts = memo.get("asserts")
    if has_asserts is None:
        has_asserts = memo["asserts"] = any(op == _ASSERT for op, _, _ in program)

    def closure(start: int, pos: int, into: list[int], seen: set[int]) -> None:
        stack = [start]
        while stack:
            pc = stack.pop()
            if pc in seen:
                continue
            seen.add(pc)
            op, a, b = program[pc]
            if op == _JMP:
                stack.append(a)
            elif op == _SPLIT:
                stack.append(b)
                stack.append(a)
            elif op == _ASSERT:
                if _holds(a, b, text, pos):
                    stack.append(pc + 1)
            else:
                into.append(pc)

    first: list[int] = []
    closure(0, 0, first, set())
    state = tuple(first)
    for pos in range(size):
        if not state:
            return False
        char = text[pos]
        if has_asserts:
            key: Any = (state, char, text[pos + 1] if pos + 1 < size else None, pos + 2 >= size)
        else:
            key = (state, char)
        following = memo.get(key)
        if following is None:
            check_deadline()  # only new states cost real work; cached steps are lookups
            found: list[int] = []
            seen: set[int] = set()
            for pc in state:
                op, test, _ = program[pc]
                if op == _CHAR and test(char):
                    closure(pc + 1, pos + 1, found, seen)
            following = tuple(found)
            if len(memo) > 100_000:  # bounded memory; correctness never depends on it
                memo.clear()
                memo["asserts"] = has_asserts
            memo[key] = following
        state = following
    return any(program[pc][0] == _MATCH for pc in state)
