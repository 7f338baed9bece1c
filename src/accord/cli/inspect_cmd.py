"""``accord inspect FILE...``: explain pact files and report every problem found."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from accord.cli.output import painter_for
from accord.errors import PactFileError
from accord.inspection import describe, lint, spelling_findings
from accord.model.read import loads_pact, read_pact_bytes
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
    """Inspect each file; a reader that closes the pipe (``| head``) ends it quietly."""
    try:
        return _inspect_all(args)
    except BrokenPipeError:
        # Python would complain again when it flushes stdout at exit; point it elsewhere.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _inspect_all(args: argparse.Namespace) -> int:
    paint = painter_for(sys.stdout, args.color)
    worst = 0
    for number, name in enumerate(args.files):
        if number and not args.quiet:
            print()
        try:
            raw = read_pact_bytes(name)
            pact = loads_pact(raw, source=name)
        except OSError as exc:
            print(paint(f"error: {name}: cannot read file: {exc.strerror or exc}", "red"))
            worst = 2
            continue
        except PactFileError as exc:
            print(paint(_show(f"error: {exc}"), "red"))
            worst = 2
            continue
        if not args.quiet:
            print(_show(describe(pact, source=name)))
        findings = lint(pact) + spelling_findings(_document(raw))
        if not findings:
            print(paint(_show(f"{name}: no problems found"), "green"))
        for finding in findings:
            colour = "red" if finding.level == "error" else "yellow"
            line = f"{name}: {finding}" if args.quiet else str(finding)
            print(paint(_show(line), colour))
            if finding.level == "error":
                worst = max(worst, 1)
    return worst


def _document(raw: bytes) -> Any:
    """The raw JSON again, for the spellings the reader maps without a word."""
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except ValueError:
        return None
