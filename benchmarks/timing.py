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
    stopped_after: float | None = None
    """Set when the runner stopped the measurement at this timeout (seconds)."""

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
            "stopped_after": self.stopped_after,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Sample:
        return cls(
            list(data["times"]),
            list(data["notes"]),
            data["scale"],
            data["label"],
            data["error"],
            data.get("stopped_after"),
        )


class GcClock:
    """Time spent in the cyclic garbage collector, and how many full collections ran.

    Large pacts allocate hundreds of thousands of long-lived containers, and CPython's
    full (generation 2) collections then rescan all of them: cost that grows faster than
    the work. Reporting it separates "slow code" from "slow collector".
    """

    def __init__(self) -> None:
        self.seconds = 0.0
        self.full = 0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        self.seconds += time.perf_counter() - self._started
        self.full += info["generation"] == 2

    def __enter__(self) -> GcClock:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


@dataclass(frozen=True)
class SelfTimed:
    """An outcome that carries its own time: work whose cost is not the wall time of the
    call that produced it (an import measured in a fresh interpreter)."""

    seconds: float
    note: str = ""


def import_time(statement: str) -> SelfTimed:
    """How long ``statement`` (an import) takes in a fresh interpreter.

    Timed inside that interpreter, so its own start-up is not counted. Bytecode caches are
    allowed and warmed by a first, untimed run: what a user's second import costs, not a
    compilation (``PYTHONDONTWRITEBYTECODE`` in the caller's environment would otherwise
    recompile every changed module each time).
    """
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    probe = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", probe],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=env,
        )
        if done.returncode != 0:
            raise BenchError(f"{statement!r} failed: {done.stderr.strip().splitlines()[-1:]}")
    return SelfTimed(float(done.stdout.strip()))


def run_bench(bench: Bench, repeats: int) -> Sample:
    """Time ``bench`` ``repeats`` times; a garbage collection first keeps runs comparable."""
    sample = Sample(scale=bench.scale, label=bench.label)
    in_gc: list[tuple[float, float, int]] = []
    for _ in range(repeats):
        work = bench.prepare()
        gc.collect()
        with GcClock() as clock:
            started = time.perf_counter()
            outcome = work()
            elapsed = time.perf_counter() - started
        if isinstance(outcome, SelfTimed):
            elapsed = outcome.seconds
        note = bench.check(outcome)
        sample.times.append(elapsed * bench.scale)
        in_gc.append((clock.seconds / elapsed if elapsed else 0.0, clock.seconds, clock.full))
        if note and note not in sample.notes:
            sample.notes.append(note)
    share, seconds, full = sorted(in_gc)[len(in_gc) // 2]
    if share >= 0.05:
        sample.notes.append(
            f"garbage collector: {share:.0%} of a median run ({seconds:.3f} s, "
            f"{full} full collections)"
        )
    return sample
