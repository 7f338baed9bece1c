"""Which keyword arguments a user function takes, so each gets only what it accepts.

A producer or state handler names the provider-state values it wants as parameters; the
verifier passes those and leaves the rest out. The answer is cached per function, and read
from the code object for plain functions (about 1 µs, against 25 µs for
:func:`inspect.signature`, which everything else still goes through).
"""

from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Callable
from typing import Any


def accepted_kwargs(fn: Callable[..., Any], values: dict[str, Any]) -> dict[str, Any]:
    """The subset of ``values`` that ``fn`` accepts as keyword arguments."""
    names = _keyword_names(fn)
    if names is None:
        return dict(values)
    return {k: v for k, v in values.items() if k in names}


@functools.lru_cache(maxsize=4096)
def _keyword_names(fn: Callable[..., Any]) -> frozenset[str] | None:
    """Names ``fn`` takes by keyword, or ``None`` when it takes any (``**kwargs``).

    Plain functions and methods are read from their code object (~1 µs); anything else
    goes through :func:`inspect.signature` (~25 µs), which gives the same answer.
    """
    code = _plain_code(fn)
    if code is not None:
        return _names_from_code(code, skip_first=isinstance(fn, types.MethodType))
    return _names_from_signature(fn)


def _plain_code(fn: Callable[..., Any]) -> types.CodeType | None:
    """The code object of a plain function or bound method whose signature is its code's.

    ``None`` for anything :func:`inspect.signature` treats specially: a function with
    attributes (``__wrapped__`` from ``functools.wraps``, ``__signature__``,
    ``_partialmethod``), a method whose function takes nothing positional (inspect then
    keeps ``*args`` or refuses the signature), partials, builtins, classes, callables.
    """
    if isinstance(fn, types.MethodType):
        code = _function_code(fn.__func__)
        return code if code is not None and code.co_argcount > 0 else None
    return _function_code(fn)


def _function_code(fn: object) -> types.CodeType | None:
    if type(fn) is not types.FunctionType or fn.__dict__:
        return None
    return fn.__code__


def _names_from_code(code: types.CodeType, *, skip_first: bool) -> frozenset[str] | None:
    if code.co_flags & inspect.CO_VARKEYWORDS:
        return None
    positional = code.co_argcount
    first = code.co_posonlyargcount
    if skip_first and first == 0:
        first = 1  # a bound method's ``self`` is not the caller's to pass
    return frozenset(code.co_varnames[first : positional + code.co_kwonlyargcount])


def _names_from_signature(fn: Callable[..., Any]) -> frozenset[str] | None:
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    parameters = signature.parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return frozenset(
        p.name
        for p in parameters
        if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    )
