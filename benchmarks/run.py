"""Run accord and pact-python 4.2 on the same work and print one comparison table.

Usage (from the repository root)::

    .venv/bin/python -m benchmarks.run              # everything, full repeats (~3 minutes)
    .venv/bin/python -m benchmarks.run --quick      # fewer repeats, pact-python cut short
    .venv/bin/python -m benchmarks.run --only provider --only growth
    .venv/bin/python -m benchmarks.run --profile accord.provider1k   # where accord spends time

Every measurement runs in its own subprocess: imports and fixtures stay out of the clock,
one library's threads, caches and garbage cannot slow the other down, and a pact-python
run that hangs (its failing-state case retries for minutes) can be stopped at a timeout.
The result is the median of the repeats.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import platform
import pstats
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks import accord_side, pact_python_side
from benchmarks import workloads as w
from benchmarks.timing import Bench, BenchError, Context, Sample, run_bench

ROOT = Path(__file__).resolve().parent.parent
FACTORIES: dict[str, Callable[[Context], Bench]] = {
    **accord_side.FACTORIES,
    **pact_python_side.FACTORIES,
}


@dataclass(frozen=True)
class Plan:
    """How often to repeat a measurement, and when to give up on it."""

    full: int
    quick: int
    timeout: float = 600.0
    quick_timeout: float | None = None
    stderr_probe: str | None = None
    """Text to look for in the worker's stderr (where pact-python logs handler errors)."""

    def repeats(self, quick: bool) -> int:
        return self.quick if quick else self.full

    def limit(self, quick: bool) -> float:
        return (self.quick_timeout or self.timeout) if quick else self.timeout


ACCORD = Plan(full=7, quick=3)
PEER = Plan(full=5, quick=1)
PLANS: dict[str, Plan] = {
    "accord.provider10k": Plan(full=3, quick=2),
    "pact.realistic.provider": Plan(full=1, quick=1, timeout=900),
    "pact.realistic.consumer": Plan(full=3, quick=1),
    # A single run of each: ~40 s and ~128 s. Medians of one are labelled "n=1".
    "pact.provider1k": Plan(full=1, quick=1, timeout=600),
    "pact.failing_state": Plan(
        full=1, quick=1, timeout=150, quick_timeout=20, stderr_probe=w.FAILURE_TEXT
    ),
}


@dataclass(frozen=True)
class Row:
    """One line of the table: accord's measurement, pact-python's, and accord's target.

    ``baseline`` turns the row into a growth check: the target then bounds the ratio of
    ``accord`` to ``baseline`` instead of a time.
    """

    case: str
    label: str
    accord: str
    peer: str | None
    target: float
    target_text: str
    strict: bool = False
    baseline: str | None = None


ROWS: tuple[Row, ...] = (
    Row(
        "list10k",
        "1a. one message, 10,000-item list: `compare_message` only",
        "accord.list10k.compare",
        None,
        0.2,
        "≤ 0.2 s",
    ),
    Row(
        "list10k",
        "1b. one message, 10,000-item list: `Verifier.verify` end to end",
        "accord.list10k.verify",
        "pact.list10k.verify",
        0.2,
        "≤ 0.2 s",
    ),
    Row(
        "list10k",
        "1c. as 1b, producer returns JSON bytes (as pact-python's must)",
        "accord.list10k.verify_bytes",
        "pact.list10k.verify",
        0.2,
        "≤ 0.2 s",
    ),
    Row(
        "load",
        "2a. load a 1,000-interaction 8 MB V4 pact",
        "accord.load",
        "pact.load",
        0.3,
        "≤ 0.3 s",
    ),
    Row(
        "write",
        "2b. write a 1,000-interaction 8 MB V4 pact",
        "accord.write",
        "pact.write",
        0.3,
        "≤ 0.3 s",
    ),
    Row(
        "consumer",
        "3. consumer: define, verify, write 1,000 messages",
        "accord.consumer",
        "pact.consumer",
        0.4,
        "≤ 0.4 s",
    ),
    Row(
        "provider",
        "4. provider: verify 1,000 messages, a state handler each",
        "accord.provider1k",
        "pact.provider1k",
        0.5,
        "≤ 0.5 s",
    ),
    Row(
        "failing-state",
        "5. a failing state handler, reported with its reason",
        "accord.failing_state",
        "pact.failing_state",
        1.0,
        "< 1 s",
        strict=True,
    ),
    Row(
        "realistic",
        "7. realistic consumer: define, verify, write 1,000 ~2 KB messages, every matcher "
        "and generator kind",
        "accord.realistic.consumer",
        "pact.realistic.consumer",
        0.3,
        "≤ 0.3 s",
    ),
    Row(
        "realistic",
        "8. realistic provider: verify those 1,000 messages, a state handler each",
        "accord.realistic.provider",
        "pact.realistic.provider",
        0.3,
        "≤ 0.3 s",
    ),
    Row(
        "realistic",
        "8b. as 8, the pact already loaded (verification alone; 8 minus reading 15 MB)",
        "accord.realistic.provider_loaded",
        None,
        0.3,
        "≤ 0.3 s",
    ),
    Row(
        "import",
        "9. `from accord import Pact, Verifier, match, generate` (pact: the same names), fresh "
        "interpreter",
        "accord.import",
        "pact.import",
        0.1,
        "≤ 0.1 s",
    ),
    Row(
        "growth",
        "6. accord verifying 10,000 vs 1,000 messages",
        "accord.provider10k",
        None,
        12.0,
        "10k/1k ≤ 12",
        baseline="accord.provider1k",
    ),
)
CASES = tuple(dict.fromkeys(row.case for row in ROWS))


