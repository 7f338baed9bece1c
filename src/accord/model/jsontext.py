"""Pretty JSON text, fast.

``json.dumps(indent=2)`` falls back to the pure-Python encoder, which makes writing an 8 MB
pact take a third of a second. This writer produces the same text (sorted keys, two-space
indent, ``": "``) with the C string encoder doing the heavy part, about twice as fast.
"""

from __future__ import annotations

import json
import marshal
from collections.abc import Collection, Iterator
from typing import Any

_encode_string = json.encoder.encode_basestring


_INFINITY = float("inf")


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def dumps_pretty(value: Any, *, reuse: Collection[str] = ()) -> str:
    """``json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)``, faster.

    Objects and arrays under a key named in ``reuse`` are rendered once per distinct value
    and indent, and the text is reused: a pact repeats the same ``matchingRules`` and
    ``generators`` blocks in interaction after interaction, and rendering them is most of
    the work. The text is the same either way.
    """
    return _text(value, "\n", _Reuse(frozenset(reuse)) if reuse else None)


def pretty_chunks(value: Any, *, spread: str, reuse: Collection[str] = ()) -> Iterator[str]:
    """:func:`dumps_pretty`'s text in pieces: the array under the top-level key ``spread``
    comes one item at a time, the rest before and after it.

    A pact is one array of interactions with a little around it; rendering it piece by
    piece lets the writer put each piece on its way to the disk while the next is made,
    and never holds the whole text as one more string.
    """
    memo = _Reuse(frozenset(reuse)) if reuse else None
    items = value.get(spread) if type(value) is dict else None
    if type(items) is not list or not items:
        yield _text(value, "\n", memo)
        return
    # The rest of the document, with the array left empty: its top-level key line is
    # the only line starting with two spaces and that key (strings hold no newlines).
    rest = _text({**value, spread: []}, "\n", memo)
    marker = "\n  " + _name(spread) + "[]"
    cut = rest.index(marker) + len(marker) - 2
    yield rest[:cut]
    inner = "\n    "
    opening = "[" + inner
    for item in items:
        yield opening + _text(item, inner, memo)
        opening = "," + inner
    yield "\n  ]" + rest[cut + 2 :]


class _Reuse:
    """Texts already rendered for the ``reuse`` keys of one :func:`dumps_pretty` call.

    The key is the value's ``marshal`` bytes (format 2: no back-references, so equal data
    gives equal bytes, and ``1``, ``1.0`` and ``True`` stay apart as their texts do) plus
    the indent. The cache lives for one call and holds at most ``_REUSE_KEPT`` texts,
    each of which is also in the output: memory stays within a small multiple of it.
    Values ``marshal`` cannot write (subclasses, tuples of odd things) are rendered as usual.
    """

    __slots__ = ("keys", "texts")

    def __init__(self, keys: frozenset[str]) -> None:
        self.keys = keys
        self.texts: dict[tuple[bytes, str], str] = {}

    def text(self, value: Any, newline: str) -> str:
        try:
            key = (marshal.dumps(value, 2), newline)
        except ValueError:
            return _text(value, newline, self)
        found = self.texts.get(key)
        if found is None:
            found = _text(value, newline, self)
            if len(self.texts) < _REUSE_KEPT:
                self.texts[key] = found
        return found


_REUSE_KEPT = 4096


def _text(value: Any, newline: str, reuse: _Reuse | None = None) -> str:
    """The text of ``value`` whose first line is already indented; ``newline`` starts the
    lines after it. Each container is one ``join`` of its members' texts, which is quicker
    than appending every token to one list; exact types are tried first (JSON decoders
    and the pact model make no subclasses), others go through :func:`_other`."""
    kind = type(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = newline + "  "
        parts = []
        for key in sorted(value):
            item = value[key]
            kind = type(item)
            if kind is str:
                text = _encode_string(item)
            elif kind is int:
                text = int.__repr__(item)
            elif kind is dict or kind is list:
                if reuse is not None and key in reuse.keys:
                    text = reuse.text(item, inner)
                else:
                    text = _text(item, inner, reuse)
            elif item is None:
                text = "null"
            elif item is True:
                text = "true"
            elif item is False:
                text = "false"
            elif kind is float and -_INFINITY < item < _INFINITY:  # NaN fails both
                text = float.__repr__(item)
            else:
                text = _text(item, inner, reuse)
            name = _NAMES.get(key) or _name(key)
            parts.append(name + text)
        return "{" + inner + ("," + inner).join(parts) + newline + "}"
    if kind is list:
        if not value:
            return "[]"
        inner = newline + "  "
        return (
            "["
            + inner
            + ("," + inner).join([_text(v, inner, reuse) for v in value])
            + newline
            + "]"
        )
    if kind is str:
        return _encode_string(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is float:
        return _float(value)
    return _other(value, newline, reuse)


_NAMES: dict[str, str] = {}
"""Encoded keys with their ``": "``: a pact repeats a few hundred names (``match``,
``combine``, rule paths, content fields) hundreds of thousands of times."""
_NAMES_KEPT = 50_000


def _name(key: Any) -> str:
    name = _encode_string(key if type(key) is str else str(key)) + ": "
    if type(key) is str and len(_NAMES) < _NAMES_KEPT:
        _NAMES[key] = name
    return name


def _other(value: Any, newline: str, reuse: _Reuse | None) -> str:
    """Subclasses of the JSON types (a ``str`` enum, an ``OrderedDict``) and tuples."""
    if isinstance(value, str):
        return _encode_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, dict):
        return _text(dict(value), newline, reuse)
    if isinstance(value, list | tuple):
        return _text(list(value), newline, reuse)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
