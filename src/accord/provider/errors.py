"""The provider side's own errors, and turning failures in user code into one line."""

from __future__ import annotations

import traceback
from pathlib import Path

from accord.errors import AccordError, RuleError


class VerifierSetupError(AccordError):
    """The verifier cannot run as configured: a duplicate registration, a bad option."""


class NoPactForProvider(AccordError):
    """None of the pacts given is for the provider being verified."""


class StateError(AccordError):
    """A provider state could not be set up or torn down; the message is one line."""


class StateMissing(StateError):
    """No handler is registered for the state."""


class StateFailed(StateError):
    """The state handler (or the remote state-change endpoint) failed."""


class InteractionError(AccordError):
    """One interaction could not be verified; the message is its one-line reason."""


def failure_reason(exc: BaseException) -> str:
    """Why an interaction could not be verified, in one line, for its result.

    accord's own errors already say what and where (a rule's place, a JSON path), so they
    are shown as they are; anything else is a bug or a library's exception, shown with the
    line it came from.
    """
    if isinstance(exc, InteractionError):
        return str(exc)
    if isinstance(exc, RuleError):
        return f"the pact has a rule that cannot be applied: {exc}"
    if isinstance(exc, AccordError):
        return f"could not verify: {exc}"
    return f"could not verify: {describe_exception(exc)}"


def describe_exception(exc: BaseException) -> str:
    """``ValueError: boom (at producers.py:12 in make_event)``: type, message, origin."""
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        frame = frames[-1]
        text += f" (at {Path(frame.filename).name}:{frame.lineno} in {frame.name})"
    return text
