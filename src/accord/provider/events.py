"""What the verifier reports while it works. It never prints; reporters listen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from accord.provider.results import InteractionResult, VerificationResult


@dataclass(frozen=True, slots=True)
class VerificationStarted:
    provider: str
    interactions: int


@dataclass(frozen=True, slots=True)
class InteractionStarted:
    consumer: str
    description: str


@dataclass(frozen=True, slots=True)
class InteractionFinished:
    result: InteractionResult


@dataclass(frozen=True, slots=True)
class VerificationWarning:
    message: str


@dataclass(frozen=True, slots=True)
class VerificationFinished:
    result: VerificationResult


Event = (
    VerificationStarted
    | InteractionStarted
    | InteractionFinished
    | VerificationWarning
    | VerificationFinished
)
Listener = Callable[[Event], None]
