"""The whole flow of the guide, end to end, on embedded defaults.

1. The consumer states the message it needs and proves its handler copes with it.
2. accord writes the pact file.
3. The pact is inspected (what a reviewer or a CI linter sees).
4. The provider verifies its producer and state handler against the pact.

Run it with ``python -m examples.user_events.demo`` (the README's first command).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from accord.cli import main as accord
from examples.user_events.consumer import on_message
from examples.user_events.contract import user_event_pact


def run(pact_dir: Path) -> int:
    print("== 1. consumer test: the handler receives an example of each message")
    pact = user_event_pact()
    pact.verify(on_message)
    path = pact.write(pact_dir)
    print(f"   handler accepted {len(pact.interactions)} message(s)")

    print(f"\n== 2. pact written to {path}\n")
    print(path.read_text())

    print("== 3. accord inspect")
    accord(["inspect", str(path), "--quiet"])

    print(
        "\n== 4. provider verification (accord verify --app examples.user_events.provider:verifier)"
    )
    return accord(
        [
            "verify",
            str(path),
            "--provider",
            "V3MessageProvider",
            "--app",
            "examples.user_events.provider:verifier",
        ]
    )


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="accord-demo-") as folder:
        return run(Path(folder))


if __name__ == "__main__":
    sys.exit(main())
