"""What the verifier reports while it works. It never prints; reporters listen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from accord.provider.results import (
    InteractionResult,
    PublishedResults,
    SourceFailure,
    VerificationResult,
)


@dataclass(frozen=True, slots=True)
class VerificationStarted:
    provider: str
    interactions: int


@dataclass(frozen=True, slots=True)
class InteractionStarted:
    consumer: str
    description: str
    kind: str = ""
    """``HTTP``, ``async message`` or ``sync message``."""


@dataclass(frozen=True, slots=True)
class InteractionFinished:
    result: InteractionResult


@dataclass(frozen=True, slots=True)
class VerificationWarning:
    message: str


@dataclass(frozen=True, slots=True)
class SourceUnloaded:
    """A pact source could not be loaded; the run goes on with the others."""

    failure: SourceFailure


@dataclass(frozen=True, slots=True)
class ResultsPublished:
    """One pact's results went back to the broker."""

    published: PublishedResults


@dataclass(frozen=True, slots=True)
class VerificationFinished:
    """Always the last event, even when the run was interrupted: reports are written here."""

    result: VerificationResult


Event = (
    VerificationStarted
    | InteractionStarted
    | InteractionFinished
    | VerificationWarning
    | SourceUnloaded
    | ResultsPublished
    | VerificationFinished
)
Listener = Callable[[Event], None]
