"""The provider side's own errors, and turning failures in user code into one line."""

from __future__ import annotations

import traceback
from pathlib import Path

from accord.errors import AccordError


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


def describe_exception(exc: BaseException) -> str:
    """``ValueError: boom (at producers.py:12 in make_event)``: type, message, origin."""
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        frame = frames[-1]
        text += f" (at {Path(frame.filename).name}:{frame.lineno} in {frame.name})"
    return text
