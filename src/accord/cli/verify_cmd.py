"""``accord verify SOURCE... --provider NAME``: verify a provider against its pacts."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from accord.cli.client_cmd import add_broker_options, broker_client
from accord.cli.output import Painter, painter_for
from accord.errors import AccordError
from accord.provider.events import (
    Event,
    InteractionFinished,
    VerificationStarted,
    VerificationWarning,
)
from accord.provider.results import Outcome
from accord.provider.sources import Auth
from accord.provider.verifier import Verifier


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "verify",
        help="verify a provider against pact files, directories or URLs",
        description="Verify each message in the pacts against the provider's producers. "
        "Exit status 0 when everything passed (pending failures allowed), 1 otherwise.",
    )
    parser.add_argument("sources", nargs="*", metavar="SOURCE", help="pact file, dir or URL")
    parser.add_argument("--provider", required=True, help="the provider's name")
    how = parser.add_argument_group("how to reach the provider")
    how.add_argument(
        "--app", metavar="MODULE:ATTR", help="a Python Verifier, e.g. app.pact:verifier"
    )
    how.add_argument("--message-url", help="the provider's Pact message endpoint (any language)")
    how.add_argument("--state-change-url", help="the provider's state-change endpoint")
    sel = parser.add_argument_group("selecting interactions")
    sel.add_argument(
        "--filter-description", help="only interactions whose description contains this"
    )
    sel.add_argument(
        "--filter-state", help="only interactions with a state containing this ('' = none)"
    )
    sel.add_argument("--filter-consumer", help="only pacts from this consumer")
    out = parser.add_argument_group("output")
    out.add_argument("--json", metavar="FILE", help="write the results as JSON")
    out.add_argument("--junit", metavar="FILE", help="write the results as JUnit XML")
    out.add_argument(
        "--verbose", "-v", action="store_true", help="show notices such as extra fields"
    )
    out.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    run_opts = parser.add_argument_group("running")
    run_opts.add_argument("--timeout", type=float, default=30.0, help="seconds per call (30)")
    run_opts.add_argument(
        "--missing-state",
        choices=["fail", "warn"],
        default="fail",
        help="what a provider state without a handler does (fail)",
    )
    broker = parser.add_argument_group("pacts from a broker")
    broker.add_argument(
        "--consumer-version-selectors",
        action="append",
        default=[],
        metavar="JSON",
        help="a selector such as '{\"mainBranch\": true}' (repeatable)",
    )
    broker.add_argument("--provider-version", "--provider-app-version", dest="provider_version")
    broker.add_argument("--provider-branch")
    broker.add_argument(
        "--provider-version-tag",
        "--provider-tags",
        action="append",
        default=[],
        dest="provider_tags",
    )
    broker.add_argument(
        "--publish", "--publish-verification-results", action="store_true", dest="publish"
    )
    broker.add_argument("--enable-pending", action="store_true")
    broker.add_argument("--include-wip-pacts-since", metavar="DATE")
    broker.add_argument("--build-url")
    add_broker_options(parser)
    parser.set_defaults(handler=run)


def load_app(spec: str) -> Verifier:
    """Import ``module:attr`` (the current directory is importable) and return the Verifier."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise AccordError(f"--app must look like module:attribute, not {spec!r}")
    if str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise AccordError(f"cannot import {module_name!r} for --app: {exc}") from exc
    target = getattr(module, attr, None)
    if callable(target) and not isinstance(target, Verifier):
        target = target()
    if not isinstance(target, Verifier):
        raise AccordError(f"{spec} is not an accord Verifier (found {type(target).__name__})")
    return target


class ConsoleReporter:
    """Prints each interaction as it finishes: progress for long runs, reasons at once."""

    def __init__(self, paint: Painter, verbose: bool) -> None:
        self.paint = paint
        self.verbose = verbose

    def __call__(self, event: Event) -> None:
        paint = self.paint
        if isinstance(event, VerificationStarted):
            print(paint(f"Verifying {event.provider}: {event.interactions} interactions", "bold"))
        elif isinstance(event, VerificationWarning):
            print(paint(f"  warning: {event.message}", "yellow"))
        elif isinstance(event, InteractionFinished):
            r = event.result
            if r.outcome is Outcome.PASSED:
                mark = paint("ok  ", "green")
            elif r.pending:
                mark = paint("PEND", "yellow")
            else:
                mark = paint("FAIL", "red")
            given = f" given {', '.join(repr(s) for s in r.states)}" if r.states else ""
            print(f"  {mark} {r.consumer}: {r.description!r}{paint(given, 'dim')}")
            for line in r.comment_lines():
                print(paint(f"       {line}", "dim"))
            if r.outcome is not Outcome.PASSED:
                if r.error:
                    print(f"       {paint(r.error, 'red')}")
                for mismatch in r.mismatches:
                    print(f"       {mismatch}")
            for warning in r.warnings:
                print(paint(f"       warning: {warning}", "yellow"))
            if self.verbose:
                for notice in r.notices:
                    print(paint(f"       note: {notice}", "dim"))


def _selectors(raw: list[str]) -> list[dict[str, Any]]:
    selectors = []
    for text in raw:
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise AccordError(f"--consumer-version-selectors {text!r} is not JSON: {exc}") from exc
        if not isinstance(value, dict):
            raise AccordError(f"--consumer-version-selectors {text!r} must be a JSON object")
        selectors.append(value)
    return selectors


def run(args: argparse.Namespace) -> int:
    if not args.sources and not args.broker_url:
        raise AccordError("give pact files, directories or URLs, or a broker (--broker-url)")
    if args.app and args.message_url:
        raise AccordError("use either --app or --message-url, not both")
    if args.app:
        verifier = load_app(args.app)
        verifier.provider = args.provider
        verifier.timeout = args.timeout
        verifier.missing_state = args.missing_state
    elif args.message_url:
        verifier = Verifier(
            args.provider,
            message_url=args.message_url,
            state_change_url=args.state_change_url,
            timeout=args.timeout,
            missing_state=args.missing_state,
        )
    else:
        raise AccordError("say how to reach the provider: --app module:verifier or --message-url")
    paint = painter_for(sys.stdout, args.color)
    verifier.on_event(ConsoleReporter(paint, args.verbose))
    token, user = args.broker_token, args.broker_username
    auth = Auth(token, user, args.broker_password) if (token or user) else None
    client = broker_client(args) if args.broker_url else None
    result = verifier.verify(
        *args.sources,
        filter_description=args.filter_description,
        filter_state=args.filter_state,
        filter_consumer=args.filter_consumer,
        auth=auth,
        verbose=args.verbose,
        broker=client,
        selectors=_selectors(args.consumer_version_selectors),
        provider_version=args.provider_version,
        provider_branch=args.provider_branch,
        provider_tags=args.provider_tags,
        publish=args.publish,
        enable_pending=args.enable_pending,
        include_wip_since=args.include_wip_pacts_since,
        build_url=args.build_url,
    )
    if args.json:
        Path(args.json).write_text(result.dumps() + "\n", encoding="utf-8")
    if args.junit:
        Path(args.junit).write_text(result.to_junit() + "\n", encoding="utf-8")
    colour = "green" if result.ok else "red"
    print(paint(result.summary(), colour))
    return 0 if result.ok else 1
