"""Timing primitives shared by both sides.

A :class:`Bench` separates untimed preparation (building fixtures, a fresh output
directory) from the timed call, and checks the outcome of every run: a benchmark that
silently verified nothing, or failed for the wrong reason, would be a fast lie.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class BenchError(Exception):
    """The benchmarked work did not do what it should (wrong outcome, missing results)."""


@dataclass(frozen=True)
class Context:
    """What every benchmark factory gets: a scratch directory and the run mode."""

    workdir: Path
    quick: bool = False


@dataclass
class Bench:
    """One piece of work to time.

    ``prepare`` runs before each repeat, untimed, and returns the zero-argument callable
    that is timed. ``check`` receives that callable's return value and returns a short note
    for the report, or raises :class:`BenchError`. ``scale`` multiplies the measured time
    when a peer is measured on a fraction of the work (and says so in the report).
    """

    prepare: Callable[[], Callable[[], Any]]
    check: Callable[[Any], str] = lambda _: ""
    scale: float = 1.0
    label: str = ""


@dataclass
class Sample:
    """Times of one measurement (seconds, already scaled) and what was observed."""

    times: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    scale: float = 1.0
    label: str = ""
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    def to_json(self) -> dict[str, Any]:
        return {
            "times": self.times,
            "notes": self.notes,
            "scale": self.scale,
            "label": self.label,
            "error": self.error,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Sample:
        return cls(
            list(data["times"]), list(data["notes"]), data["scale"], data["label"], data["error"]
        )


def run_bench(bench: Bench, repeats: int) -> Sample:
    """Time ``bench`` ``repeats`` times; a garbage collection first keeps runs comparable."""
    sample = Sample(scale=bench.scale, label=bench.label)
    for _ in range(repeats):
        work = bench.prepare()
        gc.collect()
        started = time.perf_counter()
        outcome = work()
        elapsed = time.perf_counter() - started
        note = bench.check(outcome)
        sample.times.append(elapsed * bench.scale)
        if note and note not in sample.notes:
            sample.notes.append(note)
    return sample