# -- running measurements ----------------------------------------------------------------------


def plan_for(key: str) -> Plan:
    return PLANS.get(key, ACCORD if key.startswith("accord.") else PEER)


def measure(key: str, quick: bool) -> Sample:
    """Run one measurement in a fresh interpreter and read back its sample."""
    plan = plan_for(key)
    repeats, timeout = plan.repeats(quick), plan.limit(quick)
    runs = "run" if repeats == 1 else "runs"
    print(f"  {key}: {repeats} {runs}, timeout {timeout:g} s", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as scratch:
        result_file = Path(scratch) / "result.json"
        command = [sys.executable, "-m", "benchmarks.run", "--worker", key]
        command += ["--repeats", str(repeats), "--result", str(result_file)]
        command += ["--quick"] if quick else []
        env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}
        try:
            done = subprocess.run(
                command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired as expired:
            sample = Sample(error=f"no result within {timeout:g} s; stopped", stopped_after=timeout)
            stderr = _text(expired.stderr)
        else:
            stderr = done.stderr
            if result_file.exists():
                sample = Sample.from_json(json.loads(result_file.read_text()))
            else:
                tail = " | ".join(stderr.strip().splitlines()[-3:])
                sample = Sample(error=f"worker exited with {done.returncode}: {tail}")
    if plan.stderr_probe is not None:
        where = "yes, in a traceback its relay logs" if plan.stderr_probe in stderr else "no"
        sample.notes.append(f"exception text on stderr: {where}")
    return sample


def _text(value: str | bytes | None) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value or ""


def worker(key: str, repeats: int, result: Path, quick: bool) -> None:
    """Subprocess entry point: build the bench, time it, write the sample as JSON."""
    with tempfile.TemporaryDirectory(prefix="accord-bench-work-") as scratch:
        context = Context(Path(scratch), quick=quick)
        try:
            sample = run_bench(FACTORIES[key](context), repeats)
        except BenchError as exc:
            sample = Sample(error=f"wrong outcome: {exc}")
    result.write_text(json.dumps(sample.to_json()))


def profile(key: str, quick: bool, limit: int = 25) -> None:
    """Profile one run (after a warm-up) in this process and print the hottest functions."""
    with tempfile.TemporaryDirectory(prefix="accord-bench-prof-") as scratch:
        bench = FACTORIES[key](Context(Path(scratch), quick=quick))
        bench.check(bench.prepare()())
        work = bench.prepare()
        profiler = cProfile.Profile()
        outcome = profiler.runcall(work)
        bench.check(outcome)
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"{key}: {total:.3f} s under the profiler (profiling inflates small calls)\n")
    for order in ("tottime", "cumulative"):
        print(f"--- top {limit} by {order} ---")
        stats.sort_stats(order).print_stats(limit)


# -- the report --------------------------------------------------------------------------------


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def cell(sample: Sample | None) -> str:
    if sample is None:
        return "—"
    if sample.error is not None:
        return "no result"
    text = f"{seconds(sample.median)} (n={len(sample.times)})"
    return f"{text}†" if sample.scale != 1 else text


