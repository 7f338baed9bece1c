"""``accord inspect FILE...``: explain pact files and report every problem found."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from accord.cli.output import painter_for
from accord.errors import PactFileError
from accord.inspection import describe, lint
from accord.model.read import load_pact
from accord.provider.safe_text import encodable


def _show(text: str) -> str:
    """Text from the pact, safe for this terminal (no control characters, no surrogates)."""
    return encodable(text, getattr(sys.stdout, "encoding", None))


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "inspect",
        help="explain pact files and report their problems",
        description="Load pact files of any spec version, show their interactions, states, "
        "matching rules and generators, and report problems. Exit status 1 when an error "
        "is found, 2 when a file cannot be read.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--quiet", "-q", action="store_true", help="only report problems")
    parser.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    paint = painter_for(sys.stdout, args.color)
    worst = 0
    for number, name in enumerate(args.files):
        if number:
            print()
        try:
            pact = load_pact(name)
        except PactFileError as exc:
            print(paint(_show(f"error: {exc}"), "red"))
            worst = 2
            continue
        if not args.quiet:
            print(_show(describe(pact, source=name)))
        findings = lint(pact)
        if not findings:
            print(paint(_show(f"{name}: no problems found"), "green"))
        for finding in findings:
            colour = "red" if finding.level == "error" else "yellow"
            print(paint(_show(str(finding)), colour))
            if finding.level == "error":
                worst = max(worst, 1)
    return worst
