"""Print the agreement counts: ``PYTHONPATH=src .venv/bin/python -m tests.agreement``."""

from __future__ import annotations

from tests.agreement.cases import real_pact_files
from tests.agreement.verdicts import round_trip_differences, verdicts


def main() -> None:
    files = real_pact_files()
    cases = agreed = mismatches = 0
    round_trips = 0
    for path in files:
        for verdict in verdicts(path):
            cases += 1
            agreed += verdict.accord == verdict.rust
            mismatches += not verdict.rust
        round_trips += not round_trip_differences(path)
    print(
        f"{len(files)} real pact files: accord agrees with the Rust core on {agreed} of {cases} "
        f"verdicts ({mismatches} of them mismatches); {round_trips} of {len(files)} files "
        "round-trip losslessly"
    )


if __name__ == "__main__":
    main()
