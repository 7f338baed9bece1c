"""``accord``: the command line. Each subcommand lives in its own module."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from accord._version import __version__
from accord.cli import inspect_cmd, verify_cmd
from accord.errors import AccordError
from accord.provider.safe_text import encodable

COMMANDS = [inspect_cmd, verify_cmd]


def _optional_commands() -> list[ModuleType]:
    """Subcommands whose modules may be absent or need an extra (the broker)."""
    found = []
    for name in ("serve_messages_cmd", "broker_cmd", "client_cmd"):
        try:
            module = importlib.import_module(f"accord.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("accord.cli"):
                continue
            raise
        found.append(module)
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accord",
        description="Pact-compatible contract testing for event-driven Python systems.",
    )
    parser.add_argument("--version", action="version", version=f"accord {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in [*COMMANDS, *_optional_commands()]:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except AccordError as exc:
        # The message may quote a pact (a name, a path): escape what the terminal can't show.
        text = encodable(f"accord: error: {exc}", getattr(sys.stderr, "encoding", None))
        print(text, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("accord: interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    raise SystemExit(main())
