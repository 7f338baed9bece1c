"""Parsing JSON from clients into values every database can store and every client can read.

:func:`json.loads` alone accepts things the broker must not keep:

* ``NaN``, ``Infinity`` and numbers like ``1e999`` (which become ``inf``): stored, they would
  be served back as ``NaN``/``Infinity``, which is not JSON, and break every reader;
* ``\\u0000``: PostgreSQL cannot store NUL in text, SQLite can, so the backends would differ;
* lone UTF-16 surrogates (``\\ud800``): not encodable as UTF-8, so neither database nor the
  response encoder can handle them;
* nesting a few thousand levels deep: ``RecursionError`` in the parser, or later in code that
  walks the value.

:func:`loads` refuses all of these with :class:`JsonRefused`, a one-line reason. The nesting
depth is measured on the text before parsing, so the parser itself never recurses deeply.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from accord.broker.limits import MAX_JSON_DEPTH

# A JSON string (unrolled, so long strings are one fast match) or a bracket.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
# \u0000 that is a real escape (preceded by an even number of backslashes).
_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class JsonRefused(ValueError):
    """The text is not JSON the broker will accept; the message says why and where."""


def loads(data: str | bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse ``data`` (UTF-8 if bytes), refusing what the module docstring lists."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonRefused(f"not UTF-8 text: {exc}") from exc
    else:
        text = data
    _check_depth(text, max_depth)
    if _NUL_ESCAPE.search(text):
        raise JsonRefused("JSON strings must not contain NUL (\\u0000)")
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except JsonRefused:
        raise
    except json.JSONDecodeError as exc:
        raise JsonRefused(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    except (ValueError, RecursionError) as exc:  # e.g. an integer of more than 4300 digits
        raise JsonRefused(f"invalid JSON: {exc}") from exc
    if _SURROGATE_ESCAPE.search(text):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise JsonRefused(
                "JSON strings must not contain unpaired UTF-16 surrogates (\\ud800-\\udfff)"
            ) from exc
    return value


def _check_depth(text: str, max_depth: int) -> None:
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                raise JsonRefused(f"JSON nested deeper than {max_depth} levels")
        elif token in "]}":
            depth -= 1


def _refuse_constant(name: str) -> Any:
    raise JsonRefused(f"{name} is not a JSON number; send a finite number or a string")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonRefused(f"the number {text[:40]} is out of range for a JSON number")
    return value
