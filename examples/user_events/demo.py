"""The whole flow of the guide, end to end, on embedded defaults.

1. The consumer states the message it needs and proves its handler copes with it.
2. accord writes the pact file, and inspects it (what a reviewer or a CI linter sees).
3. The consumer publishes the pact to a broker (accord's own, on a temporary SQLite file).
4. The provider verifies its producer and state handler against the pacts the broker
   selects, and publishes the results.
5. can-i-deploy answers, before and after the provider is recorded in production.

Run it with ``python -m examples.user_events.demo`` (the README's first command).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from accord.cli import main as accord
from examples.user_events.consumer import on_message
from examples.user_events.contract import user_event_pact


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def run(workdir: Path) -> int:
    step("1. consumer test: the handler receives an example of each message")
    pact = user_event_pact()
    pact.verify(on_message)
    path = pact.write(workdir / "pacts")
    print(f"   handler accepted {len(pact.interactions)} message(s)")

    step(f"2. pact written to {path}")
    print(path.read_text())
    print("$ accord inspect", path.name)
    accord(["inspect", str(path), "--quiet"])

    from accord.broker import BackgroundServer, Settings

    database = f"sqlite:///{workdir / 'broker.sqlite3'}"
    with BackgroundServer(Settings(database_url=database)) as broker:
        url = broker.url
        step(f"3. publish to the broker at {url}")
        accord(["publish", str(path), "-a", "1.0.0", "--branch", "main", "-b", url])

        step("4. provider verification from the broker, results published")
        verified = accord(
            [
                "verify",
                "--provider",
                "V3MessageProvider",
                "--app",
                "examples.user_events.provider:verifier",
                "-b",
                url,
                "--consumer-version-selectors",
                '{"mainBranch": true}',
                "--provider-version",
                "2.0.0",
                "--provider-branch",
                "main",
                "--publish",
            ]
        )

        step("5. can-i-deploy")
        accord(["create-environment", "--name", "production", "--production", "-b", url])
        accord(
            [
                "record-deployment",
                "-a",
                "V3MessageProvider",
                "-e",
                "2.0.0",
                "--environment",
                "production",
                "-b",
                url,
            ]
        )
        deployable = accord(
            [
                "can-i-deploy",
                "-a",
                "V3MessageConsumer",
                "-e",
                "1.0.0",
                "--to-environment",
                "production",
                "-b",
                url,
            ]
        )
    return verified or deployable


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="accord-demo-") as folder:
        return run(Path(folder))


if __name__ == "__main__":
    sys.exit(main())