def row_cells(row: Row, samples: dict[str, Sample]) -> list[str]:
    """Table cells for one row: accord, pact-python, ratio, target, met."""
    mine = samples[row.accord]
    peer = samples.get(row.peer) if row.peer else None
    if row.baseline is not None:
        base = samples[row.baseline]
        if mine.median is None or base.median is None:
            return [cell(mine), "—", "—", row.target_text, "no result"]
        growth = mine.median / base.median
        accord = f"{cell(mine)} vs {seconds(base.median)} (×{growth:.1f})"
        return [accord, "—", "—", row.target_text, "yes" if growth <= row.target else "**NO**"]
    ratio = "—"
    if peer is not None and peer.median is not None and mine.median:
        times = peer.median / mine.median
        ratio = f"×{times:,.0f}" if times >= 100 else f"×{times:.1f}"
    met = "no result"
    if mine.median is not None:
        ok = mine.median < row.target if row.strict else mine.median <= row.target
        met = "yes" if ok else "**NO**"
    peer_cell = cell(peer) if row.peer else "n/a"
    if peer is not None and peer.stopped_after is not None:
        peer_cell = f"> {peer.stopped_after:g} s (stopped)"
    return [cell(mine), peer_cell, ratio, row.target_text, met]


def notes_for(samples: dict[str, Sample]) -> list[str]:
    lines: list[str] = []
    for key, sample in samples.items():
        parts = [*([sample.label] if sample.label else []), *sample.notes]
        if sample.error:
            parts.append(f"ERROR: {sample.error}")
        if sample.times and len(sample.times) > 1:
            spread = f"min {seconds(min(sample.times))}, max {seconds(max(sample.times))}"
            parts.append(spread)
        if parts:
            lines.append(f"- `{key}`: " + "; ".join(parts))
    return lines


def machine() -> dict[str, str]:
    """The facts a reader needs to compare these numbers with their own."""
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    with open("/proc/meminfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    os_name = platform.platform()
    release = Path("/etc/os-release")
    if release.exists():
        for line in release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = f"{line.split('=', 1)[1].strip(chr(34))} ({platform.release()})"
    from importlib.metadata import version

    return {
        "date (UTC)": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "CPUs (nproc)": str(os.cpu_count()),
        "CPU": cpu,
        "RAM": ram,
        "Python": platform.python_version(),
        "OS": os_name,
        "load average at start (1/5/15 min)": load_average(),
        "pact-python": version("pact-python"),
        "pact-python-ffi": version("pact-python-ffi"),
        "accord": version("accord"),
    }


def load_average() -> str:
    """Other work on the machine skews timings; the report records how busy it was."""
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def report(
    rows: Sequence[Row],
    samples: dict[str, Sample],
    facts: dict[str, str],
    quick: bool,
    command: str,
) -> str:
    header = "| work | accord | pact-python 4.2 | pact-python ÷ accord | accord target | met? |"
    lines = [
        f"Command: `{command}`" + (" (quick mode)" if quick else ""),
        "",
        *(f"- {name}: {value}" for name, value in facts.items()),
        "",
        header,
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        lines.append("| " + " | ".join([row.label, *row_cells(row, samples)]) + " |")
    lines += [
        "",
        "Times are medians of n runs, each in a fresh process. † = pact-python measured on a",
        "fraction of the work and scaled (see notes). ÷ > 1 means accord is faster.",
        "",
        "Notes:",
        *notes_for(samples),
    ]
    return "\n".join(lines)


# -- command line ------------------------------------------------------------------------------


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="fewer repeats, shorter timeouts")
    parser.add_argument(
        "--only", action="append", choices=CASES, metavar="NAME", help=f"one of {', '.join(CASES)}"
    )
    parser.add_argument("--output", type=Path, help="also write the Markdown report here")
    parser.add_argument(
        "--profile",
        choices=sorted(FACTORIES),
        metavar="KEY",
        help=f"cProfile one run of a measurement in this process: {', '.join(sorted(FACTORIES))}",
    )
    parser.add_argument("--worker", choices=sorted(FACTORIES), help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    if args.worker:
        worker(args.worker, args.repeats, args.result, args.quick)
        return 0
    if args.profile:
        profile(args.profile, args.quick)
        return 0
    rows = [row for row in ROWS if not args.only or row.case in args.only]
    keys = [k for row in rows for k in (row.accord, row.baseline, row.peer) if k]
    facts = machine()
    samples: dict[str, Sample] = {}
    for key in dict.fromkeys(keys):
        samples[key] = measure(key, args.quick)
    command = " ".join([".venv/bin/python -m benchmarks.run", *(argv or sys.argv[1:])])
    facts["load average at end (1/5/15 min)"] = load_average()
    text = report(rows, samples, facts, args.quick, command)
    print(text)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    failed = any(s.error for k, s in samples.items() if k.startswith("accord."))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
